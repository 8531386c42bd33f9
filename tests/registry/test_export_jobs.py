"""Large members .xlsx exports as background jobs: what a job writes (the list's filter, masking by role,
the requester's post when it runs), who sees a job and its file, and when the list's Excel button answers
at once or starts a job. Jobs run inline here (in the request), so the test database is the one they read."""

import io
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from jingzhun.areas.models import Post, Role
from jingzhun.areas.scope import mask_id_number
from jingzhun.errors import InvalidTransition, NotAllowed
from jingzhun.registry import export_jobs
from jingzhun.registry.intake.columns import COLUMNS
from jingzhun.registry.models import ExportJob, Member
from tests.conftest import VILLAGE_A, VILLAGE_B, VILLAGE_C

State = ExportJob.State
KEYS = [column.key for column in COLUMNS]


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.EXPORT_JOBS_INLINE = True
    return settings.VAR_DIR


@pytest.fixture
def registry(cast, make_household):
    """Two households in village A (one of three people), one in village B, one in another county."""
    return {
        "a1": make_household(actor=cast["cadre_a"], head_name="马德福", size=3, main_cause="illness"),
        "a2": make_household(actor=cast["cadre_a"], head_name="杨春", main_cause="disability"),
        "b1": make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="马占山", size=2),
        "c1": make_household(VILLAGE_C, actor=cast["other_county"], head_name="马远"),
    }


def rows_of(source) -> list[dict]:
    """The member rows of an export (a path or the bytes of a download) as dictionaries by column key."""
    if isinstance(source, bytes):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(source))
    else:
        workbook = CalamineWorkbook.from_path(str(source))
    rows = workbook.get_sheet_by_index(0).to_python()
    return [dict(zip(KEYS, row, strict=True)) for row in rows[1:]]


def run(user, **params):
    job = export_jobs.create_export_job(user, urlencode(params), language="zh-hans")
    return export_jobs.run_export_job(job.pk)


def current_ids(*households) -> list[str]:
    return sorted(Member.objects.filter(household__in=households, left_on__isnull=True)
                  .values_list("id_number", flat=True))


def test_a_job_exports_exactly_the_filtered_households_members(cast, registry, var):
    job = run(cast["county"], area=VILLAGE_A)
    assert job.state == State.DONE and not job.message and job.started_at and job.finished_at
    assert (job.households, job.rows) == (2, 4)
    assert job.file_path == str(var / "exports" / str(job.pk) / "members.xlsx")
    rows = rows_of(job.file_path)
    assert {r["household_number"] for r in rows} == {registry["a1"].number, registry["a2"].number}
    assert sorted(r["id_number"] for r in rows) == current_ids(registry["a1"], registry["a2"])  # unmasked
    assert export_jobs.progress_of(job) == {"phase": "finished", "done": 2, "total": 2}
    status = export_jobs.export_status(job)
    assert (status.state, status.percent, status.active, status.can_resume) == ("done", 100, False, False)


@pytest.mark.parametrize("params", [{"q": "马"}, {"cause": "disability"}, {"area": VILLAGE_B, "q": "马"},
                                    {"q": "nobody"}, {}])
def test_a_job_applies_the_filter_as_the_list_does(client, cast, registry, params):
    client.force_login(cast["county"])
    listed = client.get(reverse("registry:households"), params).context["page"].paginator.object_list
    job = run(cast["county"], **params)
    assert job.state == State.DONE
    assert sorted({r["household_number"] for r in rows_of(job.file_path)}) == sorted(h.number for h in listed)
    assert job.households == len(listed)


@pytest.mark.parametrize("role", ["auditor", "province"])
def test_a_masked_role_gets_masked_id_numbers(cast, registry, role):
    job = run(cast[role], area=VILLAGE_A)
    ids = sorted(r["id_number"] for r in rows_of(job.file_path))
    assert ids == sorted(mask_id_number(n) for n in current_ids(registry["a1"], registry["a2"]))
    assert all("*" in n for n in ids)


def test_the_job_sees_through_the_requesters_post_when_it_runs(cast, registry):
    county = cast["county"]
    job = export_jobs.create_export_job(county, "", language="en")
    Post.objects.filter(user=county).update(role=Role.VILLAGE_CADRE, area_id=VILLAGE_B)  # moved since asking

    job = export_jobs.run_export_job(job.pk)
    rows = rows_of(job.file_path)
    assert {r["household_number"] for r in rows} == {registry["b1"].number}
    assert rows[0]["relation"] == "head of household"  # in the language of the request


