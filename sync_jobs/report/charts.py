"""Inline SVG charts: no script, no external file, scalable on a projector and crisp on paper.

Every text that reaches a chart is escaped here; colours come from ``PACE_COLOURS`` and each bar
also carries its figure as text, so nothing is told by colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from sync_jobs.report.fmt import Formatter
from sync_jobs.report.scrub import scrub

PACE_COLOURS = {
    "done": "#1b7f3b", "on_track": "#1d5fbf", "at_risk": "#c27803", "late": "#c0262d",
    "not_started": "#8a94a6", "inactive": "#b8bfcc", None: "#5b6b82",
}
INK, MUTED, GRID, TRACK, ACCENT = "#1f2a3c", "#5b6b82", "#d9dee7", "#e8ecf2", "#1d5fbf"
FONT = "font-family=\"inherit\""


def _e(text: object) -> str:
    return escape(scrub(str(text)), quote=True)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    target: float | None = None      # objective: the grey track's length
    expected: float | None = None    # where the bar should be by now: a tick
    pace: str | None = None
    note: str = ""                   # text printed after the bar ("62 % · 310 k€ / 500 k€")


def progress_bar(ratio: float | None, expected: float | None, pace: str | None, *, width: int = 110) -> str:
    """A small bar of ``ratio`` (1.0 = full) with a tick at ``expected``; for table cells."""
    h = 10
    fill = 0 if ratio is None else max(0.0, min(ratio, 1.0)) * width
    parts = [f'<svg class="pbar" width="{width}" height="{h}" viewBox="0 0 {width} {h}" role="img" aria-hidden="true">',
             f'<rect width="{width}" height="{h}" rx="3" fill="{TRACK}"/>',
             f'<rect width="{fill:.1f}" height="{h}" rx="3" fill="{PACE_COLOURS.get(pace, ACCENT)}"/>']
    if expected is not None and 0 < expected < 1:
        x = expected * width
        parts.append(f'<rect x="{x - 1:.1f}" y="-1" width="2" height="{h + 2}" fill="{INK}"/>')
    parts.append("</svg>")
    return "".join(parts)


def bars_vs_target(bars: list[Bar], fmt: Formatter, *, title: str, legend: tuple[str, str, str]) -> str:
    """Horizontal bars: achieved (coloured by pace) over the objective (grey track), tick = expected by now."""
    label_w, bar_w, note_w, row_h = 280, 440, 240, 34
    width = label_w + bar_w + note_w
    height = 40 + row_h * len(bars)
    targets = [b.target for b in bars if b.target]
    # One axis far above its objective must not flatten the others: the scale stops at 1.4 x the
    # largest objective, and a longer bar is cut with a chevron (its figure is in the note).
    top = max([b.value for b in bars] + targets + [1.0])
    if targets:
        top = min(top, max(targets) * 1.4)
    scale = bar_w / top
    out = [_svg_open(width, height, title)]
    out.append(_legend(legend, y=14))
    for i, bar in enumerate(bars):
        y = 34 + i * row_h
        out.append(f'<text x="{label_w - 10}" y="{y + 15}" text-anchor="end" font-size="13" fill="{INK}">'
                   f'<title>{_e(bar.label)}</title>{_e(_clip(bar.label, 38))}</text>')
        if bar.target:
            out.append(f'<rect x="{label_w}" y="{y + 2}" width="{bar.target * scale:.1f}" height="20" rx="3" '
                       f'fill="{TRACK}" stroke="{GRID}"/>')
        w = min(max(0.0, bar.value) * scale, bar_w)
        out.append(f'<rect x="{label_w}" y="{y + 6}" width="{w:.1f}" height="12" rx="2" '
                   f'fill="{PACE_COLOURS.get(bar.pace, ACCENT)}"/>')
        if bar.value * scale > bar_w:
            tip = label_w + bar_w
            out.append(f'<path d="M{tip - 9} {y + 3} l7 9 l-7 9" fill="none" stroke="#fff" stroke-width="2.5"/>')
        if bar.expected is not None and bar.target:
            x = label_w + bar.expected * bar.target * scale
            out.append(f'<rect x="{x - 1:.1f}" y="{y}" width="2.5" height="24" fill="{INK}"/>')
        out.append(f'<text x="{label_w + bar_w + 12}" y="{y + 16}" font-size="12.5" fill="{INK}">{_e(bar.note)}</text>')
    out.append("</svg>")
    return "".join(out)


def ranking(items: list[tuple[str, float | None]], fmt: Formatter, *, title: str, free: Sequence[str] = ()) -> str:
    """Axes sorted by ROI, best first; negative ROI drawn left of the zero line in red. ``free``: the axes whose
    cost is 0, listed apart after the ranked ones (« · Axe  sans coût », no rank, no bar: their ROI is not a
    number to rank, and they are not below the negative ones, audit E F5); axes with an unknown ROI last."""
    known = sorted(((label, v) for label, v in items if v is not None), key=lambda t: t[1], reverse=True)
    unknown = [(label, v) for label, v in items if v is None]
    apart = len(known)
    rows = known + [(label, None) for label in free] + unknown
    label_w, bar_w, row_h = 270, 520, 28
    width, height = label_w + bar_w + 90, 12 + row_h * max(len(rows), 1)
    lo = min([0.0] + [v for _, v in known])
    hi = max([0.0] + [v for _, v in known]) or 1.0
    magnitudes = sorted((abs(v) for _, v in known), reverse=True)
    if len(magnitudes) > 1 and magnitudes[0] > 3 * magnitudes[1] > 0:
        # one outlier would flatten every other bar: cut it (chevron) at twice the next largest
        cap = 2 * magnitudes[1]
        lo, hi = max(lo, -cap), min(hi, cap) or 1.0
    scale = bar_w / (hi - lo or 1.0)
    zero = label_w + (-lo) * scale
    out = [_svg_open(width, height, title)]
    for i, (label, value) in enumerate(rows):
        y = 8 + i * row_h
        is_free = apart <= i < apart + len(free)
        rank = f"{i + 1}." if value is not None else "·" if is_free else "–."
        out.append(f'<text x="{label_w - 10}" y="{y + 14}" text-anchor="end" font-size="13" fill="{INK}">'
                   f'<title>{_e(label)}</title>{rank} {_e(_clip(label, 36))}</text>')
        if value is None:
            out.append(f'<text x="{zero + 6:.1f}" y="{y + 14}" font-size="12" fill="{MUTED}">'
                       f'{_e(fmt.no_cost) if is_free else "–"}</text>')
            continue
        full = abs(value) * scale
        w = min(full, (hi if value >= 0 else -lo) * scale)
        x = zero if value >= 0 else zero - w
        colour = "#c0262d" if value < 0 else ("#1b7f3b" if i == 0 else ACCENT)
        out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="16" rx="2" fill="{colour}"/>')
        if full > w + 0.5:
            tip = x + w - 2 if value >= 0 else x + 2
            step = -7 if value >= 0 else 7
            out.append(f'<path d="M{tip + step:.1f} {y + 4} l{-step} 7 l{step} 7" fill="none" stroke="#fff" '
                       'stroke-width="2.5"/>')
        tx, anchor = (zero + w + 6, "start") if value >= 0 else (zero + 6, "start")
        out.append(f'<text x="{tx:.1f}" y="{y + 15}" text-anchor="{anchor}" font-size="12.5" font-weight="600" '
                   f'fill="{INK}">{_e(fmt.roi_percent(value))}</text>')   # 49.96 %: « 49,96 % » (nearthreshold)
    out.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="2" y2="{height - 2}" stroke="{MUTED}" stroke-width="1"/>')
    out.append("</svg>")
    return "".join(out)


def trend_chart(points: list[tuple[str, Decimal]], target: Decimal | None, fmt: Formatter, *, title: str,
                legend: tuple[str, str]) -> str:
    """Year-to-date revenue per period as columns, the year's target as a dashed line."""
    width, height, left, bottom, top = 460, 230, 64, 34, 30
    plot_w, plot_h = width - left - 12, height - top - bottom
    peak = float(max([v for _, v in points] + [target or Decimal(0)] + [Decimal(0)]))
    if peak > 0:
        step = money_step(peak * 1.08 / 5)
        ticks = int(-(-peak * 1.08 // step))
        scale = plot_h / (step * ticks)
    else:
        # nothing won and no target: one tick at 0, no made-up scale (it read « 0 €, 0 €, 1 €, 1 € ... »)
        step, ticks, scale = 1.0, 0, 0.0
    out = [_svg_open(width, height, title, css_class="chart trend")]
    for k in range(ticks + 1):
        tick = step * k
        y = top + plot_h - tick * scale
        out.append(f'<line x1="{left}" x2="{width - 12}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">'
                   f'{_e(fmt.money_compact(tick))}</text>')
    slot = plot_w / max(len(points), 1)
    bar = min(56.0, slot * 0.6)
    for i, (label, value) in enumerate(points):
        h = float(value) * scale
        x = left + slot * i + (slot - bar) / 2
        last = i == len(points) - 1
        colour = ACCENT if last else "#8fb0e0"
        out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" rx="2" '
                   f'fill="{colour}"/>')
        inside = h > 26   # the figure sits inside a tall column, clear of the target line
        ty, colour = (top + plot_h - h + 16, "#fff" if last else INK) if inside else (top + plot_h - h - 5, INK)
        out.append(f'<text x="{x + bar / 2:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="11" '
                   f'font-weight="600" fill="{colour}">{_e(fmt.money_compact(value))}</text>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11.5" '
                   f'fill="{INK}">{_e(fmt.period_label(label))}</text>')
    if target:
        y = top + plot_h - float(target) * scale
        out.append(f'<line x1="{left}" x2="{width - 12}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c0262d" '
                   f'stroke-width="1.5" stroke-dasharray="6 4"/>')
    out.append(f'<rect x="{left}" y="6" width="12" height="10" fill="{ACCENT}"/>'
               f'<text x="{left + 16}" y="15" font-size="11.5" fill="{INK}">{_e(legend[0])}</text>')
    if target:
        out.append(f'<line x1="{left + 190}" x2="{left + 212}" y1="11" y2="11" stroke="#c0262d" stroke-width="1.5" '
                   f'stroke-dasharray="6 4"/><text x="{left + 217}" y="15" font-size="11.5" fill="{INK}">'
                   f'{_e(legend[1])}</text>')
    out.append("</svg>")
    return "".join(out)


def pace_columns_chart(columns: list[tuple[str, dict[str, int]]], order: list[str], names: dict[str, str],
                       fmt: Formatter, *, title: str) -> str:
    """One stacked column per month: the actions by pace (``order``, bottom first), each part with its count;
    the legend names the paces (so colour is never the only cue)."""
    width, height, left, bottom, top = 640, 250, 40, 34, 34
    plot_w, plot_h = width - left - 12, height - top - bottom
    peak = max([sum(c.values()) for _, c in columns] + [1])
    scale = plot_h / peak
    slot = plot_w / max(len(columns), 1)
    bar = min(48.0, slot * 0.6)
    out = [_svg_open(width, height, title, css_class="chart months")]
    out.append(f'<line x1="{left}" x2="{width - 12}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{GRID}"/>')
    for i, (label, counts) in enumerate(columns):
        x = left + slot * i + (slot - bar) / 2
        y = float(top + plot_h)
        for pace in order:
            n = counts.get(pace, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                       f'fill="{PACE_COLOURS.get(pace, ACCENT)}"/>')
            if h >= 13:
                out.append(f'<text x="{x + bar / 2:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="middle" '
                           f'font-size="11" font-weight="600" fill="#fff">{n}</text>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11.5" '
                   f'fill="{INK}">{_e(fmt.period_label(label))}</text>')
    x = float(left)
    for pace in order:
        if not any(c.get(pace) for _, c in columns):
            continue
        name = names.get(pace, pace)
        out.append(f'<rect x="{x:.1f}" y="8" width="12" height="10" fill="{PACE_COLOURS.get(pace, ACCENT)}"/>'
                   f'<text x="{x + 16:.1f}" y="17" font-size="11.5" fill="{INK}">{_e(name)}</text>')
        x += 28 + 6.5 * len(name)
    out.append("</svg>")
    return "".join(out)


def money_step(raw: float) -> float:
    """A round step for money ticks: ``nice_step``, but whole units (the ticks are written to the unit, so 0.25 or
    2.5 would read « 0 €, 0 €, 1 € » or « 3 €, 5 €, 8 € »): at least 1, and 5 rather than 2.5."""
    step = max(nice_step(raw), 1.0)
    return 5.0 if step == 2.5 else step


def nice_step(raw: float) -> float:
    """A round step for axis ticks (1, 2, 2.5 or 5 x 10^n) at least ``raw``."""
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _svg_open(width: int, height: int, title: str, css_class: str = "chart") -> str:
    return (f'<svg class="{css_class}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{_e(title)}" xmlns="http://www.w3.org/2000/svg" {FONT}>'
            f"<title>{_e(title)}</title>")


def _legend(words: tuple[str, str, str], y: int) -> str:
    achieved, objective, expected = (_e(w) for w in words)
    x = 280
    return (f'<rect x="{x}" y="{y - 9}" width="14" height="10" rx="2" fill="{ACCENT}"/>'
            f'<text x="{x + 19}" y="{y}" font-size="12" fill="{INK}">{achieved}</text>'
            f'<rect x="{x + 130}" y="{y - 11}" width="20" height="14" rx="2" fill="{TRACK}" stroke="{GRID}"/>'
            f'<text x="{x + 156}" y="{y}" font-size="12" fill="{INK}">{objective}</text>'
            f'<rect x="{x + 270}" y="{y - 11}" width="2.5" height="14" fill="{INK}"/>'
            f'<text x="{x + 278}" y="{y}" font-size="12" fill="{INK}">{expected}</text>')
