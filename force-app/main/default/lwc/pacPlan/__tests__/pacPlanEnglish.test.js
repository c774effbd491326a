import { createElement } from 'lwc';
import { graphql } from 'lightning/graphql';
import PacPlan, { fmtPct } from 'c/pacPlan';

// An English user (@salesforce/i18n/locale, mocked as sfdx-lwc-jest's transformer allows: a virtual module, since
// it exists only in the org). pacPlan.test.js is the French org.
jest.mock('@salesforce/i18n/locale', () => ({ default: 'en-US' }), { virtual: true });

const v = (value, displayValue) => ({ value, displayValue: displayValue === undefined ? null : displayValue });

function axis(id, pct) {
    return {
        node: {
            Id: id, Name: v('AX-MAINT Maintenance contracts'), PAC_Key__c: v('acme-q:AX-MAINT'),
            PAC_Plan__c: v('Acme Q2'), PAC_Status__c: v('active', 'Active'), PAC_Progress_Pct__c: v(pct),
            PAC_Pace__c: v('at_risk', 'At risk'), PAC_Revenue__c: v(9500, '$9,500'),
            PAC_Objective__c: v(20010, '$20,010'), PAC_Done__c: v(3), PAC_Target__c: v(4),
            PAC_Actions__r: { edges: [] }
        }
    };
}

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
});

describe('c-pac-plan for an English user', () => {
    it('shows the field value as written, without the French space', async () => {
        // 9,500 / 20,010 = 47.4763 %: written 47.5, the report's 47%; rounded again it read "48 %"
        const component = createElement('c-pac-plan', { is: PacPlan });
        document.body.appendChild(component);
        const edges = [axis('a00000000000003AAA', 47.5), axis('a00000000000004AAA', 80)];
        graphql.emit({ uiapi: { query: { PAC_Axis__c: { edges } } } });
        await Promise.resolve();
        const pcts = [...component.shadowRoot.querySelectorAll('[data-pct]')].map((span) => span.textContent);
        expect(pcts).toEqual(['47.5%', '80%']);
        expect(fmtPct(1234.5)).toBe('1,234.5%');
        expect(fmtPct(-0)).toBe('0%');
    });
});
