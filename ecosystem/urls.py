"""The talent ecosystem (service points, alliances, finance, feedback, statistics)."""

from django.urls import path

from ecosystem import statistics_views, views

app_name = "ecosystem"

urlpatterns = [
    path("service-points/", views.ServicePointListView.as_view(), name="service_points"),
    path("service-points/<int:pk>/", views.ServicePointDetailView.as_view(), name="service_point"),
    path("alliances/", views.AllianceListView.as_view(), name="alliances"),
    path("alliances/mine/", views.MyMembershipsView.as_view(), name="my_memberships"),
    path("alliances/<int:pk>/", views.AllianceDetailView.as_view(), name="alliance"),
    path("finance/", views.ProductListView.as_view(), name="products"),
    path("finance/<int:pk>/", views.ProductDetailView.as_view(), name="product"),
    path("finance/<int:pk>/apply/", views.product_apply, name="product_apply"),
    path("finance/key-enterprises/", views.KeyEnterpriseListView.as_view(), name="key_enterprises"),
    path("feedback/", views.FeedbackBoardView.as_view(), name="feedback_board"),
    path("feedback/new/", views.FeedbackCreateView.as_view(), name="feedback_new"),
    path("feedback/<str:reference>/", views.feedback_track, name="feedback"),
    path("feedback/<str:reference>/rate/", views.feedback_rate, name="feedback_rate"),
    path(
        "feedback/<str:reference>/unpublish/",
        views.feedback_unpublish,
        name="feedback_unpublish",
    ),
    path("statistics/", statistics_views.StatisticsView.as_view(), name="statistics"),
    path("statistics/<slug:key>.csv", statistics_views.statistics_csv, name="statistics_csv"),
]
