"""Policies (`/policies/…`) and the public-service catalogue (`/services/…`).

Included at the site root, so each path carries its own section prefix.
"""

from django.urls import include, path

from policies import views

app_name = "policies"

urlpatterns = [
    path("policies/", views.PolicyListView.as_view(), name="index"),
    path("policies/<int:pk>/", views.PolicyDetailView.as_view(), name="detail"),
    path("policies/compare/", views.CompareView.as_view(), name="compare"),
    path("policies/calculator/", views.CalculatorView.as_view(), name="calculator"),
    path("policies/following/", views.FollowingView.as_view(), name="following"),
    path("policies/following/<int:pk>/delete/", views.unfollow, name="unfollow"),
    path("", include("policies.public_services.urls")),
]
