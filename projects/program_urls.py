from django.urls import path

from projects import views

urlpatterns = [
    path("programs/", views.ProgramsView.as_view(), name="programs"),
]
