"""Talent apartments (`/apartments/…`), included at the site root."""

from django.urls import path

from apartments import views

app_name = "apartments"

urlpatterns = [
    path("apartments/", views.CommunityListView.as_view(), name="index"),
    path("apartments/<int:pk>/", views.CommunityDetailView.as_view(), name="community"),
    path("apartments/occupancy/", views.OccupancyView.as_view(), name="occupancy"),
    path("apartments/rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round"),
    path("apartments/rounds/<int:pk>/apply/", views.RoundApplyView.as_view(), name="round_apply"),
    path(
        "apartments/rounds/<int:pk>/verify/", views.RoundVerifyView.as_view(), name="round_verify"
    ),
    path(
        "apartments/rounds/<int:pk>/verify/list.txt",
        views.round_frozen_list,
        name="round_frozen_list",
    ),
    path(
        "apartments/rounds/<int:pk>/verify/result.txt",
        views.round_published_result,
        name="round_published_result",
    ),
    path("apartments/mine/", views.mine, name="mine"),
    path(
        "apartments/applications/<str:reference>/",
        views.application_detail,
        name="application",
    ),
    path("apartments/offers/<int:pk>/", views.offer_detail, name="offer"),
    path("apartments/offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("apartments/offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("apartments/leases/<int:pk>/", views.lease_detail, name="lease"),
]
