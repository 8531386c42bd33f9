"""Signing in lands each role where its work is, and the header offers its assistance pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": f"pw-{username}"})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_a_helper_lands_on_their_households(client, cast):
    response = sign_in(client, "helper")
    assert response["Location"] == reverse("assistance:my")
    page = client.get(reverse("assistance:my")).content.decode()
    assert 'id="nav-my"' in page and 'id="nav-board"' not in page and 'id="nav-pairing"' not in page


def test_an_officer_lands_on_the_areas_with_the_assistance_pages_in_the_header(client, cast):
    response = sign_in(client, "xiji")
    assert response["Location"] == reverse("areas:tree")
    page = client.get(reverse("areas:tree"), follow=True).content.decode()
    for link in ("nav-board", "nav-helpers", "nav-teams", "nav-measures", "nav-pairing"):
        assert f'id="{link}"' in page
    assert 'id="nav-my"' not in page


def test_the_public_sees_no_assistance_links(client, cast):
    page = client.get(reverse("identification:notices")).content.decode()
    assert 'id="nav-board"' not in page and 'id="nav-pairing"' not in page
