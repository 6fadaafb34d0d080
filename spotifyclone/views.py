"""Site-wide views: the home page, health probes and error pages."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found as html_page_not_found
from django.views.defaults import server_error as html_server_error

from search import browse
from spotifyclone import health
from spotifyclone.api.errors import json_not_found, json_server_error


def home(request: HttpRequest) -> HttpResponse:
    context = {"albums": browse.new_releases()[:12], "chart": browse.chart()[:5], "genres": browse.genre_list()[:12]}
    return render(request, "home.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    report = health.readiness_report()
    return JsonResponse(report, status=200 if report["status"] != "down" else 503)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_not_found(request)
    return html_page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_server_error()
    return html_server_error(request)
