"""Import jobs run in this process: stored file, progress file, state, summary, report, resume.
The real child process is in test_job_process.py."""

import json
import os
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from jingzhun.errors import InvalidTransition, NotAllowed
from jingzhun.registry.intake import jobs
from jingzhun.registry.intake.read import IntakeFileError
from jingzhun.registry.models import Household, ImportJob, Member

from .sample import family, member, write_csv, write_xlsx

State = ImportJob.State


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.IMPORT_JOBS_INLINE = True
    return settings.VAR_DIR


def upload(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def good_file(tmp_path, name="register.csv"):
    return write_csv(tmp_path / name, family("D001") + family("D002"))


def good_job(cast, tmp_path):
    path = good_file(tmp_path)
    return jobs.create_job(upload(path), actor=cast["cadre_a"], partial=False, language="zh-hans")


def test_a_job_imports_its_file_and_its_progress_reaches_the_total(cast, tmp_path, var):
    job = good_job(cast, tmp_path)
    assert job.stored_path == str(var / "imports" / str(job.pk) / "upload.csv")
    assert job.original_name == "register.csv" and job.state == State.QUEUED
    seen = []

    job = jobs.run_job(job.pk, show=lambda done, total: seen.append((done, total)))
    assert job.state == State.DONE and job.attempts == 1 and job.started_at and job.finished_at
    assert job.rows == 6 and not job.report_path and not job.message
    assert job.summary["created"] == 2 and job.summary["members_created"] == 6 and job.summary["errors"] == 0
    assert seen[-1] == (12, 12)  # every row once checked, once written
    assert json.loads((var / "imports" / str(job.pk) / "progress.json").read_text()) == {
        "phase": "finished", "done": 12, "total": 12}
    status = jobs.job_status(job)
    assert (status.state, status.percent, status.active, status.can_resume) == ("done", 100, False, False)
    assert Household.objects.count() == 2 and Member.objects.count() == 6


def test_a_file_with_errors_is_rejected_whole_with_a_report_of_its_type(cast, tmp_path):
    rows = family("D001") + [member("D002", id_number="640422198005170000")]
    path = write_xlsx(tmp_path / "村里.xlsx", rows)
    job = jobs.create_job(upload(path), actor=cast["cadre_a"], partial=False, language="en")

    job = jobs.run_job(job.pk)
    assert job.state == State.REJECTED
    assert job.summary["created"] == 0 and job.summary["rejected"] == 1 and job.summary["error_rows"] == 1
    assert job.report_path.endswith("report.xlsx") and jobs.report_name(job) == "村里.errors.xlsx"
    sheet = CalamineWorkbook.from_path(job.report_path).get_sheet_by_index(0).to_python()
    assert len(sheet) == 5 and "check digit" in sheet[4][-1]  # every row back; reasons in English
    assert not Household.objects.exists()
    assert jobs.job_status(job).percent == 100


def test_partial_imports_the_valid_households_and_reports_the_rest(cast, tmp_path):
    rows = family("D001") + [member("D002", id_number="640422198005170000")]
    path = write_csv(tmp_path / "mixed.csv", rows)
    job = jobs.create_job(upload(path), actor=cast["cadre_a"], partial=True, language="zh-hans")
    job = jobs.run_job(job.pk)
    assert job.state == State.DONE
    assert job.summary["created"] == 1 and job.summary["rejected"] == 1
    assert job.report_path.endswith("report.csv")
    assert list(Household.objects.values_list("number", flat=True)) == ["D001"]


def test_an_unreadable_file_is_rejected_with_the_reason_in_the_uploaders_language(cast, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("name,colour\n马,red\n", encoding="utf-8")
    job = jobs.create_job(upload(path), actor=cast["cadre_a"], partial=False, language="en")
    job = jobs.run_job(job.pk)
    assert job.state == State.REJECTED and "colour" in job.message and "Unknown column" in job.message
    assert jobs.job_status(job).can_resume is False


def test_only_registry_files_of_a_bounded_size_are_accepted(cast, tmp_path, settings):
    with pytest.raises(IntakeFileError) as error:
        jobs.create_job(SimpleUploadedFile("notes.txt", b"x"), actor=cast["cadre_a"], partial=False,
                        language="zh-hans")
    assert error.value.field == "file"
    with pytest.raises(IntakeFileError):
        jobs.create_job(SimpleUploadedFile("empty.csv", b""), actor=cast["cadre_a"], partial=False,
                        language="zh-hans")
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(IntakeFileError):
        good_job(cast, tmp_path)
    with pytest.raises(NotAllowed):
        jobs.create_job(upload(good_file(tmp_path)), actor=cast["auditor"], partial=False, language="zh-hans")
    assert not ImportJob.objects.exists()


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_job_whose_process_died_is_interrupted_and_resuming_it_adds_no_duplicates(cast, tmp_path):
    job = good_job(cast, tmp_path)
    jobs.run_job(job.pk)
    counts = Household.objects.count(), Member.objects.count()
    # As if the process had died after its transaction committed but before it recorded the end.
    ImportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, pid=dead_pid(), summary={})
    job.refresh_from_db()
    status = jobs.job_status(job)
    assert (status.state, status.active, status.can_resume) == ("interrupted", False, True)
    with pytest.raises(NotAllowed):
        jobs.resume_job(job, actor=cast["cadre_b"])

    job = jobs.resume_job(job, actor=cast["cadre_a"])
    assert job.state == State.DONE and job.attempts == 2
    assert job.summary["unchanged"] == 2 and job.summary["created"] == 0
    assert (Household.objects.count(), Member.objects.count()) == counts
    with pytest.raises(InvalidTransition):
        jobs.resume_job(job, actor=cast["cadre_a"])
    with pytest.raises(InvalidTransition):
        jobs.run_job(job.pk)


def test_a_running_job_whose_process_lives_is_not_interrupted(cast, tmp_path):
    job = good_job(cast, tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, pid=os.getpid())
    job.refresh_from_db()
    jobs.write_progress(job, phase="checking", done=3, total=12)
    status = jobs.job_status(job)
    assert (status.state, status.percent, status.active, status.can_resume) == ("running", 25, True, False)
    with pytest.raises(InvalidTransition):
        jobs.resume_job(job, actor=cast["cadre_a"])


def test_the_import_command_runs_a_stored_job(cast, tmp_path, capsys):
    job = good_job(cast, tmp_path)
    call_command("import", job=job.pk)
    job.refresh_from_db()
    assert job.state == State.DONE
    assert f"job {job.pk}: done" in capsys.readouterr().out
    assert Household.objects.count() == 2
