"""A village cadre imports a register file in Chromium: upload, progress bar, result, the households.
Jobs run inline (pytest's database may be in memory, beyond a child process's reach); the second test
drives the polling bar by writing the job's progress as a running import would."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from jingzhun.registry.intake import jobs
from jingzhun.registry.models import ImportJob
from tests.registry.intake.sample import family, write_csv

from .test_cadre_registry import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.IMPORT_JOBS_INLINE = True


def test_cadre_uploads_a_register_file_and_finds_its_households(page, cast, tmp_path):
    path = write_csv(tmp_path / "大营村.csv", family("E001") + family("E002", address="吉强镇大营村二组"))
    sign_in(page, "cadre_a", "pw-cadre_a")
    page.goto("/households/")
    page.click("#import-link")
    expect(page.locator("#import-form")).to_be_visible()
    page.set_input_files("#id_file", str(path))
    page.click("#import-form button[type=submit]")

    expect(page.locator("#import-bar")).to_be_visible()
    expect(page.locator("#import-percent")).to_have_text("100%")
    result = page.locator("#import-result")
    expect(result).to_be_visible()
    expect(result.locator("tr").first).to_contain_text("2")  # households created
    page.screenshot(path="test-artifacts/import-done.png", full_page=True)

    page.goto("/households/")
    rows = page.locator("#households tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#households")).to_contain_text("E001")
    expect(page.locator("#households")).to_contain_text("E002")


def test_the_bar_follows_a_running_import_and_the_page_shows_its_result(page, cast, tmp_path):
    path = write_csv(tmp_path / "f.csv", family("E003"))
    job = jobs.create_job(SimpleUploadedFile("f.csv", path.read_bytes()), actor=cast["cadre_a"],
                          partial=False, language="zh-hans")
    # A running import as the page sees it: a live process (this one) and its progress file.
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, pid=os.getpid(), rows=3)
    jobs.write_progress(job, phase="checking", done=1, total=4)
    sign_in(page, "cadre_a", "pw-cadre_a")
    page.goto(f"/imports/{job.pk}/")
    expect(page.locator("#import-percent")).to_have_text("25%")
    expect(page.locator("#import-result")).to_have_count(0)

    jobs.write_progress(job, phase="writing", done=3, total=4)
    expect(page.locator("#import-percent")).to_have_text("75%")  # moved by polling, not by a reload

    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED, pid=None)
    jobs.run_job(job.pk)
    expect(page.locator("#import-result")).to_be_visible()  # the page reloaded when the job ended
    expect(page.locator("#import-percent")).to_have_text("100%")
