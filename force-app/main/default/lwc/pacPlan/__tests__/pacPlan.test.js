import { createElement } from 'lwc';
import { graphql } from 'lightning/graphql';
import { getRecord } from 'lightning/uiRecordApi';
import PacPlan, { axisId, barWidth, fmtPct } from 'c/pacPlan';

const fs = require('fs');
const path = require('path');

// The user's locale (@salesforce/i18n/locale). sfdx-lwc-jest's transformer turns the import into a require with
// 'en-US' as its fallback, so a test gives its own value with jest.mock, virtual since the module exists only in
// the org. These fixtures are a French org's (« 93 000 € »), and so is the screenshot page.
jest.mock('@salesforce/i18n/locale', () => ({ default: 'fr-FR' }), { virtual: true });

// Intl's French percent: a no-break space before the sign, a narrow no-break space between thousands
const NBSP = '\u00a0';
const NNBSP = '\u202f';

// GraphQL answers shaped as the UI API returns them (uiapi.query.<Object>.edges[].node, fields as {value, displayValue}).
const v = (value, displayValue) => ({ value, displayValue: displayValue === undefined ? null : displayValue });

function action(id, name, done, target, pct, pace, paceLabel, owner, due) {
    return {
        node: {
            Id: id, Name: v(name), PAC_Status__c: v('in_progress', 'En cours'), PAC_Done__c: v(done),
            PAC_Target__c: v(target), PAC_Progress_Pct__c: v(pct), PAC_Pace__c: v(pace, paceLabel),
            PAC_Window_End__c: v('2027-06-30', '30/06/2027'), Owner: { Name: v(owner) }
        }
    };
}

function axis(id, key, name, pct, pace, paceLabel, done, target, revenue, objective, actions, won, baseline) {
    return {
        node: {
            Id: id, Name: v(name), PAC_Key__c: v(key), PAC_Plan__c: v('PAC 2027 Durand Process'),
            PAC_Status__c: v('active', 'Actif'), PAC_Progress_Pct__c: v(pct), PAC_Pace__c: v(pace, paceLabel),
            PAC_Revenue__c: v(null, revenue), PAC_Objective__c: v(null, objective),
            PAC_Won_Revenue__c: v(null, won), PAC_Baseline__c: v(null, baseline),
            PAC_Done__c: v(done), PAC_Target__c: v(target), PAC_Actions__r: { edges: actions }
        }
    };
}

function axesData(count = 2) {
    const edges = [
        axis('a00000000000001AAA', 'pac-2027-durand:AX-RA-DORM', 'AX-RA-DORM Réactiver les clients dormants', 62,
            'on_track', 'Dans les temps', 7, 15, '93 000 €', '150 000 €', [
                action('a01000000000001AAA', 'A-01 Visiter 10 clients dormants du Rhône', 6, 10, 60, 'on_track',
                    'Dans les temps', 'Paul Durand'),
                action('a01000000000002AAA', 'A-02 Relancer les devis ouverts des dormants', 1, 5, 20, 'late',
                    'Manquée', 'Julie Martin')
            ], '141 000 €', '48 000 €'),
        axis('a00000000000002AAA', 'pac-2027-durand:AX-SO-MAINT', 'AX-SO-MAINT Contrats de maintenance', 250,
            'done', 'Objectif atteint', 12, 12, '50 000 €', '20 000 €', [
                action('a01000000000003AAA', 'A-03 Proposer un contrat de maintenance à 12 clients', 12, 12, 100,
                    'done', 'Terminée', 'Paul Durand')
            ])
    ].slice(0, count);
    return { uiapi: { query: { PAC_Axis__c: { edges } } } };
}

function accountsData() {
    const acc = (id, name, axes) => ({ node: { Id: id, Name: v(name), PAC_Axes__c: v(axes) } });
    return {
        uiapi: {
            query: {
                Account: {
                    edges: [
                        acc('001000000000001AAA', 'Chimie Rhône SA', 'AX-RA-DORM'),
                        acc('001000000000002AAA', 'Eaux du Sud', 'AX-RA-DORM-2'),
                        acc('001000000000003AAA', 'Laboratoires Lyonnais', 'AX-RA-DORM; AX-SO-MAINT')
                    ]
                }
            }
        }
    };
}

