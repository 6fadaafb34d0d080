"""The admin's pages are the site's too: they show its icon in the browser's tab."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_has_the_sites_favicon(client, admin_user):
    login = client.get(reverse("admin:login")).content.decode()
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()

    for html in (login, index):
        assert '<link rel="icon" href="/static/img/logo.svg" type="image/svg+xml">' in html
    assert 'id="site-name"' in index  # the admin's own page around it
