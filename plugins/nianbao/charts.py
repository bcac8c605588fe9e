"""Static SVG charts generated at build time: no JavaScript, no outside request.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
axes, labels and the 本年新收 marker use ``currentColor`` so the chart follows the page's text colour
in dark mode and print. Each chart has a <title> and a <desc> that states the data in words, and
the pages put the same numbers in a table right beside it.
"""

from __future__ import annotations

import math
from html import escape

from .indexes import Series

# group key -> colour, in stacking order (bottom up)
GROUP_COLOURS = (
    ("granted", "#009E73"),
    ("partial", "#56B4E9"),
    ("denied", "#D55E00"),
    ("unable", "#E69F00"),
    ("not_processed", "#CC79A7"),
    ("other", "#0072B2"),
)


def nice_max(v: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above v (at least 5): a readable axis maximum."""
    if v <= 5:
        return 5
    mag = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= v:
            return m * mag
    return 10 * mag  # pragma: no cover


def applications_chart(series: Series, chart_id: str) -> str:
    """Outcomes of applications per year (stacked) and 本年新收 (marker line)."""
    years = series.years
    values = {c.key: vs for c, vs in series.comparable}
    labels = {c.key: c.label for c, _vs in series.comparable}
    stacks = [[(k, colour, (values[k][i].value or 0)) for k, colour in GROUP_COLOURS] for i in range(len(years))]
    received = [values["new_received"][i].value for i in range(len(years))]
    top = max([sum(v for _k, _c, v in s) for s in stacks] + [r or 0 for r in received] + [1])
    ymax = nice_max(float(top))
    W, H, L, R, T, B = 640, 300, 48, 16, 16, 64
    pw, ph = W - L - R, H - T - B
    n = max(len(years), 1)
    band = pw / n
    bar = min(56.0, band * 0.55)

    def y(v: float) -> float:
        return T + ph - (v / ymax) * ph

    out = [
        f'<svg class="nb-chart" id="{chart_id}" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-size="12" fill="currentColor">',
        f'<title id="{chart_id}-title">{escape(series.unit.name)}历年政府信息公开申请的收到和办理结果</title>',
    ]
    desc = []
    for i, yr in enumerate(years):
        parts = [f"{labels[k]}{v:g}件" for k, _c, v in stacks[i] if v]
        rec = received[i]
        desc.append(f"{yr}年本年新收{'' if rec is None else f'{rec:g}件'}" + (f"，办理结果：{'、'.join(parts)}" if parts else "，无办理结果"))
    out.append(f'<desc id="{chart_id}-desc">{escape("；".join(desc))}。</desc>')
    # grid and y axis: whole-number ticks (5 intervals where that divides evenly, else 4)
    steps = 5 if (ymax / 5) == int(ymax / 5) else 4
    for k in range(steps + 1):
        v = ymax * k / steps
        yy = y(v)
        out.append(f'<line x1="{L}" x2="{W - R}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="currentColor" stroke-opacity="0.25"/>')
        out.append(f'<text x="{L - 6}" y="{yy + 4:.1f}" text-anchor="end">{v:g}</text>')
    # stacked bars
    for i, yr in enumerate(years):
        cx = L + band * (i + 0.5)
        base = 0.0
        for k, colour, v in stacks[i]:
            if v:
                y0, y1 = y(base), y(base + v)
                out.append(
                    f'<rect x="{cx - bar / 2:.1f}" y="{y1:.1f}" width="{bar:.1f}" height="{y0 - y1:.1f}" fill="{colour}" '
                    'stroke="#fff" stroke-width="0.5"/>'
                )
                base += v
        out.append(f'<text x="{cx:.1f}" y="{T + ph + 16}" text-anchor="middle">{yr}</text>')
    # 本年新收: a line with diamond markers in the text colour
    pts = [(L + band * (i + 0.5), y(r)) for i, r in enumerate(received) if r is not None]
    if len(pts) > 1:
        out.append(
            '<polyline fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="6 3" points="'
            + " ".join(f"{x:.1f},{yy:.1f}" for x, yy in pts)
            + '"/>'
        )
    for x, yy in pts:
        out.append(f'<path d="M{x:.1f} {yy - 6:.1f}l6 6-6 6-6-6z" fill="currentColor"/>')
    # legend
    lx, ly = L, H - 26
    items = [(labels[k].split("）")[-1], colour) for k, colour in GROUP_COLOURS] + [("本年新收", None)]
    step = pw / len(items)
    for j, (lab, colour) in enumerate(items):
        x = lx + j * step
        if colour:
            out.append(f'<rect x="{x:.1f}" y="{ly}" width="12" height="12" fill="{colour}"/>')
        else:
            out.append(f'<path d="M{x + 6:.1f} {ly}l6 6-6 6-6-6z" fill="currentColor"/>')
        out.append(f'<text x="{x + 16:.1f}" y="{ly + 11}">{escape(lab)}</text>')
    out.append("</svg>")
    return "".join(out)


def outcomes_chart(outcomes: list[tuple[str, str, float | None]], chart_id: str, title: str) -> str | None:
    """One report's outcomes of applications as horizontal bars, each labelled with its name and
    number (the colour is never the only carrier). ``outcomes``: (group key, label, value) in the
    printed order; a value None (the table's cells are blank) is said, not drawn as 0. None when no
    value is above 0 (nothing to draw). A narrow view box: on a phone the text stays about its
    normal size."""
    if not any(v for _k, _l, v in outcomes):
        return None
    shown = lambda v: "空白" if v is None else f"{v:g}"  # noqa: E731
    colours = dict(GROUP_COLOURS)
    W, L, R, row, T = 340, 84, 40, 30, 8
    H = T * 2 + row * len(outcomes)
    top = max(v or 0 for _k, _l, v in outcomes)
    out = [
        f'<svg class="nb-chart nb-chart--bars" id="{chart_id}" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" font-size="16" fill="currentColor">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape("、".join(f"{label}{shown(v)}" + ("" if v is None else "件") for _k, label, v in outcomes))}。</desc>',
    ]
    for i, (key, label, v) in enumerate(outcomes):
        y = T + row * i
        out.append(f'<text x="{L - 8}" y="{y + row / 2 + 6:.1f}" text-anchor="end">{escape(label)}</text>')
        width = (W - L - R) * (v or 0) / top
        if v:
            out.append(f'<rect x="{L}" y="{y + 5}" width="{width:.1f}" height="{row - 10}" fill="{colours.get(key, "#999999")}"/>')
        out.append(f'<text x="{L + width + 6:.1f}" y="{y + row / 2 + 6:.1f}">{shown(v)}</text>')
    out.append(f'<line x1="{L}" x2="{L}" y1="{T}" y2="{H - T}" stroke="currentColor"/>')
    out.append("</svg>")
    return "".join(out)
