"""An API client never sees Django's technical 500 page, even with DEBUG on; the website still does."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

SECRET = "password=hunter2 at /srv/spotifyclone/var/secrets.env"


class ExplodingView(APIView):
    authentication_classes = []
    permission_classes = []
    oauth_scopes = {"GET": None}

    def get(self, request: Request) -> Response:
        raise RuntimeError(SECRET)


def exploding_function(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


urlpatterns = [
    path("api/v1/exploding/", ExplodingView.as_view()),
    path("api/v1/exploding-function/", exploding_function),
    path("exploding/", exploding_function),
]

SERVER_ERROR = {
    "error": {"status": 500, "code": "server_error", "message": "Something went wrong on our side.", "details": {}}
}


@pytest.fixture
def client_seeing_errors(settings) -> Client:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = True
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_only_the_website_shows_the_debug_page_and_the_api_answers_its_error(client_seeing_errors, caplog):
    urls = ["/api/v1/exploding/", "/api/v1/exploding-function/", "/exploding/"]

    replies = {url: client_seeing_errors.get(url, HTTP_ACCEPT="text/html") for url in urls}

    assert {
        url: (reply.status_code, reply["Content-Type"], SECRET.encode() in reply.content)
        for url, reply in replies.items()
    } == {
        "/api/v1/exploding/": (500, "application/json", False),
        "/api/v1/exploding-function/": (500, "application/json", False),
        "/exploding/": (500, "text/html; charset=utf-8", True),
    }
    assert replies["/api/v1/exploding/"].json() == replies["/api/v1/exploding-function/"].json() == SERVER_ERROR
    # Nothing is lost: each exception is in the log, for the operator.
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert [record.getMessage() for record in logged] == [f"Internal Server Error: {url}" for url in urls]
    assert [str(record.exc_info[1]) for record in logged] == [SECRET] * 3
