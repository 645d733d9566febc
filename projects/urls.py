"""Projects and roadshows (`/projects/…`) and talent programs (`/programs/…`).

Included at the site root, so each path carries its own section prefix.
"""

from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.IndexView.as_view(), name="index"),
    path("programs/", views.ProgramsView.as_view(), name="programs"),
]
