#!/usr/bin/env bash
# The Salesforce side of ./dev test: the SFDX source converts with the Salesforce CLI and the Lightning web
# component's Jest tests pass. Both tools come from npm (package.json devDependencies), installed into
# node_modules/ of this clone only when package.json or package-lock.json changed (a stamp remembers).
# PAC_SKIP_SALESFORCE_CHECK=1 skips it (say so in any report).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${PAC_SKIP_SALESFORCE_CHECK:-}" = 1 ]; then echo "salesforce check skipped (PAC_SKIP_SALESFORCE_CHECK=1)"; exit 0; fi
if ! command -v npm >/dev/null; then
  echo "salesforce check: npm not found. Install Node.js 20+ (apt-get install nodejs npm), or set PAC_SKIP_SALESFORCE_CHECK=1" >&2
  exit 3
fi
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true SFDX_DISABLE_TELEMETRY=true
stamp=node_modules/.pac-installed
want="$(cat package.json package-lock.json | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing the Salesforce CLI and sfdx-lwc-jest from npm (once per package.json change)..."
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > "$stamp"
fi
out=.sfdx-check
rm -rf "$out"
node_modules/.bin/sf project convert source --root-dir force-app --output-dir "$out/mdapi" >/dev/null 2>"$out.log" || {
  cat "$out.log" >&2; echo "salesforce check: sf project convert source failed" >&2; exit 1; }
test -f "$out/mdapi/package.xml" || { echo "salesforce check: no package.xml converted" >&2; exit 1; }
if find "$out/mdapi" -path '*__tests__*' | grep -q .; then
  echo "salesforce check: Jest tests (__tests__) were converted for deployment: .forceignore must list **/__tests__/**" >&2; exit 1
fi
echo "sf project convert source: $(grep -c '<members>' "$out/mdapi/package.xml") components converted"
node_modules/.bin/sfdx-lwc-jest -- --ci --silent
