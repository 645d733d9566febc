from django.urls import path

from projects import views

urlpatterns = [
    path("projects/", views.IndexView.as_view(), name="index"),
]
