"""The import pages: who may upload, who sees which job, progress, report and resume. Jobs run inline
here (in the request), so the test database is the one they write."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse, reverse_lazy

from jingzhun.registry.intake import jobs
from jingzhun.registry.models import Household, ImportJob
from tests.conftest import XIJI
from tests.registry.intake.sample import family, member, write_csv

State = ImportJob.State


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.IMPORT_JOBS_INLINE = True


@pytest.fixture
def csv_file(tmp_path):
    return write_csv(tmp_path / "大营村.csv", family("V001") + family("V002"))


def post_file(client, path, **data):
    with open(path, "rb") as upload:
        return client.post(reverse("registry:imports"), {"file": upload, **data})


def test_cadre_uploads_a_file_and_lands_on_its_finished_import(client, cast, csv_file):
    client.force_login(cast["cadre_a"])
    page = client.get(reverse("registry:imports"))
    assert page.status_code == 200 and reverse("registry:template") in page.content.decode()

    response = post_file(client, csv_file)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:import", args=[job.pk])
    assert job.uploaded_by == cast["cadre_a"] and job.state == State.DONE and job.language == "zh-hans"
    assert Household.objects.count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert 'id="import-result"' in detail and 'value="100"' in detail and "大营村.csv" in detail
    assert "resume-form" not in detail and "import-report" not in detail
    progress = client.get(reverse("registry:import_progress", args=[job.pk])).json()
    assert progress["state"] == "done" and progress["percent"] == 100 and progress["active"] is False
    listing = client.get(reverse("registry:imports")).content.decode()
    assert reverse("registry:import", args=[job.pk]) in listing


def test_a_rejected_file_offers_its_error_report(client, cast, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [member("V009", id_number="640422198005170000")])
    client.force_login(cast["cadre_a"])
    response = post_file(client, path, partial="on")
    job = ImportJob.objects.get()
    assert job.partial and job.state == State.DONE and job.summary["rejected"] == 1
    assert "import-report" in client.get(response["Location"]).content.decode()
    report = client.get(reverse("registry:import_report", args=[job.pk]))
    assert report.status_code == 200
    assert 'filename="bad.errors.csv"' in report["Content-Disposition"]
    assert "V009" in b"".join(report.streaming_content).decode("utf-8-sig")


def test_a_file_of_another_type_is_refused_at_the_field(client, cast):
    client.force_login(cast["cadre_a"])
    response = client.post(reverse("registry:imports"), {"file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 200
    assert 'id="field-file"' in response.content.decode() and "errorlist" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name", ["auditor", "helper", "outsider", "province"])
def test_roles_that_do_not_edit_the_registry_may_not_upload(client, cast, csv_file, name):
    client.force_login(cast[name])
    assert client.get(reverse("registry:imports")).status_code == 403
    assert post_file(client, csv_file).status_code == 403
    assert not ImportJob.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("registry:imports"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_user_sees_only_their_own_imports(client, cast, csv_file):
    client.force_login(cast["cadre_a"])
    post_file(client, csv_file)
    job = ImportJob.objects.get()
    client.force_login(cast["county"])  # sees village A's households, but not cadre A's upload
    listing = client.get(reverse("registry:imports")).content.decode()
    assert reverse("registry:import", args=[job.pk]) not in listing
    for route in ("import", "import_progress", "import_report"):
        assert client.get(reverse(f"registry:{route}", args=[job.pk])).status_code == 404
    assert client.post(reverse("registry:import_resume", args=[job.pk])).status_code == 404


def test_an_interrupted_import_can_be_resumed_from_its_page(client, cast, csv_file):
    client.force_login(cast["cadre_a"])
    post_file(client, csv_file)
    job = ImportJob.objects.get()
    gone = subprocess.Popen(["true"])
    gone.wait()
    ImportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, pid=gone.pid, summary={})
    detail = client.get(reverse("registry:import", args=[job.pk])).content.decode()
    assert "resume-form" in detail
    assert client.get(reverse("registry:import_progress", args=[job.pk])).json()["state"] == "interrupted"
    assert client.get(reverse("registry:import_resume", args=[job.pk])).status_code == 405

    response = client.post(reverse("registry:import_resume", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == State.DONE and job.attempts == 2 and job.summary["unchanged"] == 2
    assert Household.objects.count() == 2
    assert client.post(reverse("registry:import_resume", args=[job.pk])).status_code == 409


@pytest.mark.parametrize(("editor", "page"), [
    ("cadre_a", reverse_lazy("registry:households")),
    ("county", reverse_lazy("areas:area", args=[XIJI])),  # villages redirect to their household list
])
def test_editors_find_the_upload_page_from_the_household_list_and_the_area(client, cast, editor, page):
    client.force_login(cast[editor])
    assert reverse("registry:imports") in client.get(page).content.decode()
    client.force_login(cast["auditor"])
    assert reverse("registry:imports") not in client.get(page).content.decode()


def test_get_job_refuses_a_strangers_job(cast, csv_file):
    """Every page finds its job through get_job, which is where ownership is enforced."""
    job = jobs.create_job(SimpleUploadedFile("x.csv", csv_file.read_bytes()), actor=cast["cadre_a"],
                          partial=False, language="en")
    assert jobs.get_job(cast["cadre_a"], job.pk) == job
    with pytest.raises(Http404):
        jobs.get_job(cast["cadre_b"], job.pk)


def test_the_navigation_offers_imports_to_editors_only(client, cast):
    client.force_login(cast["cadre_a"])
    assert 'id="nav-imports"' in client.get(reverse("registry:households")).content.decode()
    client.force_login(cast["auditor"])
    assert 'id="nav-imports"' not in client.get(reverse("registry:households")).content.decode()
