import { createElement } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { getRecord } from 'lightning/uiRecordApi';
import PacPlan from 'c/pacPlan';

// A user who may not read one PAC field (a custom profile, a permission set edited in the org): the card still shows
// the plan, and the hidden figure reads « non disponible », never « — » (a field pac has not written yet) nor a
// blank (audit lwcgql). "To construct queries that succeed even if the context user doesn't have access to a field,
// use optional fields" (GraphQL API, Query Objects, API v65.0); "If the user executing the query doesn't have access
// to the employee number field, the query succeeds and returns the Id field but not the EmployeeNumber field or any
// subfields of EmployeeNumber" (Query Objects Examples): a hidden field is absent from the node.
function mockFrench(name) {
    const xml = require('fs').readFileSync(require('path').join(__dirname, '..', '..', '..', 'translations',
        'fr.translation-meta.xml'), 'utf8');
    const found = [...xml.matchAll(/<label>([^<]*)<\/label>\s*<name>([A-Za-z_]+)<\/name>/g)].find((m) => m[2] === name);
    return { default: found ? found[1].replace(/&apos;/g, "'") : `(no French label ${name})` };
}

jest.mock('@salesforce/i18n/locale', () => ({ default: 'fr-FR' }), { virtual: true });
jest.mock('@salesforce/label/c.PAC_Actions', () => mockFrench('PAC_Actions'), { virtual: true });
jest.mock('@salesforce/label/c.PAC_Actions_Elsewhere', () => mockFrench('PAC_Actions_Elsewhere'), { virtual: true });
jest.mock('@salesforce/label/c.PAC_Load_Error', () => mockFrench('PAC_Load_Error'), { virtual: true });
jest.mock('@salesforce/label/c.PAC_Not_Available', () => mockFrench('PAC_Not_Available'), { virtual: true });
jest.mock('@salesforce/label/c.PAC_Partial_Load', () => mockFrench('PAC_Partial_Load'), { virtual: true });

// the queries as the module wrote them: gql is a tagged template (a jest.fn in sfdx-lwc-jest), called at import
const QUERIES = gql.mock.calls.map(([strings, ...values]) =>
    strings.reduce((text, s, i) => text + s + (i < values.length ? String(values[i]) : ''), ''));

const NBSP = '\u00a0';
const v = (value, displayValue = null) => ({ value, displayValue });

function action(id, name, done, target) {
    return {
        node: {
            Id: id, Name: v(name), PAC_Status__c: v('in_progress', 'En cours'), PAC_Done__c: v(done),
            PAC_Target__c: v(target), PAC_Progress_Pct__c: v(Math.round((1000 * done) / target) / 10),
            PAC_Pace__c: v('on_track', 'Dans les temps'), PAC_Window_End__c: v('2027-06-30', '30/06/2027'),
            Owner: { Name: v('Paul Durand') }
        }
    };
}

function axis({ actions = [], done = 7, target = 15 } = {}) {
    return {
        node: {
            Id: 'a00000000000001AAA', Name: v('AX-RA-DORM Réactiver les dormants'),
            PAC_Key__c: v('pac-2027:AX-RA-DORM'), PAC_Plan__c: v('PAC 2027'), PAC_Status__c: v('active', 'Actif'),
            PAC_Priority__c: v(null), PAC_Progress_Pct__c: v(62), PAC_Pace__c: v('on_track', 'Dans les temps'),
            PAC_Revenue__c: v(93000, '93 000 €'), PAC_Objective__c: v(150000, '150 000 €'),
            PAC_Won_Revenue__c: v(141000, '141 000 €'), PAC_Baseline__c: v(48000, '48 000 €'),
            PAC_Done__c: v(done), PAC_Target__c: v(target), PAC_Actions__r: { edges: actions, totalCount: actions.length }
        }
    };
}

/** ``node`` as a user who may not read ``fields`` receives it: those keys are absent. */
function hide(edge, ...fields) {
    fields.forEach((f) => delete edge.node[f]);
    return edge;
}

async function render(value) {
    const element = createElement('c-pac-plan', { is: PacPlan });
    document.body.appendChild(element);
    // the raw wire value, data and errors together (the stub's emit sets errors undefined, emitErrors data)
    Object.getPrototypeOf(graphql).emit(value);
    await Promise.resolve();
    return element.shadowRoot;
}

const plan = (...edges) => ({ uiapi: { query: { PAC_Axis__c: { edges, totalCount: edges.length } } } });

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
});

describe('c-pac-plan: the queries ask for every PAC field as optional', () => {
    // Seen failing before the fix: no @optional, so one field the user may not read failed the whole query and the
    // card read « Le plan n'a pas pu être chargé » with no axis.
    it('marks each PAC field and the actions relationship it selects @optional', () => {
        // a selection is a name, its arguments, then « { »; PAC_Axis__c(where: ...) is the query of the object itself
        const selected = QUERIES.flatMap((q) => [...q.matchAll(/\b(PAC_\w+__[cr])\b(\([^)]*\))?\s*(@optional)?\s*\{/g)])
            .filter((m) => !(m[1] === 'PAC_Axis__c' && m[2]));
        const names = new Set(selected.map((m) => m[1]));
        expect([...names]).toEqual(expect.arrayContaining(['PAC_Revenue__c', 'PAC_Progress_Pct__c', 'PAC_Target__c',
            'PAC_Actions__r', 'PAC_Axes__c']));
        expect(selected.filter((m) => !m[3]).map((m) => m[1])).toEqual([]);
    });

    it('is a bundle of API v65.0 or later, where optional fields are available', () => {
        const xml = require('fs').readFileSync(require('path').join(__dirname, '..', 'pacPlan.js-meta.xml'), 'utf8');
        expect(Number(xml.match(/<apiVersion>([\d.]+)<\/apiVersion>/)[1])).toBeGreaterThanOrEqual(65);
    });
});

