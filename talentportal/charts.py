"""Server-rendered SVG charts (the occupancy page, the statistics dashboard).

No chart library and no script: a chart is an `<svg role="img">` whose `<title>` and `<desc>`
name and summarise it for screen readers, and the page shows the same figures as a table
beside it. Colours and type come from the `.chart` classes in `static/css/portal.css` (the CSP
allows no inline styles); geometry is in SVG attributes, which the CSP does not restrict.

Every text that reaches the SVG is escaped (`format_html`); community names are staff-entered.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 720
LABEL_WIDTH = 200
VALUE_WIDTH = 110
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 8
BOTTOM = 8
LABEL_MAX_CHARS = 16


@dataclass(frozen=True)
class Bar:
    """One row of a chart: `parts` are (value, css modifier) stacked left to right; `text` is
    what is written after the bar (e.g. "1,204 / 1,500")."""

    label: str
    parts: tuple[tuple[float, str], ...]
    text: str

    @property
    def total(self) -> float:
        return sum(value for value, _modifier in self.parts)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def _number(value) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def bar_chart(
    *, chart_id: str, title: str, description: str, bars: list[Bar], scale_max=None
) -> SafeString:
    """A horizontal bar chart, one bar per row; stacked when a bar has several parts.

    `scale_max` is the value a full-width bar stands for (default: the largest total), so
    that a percentage chart can be drawn against 100.
    """
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((_number(bar.total) for bar in bars), default=0.0)
    scale = _number(scale_max) if scale_max is not None else largest
    scale = scale or 1.0
    height = TOP + BOTTOM + ROW_HEIGHT * max(len(bars), 1)

    rows = []
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) // 2
        text_y = y + ROW_HEIGHT // 2 + 5
        x = float(LABEL_WIDTH)
        rects = []
        for value, modifier in bar.parts:
            width = max(0.0, min(_number(value), scale)) / scale * plot_width
            rects.append(
                format_html(
                    '<rect class="chart__bar chart__bar--{}" x="{}" y="{}" width="{}" '
                    'height="{}"></rect>',
                    modifier,
                    f"{x:.1f}",
                    bar_y,
                    f"{width:.1f}",
                    BAR_HEIGHT,
                )
            )
            x += width
        rows.append(
            format_html(
                '<g class="chart__row"><text class="chart__label" x="{}" y="{}" '
                'text-anchor="end">{}</text>{}<text class="chart__value" x="{}" y="{}">{}</text>'
                "</g>",
                LABEL_WIDTH - 8,
                text_y,
                _short(bar.label),
                SafeString("".join(rects)),
                f"{x + 6:.1f}",
                text_y,
                bar.text,
            )
        )

    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line class="chart__axis" x1="{lw}" y1="{top}" x2="{lw}" y2="{bottom}"></line>'
        "{rows}</svg>",
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=description,
        lw=LABEL_WIDTH,
        top=TOP,
        bottom=height - BOTTOM,
        rows=format_html_join("", "{}", ((row,) for row in rows)),
    )
