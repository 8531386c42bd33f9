"""Issue 7's charts: server-side SVG with readable axes (nice ticks, shares as percentages), every label
escaped, 'No data' where there is nothing to draw, and the same markup rendered by WeasyPrint into a PDF whose
first page is not blank and whose Chinese labels read back."""

import xml.etree.ElementTree as ET

from django.utils import translation

from jingzhun.analytics import charts, geo
from jingzhun.analytics.charts_axes import nice_ticks, tick_label, value_label
from jingzhun.funds import report_pdf
from tests.tools import first_page_pixels, pdf_text

SVG = "{http://www.w3.org/2000/svg}"
HEADCOUNT = [("贫困发生率", [(2016, 0.21), (2017, 0.15), (2018, None), (2019, 0.04), (2020, 0.012)]),
             ("Registered poor", [(2016, 0.19), (2017, 0.12), (2018, 0.07), (2019, 0.03), (2020, 0.0)])]


def parse(markup) -> ET.Element:
    """The chart as XML: it must be well-formed for the PDF's SVG reader."""
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg" and root.get("class") == "chart" and root.get("role") == "img"
    return root


def texts(root: ET.Element) -> list[str]:
    return [node.text or "" for node in root.iter(f"{SVG}text")]


def test_ticks_are_round_numbers_covering_the_values():
    assert nice_ticks(0, 0.123) == [0, 0.025, 0.05, 0.075, 0.1, 0.125]
    assert nice_ticks(0, 3000) == [0, 1000, 2000, 3000]
    assert nice_ticks(0, 8145) == [0, 2000, 4000, 6000, 8000, 10000]
    assert nice_ticks(-3, 7) == [-4, -2, 0, 2, 4, 6, 8]
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_shares_are_written_as_percentages_and_numbers_with_separators():
    assert [tick_label(t, 0.025, True) for t in (0, 0.05, 0.125)] == ["0.0%", "5.0%", "12.5%"]
    assert [tick_label(t, 0.05, True) for t in (0, 0.05, 0.1)] == ["0%", "5%", "10%"]
    assert tick_label(4000, 2000, False) == "4,000"
    assert [value_label(v, True) for v in (0.123, 0.0066, 0, None)] == ["12.3%", "0.66%", "0.0%", "–"]
    assert [value_label(v, False) for v in (8145.4, 12, 0.352, 0.0123)] == ["8,145", "12", "0.352", "0.0123"]


def test_line_chart_has_percent_axis_labelled_points_and_a_gap_for_a_missing_year():
    root = parse(charts.line_chart(HEADCOUNT, percent=True, title="贫困发生率 2016–2020"))
    assert root.get("data-chart") == "line" and root.get("aria-label") == "贫困发生率 2016–2020"
    words = texts(root)
    assert {"0%", "5%", "10%", "15%", "20%", "25%"} <= set(words)
    assert {"2016", "2017", "2018", "2019", "2020"} <= set(words)
    assert {"21.0%", "15.0%", "4.0%", "1.2%", "7.0%"} <= set(words)
    assert {"贫困发生率", "Registered poor"} <= set(words)
    first, second = (root.find(f".//{SVG}g[@data-series='{n}']") for n in (0, 1))
    # 2018 is missing in the first series: its line breaks there; the second is whole.
    assert len(first.findall(f"{SVG}path")) == 2 and len(second.findall(f"{SVG}path")) == 1
    assert len(first.findall(f"{SVG}circle")) == 4 and len(second.findall(f"{SVG}circle")) == 5
    tooltips = [node.text for node in first.iter(f"{SVG}title")]
    assert "贫困发生率 2016: 21.0%" in tooltips


def test_charts_without_values_say_no_data():
    with translation.override("en"):
        for chart, kind in ((charts.line_chart([], title="P0"), "line"),
                            (charts.line_chart([("P0", [(2019, None), (2020, None)])]), "line"),
                            (charts.bar_chart([]), "bar"), (charts.bar_chart([("西吉县", None)]), "bar"),
                            (charts.histogram([]), "histogram"),
                            (charts.histogram([(0, 1000, 0)]), "histogram"),
                            (geo.tile_map([]), "tiles")):
            root = parse(chart)
            assert root.get("data-chart") == kind
            assert root.find(f".//{SVG}text[@data-no-data]").text == "No data"
            assert not root.findall(f".//{SVG}path") and not root.findall(f".//{SVG}circle")


def test_every_label_is_escaped():
    attack = '<script>alert("x")</script>'
    for chart in (charts.bar_chart([(attack, 3.0), ("因病", 5.0)], title=attack),
                  charts.line_chart([(attack, [(2020, 1.0)])], title=attack),
                  charts.histogram([(0, 1, 2)], marker=0.5, marker_label=attack, title=attack),
                  geo.tile_map([("640422100", attack, 0.1)], links={"640422100": '/a?x=1&y="2"'},
                               title=attack)):
        assert "<script" not in str(chart)
        root = parse(chart)
        assert attack in texts(root) and root.get("aria-label") == attack


def test_bar_chart_writes_labels_as_given_and_percent_values():
    items = [("西吉县", 0.123), ("Yanchi", 0.0066), ("原州区", 0.05)]
    root = parse(charts.bar_chart(items, percent=True, title="Headcount"))
    assert root.get("data-chart") == "bar"
    bars = [root.find(f".//{SVG}g[@data-bar='{n}']") for n in range(3)]
    assert [[node.text for node in bar.iter(f"{SVG}text")] for bar in bars] == [
        ["西吉县", "12.3%"], ["Yanchi", "0.66%"], ["原州区", "5.0%"]]
    widths = [float(bar.find(f"{SVG}rect").get("width")) for bar in bars]
    assert widths[0] > widths[2] > widths[1] > 0
    assert abs(widths[2] / widths[0] - 0.05 / 0.123) < 0.01  # bars from zero, to scale
    assert {"0.0%", "12.5%"} <= set(texts(root))


