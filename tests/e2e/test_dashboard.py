"""Issue 7: the dashboard of the demo region and of one county render in Chromium with no network request
leaving the machine. The demo is built small in-process (as the demo's own tests build it); every request
the page makes is recorded and must go to the live server; every chart is drawn (shapes with a size) and
the province's map has a shape per county; the county's dashboard leads to its yearly report."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from jingzhun.areas.models import Area, Level
from jingzhun.demo.users import PASSWORD
from tests.demo.test_funds import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVINCE, XIJI = "640000000000", "640422000000"
# Per chart: its drawn shapes, how many have a non-zero box, and the box of the whole drawing.
DRAWN = """() => [...document.querySelectorAll('svg[data-chart]')].map(svg => {
    const shapes = [...svg.querySelectorAll('path, rect, circle, polyline, line')];
    const sized = shapes.filter(s => { const b = s.getBBox(); return b.width > 0 || b.height > 0; });
    const box = svg.getBBox();
    return {chart: svg.dataset.chart, shapes: shapes.length, sized: sized.length,
            paths: svg.querySelectorAll('path[data-area]').length, width: box.width, height: box.height};
})"""


@pytest.fixture
def demo(reference_data, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the snapshot of this test's database alone
    build()


def sign_in(page, username: str) -> None:
    """The demo's users carry full names: signed in when the header names a post."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    expect(page.locator("header .user")).to_be_visible()


def drawn(page) -> list[dict]:
    charts = page.evaluate(DRAWN)
    assert charts, "no chart on the page"
    for chart in charts:
        assert chart["shapes"] > 0 and chart["sized"] > 0, chart
        assert chart["width"] > 0 and chart["height"] > 0, chart
    return charts


def test_the_region_and_a_county_render_with_nothing_fetched_from_elsewhere(page, live_server, demo):
    host = urlparse(live_server.url).hostname
    assert host in ("127.0.0.1", "localhost")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, "province")

    page.goto("/analytics/")
    expect(page).to_have_url(f"{live_server.url}/analytics/{PROVINCE}/")
    expect(page.locator("#dashboard-title")).to_contain_text("宁夏")
    charts = drawn(page)
    kinds = [chart["chart"] for chart in charts]
    assert {"line", "histogram", "bar", "map"} <= set(kinds)
    counties = Area.objects.filter(level=Level.COUNTY, code__startswith="64").count()
    assert next(chart for chart in charts if chart["chart"] == "map")["paths"] == counties == 22
    page.screenshot(path="test-artifacts/dashboard-region.png", full_page=True)

    # Down to Xiji by its county on the map.
    page.locator(f'svg[data-chart="map"] a:has(path[data-area="{XIJI[:6]}"])').click()
    expect(page.locator("#dashboard-title")).to_contain_text("西吉县")
    assert f"/analytics/{XIJI}/" in page.url
    charts = drawn(page)
    assert {"line", "histogram", "bar", "tiles"} <= {chart["chart"] for chart in charts}
    expect(page.locator("#children tbody tr").first).to_be_visible()
    page.screenshot(path="test-artifacts/dashboard-county.png", full_page=True)

    # On to the county's yearly report of the year shown, its charts drawn too.
    year = page.locator("#year").input_value()
    page.locator("#dashboard-report").click()
    expect(page.locator("#report-title")).to_contain_text("西吉县")
    assert f"/analytics/{XIJI}/report/?year={year}" in page.url
    drawn(page)

    assert len(requests) > 4
    outside = [url for url in requests if urlparse(url).hostname != host]
    assert outside == [], outside
