"""Small charts as inline SVG: no image request, no script, scales to the phone's width."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 600, 240
LEFT, BOTTOM, TOP = 44, 46, 20
BAR = "#0072B2"  # the simulator's colours (colour-blind safe)


def bar_chart(data: Sequence[tuple[str, int]], *, title: str) -> Markup:
    """Bars with their values above and labels below; `title` is the accessible name."""
    peak = max((v for _, v in data), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(data), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" '
        'stroke="#888" stroke-width="1"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="15">{peak:,}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="15">0</text>',
    ]
    for i, (label, value) in enumerate(data):
        height = plot_h * value / peak
        x = LEFT + i * step + step * 0.15
        y = TOP + plot_h - height
        centre = x + step * 0.35
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{height:.1f}" '
            f'fill="{BAR}"><title>{escape(label)}: {value:,}</title></rect>'
        )
        if value:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'font-size="15">{value:,}</text>'
            )
        parts.append(
            f'<text x="{centre:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" '
            f'font-size="14">{escape(label[5:] if len(label) == 7 else label)}</text>'
        )
        if len(label) == 7 and (i == 0 or label.endswith("-01")):
            parts.append(
                f'<text x="{centre:.1f}" y="{TOP + plot_h + 36}" text-anchor="middle" '
                f'font-size="14">{escape(label[:4])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # every value interpolated above is escaped or a number
