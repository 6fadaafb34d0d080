from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("made-for-you/", views.made_for_you, name="made_for_you"),
    path("made-for-you/<int:number>/", views.mix, name="mix"),
    path("made-for-you/shelves/", views.home_shelves, name="home_shelves"),
]
