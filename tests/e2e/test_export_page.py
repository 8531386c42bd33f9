"""A county officer exports a large household list to Excel in Chromium: the Excel button starts a
background export, its page shows the bar reach the end, and the file downloads. Jobs run inline (pytest's
database may be in memory, beyond a child process's reach); the second test drives the polling bar by
writing the job's progress as a running export would."""

import os

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from jingzhun.registry import export_jobs
from jingzhun.registry.background import write_progress
from jingzhun.registry.models import ExportJob
from tests.conftest import VILLAGE_B

from .test_cadre_registry import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.EXPORT_JOBS_INLINE = True
    settings.EXPORT_INLINE_MAX_HOUSEHOLDS = 1


@pytest.fixture
def households(cast, make_household):
    return [make_household(actor=cast["cadre_a"], head_name="马德福", size=3),
            make_household(actor=cast["cadre_a"], head_name="杨春"),
            make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="马占山", size=2)]


def test_officer_exports_a_large_list_in_the_background_and_downloads_it(page, cast, households, tmp_path):
    sign_in(page, "xiji", "pw-xiji")
    page.goto("/households/?q=马")
    page.click("a[href^='/households/export.xlsx']")

    expect(page.locator("#export-bar")).to_be_visible()
    expect(page.locator("#export-percent")).to_have_text("100%")
    expect(page.locator("#export-households")).to_have_text("2")
    page.screenshot(path="test-artifacts/export-done.png", full_page=True)
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename.startswith("members-")
    path = tmp_path / "members.xlsx"
    download.value.save_as(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert len(rows) == 1 + 5  # header, then the members of 马德福's and 马占山's households
    assert {row[0] for row in rows[1:]} == {households[0].number, households[2].number}

    page.click(".crumbs a")  # the user's exports
    expect(page.locator("#exports tbody tr")).to_have_count(1)
    expect(page.locator("#exports")).to_contain_text("q=马")


def test_the_bar_follows_a_running_export_and_then_offers_the_file(page, cast, households):
    job = export_jobs.create_export_job(cast["county"], "", language="zh-hans")
    # A running export as the page sees it: a live process (this one) and its progress file.
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, pid=os.getpid())
    folder = export_jobs.job_dir(job)
    folder.mkdir(parents=True)
    write_progress(folder, phase="writing", done=1, total=4)
    sign_in(page, "xiji", "pw-xiji")
    page.goto(f"/exports/{job.pk}/")
    expect(page.locator("#export-percent")).to_have_text("25%")
    expect(page.locator("#export-download")).to_have_count(0)

    write_progress(folder, phase="writing", done=3, total=4)
    expect(page.locator("#export-percent")).to_have_text("75%")  # moved by polling, not by a reload

    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.QUEUED, pid=None)
    export_jobs.run_export_job(job.pk)
    expect(page.locator("#export-download")).to_be_visible()  # the page reloaded when the job ended
    expect(page.locator("#export-percent")).to_have_text("100%")
