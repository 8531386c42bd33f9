"""What the charts and maps share: the root element, "nice" axis ticks, numbers and percentages as labels,
text widths, the palettes and the 'no data' figure. Server-side SVG with no script and nothing fetched, so a
page and WeasyPrint's PDF show the same markup; every text goes through `esc`."""

import html
import math
import unicodedata
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Ends with the CJK font the PDF embeds (and Debian installs), so Chinese renders wherever the SVG is drawn.
FONT = ("'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', "
        "sans-serif")
# Tableau's ten, muted: they stay apart in grey print; the yellow last, since it is a weak colour for text.
SERIES = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#9c755f", "#76b7b2", "#edc948")
TEXT, MUTED, AXIS, GRID = "#222", "#555", "#888", "#e4e4e4"
NICE_STEPS = (1, 2, 2.5, 5, 10)


def esc(value) -> str:
    """Text or an attribute value made safe inside SVG (lazy translations included)."""
    return html.escape(str(value), quote=True)


def num(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float) -> float:
    """Rough rendered width: a CJK glyph is about a square, a Latin one about 0.6 of it."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in str(text))


def fit(text: str, size: float, room: float) -> str:
    """The text cut with an ellipsis to fit in `room` pixels."""
    text = str(text)
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def overlaps(a: tuple, b: tuple) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `raw` (> 0)."""
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in NICE_STEPS if m * magnitude >= raw * (1 - 1e-9))


def decimals(step: float) -> int:
    """How many decimals write every multiple of `step` exactly (at most 6)."""
    return next((d for d in range(7) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 6)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] with about `count` intervals (Heckbert's "nice numbers")."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (abs(low) or 1.0)
    step = nice_step((high - low) / count)
    start, end = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    digits = decimals(step) + 2
    return [round(start + i * step, digits) for i in range(round((end - start) / step) + 1)]


def include_zero(values: Iterable[float]) -> tuple[float, float]:
    """The range of the values stretched to 0, so bars and lines are read against zero."""
    values = list(values)
    return min(0.0, *values), max(0.0, *values)


def tick_label(value: float, step: float, percent: bool) -> str:
    """An axis label: as many decimals as the step needs; a share as a percentage."""
    if percent:
        return f"{value * 100:,.{decimals(step * 100)}f}%"
    return f"{value:,.{decimals(step)}f}"


def value_label(value: float | None, percent: bool) -> str:
    """A data label: a share as a percentage (two decimals under 1%), else three significant figures
    (whole numbers and those from 100 up without decimals, with thousands separators)."""
    if value is None or not math.isfinite(value):
        return "–"
    if percent:
        share = value * 100
        return f"{share:.{2 if 0 < abs(share) < 1 else 1}f}%"
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.{min(4, max(0, 2 - math.floor(math.log10(abs(value)))))}f}"


def root(kind: str, width: float, height: float, label: str, body: str) -> SafeString:
    """The <svg> every chart is: found by class "chart" and data-chart; named for screen readers; a title
    for tooltips; the font list inherited by every text."""
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="{kind}" role="img" '
        f'aria-label="{esc(label)}" width="{num(width)}" height="{num(height)}" '
        f'viewBox="0 0 {num(width)} {num(height)}" font-family="{FONT}" font-size="12" fill="{TEXT}">'
        f"<title>{esc(label)}</title>{body}</svg>")


def heading(title: str, width: float) -> tuple[str, float]:
    """The title written atop the chart, and the height it takes."""
    if not title:
        return "", 8.0
    return (f'<text x="{num(width / 2)}" y="17" text-anchor="middle" font-size="14" font-weight="bold">'
            f"{esc(fit(title, 14, width - 8))}</text>"), 30.0


def no_data(kind: str, width: float, height: float, title: str) -> SafeString:
    """A chart with nothing to draw says so, in place of empty axes."""
    top, room = heading(title, width)
    words = esc(_("No data"))
    return root(kind, width, height, title or _("No data"), (
        f'{top}<rect x="0.5" y="{num(room)}" width="{num(width - 1)}" height="{num(height - room - 0.5)}" '
        f'fill="#fafafa" stroke="{GRID}"/><text x="{num(width / 2)}" y="{num((room + height) / 2 + 5)}" '
        f'text-anchor="middle" font-size="14" fill="{MUTED}" data-no-data="1">{words}</text>'))
