from django.urls import path

from ads import views

urlpatterns = [
    path("ads/click/<str:token>/", views.ad_click, name="ad-click"),
]
