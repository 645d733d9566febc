"""Talent programs (`/programs/…`) and the experts' reviews (`/reviews/…`)."""

from django.urls import path, register_converter

from projects.programs import views


class ReferenceConverter:
    """A program application's reference number, e.g. PG-2026-000123: anything else is a
    404 before a query runs."""

    regex = r"PG-[0-9]{4}-[0-9]{6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "program_reference")

urlpatterns = [
    path("programs/", views.ProgramListView.as_view(), name="programs"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program"),
    path("programs/calls/<int:pk>/", views.CallDetailView.as_view(), name="call"),
    path("programs/calls/<int:pk>/draw/", views.CallDrawView.as_view(), name="call_draw"),
    path("programs/calls/<int:pk>/apply/", views.CallApplyView.as_view(), name="call_apply"),
    path(
        "programs/applications/<program_reference:reference>/",
        views.application_detail,
        name="application",
    ),
    path(
        "programs/applications/<program_reference:reference>/documents/",
        views.application_document,
        name="application_document",
    ),
    path(
        "programs/applications/<program_reference:reference>/submit/",
        views.application_submit,
        name="application_submit",
    ),
    path("programs/endorsements/", views.EndorsementListView.as_view(), name="endorsements"),
    path(
        "programs/endorsements/<program_reference:reference>/<slug:answer>/",
        views.endorsement_answer,
        name="endorsement_answer",
    ),
    path("reviews/", views.ReviewQueueView.as_view(), name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/declare/", views.review_declare, name="review_declare"),
    path("reviews/<int:pk>/decline/", views.review_decline, name="review_decline"),
]
