"""A URLconf with one API view that forgot to declare its scopes."""

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class UndeclaredView(APIView):
    def get(self, request: Request) -> Response:
        return Response({"user": request.user.username})


urlpatterns = [path("undeclared/", UndeclaredView.as_view())]
