from django.urls import path

from projects.roadshows import views

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="index"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/mine/", views.MyProjectsView.as_view(), name="my_projects"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_edit"),
    path("projects/<int:pk>/deck/", views.project_deck, name="project_deck"),
    path("projects/<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("projects/<int:pk>/interest/", views.interest_express, name="interest_express"),
    path(
        "projects/interests/<int:pk>/<answer>/",
        views.interest_answer,
        name="interest_answer",
    ),
    path("investors/", views.InvestorListView.as_view(), name="investors"),
    path("investors/mine/", views.my_investor, name="my_investor"),
    path("investors/<int:pk>/", views.InvestorDetailView.as_view(), name="investor"),
    path("roadshows/", views.RoadshowListView.as_view(), name="roadshows"),
    path("roadshows/mine/", views.MyRegistrationsView.as_view(), name="my_registrations"),
    path("roadshows/<int:pk>/", views.roadshow_detail, name="roadshow"),
    path("roadshows/<int:pk>/register/", views.roadshow_register, name="roadshow_register"),
    path("roadshows/<int:pk>/cancel/", views.roadshow_cancel, name="roadshow_cancel"),
    path("roadshows/<int:pk>/claim/", views.roadshow_claim, name="roadshow_claim"),
    path("roadshows/<int:pk>/watch/", views.roadshow_watch, name="roadshow_watch"),
    path("roadshows/<int:pk>/event.ics", views.roadshow_ics, name="roadshow_ics"),
    path("roadshows/<int:pk>/checkin/", views.roadshow_checkin, name="roadshow_checkin"),
]
