"""The household's plan page: who reads it, who gets which forms, and each form through its action with
errors at their fields."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from jingzhun import clock
from jingzhun.assistance import actions
from jingzhun.assistance.models import HelperAssignment, PlannedMeasure, Visit
from jingzhun.registry.models import AuditEvent
from tests.conftest import VILLAGE_B, _user

pytestmark = pytest.mark.django_db

WRITE_FORMS = ("assign-form", "end-form", "measure-form", "plan-form", "schedule-form")


def page_of(client, user, household):
    client.force_login(user)
    return client.get(reverse("assistance:household", args=[household.pk]))


def ids_in(response, *ids) -> dict[str, bool]:
    text = response.content.decode()
    return {i: f'id="{i}"' in text for i in ids}


@pytest.mark.parametrize("who", ["cadre_b", "other_county"])
def test_users_of_another_village_or_county_get_404(client, cast, helped, who):
    assert page_of(client, cast[who], helped).status_code == 404


def test_outsider_is_refused_and_another_helper_sees_nothing(client, cast, helped, second_helper):
    assert page_of(client, cast["outsider"], helped).status_code == 403
    assert page_of(client, second_helper, helped).status_code == 404
    client.logout()
    response = client.get(reverse("assistance:household", args=[helped.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manager_gets_every_form(client, cast, helped):
    actions.schedule_visit(helped, actor=cast["cadre_a"], due_on=clock.today())
    response = page_of(client, cast["cadre_a"], helped)
    measure = helped.plan.measures.first()
    found = ids_in(response, "assign-form", "end-form", "measure-form", "schedule-form", "record-visit-link",
                   f"move-form-{measure.pk}", f"cancel-form-{measure.pk}", f"edit-form-{measure.pk}")
    assert all(found.values()), found
    assert 'value="cancelled"' in response.content.decode()


def test_auditor_reads_everything_but_gets_no_form(client, cast, helped):
    actions.schedule_visit(helped, actor=cast["helper"], due_on=clock.today())
    response = page_of(client, cast["auditor"], helped)
    assert response.status_code == 200
    measure = helped.plan.measures.first()
    found = ids_in(response, "measures", f"measure-{measure.pk}", "next-visit-link", "current-helper")
    assert all(found.values()), found
    assert not any(ids_in(response, *WRITE_FORMS, "record-visit-link", f"move-form-{measure.pk}",
                          f"edit-form-{measure.pk}").values())
    assert "<form method=\"post\" action=\"/assistance" not in response.content.decode()
    assert client.post(reverse("assistance:measure_move", args=[measure.pk]),
                       {f"move-{measure.pk}-to": "delivered"}).status_code == 403
    assert client.post(reverse("assistance:visit_schedule", args=[helped.pk]),
                       {"schedule-due_on": clock.today()}).status_code == 403


def test_helper_gets_delivery_and_visit_forms_but_no_plan_or_assignment_forms(client, cast, helped):
    response = page_of(client, cast["helper"], helped)
    assert response.status_code == 200
    measure = helped.plan.measures.first()
    found = ids_in(response, f"move-form-{measure.pk}", "schedule-form", "record-visit-link")
    assert all(found.values()), found
    assert not any(ids_in(response, "assign-form", "end-form", "measure-form", "plan-form",
                          f"cancel-form-{measure.pk}", f"edit-form-{measure.pk}").values())
    row = response.context["rows"][0]
    assert row["moves"] == ["under_way", "delivered"]  # no cancel button for the helper
    assert 'value="cancelled"' not in response.content.decode()


def test_helper_posting_a_managers_form_is_refused(client, cast, helped, second_helper):
    client.force_login(cast["helper"])
    measure = helped.plan.measures.first()
    refused = [
        client.post(reverse("assistance:household_assign", args=[helped.pk]),
                    {"assign-helper": second_helper.pk, "assign-started_on": clock.today()}),
        client.post(reverse("assistance:household_end_helper", args=[helped.pk]), {"end-reason": "x"}),
        client.post(reverse("assistance:measure_add", args=[helped.pk]), {"measure-measure": "industry"}),
        client.post(reverse("assistance:measure_edit", args=[measure.pk]),
                    {f"edit-{measure.pk}-amount": "1"}),
        client.post(reverse("assistance:measure_move", args=[measure.pk]),
                    {f"move-{measure.pk}-to": "cancelled", f"move-{measure.pk}-note": "not needed"}),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert HelperAssignment.objects.filter(household=helped).count() == 1
    measure.refresh_from_db()
    assert measure.state == "planned" and measure.amount != 1


def test_posts_about_another_villages_household_are_404(client, cast, helped):
    client.force_login(cast["cadre_b"])
    measure = helped.plan.measures.first()
    assert client.post(reverse("assistance:measure_move", args=[measure.pk]),
                       {f"move-{measure.pk}-to": "delivered"}).status_code == 404
    assert client.post(reverse("assistance:household_end_helper", args=[helped.pk]),
                       {"end-reason": "x"}).status_code == 404


def test_without_a_plan_the_page_shows_the_advice_and_draws_the_plan(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"], size=2, main_cause="illness")
    response = page_of(client, cast["cadre_a"], household)
    found = ids_in(response, "no-plan", "plan-form", "advice-medical_insurance",
                   "withheld-medical_assistance")
    assert all(found.values()), found
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language a user chose travels in the cookie
    response = client.get(reverse("assistance:household", args=[household.pk]))
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    withheld = response.content.decode().split('id="withheld-medical_assistance"')[1].split("</li>")[0]
    assert "a member chronically or seriously ill" in withheld  # the unmet condition
    response = client.post(reverse("assistance:plan_create", args=[household.pk]), {"plan-year": 2019})
    assert response.status_code == 302 and response["Location"].endswith("#plan")
    household.refresh_from_db()
    assert household.plan.year == 2019
    assert "medical_insurance" in set(household.plan.measures.values_list("measure_id", flat=True))


def test_plan_year_out_of_range_shows_at_its_field(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"], main_cause="illness")
    client.force_login(cast["cadre_a"])
    response = client.post(reverse("assistance:plan_create", args=[household.pk]),
                           {"plan-year": clock.today().year + 1})
    assert response.status_code == 200 and response.context["plan_form"].errors["year"]


def test_assign_reassign_and_end_with_the_history_shown(client, cast, helped, second_helper):
    client.force_login(cast["cadre_a"])
    response = client.post(reverse("assistance:household_assign", args=[helped.pk]), {
        "assign-helper": second_helper.pk, "assign-started_on": clock.today(), "assign-reason": "调动"})
    assert response.status_code == 302
    helped.refresh_from_db()
    assert helped.helper_id == second_helper.pk
    response = client.post(reverse("assistance:household_end_helper", args=[helped.pk]), {"end-reason": ""})
    assert response.context["end_form"].errors["reason"]
    response = client.post(reverse("assistance:household_end_helper", args=[helped.pk]),
                           {"end-reason": "退休", "end-ended_on": clock.today()})
    assert response.status_code == 302
    response = client.get(reverse("assistance:household", args=[helped.pk]))
    history = response.context["assignments"]
    assert [a.helper_id for a in history] == [second_helper.pk, cast["helper"].pk]
    assert all(f'id="assignment-{a.pk}"' in response.content.decode() for a in history)
    assert "退休" in response.content.decode()


def test_assign_offers_only_helpers_whose_area_covers_the_village(client, cast, helped, second_helper):
    helper_b = _user("helper_b", "helper", VILLAGE_B)
    client.force_login(cast["cadre_a"])
    response = client.get(reverse("assistance:household", args=[helped.pk]))
    offered = set(response.context["assign_form"].fields["helper"].queryset.values_list("pk", flat=True))
    assert offered == {cast["helper"].pk, second_helper.pk}
    response = client.post(reverse("assistance:household_assign", args=[helped.pk]),
                           {"assign-helper": helper_b.pk, "assign-started_on": clock.today()})
    assert response.context["assign_form"].errors["helper"]
    # The action's own refusal shows at its field too: the same helper again.
    response = client.post(reverse("assistance:household_assign", args=[helped.pk]),
                           {"assign-helper": cast["helper"].pk, "assign-started_on": clock.today()})
    assert response.context["assign_form"].errors["helper"]
    assert 'id="field-assign-helper"' in response.content.decode()


def test_add_measure_offers_unplanned_recommendations_first_and_errors_at_fields(client, cast, helped):
    credit = helped.plan.measures.get(measure="micro_credit")
    actions.move_measure(credit, "cancelled", actor=cast["cadre_a"], note="贷款已由亲属解决")
    client.force_login(cast["cadre_a"])
    response = client.get(reverse("assistance:household", args=[helped.pk]))
    choices = response.context["measure_form"].fields["measure"].choices
    assert [code for code, _name in choices[1][1]] == ["micro_credit"]
    url = reverse("assistance:measure_add", args=[helped.pk])
    response = client.post(url, {"measure-measure": "temporary_assistance", "measure-start_on": "2021-03-01",
                                 "measure-due_on": "2021-01-01"})
    assert list(response.context["measure_form"].errors) == ["due_on"]
    response = client.post(url, {"measure-measure": "temporary_assistance", "measure-cause": "illness",
                                 "measure-start_on": "2021-03-01", "measure-due_on": "2022-01-01"})
    assert response.status_code == 302
    added = helped.plan.measures.get(measure="temporary_assistance")
    assert str(added.amount) == "2000.00"  # left blank: the catalogue's typical amount
    assert added.cause_id == "illness" and not added.recommended
    assert AuditEvent.objects.filter(household=helped, entity="measure", entity_id=added.pk).exists()


def test_measure_buttons_move_its_state_and_errors_show_at_their_fields(client, cast, helped):
    measure = helped.plan.measures.get(measure="micro_credit")
    url = reverse("assistance:measure_move", args=[measure.pk])
    client.force_login(cast["helper"])
    tomorrow = clock.today() + datetime.timedelta(days=1)
    response = client.post(url, {f"move-{measure.pk}-to": "delivered", f"move-{measure.pk}-on": tomorrow})
    assert list(response.context["rows"][0]["move_form"].errors) == ["on"]
    assert f'id="field-move-{measure.pk}-on"' in response.content.decode()
    assert client.post(url, {f"move-{measure.pk}-to": "under_way"}).status_code == 302
    response = client.post(url, {f"move-{measure.pk}-to": "delivered",
                                 f"move-{measure.pk}-on": clock.today()})
    assert response.status_code == 302 and response["Location"].endswith(f"#measure-{measure.pk}")
    measure.refresh_from_db()
    assert (measure.state, measure.delivered_on) == ("delivered", clock.today())
    states = AuditEvent.objects.filter(household=helped, entity="measure", entity_id=measure.pk,
                                       field="state")
    assert states.count() == 2
    page = client.get(reverse("assistance:household", args=[helped.pk]))
    assert f'id="move-form-{measure.pk}"' not in page.content.decode()
    assert page.context["summary"].progress.delivered == 1


def test_cancelling_needs_a_reason_at_its_field(client, cast, helped):
    measure = helped.plan.measures.first()
    client.force_login(cast["cadre_a"])
    url = reverse("assistance:measure_move", args=[measure.pk])
    response = client.post(url, {f"move-{measure.pk}-to": "cancelled"})
    form = next(r["move_form"] for r in response.context["rows"] if r["m"].pk == measure.pk)
    assert list(form.errors) == ["note"]
    before = response.content.decode().split(f'id="cancel-form-{measure.pk}"')[0]
    assert before.rsplit("<details", 1)[1].startswith(' class="edit" open>')  # the error is not folded away
    assert client.post(url, {f"move-{measure.pk}-to": "cancelled",
                             f"move-{measure.pk}-note": "户主已外出务工"}).status_code == 302
    measure.refresh_from_db()
    assert measure.state == PlannedMeasure.State.CANCELLED


def test_editing_a_measure(client, cast, helped):
    measure = helped.plan.measures.first()
    client.force_login(cast["cadre_a"])
    url = reverse("assistance:measure_edit", args=[measure.pk])
    values = {f"edit-{measure.pk}-helper": cast["helper"].pk, f"edit-{measure.pk}-amount": "1200.5",
              f"edit-{measure.pk}-start_on": "2021-05-01", f"edit-{measure.pk}-due_on": "2021-04-01"}
    response = client.post(url, values)
    row = next(r for r in response.context["rows"] if r["m"].pk == measure.pk)
    assert list(row["edit_form"].errors) == ["due_on"] and row["edit_failed"]
    response = client.post(url, {**values, f"edit-{measure.pk}-due_on": "2021-12-31"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert str(measure.amount) == "1200.50" and measure.due_on == datetime.date(2021, 12, 31)


def test_overdue_measures_are_marked_and_counted(client, cast, helped, monkeypatch):
    later = clock.today() + datetime.timedelta(days=400)
    monkeypatch.setattr(clock, "today", lambda: later)
    response = page_of(client, cast["cadre_a"], helped)
    text = response.content.decode()
    total = helped.plan.measures.count()
    assert text.count('class="overdue"') == total
    assert 'id="overdue-count"' in text and f'data-overdue="{total}"' in text


def test_the_next_visit_is_planned_from_the_page(client, cast, helped):
    client.force_login(cast["helper"])
    url = reverse("assistance:visit_schedule", args=[helped.pk])
    response = client.post(url, {"schedule-due_on": clock.today() - datetime.timedelta(days=1)})
    assert list(response.context["schedule_form"].errors) == ["due_on"]
    due = clock.today() + datetime.timedelta(days=7)
    assert client.post(url, {"schedule-due_on": due}).status_code == 302
    visit = Visit.objects.get(household=helped, visited_on__isnull=True)
    assert visit.due_on == due
    response = client.get(reverse("assistance:household", args=[helped.pk]))
    assert reverse("assistance:visit", args=[visit.pk]) in response.content.decode()


def test_visits_made_show_with_their_photo(client, cast, helped, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(buffer, "JPEG")
    visit = actions.record_visit(helped, actor=cast["helper"], visited_on=clock.today(), found="屋顶漏雨",
                                 photo=SimpleUploadedFile("a.jpg", buffer.getvalue()))
    response = page_of(client, cast["auditor"], helped)
    text = response.content.decode()
    assert f'id="visit-{visit.pk}"' in text and "屋顶漏雨" in text
    assert reverse("assistance:visit_photo", args=[visit.pk]) in text


def test_registry_household_page_panel_shows_helper_progress_and_next_visit(client, cast, helped):
    measure = helped.plan.measures.first()
    actions.move_measure(measure, "delivered", actor=cast["helper"])
    due = clock.today() + datetime.timedelta(days=3)
    visit = actions.schedule_visit(helped, actor=cast["helper"], due_on=due)
    client.force_login(cast["cadre_a"])
    response = client.get(reverse("registry:household", args=[helped.pk]))
    text = response.content.decode()
    panel = text.split('id="help-panel"')[1].split("</section>")[0]
    helper_cell = panel.split('id="panel-helper"')[1].split("</dd>")[0]
    assert cast["helper"].username in helper_cell
    total = helped.plan.measures.count()
    assert f'data-delivered="1" data-total="{total}"' in panel
    next_cell = panel.split('id="panel-next-visit"')[1].split("</dd>")[0]
    assert f"{due:%Y-%m-%d}" in next_cell and reverse("assistance:visit", args=[visit.pk]) in next_cell
    assert 'id="plan-link"' in panel and 'id="panel-record-visit"' in panel
    client.force_login(cast["auditor"])
    panel = client.get(reverse("registry:household", args=[helped.pk])).content.decode()
    assert 'id="help-panel"' in panel and 'id="panel-record-visit"' not in panel


def test_a_second_press_on_a_delivered_measure_shows_why_in_its_row(client, cast, helped):
    measure = helped.plan.measures.first()
    actions.move_measure(measure, "delivered", actor=cast["helper"])
    client.force_login(cast["helper"])
    response = client.post(reverse("assistance:measure_move", args=[measure.pk]),
                           {f"move-{measure.pk}-to": "delivered", f"move-{measure.pk}-on": clock.today()})
    assert response.status_code == 200
    row = response.content.decode().split(f'id="measure-{measure.pk}"')[1].split("</tr>")[0]
    assert 'class="errors"' in row