describe('c-pac-plan: a figure the user may not read', () => {
    it('shows the plan with the hidden revenue as not available, the other figures as written', async () => {
        const root = await render({ data: plan(hide(axis(), 'PAC_Revenue__c')) });
        expect(root.querySelector('.error')).toBeNull();
        expect(root.querySelector('li.axis .meta').textContent).toBe('PAC 2027 · Actif · non disponible / 150 000 €');
        expect(root.querySelector('[data-pct]').textContent).toBe(`62${NBSP}%`);
        expect(root.querySelector('.figures').textContent).toBe(`62${NBSP}% · Actions 7 / 15`);
    });

    it('tells a hidden figure from an empty one (« — »: pac has not written it yet)', async () => {
        const edge = hide(axis(), 'PAC_Objective__c');
        edge.node.PAC_Revenue__c = v(null);
        const root = await render({ data: plan(edge) });
        expect(root.querySelector('li.axis .meta').textContent).toBe('PAC 2027 · Actif · — / non disponible');
    });

    it('draws no bar for a hidden progress (an empty bar reads 0 %)', async () => {
        const root = await render({ data: plan(hide(axis(), 'PAC_Progress_Pct__c', 'PAC_Pace__c')) });
        expect(root.querySelector('li.axis [role="progressbar"]')).toBeNull();
        expect(root.querySelector('[data-pct]').textContent).toBe('non disponible');
        expect(root.querySelector('li.axis [data-pace]').textContent).toBe('non disponible');
    });

    it("claims no unlisted actions when the listed actions' targets are hidden", async () => {
        // axis target 26 = 20 + 6, both listed; PAC_Action__c.PAC_Target__c hidden. Before: « dont 26 sur des
        // actions non listées ici », 26 units said to be elsewhere when they are listed here.
        const actions = [hide(action('c1', 'A-01 Visiter', 3, 20), 'PAC_Target__c'),
            hide(action('c2', 'A-02 Relancer', 1, 6), 'PAC_Target__c')];
        const root = await render({ data: plan(axis({ actions, done: 4, target: 26 })) });
        expect(root.querySelectorAll('li.action')).toHaveLength(2);
        expect(root.querySelector('[data-elsewhere]')).toBeNull();
        expect(root.querySelector('li.action .meta').textContent)
            .toBe(`Paul Durand · 3 / non disponible · 15${NBSP}% · 30/06/2027`);
    });

    it("shows an action's hidden progress and pace as not available, without a bar", async () => {
        const edge = hide(action('c1', 'A-01 Visiter', 6, 10), 'PAC_Progress_Pct__c', 'PAC_Pace__c');
        const root = await render({ data: plan(axis({ actions: [edge], done: 6, target: 10 })) });
        const li = root.querySelector('li.action');
        expect(li.querySelector('[role="progressbar"]')).toBeNull();
        expect(li.querySelector('[data-pace]').textContent).toBe('non disponible');
        expect(li.querySelector('.meta').textContent).toBe('Paul Durand · 6 / 10 · non disponible · 30/06/2027');
    });
});

describe("c-pac-plan: an axis's page when the user may not read its key", () => {
    // getRecord reads PAC_Key__c as an optional field: the record comes without it. Seen failing before the fix: the
    // accounts were asked for with an empty filter ({ or: [] }) built from no name at all.
    it('asks for the axis alone, with no accounts filter built from nothing', async () => {
        const element = createElement('c-pac-plan', { is: PacPlan });
        Object.assign(element, { recordId: 'a00000000000001AAA', objectApiName: 'PAC_Axis__c' });
        document.body.appendChild(element);
        getRecord.emit({ apiName: 'PAC_Axis__c', id: 'a00000000000001AAA', fields: {} });
        await Promise.resolve();
        expect(graphql.getLastConfig().variables).toEqual({ where: { Id: { eq: 'a00000000000001AAA' } } });
        graphql.emit(plan(hide(axis(), 'PAC_Key__c')));
        await Promise.resolve();
        expect(element.shadowRoot.querySelectorAll('li.axis')).toHaveLength(1);
        expect(element.shadowRoot.querySelector('.accounts')).toBeNull();
    });
});

describe('c-pac-plan: an answer with data and errors', () => {
    // "Values emitted by graphql can contain data and errors properties. These properties follow the GraphQL Response
    // specification" (Query Your Data): a field that failed is null and named in errors, the rest is there.
    // Seen failing before the fix: the load error alone, the axes received thrown away.
    it('shows the axes received and says what could not be loaded', async () => {
        const root = await render({
            data: plan(axis()),
            errors: [{ message: 'PAC_Actions__r: request timed out', path: ['uiapi', 'query', 'PAC_Axis__c'] }]
        });
        expect(root.querySelectorAll('li.axis')).toHaveLength(1);
        expect(root.querySelector('.error')).toBeNull();
        expect(root.querySelector('[data-partial]').textContent)
            .toBe("Certaines données n'ont pas pu être chargées : PAC_Actions__r: request timed out");
    });

    it('keeps the load error when no data comes with the errors', async () => {
        const root = await render({ data: undefined, errors: [{ message: 'No such column' }] });
        expect(root.querySelector('.error').textContent).toBe("Le plan n'a pas pu être chargé : No such column");
        expect(root.querySelector('[data-partial]')).toBeNull();
        expect(root.querySelectorAll('li.axis')).toHaveLength(0);
    });
});
