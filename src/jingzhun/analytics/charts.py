"""Line, bar and histogram charts as inline SVG for the analytics pages and the yearly report's PDF.

Labels come as the caller gives them (translated, Chinese or English) and are escaped here; a share (0..1) is
written as a percentage when `percent` is set. A chart with nothing to draw says "No data"."""

import math

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .charts_axes import (
    AXIS,
    GRID,
    MUTED,
    SERIES,
    esc,
    fit,
    heading,
    include_zero,
    nice_ticks,
    no_data,
    num,
    overlaps,
    root,
    text_width,
    tick_label,
    value_label,
)

LABELLED_POINTS = 60  # past this many points the values crowd each other: tooltips only
BAR, BAR_GAP = 18, 8
MARKER = "#c0392b"


def finite(value) -> bool:
    return value is not None and math.isfinite(value)


def y_axis(ticks: list[float], y, left: float, right: float, percent: bool) -> str:
    """Horizontal grid lines at the ticks, labelled on the left; the zero line darker."""
    step = ticks[1] - ticks[0]
    return "".join(
        f'<line x1="{num(left)}" x2="{num(right)}" y1="{num(y(t))}" y2="{num(y(t))}" '
        f'stroke="{AXIS if t == 0 else GRID}"/><text x="{num(left - 6)}" y="{num(y(t) + 4)}" '
        f'text-anchor="end" font-size="11" fill="{MUTED}">{esc(tick_label(t, step, percent))}</text>'
        for t in ticks)


def legend(names: list[str], width: float, top: float) -> tuple[str, float]:
    """One swatch per series, wrapped into rows; with the height it takes."""
    parts, x, y = [], 8.0, top
    for n, name in enumerate(names):
        room = 26 + text_width(name, 11) + 14
        if x + room > width and x > 8:
            x, y = 8.0, y + 18
        colour = SERIES[n % len(SERIES)]
        parts.append(f'<g data-legend="{n}"><line x1="{num(x)}" x2="{num(x + 18)}" y1="{num(y)}" '
                     f'y2="{num(y)}" stroke="{colour}" stroke-width="3"/>'
                     f'<text x="{num(x + 24)}" y="{num(y + 4)}" font-size="11">{esc(name)}</text></g>')
        x += room
    return "".join(parts), y - top + 18


def free_spot(x: float, y: float, text: str, placed: list, high: float, low: float,
              below: bool = False) -> float | None:
    """The baseline of a point's value label: above the point (below when `below`), else on the other side,
    clear of the labels placed and within [high, low]; None when neither is (the point's tooltip tells)."""
    half = text_width(text, 10) / 2
    for baseline in (y + 16, y - 8) if below else (y - 8, y + 16):
        box = (x - half, baseline - 9, x + half, baseline + 1)
        if high <= box[1] and box[3] <= low and not any(overlaps(box, other) for other in placed):
            placed.append(box)
            return baseline
    return None


