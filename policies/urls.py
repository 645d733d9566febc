"""Policies (`/policies/…`) and the public-service catalogue (`/services/…`).

Included at the site root, so each path carries its own section prefix.
"""

from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("policies/", views.IndexView.as_view(), name="index"),
    path("services/", views.ServicesView.as_view(), name="services"),
]
