"""The procedure pages and the public notice pages: who sees what, and what the public never sees."""

import pytest
from django.urls import reverse

from jingzhun.identification import actions, procedure
from jingzhun.identification.models import Case, Objection
from tests.identification.cases import drive

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed(applicant, cast, calendar):
    """An application on its first notice."""
    case = actions.apply_for_identification(applicant, 2014, actor=cast["cadre_a"])
    return drive(case, "first_notice", cast, calendar)


def test_the_public_notice_lists_the_household_with_its_id_number_masked(client, noticed):
    head = noticed.household.head
    for url in (reverse("identification:notices"), reverse("identification:notice",
                                                           args=[procedure.open_notice(noticed).pk])):
        body = client.get(url).content.decode()
        assert head.name in body
        assert head.id_number not in body
        assert head.id_number[:6] + "********" + head.id_number[-4:] in body


def test_anyone_may_object_without_signing_in_and_the_text_stays_private(client, noticed):
    notice = procedure.open_notice(noticed)
    url = reverse("identification:notice", args=[notice.pk])
    response = client.post(url, {"text": "此户家里有两辆货车，不属实。", "contact": "13900000000"})
    assert response.status_code == 302
    objection = Objection.objects.get(notice=notice)
    assert objection.contact == "13900000000"
    body = client.get(url).content.decode()
    assert "货车" not in body and "13900000000" not in body
    assert 'id="objection-count"' in body


def test_a_too_short_objection_is_refused_at_its_field(client, noticed):
    url = reverse("identification:notice", args=[procedure.open_notice(noticed).pk])
    body = client.post(url, {"text": "不"}).content.decode()
    assert 'id="field-text"' in body and "errorlist" in body.split('id="field-text"')[1][:800]
    assert not Objection.objects.exists()


def test_the_cadre_starts_identification_from_the_household_page(client, cast, applicant):
    client.force_login(cast["cadre_a"])
    url = reverse("identification:household_cases", args=[applicant.pk])
    body = client.get(url + "?year=2014").content.decode()
    assert 'id="open-case"' in body and 'data-code="income"' in body
    response = client.post(url, {"year": "2014", "channel": "cadre", "reason": ""})
    case = Case.objects.get(household=applicant)
    assert response.status_code == 302
    assert response["Location"] == reverse("identification:case", args=[case.pk])
    assert case.channel == "cadre" and case.state == "applied"


@pytest.mark.parametrize("user", ["auditor", "province", "township", "helper"])
def test_roles_that_do_not_open_cases_get_no_form(client, cast, applicant, user):
    client.force_login(cast[user])
    response = client.get(reverse("identification:household_cases", args=[applicant.pk]))
    if user == "helper":  # helpers see only their own households
        assert response.status_code == 404
        return
    assert response.status_code == 200 and 'id="open-case"' not in response.content.decode()


@pytest.mark.parametrize("user", ["cadre_b", "other_county"])
def test_other_areas_do_not_see_the_case(client, cast, noticed, user):
    client.force_login(cast[user])
    assert client.get(reverse("identification:case", args=[noticed.pk])).status_code == 404
    household_url = reverse("identification:household_cases", args=[noticed.household_id])
    assert client.get(household_url).status_code == 404
    assert noticed.household.number not in client.get(reverse("identification:cases")).content.decode()


def test_signed_out_and_postless_users_are_kept_out_of_case_pages(client, cast, noticed):
    assert client.get(reverse("identification:case", args=[noticed.pk])).status_code == 302
    client.force_login(cast["outsider"])
    assert client.get(reverse("identification:case", args=[noticed.pk])).status_code == 403


def test_the_case_page_offers_each_role_its_own_steps(client, cast, noticed, calendar):
    client.force_login(cast["township"])
    body = client.get(reverse("identification:case", args=[noticed.pk])).content.decode()
    assert 'id="step-township_review"' in body and 'id="step-post_notice"' not in body
    client.force_login(cast["auditor"])
    assert 'id="step-' not in client.get(reverse("identification:case", args=[noticed.pk])).content.decode()


def test_a_step_refused_before_its_time_is_shown_on_the_page(client, cast, noticed):
    client.force_login(cast["township"])
    url = reverse("identification:case", args=[noticed.pk])
    body = client.post(url, {"step": "township_review", "township_review-reason": ""}).content.decode()
    assert 'class="errors" role="alert"' in body.split('id="step-township_review"')[1]
    noticed.refresh_from_db()
    assert noticed.state == "first_notice"


def test_the_cadre_answers_an_objection_and_a_reader_cannot(client, cast, noticed):
    objection = procedure.file_objection(procedure.open_notice(noticed), text="有异议，请核实收入。")
    url = reverse("identification:objection_answer", args=[objection.pk])
    client.force_login(cast["auditor"])
    client.post(url, {"answer": "不行", "outcome": "dismissed"})
    objection.refresh_from_db()
    assert not objection.answered
    client.force_login(cast["cadre_a"])
    client.post(url, {"answer": "经核实收入属实。", "outcome": "dismissed"})
    objection.refresh_from_db()
    assert objection.answered and objection.answered_by == cast["cadre_a"]


def test_the_queue_shows_cases_waiting_for_the_role(client, cast, noticed):
    client.force_login(cast["township"])
    body = client.get(reverse("identification:cases") + "?mine=1").content.decode()
    assert noticed.household.number in body
    client.force_login(cast["county"])
    body = client.get(reverse("identification:cases") + "?mine=1").content.decode()
    assert noticed.household.number not in body
