import { createElement } from 'lwc';
import { graphql } from 'lightning/graphql';
import { getRecord } from 'lightning/uiRecordApi';
import PacPlan from 'c/pacPlan';

// Links to the axes, actions and accounts go through the navigation service (audit lwcaudit F5): "Page URL formats
// can change in future releases. To future proof your apps, use page references instead of URLs"
// (lightning/navigation); "Using a PageReference insulates your component from future changes to URL formats"
// (LWC guide, Basic Navigation). Seen failing before the fix: href="/lightning/r/<id>/view", built by hand, and a
// click left to the browser (a full reload of the app).
// The navigation service, recording what the component asks of it (sfdx-lwc-jest's stub records nothing).
jest.mock('lightning/navigation', () => {
    const Navigate = Symbol('Navigate');
    const GenerateUrl = Symbol('GenerateUrl');
    const mockNavigate = jest.fn();
    const mockGenerate = jest.fn((ref) => Promise.resolve(`/generated/${ref.attributes.recordId}`));
    const NavigationMixin = (Base) => class extends Base {
        [Navigate](pageReference) {
            mockNavigate(pageReference);
        }
        [GenerateUrl](pageReference) {
            return mockGenerate(pageReference);
        }
    };
    NavigationMixin.Navigate = Navigate;
    NavigationMixin.GenerateUrl = GenerateUrl;
    return { NavigationMixin, mockNavigate, mockGenerate };
});

jest.mock('@salesforce/i18n/locale', () => ({ default: 'fr-FR' }), { virtual: true });

const { mockNavigate, mockGenerate } = require('lightning/navigation');
const v = (value, displayValue = null) => ({ value, displayValue });
const page = (id) => ({ type: 'standard__recordPage', attributes: { recordId: id, actionName: 'view' } });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function data() {
    const act = {
        node: {
            Id: 'a01A', Name: v('A-01 Visiter'), PAC_Status__c: v('in_progress', 'En cours'), PAC_Done__c: v(6),
            PAC_Target__c: v(10), PAC_Progress_Pct__c: v(60), PAC_Pace__c: v('on_track', 'Dans les temps'),
            PAC_Window_End__c: v('2027-06-30', '30/06/2027'), Owner: { Name: v('Paul Durand') }
        }
    };
    const axis = {
        node: {
            Id: 'a00A', Name: v('AX-1 Axe'), PAC_Key__c: v('pac-2027:AX-1'), PAC_Plan__c: v('PAC 2027'),
            PAC_Status__c: v('active', 'Actif'), PAC_Priority__c: v(null), PAC_Progress_Pct__c: v(40),
            PAC_Pace__c: v('on_track', 'Dans les temps'), PAC_Revenue__c: v(1, '1 €'), PAC_Objective__c: v(2, '2 €'),
            PAC_Done__c: v(6), PAC_Target__c: v(10), PAC_Actions__r: { edges: [act], totalCount: 1 }
        }
    };
    return {
        uiapi: {
            query: {
                PAC_Axis__c: { edges: [axis] },
                Account: { edges: [{ node: { Id: '001A', Name: v('Chimie Rhône'), PAC_Axes__c: v('AX-1') } }], totalCount: 1 }
            }
        }
    };
}

async function axisPage() {
    const element = createElement('c-pac-plan', { is: PacPlan });
    Object.assign(element, { recordId: 'a00A', objectApiName: 'PAC_Axis__c' });
    document.body.appendChild(element);
    getRecord.emit({ apiName: 'PAC_Axis__c', id: 'a00A', fields: { PAC_Key__c: v('pac-2027:AX-1') } });
    await flush();
    graphql.emit(data());
    await flush();
    return element.shadowRoot;
}

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
});

describe('c-pac-plan: links', () => {
    it("links each axis, action and account to the URL the navigation service gives for its record page", async () => {
        const root = await axisPage();
        expect(mockGenerate.mock.calls.map(([ref]) => ref)).toEqual(expect.arrayContaining([page('a00A'), page('a01A'), page('001A')]));
        expect(root.querySelector('.axis-name').getAttribute('href')).toBe('/generated/a00A');
        expect(root.querySelector('.action-name').getAttribute('href')).toBe('/generated/a01A');
        expect(root.querySelector('[data-account] a').getAttribute('href')).toBe('/generated/001A');
        expect(root.innerHTML).not.toContain('/lightning/r/');
    });

    it('opens a record through the navigation service on a plain click, and leaves a ctrl-click to the browser', async () => {
        const root = await axisPage();
        const link = root.querySelector('.action-name');
        const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
        link.dispatchEvent(click);
        expect(click.defaultPrevented).toBe(true);
        expect(mockNavigate).toHaveBeenCalledWith(page('a01A'));
        mockNavigate.mockClear();
        const newTab = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ctrlKey: true });
        link.dispatchEvent(newTab);
        expect(newTab.defaultPrevented).toBe(false);
        expect(mockNavigate).not.toHaveBeenCalled();
    });
});
