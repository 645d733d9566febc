"""The public-service catalogue's URLs. No `app_name`: `policies/urls.py` includes this list,
so the names are `policies:services`, `policies:service_detail`, `policies:service_apply`
and `policies:service_applied`."""

from django.urls import path

from policies import service_views

urlpatterns = [
    path("services/", service_views.ServiceListView.as_view(), name="services"),
    path("services/<int:pk>/", service_views.ServiceDetailView.as_view(), name="service_detail"),
    path(
        "services/<int:pk>/apply/", service_views.ServiceApplyView.as_view(), name="service_apply"
    ),
    path(
        "services/applied/<str:reference>/",
        service_views.service_applied,
        name="service_applied",
    ),
]