def test_a_requester_who_lost_their_post_gets_nothing(client, cast, registry, var):
    county = cast["county"]
    job = export_jobs.create_export_job(county, "", language="zh-hans")
    Post.objects.filter(user=county).delete()

    job = export_jobs.run_export_job(job.pk)
    assert job.state == State.FAILED and job.message and not job.file_path and job.households is None
    assert not (var / "exports" / str(job.pk) / "members.xlsx").exists()
    client.force_login(county)
    assert client.get(reverse("registry:export_download", args=[job.pk])).status_code == 403


def test_an_area_outside_the_post_fails_the_job(cast, registry):
    job = run(cast["cadre_a"], area=VILLAGE_C)
    assert job.state == State.FAILED and not job.file_path


def test_a_job_runs_once(cast, registry):
    job = run(cast["county"])
    with translation.override("en"), pytest.raises(InvalidTransition, match="started already"):
        export_jobs.run_export_job(job.pk)


def test_threshold_picks_a_direct_file_or_a_job(client, cast, registry, settings):
    client.force_login(cast["county"])
    url = reverse("registry:export_xlsx")
    direct = client.get(url, {"area": VILLAGE_A})
    assert direct.status_code == 200 and direct["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()

    settings.EXPORT_INLINE_MAX_HOUSEHOLDS = 1
    assert client.get(url, {"area": VILLAGE_B}).status_code == 200  # one household: still at once
    response = client.get(url, {"area": VILLAGE_A, "page": "2"})
    job = ExportJob.objects.get()
    page_url = reverse("registry:export_job", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == page_url
    assert job.requested_by == cast["county"] and job.query == f"area={VILLAGE_A}" and job.state == State.DONE

    page = client.get(response["Location"]).content.decode()
    assert 'id="export-download"' in page and 'value="100"' in page
    progress = client.get(reverse("registry:export_progress", args=[job.pk])).json()
    assert progress["state"] == "done" and progress["percent"] == 100 and progress["active"] is False
    download = client.get(reverse("registry:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="members-')
    assert len(rows_of(b"".join(download.streaming_content))) == 4
    assert page_url in client.get(reverse("registry:exports")).content.decode()


def test_another_users_job_is_not_found(client, cast, registry):
    job = run(cast["county"])
    for user in ("other_county", "auditor", "province"):
        client.force_login(cast[user])
        for route in ("export_job", "export_progress", "export_download"):
            assert client.get(reverse(f"registry:{route}", args=[job.pk])).status_code == 404, (user, route)
        assert reverse("registry:export_job", args=[job.pk]) not in \
            client.get(reverse("registry:exports")).content.decode()


@pytest.mark.parametrize("user", ["helper", "outsider"])
def test_helper_and_outsider_cannot_export(client, cast, registry, settings, user):
    settings.EXPORT_INLINE_MAX_HOUSEHOLDS = 1
    job = run(cast["county"])
    client.force_login(cast[user])
    assert client.get(reverse("registry:export_xlsx")).status_code == 403
    assert client.get(reverse("registry:exports")).status_code == 403
    for route in ("export_job", "export_progress", "export_download"):
        assert client.get(reverse(f"registry:{route}", args=[job.pk])).status_code == 403
    with pytest.raises(NotAllowed):
        export_jobs.create_export_job(cast[user], "", language="zh-hans")
    assert ExportJob.objects.count() == 1


def test_the_export_command_runs_a_job(cast, registry, capsys):
    job = export_jobs.create_export_job(cast["township"], f"area={VILLAGE_A}", language="zh-hans")
    call_command("export", job=job.pk)
    job.refresh_from_db()
    assert job.state == State.DONE and job.households == 2
    assert f"job {job.pk}: done" in capsys.readouterr().out


def test_a_file_is_not_handed_out_once_the_requesters_post_changed(client, cast, registry):
    county = cast["county"]
    job = run(county)
    client.force_login(county)
    download = reverse("registry:export_download", args=[job.pk])
    assert client.get(download).status_code == 200
    Post.objects.filter(user=county).update(area_id=VILLAGE_B, role=Role.VILLAGE_CADRE)

    assert client.get(download).status_code == 404
    page = client.get(reverse("registry:export_job", args=[job.pk])).content.decode()
    assert 'id="export-stale"' in page and 'id="export-download"' not in page and 'id="export-again"' in page
