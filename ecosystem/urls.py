"""The talent ecosystem (service points, alliances, finance, feedback, statistics)."""

from django.urls import path

from ecosystem import statistics_views

app_name = "ecosystem"

urlpatterns = [
    path("statistics/", statistics_views.StatisticsView.as_view(), name="statistics"),
    path("statistics/<slug:key>.csv", statistics_views.statistics_csv, name="statistics_csv"),
]
