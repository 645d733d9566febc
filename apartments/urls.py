"""Talent apartments (`/apartments/…`), included at the site root."""

from django.urls import path

from apartments import views

app_name = "apartments"

urlpatterns = [
    path("apartments/", views.IndexView.as_view(), name="index"),
]
