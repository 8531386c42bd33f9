"""Issue 7's map of counties coloured by poverty rate: the real shapes of the npm package (installed by
scripts/setup.sh) decoded from ECharts' compressed coordinates, every Ningxia county of the area list drawn,
coloured by class with a legend, hatched without a value, linked, highlighted, named; and the tile map for
areas without shapes."""

import csv
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from jingzhun.analytics import geo, geo_shapes
from jingzhun.areas.loader import DATA_DIR

SVG = "{http://www.w3.org/2000/svg}"
AREAS = DATA_DIR / "ningxia_areas.csv"  # the project's copy of shared/domain/ningxia_areas.csv
XIJI, YANCHI, YUANZHOU, HAIYUAN = "640422", "640323", "640402", "640522"


def parse(markup) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg" and root.get("class") == "chart"
    return root


def areas(root: ET.Element) -> dict[str, ET.Element]:
    return {node.get("data-area"): node for node in root.iter() if node.get("data-area")}


def county_rows() -> dict[str, str]:
    """Ningxia's counties in the project's area list (6-digit code → Chinese name)."""
    with AREAS.open(encoding="utf-8") as rows:
        return {row["code"][:6]: row["name_zh"] for row in csv.DictReader(rows) if row["level"] == "county"}


def test_a_compressed_coordinate_decodes_to_the_hand_computed_value():
    # From Lingwu's ring: offset (109203, 39149) in 1/1024 degree; "A" is 65 − 64 = 1, zigzag −1; "H" is
    # 72 − 64 = 8, zigzag +4: (109202/1024, 39153/1024).
    assert geo_shapes.decode_ring("AH", (109203, 39149)) == [(106.642578125, 38.2353515625)]
    # "@" is a zero step; a step beyond the printable range: 300 → +150; then "C" (3) → −2.
    assert geo_shapes.decode_ring("@@" + chr(64 + 300) + "C", (1024, 2048)) == [
        (1.0, 2.0), (1174 / 1024, 2046 / 1024)]


def test_the_package_has_every_ningxia_county_of_the_area_list():
    counties = geo_shapes.counties("64")
    expected = county_rows()
    assert len(expected) == 22
    # No code renamed since the package's data: the same 22 codes and names.
    assert {c.code: c.name for c in counties} == expected
    for county in counties:
        lon, lat = county.centre
        assert 104 < lon < 108 and 35 < lat < 40, county
        assert all(104 < x < 108 and 35 < y < 40 for polygon in county.polygons for ring in polygon
                   for x, y in ring), county


def test_county_map_colours_each_county_by_its_class_with_a_legend():
    counties = county_rows()
    values = {code: 0.03 for code in counties}
    values.update({XIJI: 0.123, YANCHI: 0.0066, YUANZHOU: 0.05, HAIYUAN: None})
    with translation.override("en"):
        markup = geo.county_map({f"{code}000000": value for code, value in values.items()}, title="P0 2019")
    root = parse(markup)
    assert root.get("data-chart") == "map" and root.get("aria-label") == "P0 2019"
    drawn = areas(root)
    assert set(drawn) == set(counties)
    # Five classes of 2.5 points from 0: 0.66% → 0, 3% → 1, 5% → 2, 12.3% → 4.
    assert {code: drawn[code].get("fill") for code in (YANCHI, "640104", YUANZHOU, XIJI)} == {
        YANCHI: geo.CLASSES[0], "640104": geo.CLASSES[1], YUANZHOU: geo.CLASSES[2], XIJI: geo.CLASSES[4]}
    assert drawn[XIJI].get("data-class") == "4"
    assert drawn[XIJI].find(f"{SVG}title").text == "西吉县: 12.3%"
    # No value: hatched with the map's own pattern, said in the tooltip and the legend.
    hatch = drawn[HAIYUAN].get("fill")
    assert drawn[HAIYUAN].get("data-class") == "none" and hatch.startswith("url(#")
    assert root.find(f".//{SVG}pattern[@id='{hatch[5:-1]}']") is not None
    assert drawn[HAIYUAN].find(f"{SVG}title").text == "海原县: no data"
    legend = [" ".join(t.text for t in node.iter(f"{SVG}text"))
              for node in root.iter() if node.get("data-legend-class")]
    assert legend == ["0.0% – 2.5%", "2.5% – 5.0%", "5.0% – 7.5%", "7.5% – 10.0%", "10.0% – 12.5%", "no data"]
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"西吉县", "盐池县", "海原县"} <= labels
    assert len(markup.encode()) < 150_000


