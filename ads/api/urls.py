from django.urls import path

from ads.api import views

urlpatterns = [
    path("me/ad-breaks/", views.AdBreaksView.as_view(), name="ad-breaks"),
    path("me/ad-breaks/<uuid:pk>/complete/", views.AdBreakCompleteView.as_view(), name="ad-break-complete"),
]
