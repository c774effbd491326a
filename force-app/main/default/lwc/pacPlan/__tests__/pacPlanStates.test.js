import { createElement } from 'lwc';
import { graphql } from 'lightning/graphql';
import { getRecord } from 'lightning/uiRecordApi';
import PacPlan from 'c/pacPlan';

// What the card shows for every state of a record, with the labels a French org holds (audit lwcaudit): the
// translations of force-app (translations/fr), read from the files, so a test fails when a label says a wrong thing.
// jest.mock factories run before the imports: they read the files themselves (names starting with "mock").
function mockFrench(name) {
    const xml = require('fs').readFileSync(require('path').join(__dirname, '..', '..', '..', 'translations',
        'fr.translation-meta.xml'), 'utf8');
    const found = [...xml.matchAll(/<label>([^<]*)<\/label>\s*<name>([A-Za-z_]+)<\/name>/g)].find((m) => m[2] === name);
    return { default: found[1].replace(/&apos;/g, "'") };
}

jest.mock('@salesforce/i18n/locale', () => ({ default: 'fr-FR' }), { virtual: true });
jest.mock('@salesforce/label/c.PAC_Actions_Elsewhere', () => mockFrench('PAC_Actions_Elsewhere'), { virtual: true });
jest.mock('@salesforce/label/c.PAC_Actions', () => mockFrench('PAC_Actions'), { virtual: true });

const NBSP = '\u00a0';
const NNBSP = '\u202f';
const v = (value, displayValue = null) => ({ value, displayValue });

function action(id, name, done, target, { status = 'in_progress', pace = 'on_track', pct } = {}) {
    return {
        node: {
            Id: id, Name: v(name), PAC_Status__c: v(status, status), PAC_Done__c: v(done), PAC_Target__c: v(target),
            PAC_Progress_Pct__c: v(pct === undefined ? (target ? Math.round((1000 * done) / target) / 10 : 0) : pct),
            PAC_Pace__c: v(pace, pace), PAC_Window_End__c: v('2027-06-30', '30/06/2027'), Owner: { Name: v('Paul Durand') }
        }
    };
}

function axis(id, name, { done = 0, target = 0, pct = 40, actions = [], revenue = '1 €', objective = '2 €' } = {}) {
    return {
        node: {
            Id: id, Name: v(name), PAC_Key__c: v(`pac-2027:${name.split(' ')[0]}`), PAC_Plan__c: v('PAC 2027'),
            PAC_Status__c: v('active', 'Actif'), PAC_Priority__c: v(null), PAC_Progress_Pct__c: v(pct),
            PAC_Pace__c: v('on_track', 'Dans les temps'), PAC_Revenue__c: v(null, revenue),
            PAC_Objective__c: v(null, objective), PAC_Done__c: v(done), PAC_Target__c: v(target),
            PAC_Actions__r: { edges: actions }
        }
    };
}

async function render(...edges) {
    const element = createElement('c-pac-plan', { is: PacPlan });
    document.body.appendChild(element);
    graphql.emit({ uiapi: { query: { PAC_Axis__c: { edges } } } });
    await Promise.resolve();
    return element.shadowRoot;
}

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
});

describe('c-pac-plan: what is not listed is counted in the target units', () => {
    // PAC_Axis__c.PAC_Target__c is the sum of its actions' targets (visits, calls...), not a number of actions.
    // Seen failing before the fix: « 4 actions non listées ici » where one action (A-11, target 4) is not listed.
    it('says 4 of the target, not 4 actions, for one unlisted action of target 4', async () => {
        const actions = [action('b1', 'A-12', 3, 20), action('b2', 'A-13', 1, 8),
            action('b3', 'A-14', 0, 6, { status: 'cancelled', pace: 'inactive' })];
        const root = await render(axis('a2', 'AX-AGRO-MAINT Maintenance agro', { done: 4, target: 32, actions }));
        const line = root.querySelector('[data-elsewhere]').textContent;
        expect(line).toContain('4');
        expect(line).not.toMatch(/^4 actions/);
        expect(line).toBe('dont 4 sur des actions non listées ici (dans un autre CRM, ou non partagées avec vous)');
    });

    it('formats the figure in the user locale', async () => {
        const root = await render(axis('a3', 'AX-BIG Grand axe', { done: 900, target: 1500 }));
        expect(root.querySelector('[data-elsewhere]').textContent.startsWith(`dont 1${NNBSP}500 sur des actions`)).toBe(true);
        expect(root.querySelector('.figures').textContent).toContain(`Actions 900 / 1${NNBSP}500`);
    });
});

