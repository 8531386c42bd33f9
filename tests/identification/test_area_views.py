"""Pages of area exits and samples: scope (outsider refused, other county 404), forms through the actions."""

import pytest
from django.conf import settings
from django.urls import reverse

from jingzhun.identification import area_actions
from jingzhun.identification.models import AreaCase, Sample
from tests.conftest import VILLAGE_A, XIJI
from tests.identification import area_cases

calendar_2017, two_villages = area_cases.calendar_2017, area_cases.two_villages  # fixtures
pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def village_case(cast, two_villages):
    return area_actions.propose_village_exit(VILLAGE_A, 2016, actor=cast["township"],
                                             considerations={"roads": True})


def test_outsider_and_public_see_no_exit_page(client, cast, village_case):
    for name in ("area_cases", "samples", "village_exit_new"):
        assert client.get(reverse(f"identification:{name}")).status_code == 302  # to sign in
    _as(client, cast["outsider"])
    assert client.get(reverse("identification:area_cases")).status_code == 403
    assert client.get(reverse("identification:area_case", args=[village_case.pk])).status_code == 403


def test_other_county_and_other_village_get_404(client, cast, village_case):
    for name in ("other_county", "cadre_b"):
        _as(client, cast[name])
        assert client.get(reverse("identification:area_case", args=[village_case.pk])).status_code == 404
        assert village_case.area.code not in client.get(reverse("identification:area_cases")).content.decode()


def test_township_proposes_through_the_form_and_sees_its_steps(client, cast, two_villages):
    _as(client, cast["township"])
    page = client.get(reverse("identification:village_exit_new") + "?year=2016")
    assert page.status_code == 200 and VILLAGE_A in page.content.decode()
    response = client.post(reverse("identification:village_exit_new"), {
        "village": VILLAGE_A, "year": 2016, "c_roads": "true", "c_clinic": "false", "reason": "达到退出标准"})
    case = AreaCase.objects.get()
    assert response.status_code == 302 and response.url == reverse("identification:area_case", args=[case.pk])
    assert case.report["considerations"]["roads"] is True and case.report["considerations"]["clinic"] is False
    detail = client.get(response.url).content.decode()
    assert 'id="step-post_notice"' in detail and 'id="step-approve"' not in detail
    assert "1.00%" in detail


def test_refused_proposal_shows_the_figures_at_the_form(client, cast, two_villages):
    area_cases.population(VILLAGE_A, 2016, 50)
    _as(client, cast["township"])
    response = client.post(reverse("identification:village_exit_new"), {"village": VILLAGE_A, "year": 2016})
    assert response.status_code == 200 and "4%" in response.content.decode()
    assert not AreaCase.objects.exists()


def test_wrong_role_cannot_open_the_forms(client, cast):
    _as(client, cast["cadre_a"])
    assert client.get(reverse("identification:village_exit_new")).status_code == 403
    assert client.get(reverse("identification:county_exit_new")).status_code == 403
    response = client.post(reverse("identification:samples"), {"county": XIJI, "year": 2016, "seed": 1})
    assert response.status_code == 403


def test_steps_through_the_page_and_the_wrong_role_refused(client, cast, village_case, calendar_2017):
    _as(client, cast["county"])
    url = reverse("identification:area_case", args=[village_case.pk])
    refused = client.post(url, {"step": "post_notice", "post_notice-reason": ""})
    assert refused.status_code == 200
    village_case.refresh_from_db()
    assert village_case.state == "proposed"
    _as(client, cast["township"])
    assert client.post(url, {"step": "post_notice", "post_notice-reason": ""}).status_code == 302
    village_case.refresh_from_db()
    assert village_case.state == "notice"


def test_workbook_download_for_roles_that_export(client, cast, village_case):
    url = reverse("identification:area_case_xlsx", args=[village_case.pk])
    _as(client, cast["county"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    _as(client, cast["helper"])
    assert client.get(url).status_code == 403


def test_province_draws_a_sample_and_enters_results(client, cast, two_villages):
    _as(client, cast["province"])
    response = client.post(reverse("identification:samples"), {"county": XIJI, "year": 2016, "seed": 5})
    sample = Sample.objects.get()
    assert response.status_code == 302 and sample.seed == 5
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    again = client.post(reverse("identification:samples"), {"county": XIJI, "year": 2016, "seed": 6})
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert again.status_code == 200 and "drawn once" in again.content.decode()
    assert Sample.objects.count() == 1
    row = sample.households.filter(stratum="exited").first()
    client.post(reverse("identification:sample_household", args=[sample.pk, row.pk]),
                {"surveyed": "on", "wrongly_exited": "false", "approves": "true", "note": "入户"})
    row.refresh_from_db()
    assert (row.surveyed, row.wrongly_exited, row.approves) == (True, False, True)
    village = sample.villages.first()
    client.post(reverse("identification:sample_village", args=[sample.pk, village.pk]),
                {"population_checked": 80, "missed_found": 1})
    village.refresh_from_db()
    assert village.missed_found == 1
    page = client.get(reverse("identification:sample", args=[sample.pk])).content.decode()
    assert f'id="household-{row.pk}"' in page
    # The county sees its sample, but may not enter results; another county does not see it.
    _as(client, cast["county"])
    assert client.get(reverse("identification:sample", args=[sample.pk])).status_code == 200
    client.post(reverse("identification:sample_village", args=[sample.pk, village.pk]),
                {"population_checked": 90, "missed_found": 0})
    village.refresh_from_db()
    assert village.population_checked == 80
    _as(client, cast["other_county"])
    assert client.get(reverse("identification:sample", args=[sample.pk])).status_code == 404


def test_a_case_keeping_only_headline_figures_shows_the_report_computed_now(client, cast, two_villages):
    from django.utils import timezone

    case = AreaCase.objects.create(kind="village_exit", area_id=VILLAGE_A, year=2016, state="exited",
                                   opened_at=timezone.now(), closed_at=timezone.now(),
                                   report={"year": 2016, "poor_persons": 2, "population": 200,
                                           "incidence": 0.01})
    _as(client, cast["county"])
    page = client.get(reverse("identification:area_case", args=[case.pk])).content.decode()
    assert 'id="report-origin"' in page and "1.00%" in page and 'data-code="incidence"' in page
