"""Maps as inline SVG: a province's counties drawn from their real shapes (geo_shapes) and coloured by a
value on a sequential scale of five classes, and a grid of tiles where no shapes exist (townships,
villages). No script and nothing fetched: the same markup in a page and in the PDF. A share (0..1) is
written as a percentage when `percent` is set (the default: poverty rates)."""

import itertools
import math

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from . import geo_shapes
from .charts_axes import (
    MUTED,
    TEXT,
    decimals,
    esc,
    fit,
    heading,
    nice_step,
    no_data,
    num,
    overlaps,
    root,
    text_width,
)
from .charts_axes import tick_label as edge_label
from .charts_axes import value_label as shown

# ColorBrewer's OrRd, five classes: sequential, light to dark, legible in grey print.
CLASSES = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
DARK_FROM = 3  # classes from this one on carry white text
NO_DATA_FILL, NO_DATA_LINE = "#f2f2f2", "#b0b0b0"
HIGHLIGHT = "#111"
LEGEND_WIDTH, MAP_HEIGHT, LABEL_SIZE = 160, 520, 10
TILE_WIDTH, TILE_HEIGHT, TILE_GAP = 120, 44, 4
_pattern_ids = itertools.count(1)  # one hatch pattern per map, its id unique in the page


def has_shapes(province: str) -> bool:
    """Whether county_map can draw the province (else a tile map)."""
    return province in geo_shapes.PROVINCES


def class_edges(values: list[float], classes: int = len(CLASSES)) -> list[float]:
    """classes + 1 round edges of equal steps covering the values (the lowest edge at or below the least)."""
    low, high = min(values), max(values)
    if high == low:
        high = low + (abs(low) or 1.0) / 2
    step = nice_step((high - low) / classes)
    while (start := math.floor(low / step + 1e-9) * step) + classes * step < high - 1e-12:
        step = nice_step(step * 1.01)
    digits = decimals(step) + 2
    return [round(start + i * step, digits) for i in range(classes + 1)]


def class_of(value: float, edges: list[float]) -> int:
    """The class of a value: [edge i, edge i+1), the last class closed above."""
    return min(sum(1 for edge in edges[1:-1] if value >= edge), len(edges) - 2)


def hatch(pattern_id: str) -> str:
    return (f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{NO_DATA_FILL}"/>'
            f'<path d="M0 0v6" stroke="{NO_DATA_LINE}" stroke-width="2"/></pattern></defs>')


def legend(edges: list[float] | None, percent: bool, pattern_id: str | None, x: float, y: float,
           across: float = 0) -> tuple[str, float]:
    """The classes' swatches and ranges (and 'no data' when some area has none), down, or across rows
    `across` pixels wide; and the height it takes."""
    keys = []
    if edges:
        step = edges[1] - edges[0]
        words = [edge_label(edge, step, percent) for edge in edges]
        keys = [(CLASSES[n], f"{words[n]} – {words[n + 1]}", f'data-legend-class="{n}"')
                for n in range(len(edges) - 1)]
    if pattern_id:
        keys.append((f"url(#{pattern_id})", _("no data"), 'data-legend-class="none"'))
    parts, at_x, at_y = [], x, y
    for fill, words, attribute in keys:
        wide = 36 + text_width(words, 11)
        if across and at_x > x and at_x + wide > x + across:
            at_x, at_y = x, at_y + 19
        parts.append(f'<g {attribute}><rect x="{num(at_x)}" y="{num(at_y)}" width="18" height="13" '
                     f'fill="{fill}" stroke="#999" stroke-width="0.5"/>'
                     f'<text x="{num(at_x + 24)}" y="{num(at_y + 11)}" font-size="11">{esc(words)}'
                     "</text></g>")
        if across:
            at_x += wide
        else:
            at_y += 19
    return "".join(parts), at_y - y + (19 if across else 0)


def place(labels: list[tuple[geo_shapes.Shape, str, str]]) -> str:
    """The names that fit their county and overlap no other name, the larger counties' first."""
    placed, texts = [], []
    for shape, name, colour in sorted(labels, key=lambda label: -label[0].size[0] * label[0].size[1]):
        half, (x, y) = text_width(name, LABEL_SIZE) / 2, shape.label_at
        box = (x - half - 1, y - LABEL_SIZE / 2 - 1, x + half + 1, y + LABEL_SIZE / 2 + 1)
        fits = half * 2 <= shape.size[0] * 0.8 and shape.size[1] >= LABEL_SIZE * 1.6
        if fits and not any(overlaps(box, other) for other in placed):
            placed.append(box)
            texts.append(f'<text x="{num(x)}" y="{num(y + LABEL_SIZE / 2 - 1)}" fill="{colour}">'
                         f"{esc(name)}</text>")
    return "".join(texts)