describe('c-pac-plan: progress bars are read by assistive technologies', () => {
    // "The read-only aria-valuenow should be provided ... make sure the aria-valuenow value is between the minimum
    // and maximum values ... use aria-label if a visible label is not present" (MDN, ARIA progressbar role).
    // Seen failing before the fix: a bare <div> with a title, no role, no value.
    it('gives each bar its role, its bounded value, the figure as shown and the name of what it measures', async () => {
        const root = await render(axis('a1', 'AX-SO-MAINT Contrats de maintenance', {
            pct: 250, done: 12, target: 12, actions: [action('c1', 'A-03 Proposer un contrat', 6, 10)]
        }));
        const [axisBar, actionBar] = root.querySelectorAll('[role="progressbar"]');
        expect(axisBar.getAttribute('aria-valuemin')).toBe('0');
        expect(axisBar.getAttribute('aria-valuemax')).toBe('100');
        expect(axisBar.getAttribute('aria-valuenow')).toBe('100');
        expect(axisBar.getAttribute('aria-valuetext')).toBe(`250${NBSP}%`);
        expect(axisBar.getAttribute('aria-label')).toBe('AX-SO-MAINT Contrats de maintenance');
        expect(actionBar.getAttribute('aria-valuenow')).toBe('60');
        expect(actionBar.getAttribute('aria-valuetext')).toBe(`60${NBSP}%`);
        expect(actionBar.getAttribute('aria-label')).toBe('A-03 Proposer un contrat');
    });

    it("writes an action's progress on its line, not only in a tooltip (touch screens have none)", async () => {
        // Seen failing before the fix: « Paul Durand · 6 / 10 · 30/06/2027 », the 60 % in a title only.
        const root = await render(axis('a1', 'AX-1 Axe', { actions: [action('c1', 'A-01 Visiter', 6, 10)] }));
        const line = root.querySelector('li.action .meta');
        expect(line.querySelector('[data-pct]').textContent).toBe(`60${NBSP}%`);
        expect(line.textContent).toBe(`Paul Durand · 6 / 10 · 60${NBSP}% · 30/06/2027`);
    });
});