def line_chart(series: list[tuple[str, list[tuple[int, float | None]]]], *, percent: bool = False,
               title: str = "", width: float = 640, height: float = 260) -> SafeString:
    """One line per series over the years, each point marked and labelled with its value (a point of None
    breaks the line), the y axis from zero, a legend below."""
    values = [v for _name, points in series for _x, v in points if finite(v)]
    if not values:
        return no_data("line", width, height, title)
    names = [str(name) for name, _points in series]
    xs = sorted({x for _name, points in series for x, _v in points})
    top, room = heading(title, width)
    keys, legend_height = legend(names, width, 0)
    ticks = nice_ticks(*include_zero(values))
    step = ticks[1] - ticks[0]
    left = 14 + max(text_width(tick_label(t, step, percent), 11) for t in ticks)
    right, plot_top = width - 24, room + 14
    bottom = height - legend_height - 32
    span = ticks[-1] - ticks[0]

    def y(v: float) -> float:
        return bottom - (v - ticks[0]) / span * (bottom - plot_top)

    def x(year: int) -> float:
        return (left + right) / 2 if len(xs) == 1 else left + 10 + (year - xs[0]) / (xs[-1] - xs[0]) * (
            right - left - 20)

    stride = max(1, math.ceil(len(xs) * 44 / (right - left)))
    body = [top, y_axis(ticks, y, left, right, percent)]
    body += [f'<text x="{num(x(year))}" y="{num(bottom + 16)}" text-anchor="middle" font-size="11" '
             f'fill="{MUTED}">{esc(year)}</text>' for year in xs[::stride]]
    labelled, placed = len(values) <= LABELLED_POINTS, []
    for n, (name, points) in enumerate(series):
        colour, points = SERIES[n % len(SERIES)], sorted(points, key=lambda p: p[0])
        runs = [[]]
        for year, v in points:
            if finite(v):
                runs[-1].append(f"{num(x(year))} {num(y(v))}")
            elif runs[-1]:
                runs.append([])
        body.append(f'<g data-series="{n}" fill="{colour}">')
        body += [f'<path d="M{"L".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                 for run in runs if run]
        for year, v in points:
            if not finite(v):
                continue
            shown = value_label(v, percent)
            body.append(f'<circle cx="{num(x(year))}" cy="{num(y(v))}" r="3.5" stroke="#fff">'
                        f"<title>{esc(name)} {esc(year)}: {esc(shown)}</title></circle>")
            # Every other series' labels below its points, apart from its neighbour's.
            at = labelled and free_spot(x(year), y(v), shown, placed, plot_top - 12, bottom, n % 2 == 1)
            if at:
                body.append(f'<text x="{num(x(year))}" y="{num(at)}" text-anchor="middle" font-size="10">'
                            f"{esc(shown)}</text>")
        body.append("</g>")
    body.append(f'<g transform="translate(0 {num(height - legend_height + 8)})">{keys}</g>')
    return root("line", width, height, title or _("Line chart"), "".join(body))


def bar_chart(items: list[tuple[str, float]], *, percent: bool = False, title: str = "",
              width: float = 640) -> SafeString:
    """Horizontal bars from zero, one per item in the order given, the label on the left and the value at
    the bar's end; the height follows the number of items."""
    values = [v for _label, v in items if finite(v)]
    top, room = heading(title, width)
    if not values:
        return no_data("bar", width, room + 80, title)
    ticks = nice_ticks(*include_zero(values))
    step, span = ticks[1] - ticks[0], ticks[-1] - ticks[0]
    label_room = min(max(text_width(label, 12) for label, _v in items) + 8, width * 0.38)
    value_room = max(text_width(value_label(v, percent), 11) for v in values) + 10
    left, right = label_room + 10, width - value_room
    height = room + 6 + len(items) * (BAR + BAR_GAP) + 24
    bottom = height - 24

    def x(v: float) -> float:
        return left + (v - ticks[0]) / span * (right - left)

    body = [top] + [
        f'<line x1="{num(x(t))}" x2="{num(x(t))}" y1="{num(room)}" y2="{num(bottom)}" '
        f'stroke="{AXIS if t == 0 else GRID}"/><text x="{num(x(t))}" y="{num(bottom + 16)}" '
        f'text-anchor="middle" font-size="11" fill="{MUTED}">{esc(tick_label(t, step, percent))}</text>'
        for t in ticks]
    for n, (label, v) in enumerate(items):
        top_y = room + 6 + n * (BAR + BAR_GAP)
        mid = top_y + BAR / 2 + 4
        shown = value_label(v, percent) if finite(v) else _("no data")
        body.append(f'<g data-bar="{n}"><title>{esc(label)}: {esc(shown)}</title>'
                    f'<text x="{num(label_room)}" y="{num(mid)}" text-anchor="end">'
                    f"{esc(fit(label, 12, label_room - 4))}</text>")
        if finite(v):
            start, end = sorted((x(0), x(v)))
            body.append(f'<rect x="{num(start)}" y="{num(top_y)}" width="{num(max(end - start, 0.5))}" '
                        f'height="{BAR}" fill="{SERIES[0]}"/>')
            at, anchor = (end + 4, "start") if v >= 0 else (start - 4, "end")
        else:
            at, anchor = x(0) + 4, "start"
        body.append(f'<text x="{num(at)}" y="{num(mid)}" text-anchor="{anchor}" font-size="11">{esc(shown)}'
                    "</text></g>")
    return root("bar", width, height, title or _("Bar chart"), "".join(body))


def closed_bins(bins: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    """The bins with an open end (an infinite edge) drawn as wide as a typical bin."""
    widths = sorted(hi - lo for lo, hi, _n in bins if math.isfinite(hi - lo) and hi > lo)
    typical = widths[len(widths) // 2] if widths else 1.0
    return [(hi - typical if not math.isfinite(lo) else lo, lo + typical if not math.isfinite(hi) else hi, n)
            for lo, hi, n in bins]


def bin_label(lo: float, hi: float) -> str:
    """What a bin holds: "lo–hi", or for an open bin "≥ lo" (no upper edge) or "< hi" (no lower edge)."""
    if not math.isfinite(hi):
        return f"≥ {value_label(lo, False)}"
    if not math.isfinite(lo):
        return f"< {value_label(hi, False)}"
    return f"{value_label(lo, False)}–{value_label(hi, False)}"


def histogram(bins: list[tuple[float, float, int]], *, marker: float | None = None, marker_label: str = "",
              title: str = "", width: float = 640, height: float = 240) -> SafeString:
    """Counts per bin [lo, hi) as adjoining bars over a value axis, with an optional dashed marker (the
    poverty line) labelled `marker_label` (else its value). An open bin (lo or hi infinite: the few far
    out) is drawn as wide as a typical bin and labelled under the axis "≥ lo" or "< hi"; the axis has no
    ticks inside it, since its width stands for no range of values."""
    given = [(float(lo), float(hi), int(n)) for lo, hi, n in bins]
    rows = closed_bins(given)
    most = max((n for _lo, _hi, n in rows), default=0)
    if most <= 0:
        return no_data("histogram", width, height, title)
    top, room = heading(title, width)
    low, high = rows[0][0], rows[-1][1]
    if finite(marker):
        low, high = min(low, marker), max(high, marker)
    ticks = nice_ticks(0, most, min(5, most))
    left = 14 + max(text_width(tick_label(t, ticks[1] - ticks[0], False), 11) for t in ticks)
    right, plot_top, bottom = width - 16, room + 16, height - 24

    def x(v: float) -> float:
        return left + (v - low) / (high - low) * (right - left)

    def y(count: float) -> float:
        return bottom - count / ticks[-1] * (bottom - plot_top)

    def box(at: float, text: str) -> tuple:
        half = text_width(text, 11) / 2
        return (at - half, bottom + 5, at + half, bottom + 17)

    body = [top, y_axis(ticks, y, left, right, False)]
    # The open bins' labels first: an axis tick whose label would run into one is left out.
    opened, boxes = [], []
    for (lo, hi, _n), (at_lo, at_hi, _m) in zip(given, rows, strict=True):
        if not (math.isfinite(lo) and math.isfinite(hi)):
            words, middle = bin_label(lo, hi), (x(at_lo) + x(at_hi)) / 2
            boxes.append(box(middle, words))
            opened.append(f'<text x="{num(middle)}" y="{num(bottom + 16)}" text-anchor="middle" '
                          f'font-size="11" fill="{MUTED}" data-open-bin="1">{esc(words)}</text>')
    first = given[0][1] if not math.isfinite(given[0][0]) else low
    last = given[-1][0] if not math.isfinite(given[-1][1]) else high
    x_ticks = [t for t in nice_ticks(low, high, 6) if first - 1e-9 <= t <= last + 1e-9]
    x_step = x_ticks[1] - x_ticks[0] if len(x_ticks) > 1 else 1.0
    for t in x_ticks:
        words = tick_label(t, x_step, False)
        if not any(overlaps(box(x(t), words), other) for other in boxes):
            body.append(f'<text x="{num(x(t))}" y="{num(bottom + 16)}" text-anchor="middle" font-size="11" '
                        f'fill="{MUTED}">{esc(words)}</text>')
    body += opened
    for n, ((lo, hi, count), (at_lo, at_hi, _m)) in enumerate(zip(given, rows, strict=True)):
        body.append(f'<rect data-bin="{n}" x="{num(x(at_lo) + 0.5)}" y="{num(y(count))}" '
                    f'width="{num(max(x(at_hi) - x(at_lo) - 1, 0.5))}" height="{num(bottom - y(count))}" '
                    f'fill="{SERIES[0]}"><title>{esc(bin_label(lo, hi))}: {count:,}</title></rect>')
    if finite(marker):
        at = x(marker)
        words = str(marker_label) or value_label(marker, False)
        anchor, shift = ("end", -4) if at > (left + right) / 2 else ("start", 4)
        body.append(f'<g data-marker="1"><line x1="{num(at)}" x2="{num(at)}" y1="{num(plot_top - 4)}" '
                    f'y2="{num(bottom)}" stroke="{MARKER}" stroke-width="1.5" stroke-dasharray="5 3"/>'
                    f'<text x="{num(at + shift)}" y="{num(plot_top + 6)}" text-anchor="{anchor}" '
                    f'font-size="11" fill="{MARKER}">{esc(words)}</text></g>')
    return root("histogram", width, height, title or _("Histogram"), "".join(body))
