"""The public-service catalogue's URLs. No `app_name`: `policies/urls.py` includes this list,
so the names are `policies:services`, `policies:service_detail`, `policies:service_apply`
and `policies:service_applied`."""

from django.urls import path

from policies.public_services import views

urlpatterns = [
    path("services/", views.ServiceListView.as_view(), name="services"),
    path("services/<int:pk>/", views.ServiceDetailView.as_view(), name="service_detail"),
    path("services/<int:pk>/apply/", views.ServiceApplyView.as_view(), name="service_apply"),
    path(
        "services/applied/<str:reference>/",
        views.service_applied,
        name="service_applied",
    ),
]
