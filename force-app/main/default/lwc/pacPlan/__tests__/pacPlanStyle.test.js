// The pace badges' text is readable: "The visual presentation of text ... has a contrast ratio of at least 4.5:1"
// (WCAG 2.1, SC 1.4.3 Contrast (Minimum), https://www.w3.org/TR/WCAG21/#contrast-minimum); the badge's text is
// 0.7rem, normal weight, so no large-text exception. Read from pacPlan.css, computed as WCAG defines it (relative
// luminance). Seen failing before the fix (audit lwcaudit F6): white on the orange « À risque » badge 3.06:1, white
// on the grey « À venir » / « Inactif » badge 3.07:1.
const fs = require('fs');
const path = require('path');

// the style sheet without its comments (a comment before a rule is not part of its selector)
const CSS = fs.readFileSync(path.join(__dirname, '..', 'pacPlan.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const TONES = ['pace_done', 'pace_on-track', 'pace_at-risk', 'pace_late', 'pace_idle'];

/** The last value ``property`` takes in a rule whose selector list holds exactly ``selector``. */
function value(selector, property) {
    let found;
    for (const [, selectors, body] of CSS.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
        if (selectors.split(',').map((s) => s.trim()).includes(selector)) {
            const m = body.match(new RegExp(`(?:^|;|\\s)${property}\\s*:\\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\\b`));
            if (m) {
                // #fff is #ffffff
                found = `#${m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1]}`;
            }
        }
    }
    return found;
}

function luminance(hex) {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
}

describe('c-pac-plan: pace badges', () => {
    it.each(TONES)('%s: the text stands out from its background by 4.5:1 at least', (tone) => {
        const background = value(`.${tone}`, 'background');
        const text = value(`.pace.${tone}`, 'color') || value('.pace', 'color');
        expect(background).toBeDefined();
        expect(text).toBeDefined();
        expect(contrast(text, background)).toBeGreaterThanOrEqual(4.5);
    });
});
