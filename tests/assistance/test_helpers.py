"""One responsible helper per household, reassignment keeping the history, visits planned and recorded."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jingzhun import clock
from jingzhun.assistance import actions, queries
from jingzhun.assistance.models import HelperAssignment, Visit
from jingzhun.errors import DomainError, OutOfScope
from jingzhun.registry.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_reassignment_ends_the_old_assignment_and_hands_over_open_work(cast, helped, second_helper):
    actions.record_visit(helped, actor=cast["helper"], visited_on=clock.today(), found="all well")
    actions.assign_helper(helped, second_helper, actor=cast["cadre_a"], reason="transferred")
    history = list(HelperAssignment.objects.filter(household=helped).order_by("id"))
    assert [a.helper_id for a in history] == [cast["helper"].pk, second_helper.pk]
    assert history[0].ended_on == clock.today() and history[0].end_reason == "transferred"
    assert history[1].ended_on is None
    helped.refresh_from_db()
    assert helped.helper_id == second_helper.pk
    assert set(helped.plan.measures.values_list("helper_id", flat=True)) == {second_helper.pk}
    assert queries.next_visit(helped).helper_id == second_helper.pk
    helper_change = AuditEvent.objects.get(household=helped, entity="household", field="helper",
                                           new=str(second_helper.pk))
    assert helper_change.old == str(cast["helper"].pk)


def test_only_a_helper_whose_area_covers_the_village_can_be_assigned(cast, make_household):
    household = make_household(actor=cast["cadre_a"], main_cause="illness")
    with pytest.raises(DomainError, match="registered helper"):
        actions.assign_helper(household, cast["cadre_b"], actor=cast["cadre_a"])
    from tests.conftest import VILLAGE_B, _user
    other = _user("helper_b", "helper", VILLAGE_B)
    with pytest.raises(DomainError, match="another area"):
        actions.assign_helper(household, other, actor=cast["cadre_a"])


def test_ending_a_helper_leaves_the_household_without_one(cast, helped):
    actions.end_helper(helped, actor=cast["township"], reason="retired")
    helped.refresh_from_db()
    assert helped.helper_id is None
    assert not HelperAssignment.objects.filter(household=helped, ended_on__isnull=True).exists()
    with pytest.raises(DomainError):
        actions.end_helper(helped, actor=cast["township"], reason="again")


def test_recording_a_visit_fulfils_the_planned_one_and_plans_the_next(cast, helped):
    planned = actions.schedule_visit(helped, actor=cast["helper"], due_on=clock.today())
    day = clock.today()
    visit = actions.record_visit(helped, actor=cast["helper"], visited_on=day, found="the roof leaks",
                                 done="reported to the township")
    assert visit.pk == planned.pk and visit.helper_id == cast["helper"].pk
    following = queries.next_visit(helped)
    assert following.due_on == day + datetime.timedelta(days=30)  # the shipped visit interval
    assert queries.summary(helped).last_visit.pk == visit.pk
    events = AuditEvent.objects.filter(household=helped, entity="visit")
    assert events.filter(action="create").count() == 2  # the planned visit and the next one
    assert set(events.filter(action="change", entity_id=visit.pk).values_list("field", flat=True)) == {
        "visited_on", "found", "done"}


def test_a_visit_needs_what_was_found_and_cannot_be_in_the_future(cast, helped):
    with pytest.raises(DomainError) as error:
        actions.record_visit(helped, actor=cast["helper"], visited_on=clock.today(), found=" ")
    assert error.value.field == "found"
    with pytest.raises(DomainError) as error:
        actions.record_visit(helped, actor=cast["helper"], found="x",
                             visited_on=clock.today() + datetime.timedelta(days=1))
    assert error.value.field == "visited_on"
    assert not Visit.objects.filter(household=helped, visited_on__isnull=False).exists()


def test_visit_photo_is_shrunk_and_stripped(cast, helped, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from io import BytesIO
    buffer = BytesIO()
    Image.new("RGB", (4000, 3000), (200, 120, 40)).save(buffer, "PNG")
    upload = SimpleUploadedFile("IMG_2020.png", buffer.getvalue(), content_type="image/png")
    visit = actions.record_visit(helped, actor=cast["helper"], visited_on=clock.today(), found="new stove",
                                 photo=upload)
    with Image.open(visit.photo.path) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1600
    assert "IMG_2020" not in visit.photo.name


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(cast, helped, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("notes.jpg", b"not a picture at all", content_type="image/jpeg")
    with pytest.raises(DomainError) as error:
        actions.record_visit(helped, actor=cast["helper"], visited_on=clock.today(), found="x", photo=upload)
    assert error.value.field == "photo"


def test_visits_only_by_the_households_helper_or_its_managers(cast, helped, second_helper):
    with pytest.raises(OutOfScope):
        actions.record_visit(helped, actor=second_helper, visited_on=clock.today(), found="x")
    with pytest.raises(OutOfScope):
        actions.record_visit(helped, actor=cast["cadre_b"], visited_on=clock.today(), found="x")
    visit = actions.record_visit(helped, actor=cast["township"], visited_on=clock.today(), found="checked")
    assert visit.helper_id == cast["helper"].pk  # the household's helper, recorded by the officer
