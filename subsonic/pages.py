"""The website's page that shows a listener how to connect a Subsonic app."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from subsonic.selectors import subsonic_secrets
from subsonic.services import subsonic_credentials_reset


@login_required
@require_http_methods(["GET", "POST"])
def connect(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if request.method == "POST":
        subsonic_credentials_reset(user=user)
        return redirect("subsonic-connect")
    secrets = subsonic_secrets(user=user)  # a GET only reads: the secrets are made by the button
    server = request.build_absolute_uri("/").rstrip("/")
    fields = []
    if secrets is not None:
        fields = [
            {"id": "server", "label": _("Server address"), "value": server},
            {"id": "username", "label": _("Username"), "value": secrets.username},
            {"id": "password", "label": _("Password"), "value": secrets.password},
            {
                "id": "api-key",
                "label": _("API key"),
                "value": secrets.api_key,
                "note": _("(for apps that ask for one)"),
            },
        ]
    return render(request, "subsonic/connect.html", {"server": server, "secrets": secrets, "fields": fields})
