"""The visit page and the visit photo: who sees them, who records, errors at their fields, and a photo that
only readers of the household can fetch."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jingzhun import clock
from jingzhun.areas.models import Post, Role
from jingzhun.assistance import actions
from jingzhun.assistance.models import Visit
from jingzhun.registry.models import AuditEvent
from tests.conftest import _user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planned(cast, helped):
    return actions.schedule_visit(helped, actor=cast["helper"], due_on=clock.today())


def jpeg(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def record(client, visit, **values):
    data = {"visit-visited_on": clock.today(), "visit-found": "屋里冷，炉子坏了",
            "visit-done": "联系村里修炉子", **{f"visit-{k}": v for k, v in values.items()}}
    return client.post(reverse("assistance:visit", args=[visit.pk]), data)


@pytest.mark.parametrize("who", ["cadre_b", "other_county"])
def test_users_of_another_village_or_county_get_404(client, cast, planned, who):
    client.force_login(cast[who])
    assert client.get(reverse("assistance:visit", args=[planned.pk])).status_code == 404
    assert client.get(reverse("assistance:visit_new", args=[planned.household_id])).status_code == 404


def test_another_helper_gets_404_and_an_outsider_403(client, cast, planned, second_helper):
    client.force_login(second_helper)
    assert client.get(reverse("assistance:visit", args=[planned.pk])).status_code == 404
    assert record(client, planned).status_code == 404
    client.force_login(cast["outsider"])
    assert client.get(reverse("assistance:visit", args=[planned.pk])).status_code == 403


def test_auditor_reads_the_planned_visit_without_forms(client, cast, planned):
    client.force_login(cast["auditor"])
    response = client.get(reverse("assistance:visit", args=[planned.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="visit-household"' in text and 'id="open-measures"' in text
    assert 'id="visit-form"' not in text and 'id="deliver-form-' not in text
    assert record(client, planned).status_code == 403
    assert client.get(reverse("assistance:visit_new", args=[planned.household_id])).status_code == 403


def test_helper_sees_the_household_at_a_glance_and_the_record_form(client, cast, planned, helped):
    client.force_login(cast["helper"])
    response = client.get(reverse("assistance:visit", args=[planned.pk]))
    text = response.content.decode()
    assert 'id="visit-form"' in text and 'enctype="multipart/form-data"' in text
    assert 'accept="image/*"' in text and 'capture="environment"' in text
    assert text.count("<li>", text.index('id="members-glance"')) >= 3  # the head and two children
    for measure in helped.plan.measures.all():
        assert f'id="deliver-{measure.pk}"' in text
    form = response.context["form"]
    assert form["visited_on"].value() == clock.today()
    assert form["next_due_on"].value() == clock.today() + datetime.timedelta(days=30)  # the standard


def test_helper_records_a_visit_with_a_photo_and_the_next_is_planned(client, cast, planned, helped, tmp_path):
    client.force_login(cast["helper"])
    response = record(client, planned, photo=jpeg())
    assert response.status_code == 302
    assert response["Location"] == reverse("assistance:visit", args=[planned.pk])
    planned.refresh_from_db()
    assert planned.visited_on == clock.today() and planned.found == "屋里冷，炉子坏了"
    assert planned.photo and (tmp_path / "media" / planned.photo.name).exists()
    assert "IMG_0001" not in planned.photo.name
    following = Visit.objects.get(household=helped, visited_on__isnull=True)
    assert following.due_on == clock.today() + datetime.timedelta(days=30)
    assert AuditEvent.objects.filter(household=helped, entity="visit", entity_id=planned.pk,
                                     field="found").exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="recorded"' in page and 'id="visit-form"' not in page
    assert 'id="visit-photo"' in page and reverse("assistance:visit", args=[following.pk]) in page
    assert record(client, planned).status_code == 403  # a recorded visit is read-only


@pytest.mark.parametrize("values, field", [
    ({"found": ""}, "found"),
    ({"visited_on": clock.today() + datetime.timedelta(days=1)}, "visited_on"),
    ({"next_due_on": clock.today()}, "next_due_on"),
])
def test_errors_show_at_their_fields_and_nothing_is_recorded(client, cast, planned, values, field):
    client.force_login(cast["helper"])
    response = record(client, planned, **values)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="field-visit-{field}"' in response.content.decode()
    planned.refresh_from_db()
    assert planned.visited_on is None


def test_a_file_that_is_not_a_photo_is_refused_at_the_photo_field(client, cast, planned, tmp_path):
    client.force_login(cast["helper"])
    response = record(client, planned, photo=SimpleUploadedFile("x.jpg", b"not a picture", "image/jpeg"))
    assert list(response.context["form"].errors) == ["photo"]
    planned.refresh_from_db()
    assert planned.visited_on is None and not planned.photo


def test_a_measure_is_marked_delivered_from_the_visit_page(client, cast, planned, helped):
    measure = helped.plan.measures.first()
    client.force_login(cast["helper"])
    url = reverse("assistance:visit", args=[planned.pk])
    tomorrow = clock.today() + datetime.timedelta(days=1)
    response = client.post(url, {"deliver": measure.pk, f"deliver-{measure.pk}-on": tomorrow})
    failed = next(d["form"] for d in response.context["deliver"] if d["m"].pk == measure.pk)
    assert list(failed.errors) == ["on"]
    response = client.post(url, {"deliver": measure.pk, f"deliver-{measure.pk}-on": clock.today()})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.state, measure.delivered_on) == ("delivered", clock.today())
    assert AuditEvent.objects.filter(household=helped, entity="measure", entity_id=measure.pk,
                                     field="state", new="delivered").exists()
    assert f'id="deliver-{measure.pk}"' not in client.get(url).content.decode()


def test_an_unplanned_visit(client, cast, helped):
    client.force_login(cast["helper"])
    url = reverse("assistance:visit_new", args=[helped.pk])
    response = client.get(url)
    assert 'data-state="new"' in response.content.decode()
    response = client.post(url, {"visit-visited_on": clock.today(), "visit-found": "一切正常"})
    assert response.status_code == 302
    made = Visit.objects.get(household=helped, visited_on__isnull=False)
    assert response["Location"] == reverse("assistance:visit", args=[made.pk])
    planned = Visit.objects.get(household=helped, visited_on__isnull=True)
    assert client.get(url)["Location"] == reverse("assistance:visit", args=[planned.pk])


@pytest.fixture
def photographed(cast, planned):
    return actions.record_visit(planned.household, actor=cast["helper"], visited_on=clock.today(),
                                found="新房已入住", photo=jpeg())


@pytest.mark.parametrize("who", ["helper", "cadre_a", "township", "county", "auditor"])
def test_photo_is_served_privately_to_readers_of_the_household(client, cast, photographed, who):
    client.force_login(cast[who])
    response = client.get(reverse("assistance:visit_photo", args=[photographed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("who", ["cadre_b", "other_county", "outsider", "partner", "second_helper", None])
def test_photo_is_404_to_everyone_else(client, cast, photographed, second_helper, who):
    users = {**cast, "second_helper": second_helper}
    if who == "partner":
        users["partner"] = _user("partner", Role.PAIRING_PARTNER, "640000000000")
        assert Post.objects.filter(user=users["partner"]).exists()
    if who:
        client.force_login(users[who])
    assert client.get(reverse("assistance:visit_photo", args=[photographed.pk])).status_code == 404


def test_no_public_address_serves_the_photo_and_no_photo_is_404(client, cast, photographed, planned):
    client.force_login(cast["helper"])
    assert client.get("/media/" + photographed.photo.name).status_code == 404
    following = Visit.objects.get(household=planned.household, visited_on__isnull=True)
    assert client.get(reverse("assistance:visit_photo", args=[following.pk])).status_code == 404


def test_delivering_a_measure_already_delivered_says_so(client, cast, planned, helped):
    measure = helped.plan.measures.first()
    actions.move_measure(measure, "delivered", actor=cast["cadre_a"])
    client.force_login(cast["helper"])
    response = client.post(reverse("assistance:visit", args=[planned.pk]),
                           {"deliver": measure.pk, f"deliver-{measure.pk}-on": clock.today()})
    assert response.status_code == 200
    assert 'id="deliver-errors"' in response.content.decode()
    assert response.context["stray_errors"]
