import { LightningElement, api, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { NavigationMixin } from 'lightning/navigation';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';
import ACCOUNT_AXES from '@salesforce/schema/Account.PAC_Axes__c';
import AXIS_KEY from '@salesforce/schema/PAC_Axis__c.PAC_Key__c';
import TITLE from '@salesforce/label/c.PAC_Plan_Title';
import NO_AXIS from '@salesforce/label/c.PAC_No_Axis';
import ACTIONS from '@salesforce/label/c.PAC_Actions';
import ACCOUNTS from '@salesforce/label/c.PAC_Accounts';
import LOAD_ERROR from '@salesforce/label/c.PAC_Load_Error';
import ACCOUNTS_SHOWN from '@salesforce/label/c.PAC_Accounts_Shown';
import ACTIONS_ELSEWHERE from '@salesforce/label/c.PAC_Actions_Elsewhere';
import WON_REVENUE from '@salesforce/label/c.PAC_Won_Revenue';
import BASELINE from '@salesforce/label/c.PAC_Baseline';
import NOT_AVAILABLE from '@salesforce/label/c.PAC_Not_Available';
import PARTIAL_LOAD from '@salesforce/label/c.PAC_Partial_Load';
import LOCALE from '@salesforce/i18n/locale';

// Pace values written by pac (PAC_Pace__c, a restricted picklist): the colour of the badge and the bar.
const PACE_TONE = {
    done: 'pace_done',
    on_track: 'pace_on-track',
    at_risk: 'pace_at-risk',
    late: 'pace_late',
    not_started: 'pace_idle',
    inactive: 'pace_idle'
};
const RUNNING = ['active', 'prioritised'];
// An action left out of its axis's actions target (PAC_Target__c sums the others, each CRM's included).
const CANCELLED = 'cancelled';
// The pace pac gives a record whose axis or action is no longer in the plan (kept for its history, never listed here).
const REMOVED = 'removed';
// A plan still running: its records' plan end (PAC_Plan_End__c, the period's last day, written by pac) is today or
// later. An ended plan's records (last year's, kept as history, still "active" and "late") are left out, as the list
// views do; a record pac has not written it on yet (a mapping without plan_end) is kept.
const PLAN_RUNNING = { or: [{ PAC_Plan_End__c: { gte: { literal: 'TODAY' } } }, { PAC_Plan_End__c: { eq: null } }] };

// Every PAC field is asked for @optional: "To construct queries that succeed even if the context user doesn't have
// access to a field, use optional fields" (GraphQL API, Query Objects, "Optional fields available in API v65.0 and
// later"; lightning/graphql "provides newer features, such as optional fields"): "If the user executing the query
// doesn't have access to the employee number field, the query succeeds and returns the Id field but not the
// EmployeeNumber field or any subfields" (Query Objects Examples). A field a custom profile hides is then absent
// from its node, and the card says « non disponible » for it (audit lwcgql). The fields the queries filter or sort on
// (status, pace, plan end, key, priority, the actions' due date, the account's axes) must stay readable: a filter on
// a field the user may not read still fails the query (docs/salesforce.md, section 4).
const ACTION_FIELDS = `
    Id
    Name { value }
    PAC_Status__c @optional { value displayValue }
    PAC_Done__c @optional { value }
    PAC_Target__c @optional { value }
    PAC_Progress_Pct__c @optional { value }
    PAC_Pace__c @optional { value displayValue }
    PAC_Window_End__c @optional { value displayValue }
    Owner { ... on User { Name { value } } }`;

// What both queries read of an axis, with its actions (the first 50, by due date) and how many it has: a large plan
// (1,200 actions on 40 axes, audit bigplan) has axes with more, which the card says, « 50 sur 64 ».
const AXIS_FIELDS = `
    Id
    Name { value }
    PAC_Key__c @optional { value }
    PAC_Plan__c @optional { value }
    PAC_Status__c @optional { value displayValue }
    PAC_Priority__c @optional { value }
    PAC_Progress_Pct__c @optional { value }
    PAC_Pace__c @optional { value displayValue }
    PAC_Revenue__c @optional { value displayValue }
    PAC_Objective__c @optional { value displayValue }
    PAC_Won_Revenue__c @optional { value displayValue }
    PAC_Baseline__c @optional { value displayValue }
    PAC_Done__c @optional { value }
    PAC_Target__c @optional { value }
    PAC_Actions__r(first: 50, orderBy: { PAC_Window_End__c: { order: ASC, nulls: LAST } }) @optional {
        edges { node { ${ACTION_FIELDS} } }
        totalCount
    }`;

const PLAN_QUERY = gql`
    query pacPlan($where: PAC_Axis__c_Filter) {
        uiapi {
            query {
                PAC_Axis__c(where: $where, first: 50, orderBy: { PAC_Priority__c: { order: ASC, nulls: LAST }, Name: { order: ASC } }) {
                    edges {
                        node {
                            ${AXIS_FIELDS}
                        }
                    }
                    totalCount
                }
            }
        }
    }`;

// On an axis's page: the axis and the accounts it targets (PAC_Axes__c holds the ids of the axes targeting
// the account, joined by "; "), in one request: the first 200 by name, how many there are and whether more follow.
const AXIS_QUERY = gql`
    query pacAxis($where: PAC_Axis__c_Filter, $accounts: Account_Filter) {
        uiapi {
            query {
                PAC_Axis__c(where: $where, first: 1) {
                    edges {
                        node {
                            ${AXIS_FIELDS}
                        }
                    }
                }
                Account(where: $accounts, first: 200, orderBy: { Name: { order: ASC } }) {
                    edges { node { Id Name { value } PAC_Axes__c @optional { value } } }
                    totalCount
                    pageInfo { hasNextPage endCursor }
                }
            }
        }
    }`;

/** A record's page for the navigation service: "Page URL formats can change in future releases. To future proof your
 * apps, use page references instead of URLs" (lightning/navigation). */
export function recordPage(id) {
    return { type: 'standard__recordPage', attributes: { recordId: id, actionName: 'view' } };
}

/** The axis id in a PAC key ``plan:AX-1`` (the part after the last colon). */
export function axisId(key) {
    return key ? key.slice(key.lastIndexOf(':') + 1) : '';
}

/** The axes an account's PAC_Axes__c names: ids (AX-01) and, for an id two plans on the org use, the axis record's
 * key (pac-2027-durand:AX-01), joined by "; " (a list cut at 255 characters ends with « … »). */
export function axisTokens(text) {
    return (text || '').split(';').map((s) => s.trim()).filter((s) => s && s !== '…');
}

/** The axis records one token names: a key (it holds ':') exactly, a bare id by the key's suffix ':AX-01'. */
export function keyFilter(token) {
    return token.includes(':') ? { PAC_Key__c: { eq: token } } : { PAC_Key__c: { like: `%:${token}` } };
}

/** The accounts whose PAC_Axes__c ("AX-1; AX-2", "…" ending a cut list) holds one of ``names`` as a whole token:
 * alone, first, last or in the middle. A LIKE '%AX-1%' also held AX-10 and other-plan:AX-1. */
export function accountsFilter(names) {
    return {
        or: names.flatMap((t) => [{ PAC_Axes__c: { eq: t } }, { PAC_Axes__c: { like: `${t};%` } },
            { PAC_Axes__c: { like: `%; ${t}` } }, { PAC_Axes__c: { like: `%; ${t};%` } }])
    };
}

/** A custom label with {0}, {1}... replaced by ``values`` (« {0} sur {1} »). */
export function fill(label, ...values) {
    return values.reduce((text, value, i) => text.replace(`{${i}}`, String(value)), label);
}

/** Running axes in the plan's order of priority: Priority 1, 2... first, then the others (no priority) by name. */
export function byPriority(a, b) {
    if ((a.priority === null) !== (b.priority === null)) {
        return a.priority === null ? 1 : -1;
    }
    return (a.priority ?? 0) - (b.priority ?? 0) || String(a.name || '').localeCompare(String(b.name || ''));
}

/** What an error of a wire adapter says: a UI API error's body (an object or a list of them), else its status. */
export function errorText(error) {
    const body = error?.body;
    const messages = (Array.isArray(body) ? body : [body]).map((b) => b?.message).filter(Boolean);
    return messages.length ? messages.join('; ') : error?.statusText || String(error ?? '');
}

/** A progress bar's width: 0..100 %, whatever the figure (an axis may be at 250 %). */
export function barWidth(pct) {
    const value = Number(pct);
    return Number.isFinite(value) ? Math.max(0, Math.min(100, value)) : 0;
}

// A Percent field's value in the user's locale (@salesforce/i18n/locale), to the field's scale: one decimal, so
// every digit the field holds is shown and none is added (80 -> "80 %", not "80.0 %").
const PCT_OPTIONS = { style: 'unit', unit: 'percent', maximumFractionDigits: 1 };
/** A number format in the user's locale, or the browser's own for a locale this browser's Intl does not know (rather
 * than no component at all). */
function localFormat(options) {
    try {
        return new Intl.NumberFormat(LOCALE, options);
    } catch (e) {
        return new Intl.NumberFormat(undefined, options);
    }
}
const pctFormat = localFormat(PCT_OPTIONS);
// The actions' done and target (Number(9, 0) fields): whole, grouped as the record page groups them, « 1 500 ».
const countFormat = localFormat({ maximumFractionDigits: 0 });

/** What a record field holds, for the card: « — » when it holds nothing ("If this value is null, the displayValue
 * is also null", UI API Field Value), never a bare separator (« · · », « / »). */
function shown(text) {
    return text === null || text === undefined || text === '' ? '—' : text;
}

/** A count (done, target) in the user's locale, « — » when the field is empty (not written yet), not a 0 it lacks. */
export function fmtCount(count) {
    const value = count === null || count === undefined || count === '' ? NaN : Number(count);
    return Number.isFinite(value) ? countFormat.format(value) : '—';
}

/** A progress: the value of the Percent field it comes from, the one its record page shows (PAC_Progress_Pct__c,
 * in percent, which pac rounded half up to the field's one decimal), never rounded again, in the user's locale:
 * 47.5 -> "47.5%" for an English user, "47,5 %" for a French one; never "-0". Rounding the field's 47.5 again
 * gave "48 %" where the report says 47 % (47.4763 %). */
export function fmtPct(pct) {
    const value = pct === null || pct === undefined || pct === '' ? NaN : Number(pct);
    if (!Number.isFinite(value)) {
        return '—';
    }
    return pctFormat.format(value === 0 ? 0 : value);
}

/** Whether the user may read the field ``name`` of a record: a field asked @optional that the user may not read is
 * absent from the node (a field read is there, ``{ value: null }`` when empty); a field the server could not resolve
 * is null (an answer with errors). */
export function readable(node, name) {
    return node?.[name] !== undefined && node?.[name] !== null;
}

/** What the card writes for the field ``name`` of ``node``: ``format`` of its field value, « non disponible » /
 * "not available" when the user may not read it, never « — », which says the field is empty (pac has not written
 * it yet). */
function figure(node, name, format) {
    return readable(node, name) ? format(node[name]) : NOT_AVAILABLE;
}

const textOf = (f) => shown(f.displayValue || f.value);

function shape(node) {
    const pace = node.PAC_Pace__c?.value;
    const pct = node.PAC_Progress_Pct__c?.value;
    const width = barWidth(pct);
    return {
        id: node.Id,
        name: node.Name?.value,
        status: figure(node, 'PAC_Status__c', textOf),
        pace: figure(node, 'PAC_Pace__c', (f) => f.displayValue || f.value || '—'),
        paceClass: `pace ${PACE_TONE[pace] || 'pace_idle'}`,
        // no bar for a progress the user may not read, nor for an unknown one (an axis with no objective, an action
        // with a target of 0: « — »): an empty bar would read 0 % (audit lwchand)
        hasBar: readable(node, 'PAC_Progress_Pct__c') && fmtPct(pct) !== '—',
        barClass: `bar ${PACE_TONE[pace] || 'pace_idle'}`,
        barStyle: `width: ${width}%`,
        // the bar's value for assistive technologies: its width, within 0..100 (aria-valuenow "between the minimum
        // and maximum values", MDN progressbar role); the figure itself, 250 %, is its aria-valuetext
        barValue: width,
        pct: figure(node, 'PAC_Progress_Pct__c', (f) => fmtPct(f.value)),
        done: figure(node, 'PAC_Done__c', (f) => fmtCount(f.value)),
        target: figure(node, 'PAC_Target__c', (f) => fmtCount(f.value))
    };
}

/** How much of an axis's actions target (``PAC_Target__c``) is on actions not listed here, or undefined when the
 * card cannot tell: the axis's target, the actions, or one listed action's target or status hidden from the user
 * (a hidden target counted as 0 claimed the whole target unlisted, audit lwcgql). */
function unlisted(node, edges) {
    const known = readable(node, 'PAC_Target__c') && readable(node, 'PAC_Actions__r')
        && edges.every((e) => readable(e.node, 'PAC_Target__c') && readable(e.node, 'PAC_Status__c'));
    if (!known) {
        return undefined;
    }
    // the axis's actions target is the sum of its actions' targets (visits, calls...: units of work, not a number of
    // actions) in every CRM, cancelled ones aside; the actions not listed here live in another CRM (HubSpot), are
    // not shared with this user (actions are private), or are past the first 50: the line says how much of the
    // target they carry, « dont 4 sur des actions non listées », never « 4 actions » (audit lwcaudit)
    const listed = edges.filter((e) => e.node.PAC_Status__c.value !== CANCELLED)
        .reduce((sum, e) => sum + (Number(e.node.PAC_Target__c.value) || 0), 0);
    const elsewhere = (Number(node.PAC_Target__c.value) || 0) - listed;
    return elsewhere > 0 ? elsewhere : undefined;
}

/** « 50 sur 64 » when a list shows ``listed`` records of ``total`` (a query's totalCount), else nothing. */
function shownOf(listed, total) {
    if (total === undefined || total === null || Number(total) <= listed) {
        return undefined;
    }
    return fill(ACCOUNTS_SHOWN, listed, total);
}

/** An axis as the component shows it, with its actions and what its actions target counts that is not listed. */
function shapeAxis(node) {
    const edges = (node.PAC_Actions__r?.edges || []).filter((e) => e.node.PAC_Pace__c?.value !== REMOVED);
    const actions = edges.map((e) => ({
        ...shape(e.node),
        owner: shown(e.node.Owner?.Name?.value),
        due: figure(e.node, 'PAC_Window_End__c', textOf)
    }));
    const elsewhere = unlisted(node, edges);
    return {
        ...shape(node),
        priority: node.PAC_Priority__c?.value ?? null,
        key: node.PAC_Key__c?.value,
        plan: figure(node, 'PAC_Plan__c', (f) => shown(f.value)),
        revenue: figure(node, 'PAC_Revenue__c', (f) => shown(f.displayValue)),
        objective: figure(node, 'PAC_Objective__c', (f) => shown(f.displayValue)),
        // what the additional revenue is counted from: won so far minus the baseline (absent before the
        // org is provisioned with them, or before pac's next run writes them, or hidden from the user)
        wonRevenue: node.PAC_Won_Revenue__c?.displayValue,
        baseline: node.PAC_Baseline__c?.displayValue,
        hasBasis: Boolean(node.PAC_Won_Revenue__c?.displayValue && node.PAC_Baseline__c?.displayValue),
        actions,
        actionsShown: shownOf(node.PAC_Actions__r?.edges?.length ?? 0, node.PAC_Actions__r?.totalCount),
        elsewhere: elsewhere ? fill(ACTIONS_ELSEWHERE, fmtCount(elsewhere)) : undefined
    };
}

export default class PacPlan extends NavigationMixin(LightningElement) {
    @api recordId;
    @api objectApiName;

    label = { TITLE, NO_AXIS, ACTIONS, ACCOUNTS, LOAD_ERROR, WON_REVENUE, BASELINE, PARTIAL_LOAD };
    axes = [];
    axesTotal;
    accounts = [];
    accountsTotal;
    error;
    // what an answer with data and errors could not load (the data it has is shown)
    partial;
    loaded = false;
    axesOfRecord;
    axisKey;
    // record id -> the URL of its page, as the navigation service generates it (GenerateUrl), for each link's href
    links = {};

    // the record's own PAC field first: the axes an account is targeted by (ids, or keys plan:ID), or the axis's key.
    // Optional: a user who may not read the field gets the record without it ("If the context user doesn't have
    // access to a field, an error is returned ... use the optionalFields parameter", getRecord), so the empty state.
    @wire(getRecord, { recordId: '$recordId', optionalFields: '$recordFields' })
    record({ data, error }) {
        if (error) {
            this.error = errorText(error);
            this.loaded = true;
            return;
        }
        if (data && this.objectApiName === 'Account') {
            this.axesOfRecord = axisTokens(getFieldValue(data, ACCOUNT_AXES));
            if (!this.axesOfRecord.length) {
                // no axis targets it, or the user may not read PAC_Axes__c: nothing to ask for
                this.axes = [];
                this.error = undefined;
                this.loaded = true;
            }
        } else if (data) {
            const key = getFieldValue(data, AXIS_KEY) || '';
            this.axesOfRecord = [axisId(key)];
            this.axisKey = key;
        }
    }

    get recordFields() {
        if (this.objectApiName === 'Account') {
            return [ACCOUNT_AXES];
        }
        return this.objectApiName === 'PAC_Axis__c' ? [AXIS_KEY] : undefined;
    }

    get isAxisPage() {
        return this.objectApiName === 'PAC_Axis__c';
    }

    get planQuery() {
        if (!this.where) {
            return undefined;
        }
        return this.withAccounts ? AXIS_QUERY : PLAN_QUERY;
    }

    /** On an axis's page, the accounts it targets are asked for with it; not for an axis whose key the user may not
     * read (no name to look for: an empty "or"). */
    get withAccounts() {
        return this.isAxisPage && this.axisNames.length > 0;
    }

    get where() {
        if (this.isAxisPage) {
            return this.recordId && this.axesOfRecord ? { Id: { eq: this.recordId } } : undefined;
        }
        if (this.objectApiName === 'Account') {
            if (!this.axesOfRecord?.length) {
                return undefined;
            }
            // a bare id names any plan's axis of that id: a running plan's record pac marked removed (the id left its
            // file, another plan in force has it) is left out, as on Home (audit lwcaudit F4)
            return { and: [{ or: this.axesOfRecord.map(keyFilter) }, { PAC_Pace__c: { ne: REMOVED } }, PLAN_RUNNING] };
        }
        return { and: [{ PAC_Status__c: { in: RUNNING } }, { PAC_Pace__c: { ne: REMOVED } }, PLAN_RUNNING] };
    }

    // the axis's id or its key (an id two plans on the org use is written as the key), as whole tokens
    get axisNames() {
        return [this.axesOfRecord?.[0], this.axisKey].filter(Boolean);
    }

    get planVariables() {
        return this.withAccounts ? { where: this.where, accounts: accountsFilter(this.axisNames) }
            : { where: this.where };
    }

    // "Values emitted by graphql can contain data and errors properties. These properties follow the GraphQL Response
    // specification" (Query Your Data): both may come, the data the server could resolve and an error for the rest.
    // The data is shown with a line saying what could not be loaded; errors alone are the load error.
    @wire(graphql, { query: '$planQuery', variables: '$planVariables' })
    plan({ data, errors }) {
        const messages = (errors || []).map((e) => e?.message).filter(Boolean).join('; ') || undefined;
        if (errors?.length && !data?.uiapi?.query?.PAC_Axis__c) {
            this.error = messages || String(errors);
            this.partial = undefined;
            this.loaded = true;
            return;
        }
        if (data?.uiapi?.query?.PAC_Axis__c) {
            this.error = undefined;
            this.partial = errors?.length ? messages : undefined;
            this.loaded = true;
            this.axes = data.uiapi.query.PAC_Axis__c.edges.map(({ node }) => shapeAxis(node)).sort(byPriority);
            // the Home card lists the first 50 running axes: say how many there are when there are more
            this.axesTotal = data.uiapi.query.PAC_Axis__c.totalCount;
            // exactly the axis's id or key (the query's LIKE treats "_" as any one character)
            const names = this.axisNames;
            const found = data.uiapi.query.Account;
            this.accounts = (found?.edges || [])
                .filter(({ node }) => axisTokens(node.PAC_Axes__c?.value).some((t) => names.includes(t)))
                .map(({ node }) => ({ id: node.Id, name: node.Name?.value }));
            // the query lists the first 200: say how many the axis targets when it targets more
            this.accountsTotal = found?.totalCount ?? (found?.pageInfo?.hasNextPage ? `${this.accounts.length}+` : undefined);
            this.link([...this.axes.flatMap((a) => [a.id, ...a.actions.map((x) => x.id)]),
                ...this.accounts.map((a) => a.id)]);
        }
    }

    /** The hrefs of the records listed, from the navigation service (once per record: its page does not move). */
    link(ids) {
        const wanted = [...new Set(ids)].filter((id) => id && !(id in this.links));
        if (!wanted.length) {
            return;
        }
        Promise.all(wanted.map((id) => this[NavigationMixin.GenerateUrl](recordPage(id)).then((url) => [id, url],
            () => [id, undefined])))
            .then((pairs) => {
                this.links = { ...this.links, ...Object.fromEntries(pairs) };
            });
    }

    /** A plain click on a record's link opens it in the app (no reload); a ctrl-, shift-, cmd- or middle-click is the
     * browser's (a new tab, from the generated href). */
    openRecord(event) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
            return;
        }
        event.preventDefault();
        this[NavigationMixin.Navigate](recordPage(event.currentTarget.dataset.recordId));
    }

    /** The axes with their links' hrefs (and their actions'). */
    get shownAxes() {
        return this.axes.map((a) => ({
            ...a,
            url: this.links[a.id],
            actions: a.actions.map((x) => ({ ...x, url: this.links[x.id] }))
        }));
    }

    /** The accounts with their links' hrefs. */
    get shownAccounts() {
        return this.accounts.map((a) => ({ ...a, url: this.links[a.id] }));
    }

    get hasAxes() {
        return this.axes.length > 0;
    }

    get isEmpty() {
        return this.loaded && !this.error && this.axes.length === 0;
    }

    /** « 50 sur 73 » above the axes when more axes run than the card lists, else nothing. */
    get axesShown() {
        return shownOf(this.axes.length, this.axesTotal);
    }

    get hasAccounts() {
        return this.accounts.length > 0;
    }

    /** « 200 sur 219 » when the axis targets more accounts than the list shows, else nothing. */
    get accountsShown() {
        const total = this.accountsTotal;
        if (total === undefined || total === null || String(total) === String(this.accounts.length)) {
            return undefined;
        }
        return fill(ACCOUNTS_SHOWN, this.accounts.length, total);
    }
}