def county_map(values: dict[str, float | None], *, province: str = "64", links: dict[str, str] | None = None,
               highlight: str | None = None, title: str = "", percent: bool = True,
               names: dict[str, str] | None = None, within: str = "", width: float = 640) -> SafeString:
    """The province's counties (only those under `within` when given: a prefecture's code, short or in 12
    digits) coloured by their value (keys: 6-digit codes, longer codes cut to 6), grey hatched without one;
    each a link when `links` has its code; `highlight` outlined; a county's name (from `names`, else the
    package's Chinese one) written where it fits; name and value in each tooltip."""
    values = {code[:6]: v for code, v in values.items()}
    links = {code[:6]: href for code, href in (links or {}).items()}
    names = {code[:6]: name for code, name in (names or {}).items()}
    top, room = heading(title, width)
    within = within[:6]
    while len(within) > 2 and within.endswith("00"):  # "640400000000" is the prefecture "6404"
        within = within[:-2]
    drawn = geo_shapes.layout(province, width - LEGEND_WIDTH - 16, MAP_HEIGHT, within)
    known = [v for shape in drawn.shapes if (v := values.get(shape.code)) is not None and math.isfinite(v)]
    edges = class_edges(known) if known else None
    pattern = f"no-data-{next(_pattern_ids)}" if len(known) < len(drawn.shapes) else None
    left = 8 + (width - LEGEND_WIDTH - 16 - drawn.width) / 2
    areas, labels, outline = [], [], ""
    for shape in drawn.shapes:
        value, name = values.get(shape.code), names.get(shape.code) or shape.name
        has = value is not None and math.isfinite(value)
        group = class_of(value, edges) if has else None
        words = f"{name}: {shown(value, percent) if has else _('no data')}"
        area = (f'<path d="{shape.d}" fill="{CLASSES[group] if has else f"url(#{pattern})"}" '
                f'data-area="{shape.code}" data-class="{"none" if group is None else group}">'
                f"<title>{esc(words)}</title></path>")
        areas.append(f'<a href="{esc(links[shape.code])}">{area}</a>' if shape.code in links else area)
        labels.append((shape, name, "#fff" if group is not None and group >= DARK_FROM else TEXT))
        if shape.code == (highlight or "")[:6]:
            outline = (f'<path d="{shape.d}" fill="none" stroke="{HIGHLIGHT}" stroke-width="2.5" '
                       f'data-highlight="{shape.code}"/>')
    keys, keys_height = legend(edges, percent, pattern, width - LEGEND_WIDTH, room + 4)
    height = room + max(drawn.height, keys_height) + 12
    body = (f'{hatch(pattern) if pattern else ""}{top}<g transform="translate({num(left)} {num(room + 4)})">'
            f'<g stroke="#fff" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd">'
            f'{"".join(areas)}</g>'
            f'{outline}<g font-size="{LABEL_SIZE}" text-anchor="middle">{place(labels)}</g></g>{keys}')
    return root("map", width, height, title or _("Map of counties"), body)


def tile_map(tiles: list[tuple[str, str, float | None]], *, links: dict[str, str] | None = None,
             title: str = "", percent: bool = True, width: float = 640) -> SafeString:
    """One tile per area (code, name, value) in code order, coloured like county_map, each a link when
    `links` has its code; the legend below."""
    if not tiles:
        return no_data("tiles", width, 120, title)
    links = links or {}
    top, room = heading(title, width)
    known = [v for _code, _name, v in tiles if v is not None and math.isfinite(v)]
    edges = class_edges(known) if known else None
    pattern = f"no-data-{next(_pattern_ids)}" if len(known) < len(tiles) else None
    columns = max(1, int((width - 16 + TILE_GAP) // (TILE_WIDTH + TILE_GAP)))
    parts = []
    for n, (code, name, value) in enumerate(sorted(tiles, key=lambda tile: tile[0])):
        x = 8 + (n % columns) * (TILE_WIDTH + TILE_GAP)
        y = room + (n // columns) * (TILE_HEIGHT + TILE_GAP)
        has = value is not None and math.isfinite(value)
        group = class_of(value, edges) if has else None
        colour = "#fff" if group is not None and group >= DARK_FROM else TEXT
        figure = shown(value, percent) if has else _("no data")
        tile = (f'<g data-area="{esc(code)}" data-class="{"none" if group is None else group}">'
                f"<title>{esc(name)} {esc(code)}: {esc(figure)}</title>"
                f'<rect x="{num(x)}" y="{num(y)}" width="{TILE_WIDTH}" height="{TILE_HEIGHT}" rx="3" '
                f'fill="{CLASSES[group] if has else f"url(#{pattern})"}" stroke="#ccc" stroke-width="0.5"/>'
                f'<text x="{num(x + 6)}" y="{num(y + 17)}" fill="{colour}">'
                f'{esc(fit(name, 12, TILE_WIDTH - 12))}</text>'
                f'<text x="{num(x + 6)}" y="{num(y + 35)}" font-size="11" fill="{colour if has else MUTED}">'
                f"{esc(figure)}</text></g>")
        parts.append(f'<a href="{esc(links[code])}">{tile}</a>' if code in links else tile)
    rows = math.ceil(len(tiles) / columns)
    keys_top = room + rows * (TILE_HEIGHT + TILE_GAP) + 8
    keys, keys_height = legend(edges, percent, pattern, 8, keys_top, across=width - 16)
    body = f'{hatch(pattern) if pattern else ""}{top}{"".join(parts)}{keys}'
    return root("tiles", width, keys_top + keys_height + 8, title or _("Map of areas"), body)
