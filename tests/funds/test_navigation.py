"""Every page the header links to opens for each role that sees the link."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<a href="([^"]+)" id="nav-[a-z]+"')


ROLES = ["province", "prefecture", "county", "township", "cadre_a", "auditor", "helper"]


@pytest.mark.parametrize("who", ROLES)
def test_each_header_link_opens(client, cast, who):
    client.force_login(cast[who])
    home = client.get(reverse("home"), follow=True)
    links = NAV.findall(home.content.decode())
    assert links
    for link in links:
        # A link may redirect (the dashboard opens the reader's own area), but must end on a page.
        response = client.get(link.replace("&amp;", "&"), follow=True)
        assert response.status_code == 200, (who, link, response.status_code)
        assert response.request["PATH_INFO"] != reverse("login"), (who, link, response.redirect_chain)
    if who != "helper":
        assert reverse("funds:funds") in links and reverse("funds:report") in links
        assert reverse("analytics:home") in links