def test_county_map_links_highlights_and_names_as_asked():
    counties = county_rows()
    links = {code: f"/analytics/area/{code}/?year=2019&w=persons" for code in counties}
    names = {XIJI: "Xiji", YANCHI: "<Yanchi>"}
    root = parse(geo.county_map({XIJI: 0.1, YANCHI: 0.2}, links=links, highlight=f"{XIJI}000000",
                                names=names))
    anchors = root.findall(f".//{SVG}a")
    assert {a.get("href") for a in anchors} == set(links.values())
    for anchor in anchors:
        (path,) = anchor.findall(f"{SVG}path")
        assert anchor.get("href") == links[path.get("data-area")]
    (outline,) = [node for node in root.iter(f"{SVG}path") if node.get("data-highlight")]
    assert outline.get("data-highlight") == XIJI and outline.get("fill") == "none"
    assert outline.get("d") == areas(root)[XIJI].get("d")
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Xiji", "<Yanchi>"} <= labels and "西吉县" not in labels
    assert areas(root)[YANCHI].find(f"{SVG}title").text == "<Yanchi>: 20.0%"
    # Without links, no anchor; without values, every county hatched.
    plain = parse(geo.county_map({}))
    assert not plain.findall(f".//{SVG}a")
    assert {node.get("data-class") for node in areas(plain).values()} == {"none"}


def test_county_map_within_a_prefecture_draws_only_its_counties_at_a_larger_scale():
    whole = parse(geo.county_map({XIJI: 0.1}))
    for within in ("6404", "640400000000"):
        guyuan = parse(geo.county_map({XIJI: 0.1}, within=within))
        assert set(areas(guyuan)) == {"640402", XIJI, "640423", "640424", "640425"}
        assert len(areas(guyuan)[XIJI].get("d")) > len(areas(whole)[XIJI].get("d"))
    with pytest.raises(KeyError):
        geo.county_map({}, within="6499")


def test_a_province_without_shapes_is_refused_and_missing_files_name_the_set_up(monkeypatch, tmp_path):
    assert geo.has_shapes("64") and not geo.has_shapes("11")
    with pytest.raises(KeyError):
        geo.county_map({}, province="11")
    geo_shapes.counties.cache_clear()
    geo_shapes.layout.cache_clear()
    monkeypatch.setattr(geo_shapes, "PACKAGE", tmp_path / "absent")
    try:
        with pytest.raises(geo_shapes.ShapesMissing, match=r"\./scripts/setup\.sh runtime"):
            geo.county_map({XIJI: 0.1})
    finally:
        geo_shapes.counties.cache_clear()
        geo_shapes.layout.cache_clear()


def test_tile_map_puts_tiles_in_code_order_coloured_and_linked():
    tiles = [("640422102", "兴隆镇", None), ("640422101", "吉强镇", 0.02), ("640422103", "平峰镇", 0.11),
             ("640422104", "新营乡", 0.05)]
    with translation.override("en"):
        root = parse(geo.tile_map(tiles, links={"640422101": "/analytics/area/640422101/?a=1&b=2"},
                                  title="Xiji"))
    assert root.get("data-chart") == "tiles"
    groups = [node for node in root.iter() if node.get("data-area")]
    assert [g.get("data-area") for g in groups] == ["640422101", "640422102", "640422103", "640422104"]
    assert [g.get("data-class") for g in groups] == ["0", "none", "4", "1"]
    fills = [g.find(f"{SVG}rect").get("fill") for g in groups]
    assert fills[0] == geo.CLASSES[0] and fills[2] == geo.CLASSES[4] and fills[1].startswith("url(#")
    assert [[t.text for t in g.iter(f"{SVG}text")] for g in groups] == [
        ["吉强镇", "2.0%"], ["兴隆镇", "no data"], ["平峰镇", "11.0%"], ["新营乡", "5.0%"]]
    (anchor,) = root.findall(f".//{SVG}a")
    assert anchor.get("href") == "/analytics/area/640422101/?a=1&b=2"
    assert anchor.find(f"{SVG}g").get("data-area") == "640422101"
    first, second = (float(g.find(f"{SVG}rect").get("x")) for g in groups[:2])
    assert second > first
