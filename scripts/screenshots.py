"""Screenshots for the README tour, taken from a running demo in Debian's chromium.

Usage: .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] [--only assistance|funds|analytics]
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def busiest_child(page) -> str:
    """The link of the child area holding the most households."""
    return page.evaluate("""() => {
        let best = null, most = -1;
        for (const row of document.querySelectorAll('#children tbody tr')) {
            const n = parseInt(row.cells[2].innerText.replace(/,/g, ''), 10);
            if (n > most) { most = n; best = row.querySelector('a').getAttribute('href'); }
        }
        return best;
    }""")


def register_with_mistakes(folder: Path) -> Path:
    """A two-member register file for a Xiji village: the second ID number's check digit is wrong and
    the household has no head, so the import is rejected with a report."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingzhun.settings")
    import django

    django.setup()
    from jingzhun.registry.intake.columns import COLUMNS

    common = {"household_number": "6404221002019001", "village": "640422100201",
              "household_type": "一般贫困户", "status": "建档立卡贫困户", "registered_year": "2014",
              "main_cause": "因病", "education": "小学", "labour": "普通劳动力", "income_year": "2019",
              "wages": "9000"}
    rows = [{**common, "name": "马福成", "id_number": "642223198005170010", "relation": "配偶"},
            {**common, "name": "李桂英", "id_number": "642223198211050021", "relation": "子"}]
    path = folder / "吉强镇登记表.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow([column.zh for column in COLUMNS])
        writer.writerows([[row.get(column.key, "") for column in COLUMNS] for row in rows])
    return path


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "jingzhun2026")
    page.click("form.form button[type=submit]")


def main(base: str, only: str = "") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        if only:
            {"assistance": assistance, "funds": funds, "analytics": analytics}[only](browser, base)
            return
        page = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900},
                                    locale="zh-CN").new_page()
        page.goto("/accounts/login/")
        page.screenshot(path=OUT / "1-sign-in.png")
        sign_in(page, "xiji")
        page.screenshot(path=OUT / "2-county-areas.png")
        page.goto(busiest_child(page))
        page.goto(busiest_child(page))
        page.screenshot(path=OUT / "3-village-households.png")
        page.locator("#households tbody a").first.click()
        page.screenshot(path=OUT / "4-household.png", full_page=True)
        household_url = page.url
        page.click("#add-member")
        page.fill("#id_name", "马小花")
        page.fill("#id_id_number", "640422200809010080")  # check digit should be 2
        page.select_option("#id_relation", "daughter")
        page.select_option("#id_education", "junior")
        page.select_option("#id_labour", "none")
        page.click("#member-form button[type=submit]")
        page.screenshot(path=OUT / "5-member-error.png")
        page.goto("/imports/")
        with tempfile.TemporaryDirectory() as folder:
            page.set_input_files("#id_file", str(register_with_mistakes(Path(folder))))
            page.click("#import-form button[type=submit]")
        page.wait_for_selector("#import-result", timeout=120000)
        page.screenshot(path=OUT / "8-import-rejected.png", full_page=True)
        regional = browser.new_context(base_url=base, viewport={"width": 1280, "height": 700},
                                       locale="zh-CN").new_page()
        sign_in(regional, "province")  # the demo's chance pairs may lie outside Xiji; the region sees all
        regional.goto("/duplicates/")
        regional.screenshot(path=OUT / "7-likely-duplicates.png")
        page.goto(household_url)
        page.click("#language-form button")
        page.screenshot(path=OUT / "6-household-english.png", full_page=True)
        page.click("#language-form button")
        procedures(browser, base, page)
        assistance(browser, base)
        funds(browser, base)
        analytics(browser, base)
        browser.close()


