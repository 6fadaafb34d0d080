"""GET /api/v1/search/ and /api/v1/search/suggest/: thin views over search.selectors."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.models import User
from search import selectors, services
from search.api import serializers as s


def _link(request: Request, offset: int | None) -> str | None:
    if offset is None:
        return None
    url = request.build_absolute_uri()
    return replace_query_param(url, "offset", offset) if offset else remove_query_param(url, "offset")


class SearchView(APIView):
    """Tracks, artists, albums and playlists matching a query, grouped by kind, each list paginated.

    Typos, half-typed words and missing accents are forgiven. Playlists are the
    public ones plus the caller's own.
    """

    oauth_scopes = {"GET": None}
    oauth_viewer_scope = "playlist-read-private"

    permission_classes = [AllowAny]

    @extend_schema(parameters=[s.SearchParamsSerializer], responses=s.SearchResultsSerializer)
    def get(self, request: Request) -> Response:
        params = s.SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit, offset = params.validated_data["limit"], params.validated_data["offset"]
        pages = selectors.search_results(
            text=params.validated_data["q"],
            viewer=request.user,  # type: ignore[arg-type]
            kinds=params.validated_data["type"],
            genre=params.validated_data["genre"],
            limit=limit,
            offset=offset,
        )
        context = {"request": request}
        body: dict[str, Any] = {}
        for kind, page in pages.items():
            more = offset + limit < min(page.total, s.MAX_OFFSET + limit)
            items = s.ITEM_SERIALIZERS[kind](page.items, many=True, context=context).data
            if kind == "track":
                items = [{**item, "lyrics_line": page.lyrics_lines.get(item["id"])} for item in items]
            body[f"{kind}s"] = {
                "items": items,
                "total": page.total,
                "limit": limit,
                "offset": offset,
                "next": _link(request, offset + limit) if more else None,
                "previous": _link(request, max(offset - limit, 0)) if offset else None,
            }
        return Response(body)


class SuggestView(APIView):
    """The best few matches of any kind for what has been typed so far, for a search box."""

    oauth_scopes = {"GET": None}
    oauth_viewer_scope = "playlist-read-private"

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True), OpenApiParameter("limit", int)],
        responses=s.SuggestionsSerializer,
    )
    def get(self, request: Request) -> Response:
        params = s.SuggestParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = selectors.suggestions(
            text=params.validated_data["q"],
            viewer=request.user,  # type: ignore[arg-type]
            limit=params.validated_data["limit"],
        )
        return Response({"suggestions": _rows(found)})


def _rows(found: list[selectors.Suggestion]) -> list[dict[str, Any]]:
    return [{"type": x.kind, "id": x.item.pk, "name": x.name, "subtitle": x.subtitle, "url": x.url} for x in found]


class RecentSearchesView(APIView):
    """The results you last opened or played from search, the latest first (ten at most).

    Add one (POST), or clear them all (DELETE).
    """

    oauth_scopes = {"GET": "user-read-recently-played", "POST": "user-modify-private", "DELETE": "user-modify-private"}

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.RecentSearchesSerializer)
    def get(self, request: Request) -> Response:
        return Response({"items": _rows(selectors.recent_searches(user=request.user))})  # type: ignore[arg-type]

    @extend_schema(request=s.RecentSearchSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        body = s.RecentSearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        try:
            services.recent_search_add(user=user, kind=body.validated_data["type"], object_id=body.validated_data["id"])
        except LookupError as exc:
            raise exceptions.NotFound(str(exc)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        services.recent_searches_clear(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