describe('c-pac-plan: a record with empty fields', () => {
    // "If this value is null, the displayValue is also null" (UI API, Field Value). A record pac created but has
    // not written its figures on yet, or an axis with no objective. Seen failing before the fix: « PAC 2027 · Actif ·
    //  / » and « Actions 0 / 0 ».
    it('shows a dash for each missing figure, never a bare separator or a zero the field does not hold', async () => {
        const node = axis('a9', 'AX-NEW Nouvel axe', { revenue: null, objective: null, pct: null });
        node.node.PAC_Done__c = v(null);
        node.node.PAC_Target__c = v(null);
        const root = await render(node);
        const meta = root.querySelector('li.axis .meta').textContent;
        expect(meta).toBe('PAC 2027 · Actif · — / —');
        expect(root.querySelector('.figures').textContent).toBe('— · Actions — / —');
        expect(root.querySelector('[data-elsewhere]')).toBeNull();
        // no bar for the unknown progress (an empty bar read 0 %: audit lwchand, 8 Dec 2026)
        expect(root.querySelector('[role="progressbar"]')).toBeNull();
    });

    it('keeps a negative additional revenue and progress as written', async () => {
        // a plan behind last year: won 40 000 € - baseline 52 000 € = -12 000 €, progress -8 %
        const root = await render(axis('a8', 'AX-DOWN Axe en recul', { revenue: '-12 000 €', objective: '150 000 €', pct: -8 }));
        expect(root.querySelector('li.axis .meta').textContent).toBe('PAC 2027 · Actif · -12 000 € / 150 000 €');
        expect(root.querySelector('[data-pct]').textContent).toBe(`-8${NBSP}%`);
        expect(root.querySelector('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('0');
    });
});

describe('c-pac-plan: an account page lists no axis removed from the plan', () => {
    // Two running plans on the org: pac-2027-nord removed AX-01 from its file (its record stays, pace « removed »,
    // plan end 2027-12-31), pac-2027-sud has an AX-01 that targets the account. The account holds the bare id
    // « AX-01 » (only one plan in force has it in its file: sync_jobs/account_targets.py), which the query reads
    // as any key ending « :AX-01 »: the removed record matched as well. Seen failing before the fix: no pace filter.
    it('asks for the named axes without those pac marked removed, as the Home card does', async () => {
        const element = createElement('c-pac-plan', { is: PacPlan });
        Object.assign(element, { recordId: '001A', objectApiName: 'Account' });
        document.body.appendChild(element);
        getRecord.emit({ apiName: 'Account', id: '001A', fields: { PAC_Axes__c: v('AX-01') } });
        await Promise.resolve();
        const { where } = graphql.getLastConfig().variables;
        expect(where.and).toContainEqual({ PAC_Pace__c: { ne: 'removed' } });
        expect(where.and[0]).toEqual({ or: [{ PAC_Key__c: { like: '%:AX-01' } }] });
    });
});

describe('c-pac-plan: an unknown progress draws no bar (audit lwchand)', () => {
    // An axis with no objective, or an action with a target of 0, has no progress (PAC_Progress_Pct__c empty): the
    // card showed « — » beside an empty bar, which reads 0 %. Seen failing before the fix: a bar was drawn.
    it('draws no bar for an axis whose progress is empty, and one for an axis at 0 %', async () => {
        const root = await render(axis('a4', 'AX-NOOBJ Sans objectif', { pct: null }),
            axis('a5', 'AX-ZERO Rien encore', { pct: 0 }));
        const [unknown, zero] = root.querySelectorAll('li.axis');
        expect(unknown.querySelector('.axis-name').textContent).toBe('AX-NOOBJ Sans objectif');
        expect(unknown.querySelector('.track:not(.small)')).toBeNull();
        expect(unknown.querySelector('[data-pct]').textContent).toBe('—');
        expect(zero.querySelector('.track:not(.small)')).not.toBeNull();
    });

    it('draws no bar for an action whose progress is empty', async () => {
        const root = await render(axis('a6', 'AX-ONE Un axe', { actions: [action('b9', 'A-90', 0, 0, { pct: null })] }));
        const item = root.querySelector('[data-action="b9"]');
        expect(item.querySelector('.track')).toBeNull();
        expect(item.querySelector('[data-pct]').textContent).toBe('—');
    });
});

describe('c-pac-plan: actions with no end date come last (audit lwchand)', () => {
    // The actions are ordered by PAC_Window_End__c ascending, and an ascending order puts empty values first unless
    // told otherwise (SOQL "ORDER BY ... ASC" is NULLS FIRST by default): ask for them last, as the axes' priority.
    it('asks the actions ordered by end date with empty dates last', () => {
        const source = require('fs').readFileSync(require('path').join(__dirname, '..', 'pacPlan.js'), 'utf8');
        expect(source).toMatch(/PAC_Actions__r\(first: 50, orderBy: \{ PAC_Window_End__c: \{ order: ASC, nulls: LAST \} \}\)/);
    });
});
