from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.auth import AuthenticatedHttpRequest
from catalog import selectors


@login_required
def studio_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    artists = selectors.artist_list_editable(user=request.user)
    return render(request, "catalog/studio_home.html", {"artists": artists})
