"""Registering a helper (an account signed in with a phone number, its post, a password shown once) and
deactivating one, through the actions and the pages."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from jingzhun.areas.models import Post, Role
from jingzhun.areas.scope import scope_for
from jingzhun.assistance import actions, helper_actions
from jingzhun.assistance.models import Change
from jingzhun.errors import DomainError, NotAllowed, OutOfScope
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_C, XIJI

pytestmark = pytest.mark.django_db
NEW = reverse("assistance:helper_new")
DETAILS = {"name": "李明", "unit": "西吉县农业农村局", "title": "科员", "phone": "13912345678",
           "area_code": VILLAGE_A}


def register(actor, **changes):
    return helper_actions.register_helper(actor=actor, **{**DETAILS, **changes})


def test_a_township_officer_registers_a_helper_who_can_sign_in(cast, client):
    helper, password = register(cast["township"], phone="139 1234 5678")
    post = Post.objects.get(user=helper)
    assert (helper.username, helper.first_name) == ("13912345678", "李明")
    assert (post.role, post.area_id, post.unit, post.title, post.phone) == (
        Role.HELPER, VILLAGE_A, "西吉县农业农村局", "科员", "13912345678")
    assert len(password) == helper_actions.PASSWORD_LENGTH
    assert client.login(username="13912345678", password=password)
    assert scope_for(helper).helps_households and scope_for(helper).covers(VILLAGE_A)
    trail = Change.objects.filter(entity="helper", entity_id=helper.pk)
    assert {c.field: c.new for c in trail} == {"name": "李明", "unit": "西吉县农业农村局", "title": "科员",
                                              "phone": "13912345678", "area": VILLAGE_A}
    assert {c.actor_id for c in trail} == {cast["township"].pk}


def test_a_county_officer_may_register_a_county_wide_helper(cast):
    helper, _password = register(cast["county"], area_code=XIJI)
    assert helper.post.area_id == XIJI


def test_a_duplicate_phone_is_refused_at_the_phone_field(cast):
    register(cast["township"])
    with pytest.raises(DomainError) as error:
        register(cast["county"], name="王芳")
    assert error.value.field == "phone"
    assert get_user_model().objects.filter(username="13912345678").count() == 1


@pytest.mark.parametrize("phone", ["1391234567", "23912345678", "139123456789", "1391234567x", ""])
def test_a_phone_must_be_a_chinese_mobile_number(cast, phone):
    with pytest.raises(DomainError) as error:
        register(cast["township"], phone=phone)
    assert error.value.field == "phone"
    assert Post.objects.filter(role=Role.HELPER).count() == 1  # the cast's helper only


def test_the_area_must_lie_inside_the_officer_s_and_be_a_village_township_or_county(cast):
    with pytest.raises(OutOfScope):
        register(cast["township"], area_code=VILLAGE_C)
    with pytest.raises(OutOfScope):
        register(cast["township"], area_code=XIJI)  # above the township
    with pytest.raises(DomainError) as error:
        register(cast["county"], area_code="640400000000")  # a prefecture
    assert error.value.field == "area_code"
    assert Post.objects.filter(role=Role.HELPER).count() == 1  # the cast's helper only


@pytest.mark.parametrize("who", ["cadre_a", "province", "prefecture", "auditor", "helper"])
def test_only_county_and_township_officers_register(cast, who):
    with pytest.raises(NotAllowed):
        register(cast[who])


def test_the_page_registers_and_shows_the_password_once(cast, client):
    client.force_login(cast["township"])
    form = client.get(NEW)
    assert form.status_code == 200
    assert VILLAGE_A in dict(form.context["form"].fields["area_code"].choices)
    assert VILLAGE_C not in dict(form.context["form"].fields["area_code"].choices)
    response = client.post(NEW, DETAILS)
    helper = get_user_model().objects.get(username="13912345678")
    page_url = reverse("assistance:helper", args=[helper.pk])
    assert response.status_code == 302 and response["Location"] == page_url
    first = client.get(page_url)
    password = first.context["password"]
    html = first.content.decode()
    assert password and 'id="initial-password"' in html and password in html
    again = client.get(page_url)
    assert again.context["password"] is None and password not in again.content.decode()
    client.logout()
    assert client.login(username="13912345678", password=password)


def test_the_page_shows_errors_at_their_fields(cast, client):
    client.force_login(cast["township"])
    register(cast["township"])
    page = client.post(NEW, {**DETAILS, "name": "王芳"})
    assert page.status_code == 200 and page.context["form"].errors["phone"]
    page = client.post(NEW, {**DETAILS, "phone": "12345"})
    assert page.context["form"].errors["phone"]
    page = client.post(NEW, {**DETAILS, "phone": "13800000000", "area_code": VILLAGE_C})
    assert page.context["form"].errors["area_code"]  # not offered: outside the township
    assert get_user_model().objects.filter(post__role=Role.HELPER).count() == 2  # the cast's and the first


@pytest.mark.parametrize("who", ["cadre_a", "auditor", "helper", "outsider"])
def test_the_page_is_refused_to_other_roles(cast, client, who):
    status = 403
    client.force_login(cast[who])
    assert client.get(NEW).status_code == status
    assert client.post(NEW, {**DETAILS, "area_code": VILLAGE_A}).status_code == status
    assert not get_user_model().objects.filter(username=DETAILS["phone"]).exists()


def test_deactivation_is_refused_while_the_helper_answers_for_households(cast, make_household):
    helper, _password = register(cast["township"])
    household = make_household(actor=cast["cadre_a"], main_cause="illness")
    actions.assign_helper(household, helper, actor=cast["cadre_a"])
    with pytest.raises(DomainError, match="1"):
        helper_actions.deactivate_helper(helper, actor=cast["township"], reason="transferred")
    helper.refresh_from_db()
    assert helper.is_active
    household.refresh_from_db()
    actions.end_helper(household, actor=cast["cadre_a"], reason="transferred")
    helper_actions.deactivate_helper(helper, actor=cast["township"], reason="transferred to Yinchuan")
    helper.refresh_from_db()
    assert not helper.is_active and scope_for(helper).role is None
    closed = Change.objects.get(entity="helper", entity_id=helper.pk, action=Change.Action.CLOSE)
    assert (closed.reason, closed.actor_id, closed.area_code) == ("transferred to Yinchuan",
                                                                 cast["township"].pk, VILLAGE_A)
    with pytest.raises(DomainError):
        helper_actions.deactivate_helper(helper, actor=cast["township"], reason="again")


def test_deactivation_needs_a_reason_a_registrar_and_the_helper_s_area(cast):
    helper, _password = register(cast["township"])
    with pytest.raises(DomainError) as error:
        helper_actions.deactivate_helper(helper, actor=cast["township"], reason=" ")
    assert error.value.field == "reason"
    with pytest.raises(NotAllowed):
        helper_actions.deactivate_helper(helper, actor=cast["cadre_a"], reason="x")
    with pytest.raises(OutOfScope):
        helper_actions.deactivate_helper(helper, actor=cast["other_county"], reason="x")
    helper.refresh_from_db()
    assert helper.is_active


def test_the_helper_page_has_the_deactivate_button_for_registrars_only(cast, client):
    helper, _password = register(cast["township"], area_code=JIQIANG)
    url = reverse("assistance:helper", args=[helper.pk])
    client.force_login(cast["county"])
    assert 'id="deactivate-form"' in client.get(url).content.decode()
    client.force_login(cast["auditor"])
    assert 'id="deactivate-form"' not in client.get(url).content.decode()
    deactivate = reverse("assistance:helper_deactivate", args=[helper.pk])
    assert client.post(deactivate, {"deactivate-reason": "x"}).status_code == 403
    client.force_login(cast["township"])
    assert client.post(deactivate, {"deactivate-reason": "left the unit"}).status_code == 302
    helper.refresh_from_db()
    assert not helper.is_active
    assert 'id="helper-inactive"' in client.get(url).content.decode()
