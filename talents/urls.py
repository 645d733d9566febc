"""The talent resource library (`/talents/…`), included at the site root."""

from django.urls import path

from talents import views

app_name = "talents"

urlpatterns = [
    path("talents/", views.IndexView.as_view(), name="index"),
]