def test_histogram_marks_the_poverty_line_and_draws_an_open_last_bin():
    bins = [(0, 1000, 5), (1000, 2000, 40), (2000, 3000, 120), (3000, 4000, 300), (4000, float("inf"), 420)]
    root = parse(charts.histogram(bins, marker=3747, marker_label="贫困线 3,747"))
    rects = root.findall(f".//{SVG}rect[@data-bin]")
    assert len(rects) == 5
    x = [float(rect.get("x")) for rect in rects]
    widths = {round(float(rect.get("width")), 1) for rect in rects}
    assert len(widths) == 1, "the open bin is drawn as wide as the others"
    heights = [float(rect.get("height")) for rect in rects]
    assert heights[-1] == max(heights) and abs(heights[1] / heights[-1] - 40 / 420) < 0.01
    marker = root.find(f".//{SVG}g[@data-marker]")
    at = float(marker.find(f"{SVG}line").get("x1"))
    assert x[3] < at < x[4] and abs((at - x[3]) / (x[4] - x[3]) - 0.747) < 0.02
    assert marker.find(f"{SVG}text").text == "贫困线 3,747"
    assert {"0", "100", "400", "2,000", "4,000"} <= set(texts(root))
    assert "3,000–4,000: 300" in [node.text for node in root.iter(f"{SVG}title")]
    # The open bin says what it holds, under itself; no tick pretends its width is a range of incomes.
    [label] = root.findall(f".//{SVG}text[@data-open-bin]")
    assert label.text == "≥ 4,000" and x[4] < float(label.get("x")) < x[4] + float(rects[4].get("width"))
    assert "≥ 4,000: 420" in [node.text for node in root.iter(f"{SVG}title")]
    assert "5,000" not in texts(root)


def test_histogram_open_bins_below_zero_and_above_the_top_as_wide_as_the_others():
    """The dashboard's bins: incomes below zero and from three lines up in open bins, a narrow chart where
    a tick's label would run into an open bin's label (that tick is left out)."""
    step = 1000.0
    bins = [(float("-inf"), 0.0, 7), *((step * i, step * (i + 1), 50 + i) for i in range(12)),
            (12 * step, float("inf"), 30)]
    root = parse(charts.histogram(bins, marker=4000, width=320))
    rects = root.findall(f".//{SVG}rect[@data-bin]")
    widths = [float(rect.get("width")) for rect in rects]
    assert len(rects) == 14 and max(widths) - min(widths) < 0.2
    starts = [float(rect.get("x")) for rect in rects]
    assert all(b > a for a, b in zip(starts, starts[1:], strict=False))  # in order, adjoining
    labels = {node.text: float(node.get("x")) for node in root.findall(f".//{SVG}text[@data-open-bin]")}
    assert set(labels) == {"< 0", "≥ 12,000"}
    assert starts[0] < labels["< 0"] < starts[1] and labels["≥ 12,000"] > starts[-1]
    assert {"< 0: 7", "≥ 12,000: 30", "0–1,000: 50"} <= {node.text for node in root.iter(f"{SVG}title")}
    axis_y = root.find(f".//{SVG}text[@data-open-bin]").get("y")
    ticks = [node for node in root.iter(f"{SVG}text")
             if node.get("y") == axis_y and node.get("data-open-bin") is None]
    # 0 would run into "< 0" at this width: left out; the others stand.
    assert [tick.text for tick in ticks] == ["2,500", "5,000", "7,500", "10,000"]
    for tick in ticks:  # axis ticks inside the finite range only, clear of the open bins' labels
        assert starts[1] - 1 <= float(tick.get("x")) <= starts[-1] + 1, tick.text


def test_charts_and_the_map_render_in_a_pdf_with_chinese_text(tmp_path):
    # Imported here: WeasyPrint loads Pango on import.
    from weasyprint import HTML

    font = report_pdf.cjk_font()
    assert font is not None, "WenQuanYi Micro Hei is not installed (scripts/setup.sh installs it)"
    face = f'@font-face {{ font-family: "{report_pdf.FAMILY}"; src: url("{font.as_uri()}"); }}'
    figures = [geo.county_map({"640422": 0.123, "640323": 0.0066, "640402": 0.05}, highlight="640422",
                              title="宁夏各县贫困发生率"),
               charts.line_chart(HEADCOUNT, percent=True, title="贫困发生率"),
               charts.bar_chart([("因病", 1234), ("因学", 456)], title="致贫原因"),
               charts.histogram([(0, 2000, 10), (2000, 4000, 30), (4000, 6000, 20)], marker=3747,
                                marker_label="贫困线")]
    html = (f'<html lang="zh-Hans"><head><meta charset="utf-8"><style>{face} html {{ font-family: '
            f'"{report_pdf.FAMILY}", sans-serif; }}</style></head><body>'
            + "".join(f"<figure>{figure}</figure>" for figure in figures) + "</body></html>")
    pdf = tmp_path / "charts.pdf"
    pdf.write_bytes(HTML(string=html, url_fetcher=report_pdf.font_only_fetcher()).write_pdf())
    text = pdf_text(pdf)
    assert "西吉县" in text and "宁夏各县贫困发生率" in text and "致贫原因" in text
    pixels = first_page_pixels(pdf, tmp_path)
    inked = sum(1 for pixel in pixels if min(pixel) < 200)
    assert inked > len(pixels) // 100, "the first page is blank"
    reds = sum(1 for r, g, b in pixels if r > 150 and g < 30 and b < 30)  # the class of #b30000
    assert reds > 100, "the map's darkest class (Xiji) is not drawn"
