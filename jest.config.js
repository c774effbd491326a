// Jest for the Lightning web components under force-app (./dev test runs it through sfdx-lwc-jest).
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/.sfdx-check'],
    testPathIgnorePatterns: ['<rootDir>/node_modules/', '<rootDir>/.venv/', '<rootDir>/tests/']
};