def assistance(browser, base: str) -> None:
    """Issue 5's screens: a household's plan, the helper's phone page, the village board, the helpers'
    load, the work teams, the measures table and the Fujian–Ningxia pair."""
    desk = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900},
                               locale="zh-CN").new_page()
    sign_in(desk, "cadre")
    desk.goto("/assistance/board/")
    desk.screenshot(path=OUT / "16-village-board.png", full_page=True)
    phone = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="zh-CN").new_page()
    sign_in(phone, "helper")  # lands on the helper's households and next visits
    phone.screenshot(path=OUT / "15-helper-phone.png", full_page=True)
    href = phone.locator("#my-households a").first.get_attribute("href")
    desk.goto(href)
    if "/assistance/households/" not in desk.url:
        desk.goto(desk.locator("#plan-link").get_attribute("href"))
    desk.screenshot(path=OUT / "14-household-plan.png", full_page=True)
    sign_in(desk, "xiji")
    desk.goto("/assistance/helpers/?order=load")
    desk.screenshot(path=OUT / "17-helpers-load.png")
    desk.goto("/assistance/teams/")
    desk.screenshot(path=OUT / "18-work-teams.png")
    desk.goto("/assistance/measures/")
    desk.screenshot(path=OUT / "19-measures.png")
    sign_in(desk, "fujian")  # lands on the Fujian–Ningxia pair
    desk.screenshot(path=OUT / "20-fujian-ningxia.png", full_page=True)


def funds(browser, base: str) -> None:
    """Issue 6's screens, as Xiji's officer: a fund's ledger, a project, the supervision board, a village
    mutual fund, the yearly account (and its PDF's first page)."""
    page = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900},
                               locale="zh-CN").new_page()
    sign_in(page, "xiji")
    page.goto("/funds/?year=2019")
    page.locator("#funds tbody a").first.click()
    page.screenshot(path=OUT / "21-fund-ledger.png")
    page.goto("/funds/projects/?year=2019&kind=road")
    page.locator("#projects tbody a").first.click()
    page.screenshot(path=OUT / "22-project.png", full_page=True)
    page.goto("/funds/supervision/")
    page.screenshot(path=OUT / "23-supervision.png", full_page=True)
    page.goto("/funds/mutual/")
    page.locator("#mutual-funds tbody a").first.click()
    page.screenshot(path=OUT / "24-mutual-fund.png")
    page.goto("/funds/report/?year=2019")
    page.screenshot(path=OUT / "25-yearly-account.png")
    pdf_first_page(page, "/funds/report/account.pdf?year=2019", "26-yearly-account-pdf")


def pdf_first_page(page, url: str, name: str) -> None:
    """The first page of the PDF at `url`, fetched as the signed-in page's user, as OUT/<name>.png."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "file.pdf"
        pdf.write_bytes(page.request.get(url).body())
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(OUT / name)], check=True)


def analytics(browser, base: str) -> None:
    """Issue 7's screens: the region's dashboard (its map of counties) as the province's officer, and
    Xiji's as the county's, with the first page of its yearly report's PDF."""
    page = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900},
                               locale="zh-CN").new_page()
    sign_in(page, "province")
    page.goto("/analytics/")  # the officer's own area: the region
    page.screenshot(path=OUT / "27-dashboard-region.png", full_page=True)
    sign_in(page, "xiji")
    page.goto("/analytics/")
    page.screenshot(path=OUT / "28-dashboard-county.png", full_page=True)
    pdf_first_page(page, "/analytics/640422000000/report.pdf", "29-yearly-report-pdf")


def procedures(browser, base: str, county) -> None:
    """Issue 4's screens: the public notice, a case on notice, the monitoring list, an exit report, the
    standards."""
    public = browser.new_context(base_url=base, viewport={"width": 1280, "height": 640},
                                 locale="zh-CN").new_page()
    public.goto("/notices/")
    public.locator("#notices tbody a").first.click()
    public.screenshot(path=OUT / "9-public-notice.png", full_page=True)
    cadre = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900},
                                locale="zh-CN").new_page()
    sign_in(cadre, "cadre2")  # the demo's case on notice, with an objection waiting, is in cadre2's village
    cadre.goto("/cases/?state=first_notice")
    cadre.locator("#case-list tbody a").first.click()
    cadre.screenshot(path=OUT / "10-case-on-notice.png", full_page=True)
    sign_in(cadre, "cadre")
    cadre.goto("/monitoring/")
    cadre.screenshot(path=OUT / "11-monitoring.png", full_page=True)
    county.goto("/exits/?kind=county_exit")
    county.locator("table a").first.click()
    county.screenshot(path=OUT / "12-county-exit.png")
    county.goto("/policy/")
    county.screenshot(path=OUT / "13-standards.png")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--only")]
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    arguments = [a for a in arguments if a != only]
    main(arguments[0] if arguments else "http://127.0.0.1:8000", only)