const AXIS_RECORD = {
    apiName: 'PAC_Axis__c',
    id: 'a00000000000001AAA',
    fields: { PAC_Key__c: { value: 'pac-2027-durand:AX-RA-DORM', displayValue: null } }
};

const ACCOUNT_RECORD = {
    apiName: 'Account',
    id: '001000000000001AAA',
    fields: { PAC_Axes__c: { value: 'AX-RA-DORM; AX-SO-MAINT', displayValue: null } }
};

function mount(props = {}) {
    const element = createElement('c-pac-plan', { is: PacPlan });
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

const flush = () => Promise.resolve();

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
});

describe('c-pac-plan', () => {
    it('shows each axis with its actions, progress bars and pace', async () => {
        const element = mount();
        graphql.emit(axesData());
        await flush();
        const root = element.shadowRoot;
        const axes = root.querySelectorAll('li.axis');
        expect(axes).toHaveLength(2);
        expect(axes[0].querySelector('.axis-name').textContent).toBe('AX-RA-DORM Réactiver les clients dormants');
        const bars = axes[0].querySelectorAll('[data-bar]');
        // the axis bar, then one per action
        expect(bars).toHaveLength(3);
        expect(bars[0].style.width).toBe('62%');
        expect(bars[0].className).toContain('pace_on-track');
        expect(axes[0].querySelector('[data-pace]').textContent).toBe('Dans les temps');
        const actions = axes[0].querySelectorAll('li.action');
        expect(actions).toHaveLength(2);
        expect(actions[1].querySelector('[data-pace]').textContent).toBe('Manquée');
        expect(actions[1].querySelector('[data-bar]').className).toContain('pace_late');
        expect(actions[1].querySelector('.meta').textContent).toContain('Julie Martin');
        expect(axes[0].querySelector('.figures').textContent).toContain('7 / 15');
    });

    it('caps a bar at 100 % while the figure says 250 %', async () => {
        const element = mount();
        graphql.emit(axesData());
        await flush();
        const second = element.shadowRoot.querySelectorAll('li.axis')[1];
        expect(second.querySelector('[data-bar]').style.width).toBe('100%');
        expect(second.querySelector('[data-pct]').textContent).toBe(`250${NBSP}%`);
        expect(second.querySelector('[data-bar]').className).toContain('pace_done');
    });

    it('shows the won revenue and the baseline the additional revenue is counted from', async () => {
        const element = mount();
        graphql.emit(axesData());
        await flush();
        const [first, second] = element.shadowRoot.querySelectorAll('li.axis');
        // 141 000 € won - 48 000 € baseline = the 93 000 € additional revenue shown against the objective
        expect(first.querySelector('.meta').textContent).toContain('93 000 € / 150 000 €');
        const basis = first.querySelector('[data-basis]').textContent;
        expect(basis).toContain('141 000 €');
        expect(basis).toContain('48 000 €');
        expect(basis.indexOf('141 000 €')).toBeLessThan(basis.indexOf('48 000 €'));
        // an axis not yet written with them (an org provisioned before, or before pac's next run): no empty line
        expect(second.querySelector('[data-basis]')).toBeNull();
    });

    it('asks for the running axes on the Home page', async () => {
        mount();
        await flush();
        expect(graphql.getLastConfig().variables).toEqual({
            where: {
                and: [{ PAC_Status__c: { in: ['active', 'prioritised'] } }, { PAC_Pace__c: { ne: 'removed' } },
                    { or: [{ PAC_Plan_End__c: { gte: { literal: 'TODAY' } } }, { PAC_Plan_End__c: { eq: null } }] }]
            }
        });
    });

    it('leaves out an ended plan on Home and on an account (its records are history)', async () => {
        // 4 January 2027: the 2026 plan ended on 31 December, its records keep status active and pace late; pac
        // writes each record's plan end (PAC_Plan_End__c), and records it has not written it on yet stay listed
        const running = { or: [{ PAC_Plan_End__c: { gte: { literal: 'TODAY' } } }, { PAC_Plan_End__c: { eq: null } }] };
        mount();
        await flush();
        expect(graphql.getLastConfig().variables.where.and).toContainEqual(running);
        document.body.removeChild(document.body.firstChild);
        mount({ recordId: '001000000000001AAA', objectApiName: 'Account' });
        getRecord.emit(ACCOUNT_RECORD);
        await flush();
        expect(graphql.getLastConfig().variables.where.and).toContainEqual(running);
    });

    it('lists no action pac marked removed from the plan', async () => {
        const data = axesData(1);
        data.uiapi.query.PAC_Axis__c.edges[0].node.PAC_Actions__r.edges.push(
            action('a01000000000009AAA', 'A-91 Action retirée du plan', 3, 2, 150, 'removed', 'Retirée du plan',
                'Julie Martin'));
        const element = mount();
        graphql.emit(data);
        await flush();
        const text = element.shadowRoot.textContent;
        expect(text).toContain('A-01 Visiter 10 clients dormants du Rhône');
        expect(text).not.toContain('A-91');
    });

    it('on an account, asks for the axes named in its PAC_Axes__c', async () => {
        mount({ recordId: '001000000000001AAA', objectApiName: 'Account' });
        getRecord.emit(ACCOUNT_RECORD);
        await flush();
        expect(graphql.getLastConfig().variables.where.and[0]).toEqual(
            { or: [{ PAC_Key__c: { like: '%:AX-RA-DORM' } }, { PAC_Key__c: { like: '%:AX-SO-MAINT' } }] }
        );
    });

    it('on an axis, asks for it and lists the accounts it targets (exact ids only)', async () => {
        const element = mount({ recordId: 'a00000000000001AAA', objectApiName: 'PAC_Axis__c' });
        getRecord.emit(AXIS_RECORD);
        await flush();
        const { where, accounts } = graphql.getLastConfig().variables;
        expect(where).toEqual({ Id: { eq: 'a00000000000001AAA' } });
        // the whole id or key: alone, first, last or in the middle of the "; "-joined list (pacPlanLists.test.js)
        expect(accounts.or).toContainEqual({ PAC_Axes__c: { eq: 'AX-RA-DORM' } });
        expect(accounts.or).toContainEqual({ PAC_Axes__c: { like: '%; pac-2027-durand:AX-RA-DORM;%' } });
        const data = axesData(1);
        data.uiapi.query.Account = accountsData().uiapi.query.Account;
        graphql.emit(data);
        await flush();
        const names = [...element.shadowRoot.querySelectorAll('[data-account] a')].map((a) => a.textContent);
        expect(names).toEqual(['Chimie Rhône SA', 'Laboratoires Lyonnais']);
    });

    it('on an account, matches a plan-qualified key exactly and a bare id by its suffix', async () => {
        // two plans on the org using AX-RA-DORM: the account holds the axis records' keys, an id used by one plan
        // stays bare (multiplan: sync_jobs/account_targets.py)
        mount({ recordId: '001000000000001AAA', objectApiName: 'Account' });
        getRecord.emit({
            apiName: 'Account', id: '001000000000001AAA',
            fields: { PAC_Axes__c: { value: 'AX-SO-MAINT; pac-2026-durand:AX-RA-DORM; pac-2027-durand:AX-RA-DORM',
                displayValue: null } }
        });
        await flush();
        expect(graphql.getLastConfig().variables.where.and[0].or).toEqual([
            { PAC_Key__c: { like: '%:AX-SO-MAINT' } },
            { PAC_Key__c: { eq: 'pac-2026-durand:AX-RA-DORM' } },
            { PAC_Key__c: { eq: 'pac-2027-durand:AX-RA-DORM' } }
        ]);
    });

    it('on an axis, lists the accounts naming it by its id or by its plan-qualified key', async () => {
        const element = mount({ recordId: 'a00000000000001AAA', objectApiName: 'PAC_Axis__c' });
        getRecord.emit(AXIS_RECORD);
        await flush();
        const acc = (id, name, axes) => ({ node: { Id: id, Name: v(name), PAC_Axes__c: v(axes) } });
        const data = axesData(1);
        data.uiapi.query.Account = {
            edges: [
                acc('001000000000001AAA', 'Chimie Rhône SA', 'AX-RA-DORM'),
                acc('001000000000004AAA', 'Fonderies du Rhône', 'pac-2026-durand:AX-RA-DORM; pac-2027-durand:AX-RA-DORM'),
                acc('001000000000005AAA', 'Verreries de Lyon', 'pac-2026-durand:AX-RA-DORM'),
                acc('001000000000006AAA', 'Papeteries Alpines', 'pac-2027-durand:AX-RA-DORM-2')
            ]
        };
        graphql.emit(data);
        await flush();
        const names = [...element.shadowRoot.querySelectorAll('[data-account] a')].map((a) => a.textContent);
        // the 2026 plan's axis of the same id is another record: its accounts are not this axis's
        expect(names).toEqual(['Chimie Rhône SA', 'Fonderies du Rhône']);
    });

    it('says when there is no axis, and shows errors', async () => {
        const element = mount();
        graphql.emit({ uiapi: { query: { PAC_Axis__c: { edges: [] } } } });
        await flush();
        expect(element.shadowRoot.querySelector('.empty').textContent).toBe('c.PAC_No_Axis');
        graphql.emitErrors([{ message: 'No such column PAC_Pace__c' }]);
        await flush();
        await flush();
        expect(element.shadowRoot.querySelector('.error').textContent).toContain('No such column PAC_Pace__c');
    });

    it('shows the progress the field holds, never rounded again', async () => {
        // AX-MAINT at 9 500 / 20 010 = 47.4763 %: pac writes PAC_Progress_Pct__c 47.5 (one decimal, half up) and
        // the report says 47 %; rounding the field's 47.5 again gave "48 %" (audit E, F2). An action at 1/67
        // (1.49 %) is written 1.5, was shown "2 %".
        const element = mount();
        const data = axesData(1);
        const [node] = data.uiapi.query.PAC_Axis__c.edges;
        node.node.PAC_Progress_Pct__c = v(47.5);
        node.node.PAC_Actions__r.edges[0].node.PAC_Progress_Pct__c = v(1.5);
        graphql.emit(data);
        await flush();
        const axisEl = element.shadowRoot.querySelector('li.axis');
        expect(axisEl.querySelector('[data-pct]').textContent).toBe(`47,5${NBSP}%`);
        expect(axisEl.querySelector('.track').title).toBe(`47,5${NBSP}%`);
        const actionPcts = [...axisEl.querySelectorAll('li.action')].map((li) => li.querySelector('.track').title);
        expect(actionPcts).toEqual([`1,5${NBSP}%`, `20${NBSP}%`]);
    });

    it('formats a percentage in the user locale as the record page shows the Percent field', () => {
        expect(fmtPct(47.5)).toBe(`47,5${NBSP}%`);
        expect(fmtPct(80)).toBe(`80${NBSP}%`);
        expect(fmtPct(1234.5)).toBe(`1${NNBSP}234,5${NBSP}%`);
        expect(fmtPct(-12.5)).toBe(`-12,5${NBSP}%`);
        expect(fmtPct(-0)).toBe(`0${NBSP}%`);
        expect(fmtPct(null)).toBe('—');
        expect(fmtPct(undefined)).toBe('—');
    });

    it('reads axis ids and bar widths', () => {
        expect(axisId('pac-2027-durand:AX-RA-DORM')).toBe('AX-RA-DORM');
        expect(barWidth(-4)).toBe(0);
        expect(barWidth(null)).toBe(0);
        expect(barWidth(37.5)).toBe(37.5);
    });

    it('renders the screenshot page when PAC_LWC_SNAPSHOT is set', async () => {
        const element = mount();
        graphql.emit(axesData());
        await flush();
        const out = process.env.PAC_LWC_SNAPSHOT;
        let html = element.shadowRoot.innerHTML;
        expect(html).toContain('data-bar');
        if (out) {
            // the French labels the org shows (translations/fr), in place of the label paths Jest resolves
            const fr = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'translations', 'fr.translation-meta.xml'), 'utf8');
            const labels = {};
            for (const m of fr.matchAll(/<label>([^<]*)<\/label>\s*<name>(PAC_[A-Za-z_]+)<\/name>/g)) {
                labels[m[2]] = m[1].replace(/&apos;/g, "'");
            }
            html = html.replace(/c\.(PAC_[A-Za-z_]+)/g, (all, name) => labels[name] || all);
            const css = fs.readFileSync(path.join(__dirname, '..', 'pacPlan.css'), 'utf8');
            fs.writeFileSync(out, `<!doctype html><html lang="fr"><meta charset="utf-8"><style>body{background:#f3f3f3;` +
                `margin:0;padding:16px;width:560px}${css}</style><body>${html}</body></html>`);
        }
    });
});
