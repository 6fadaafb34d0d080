"""The website's page that shows a listener how to connect a Subsonic app."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from subsonic.services import subsonic_credentials_ensure, subsonic_credentials_reset


@login_required
@require_http_methods(["GET", "POST"])
def connect(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if request.method == "POST":
        subsonic_credentials_reset(user=user)
        return redirect("subsonic-connect")
    secrets = subsonic_credentials_ensure(user=user)
    return render(
        request,
        "subsonic/connect.html",
        {"server": request.build_absolute_uri("/").rstrip("/"), "secrets": secrets},
    )
