"""The talent resource library's URLs, included at the site root (names `talents:<name>`).

/talents/                               the section's front page
/talents/search/                        candidate search (members of verified enterprises)
/talents/<id>/                          a candidate: masked profile, contact when allowed
/talents/card/<number>/                 public verification of a talent card
/me/profile/…                           the talent's own profile, privacy and data
/demands/, /internships/                public lists, detail pages and applications
/enterprise/…                           registration, dashboard, postings, applications
"""

from django.urls import path

from talents.views import enterprises as views

app_name = "talents"

urlpatterns = [
    path("talents/", views.IndexView.as_view(), name="index"),
    # Candidate search, for members of verified enterprises.
    path("talents/search/", views.CandidateSearchView.as_view(), name="search"),
    path("talents/<int:pk>/", views.candidate_detail, name="talent"),
    path("talents/<int:pk>/shortlist/", views.shortlist_toggle, name="shortlist_toggle"),
    path("talents/<int:pk>/contact/", views.contact_request, name="contact_request"),
    path("talents/<int:pk>/contact-details/", views.contact_details, name="contact_details"),
    path("talents/<int:pk>/resume/", views.candidate_resume, name="candidate_resume"),
    path("talents/<int:pk>/nominate/", views.EvaluationNominateView.as_view(), name="nominate"),
    # Public verification of a talent card.
    path("talents/card/", views.card_lookup, name="card_lookup"),
    path("talents/card/<str:number>/", views.card_detail, name="card"),
    # The talent's own profile.
    path("me/profile/", views.ProfileEditView.as_view(), name="me_profile"),
    path("me/profile/resume/", views.resume_upload, name="me_resume"),
    path("me/profile/resume/delete/", views.resume_delete, name="me_resume_delete"),
    path("me/profile/resume/download/", views.resume_download, name="me_resume_download"),
    path("me/profile/privacy/", views.PrivacyView.as_view(), name="me_privacy"),
    path("me/profile/consents/give/", views.consent_give, name="consent_give"),
    path("me/profile/consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("me/profile/viewers/", views.ProfileViewersView.as_view(), name="me_viewers"),
    path("me/profile/requests/", views.ContactRequestListView.as_view(), name="me_requests"),
    path(
        "me/profile/requests/<int:pk>/<str:answer>/",
        views.contact_request_answer,
        name="contact_request_answer",
    ),
    path("me/profile/data/", views.MyDataView.as_view(), name="me_data"),
    path("me/profile/data/export/", views.profile_export, name="me_export"),
    path("me/profile/delete/", views.ProfileDeleteView.as_view(), name="me_delete"),
    # Talent demands and internships.
    path("demands/", views.DemandListView.as_view(), name="demands"),
    path("demands/<int:pk>/", views.DemandDetailView.as_view(), name="demand"),
    path("demands/<int:pk>/apply/", views.DemandApplyView.as_view(), name="demand_apply"),
    path("internships/", views.InternshipListView.as_view(), name="internships"),
    path("internships/<int:pk>/", views.InternshipDetailView.as_view(), name="internship"),
    path(
        "internships/<int:pk>/apply/",
        views.InternshipApplyView.as_view(),
        name="internship_apply",
    ),
    # Enterprises.
    path("enterprise/", views.EnterpriseDashboardView.as_view(), name="enterprise_dashboard"),
    path(
        "enterprise/register/", views.EnterpriseRegisterView.as_view(), name="enterprise_register"
    ),
    path(
        "enterprise/join-requests/<int:pk>/<slug:answer>/",
        views.enterprise_join_answer,
        name="enterprise_join_answer",
    ),
    path("enterprise/shortlist/", views.ShortlistView.as_view(), name="shortlist"),
    path("enterprise/contacts/", views.SentContactRequestsView.as_view(), name="sent_requests"),
    path("enterprise/postings/", views.PostingManageListView.as_view(), name="postings"),
    path(
        "enterprise/postings/<str:kind>/new/",
        views.PostingCreateView.as_view(),
        name="posting_create",
    ),
    path(
        "enterprise/postings/<str:kind>/<int:pk>/edit/",
        views.PostingUpdateView.as_view(),
        name="posting_edit",
    ),
    path(
        "enterprise/postings/<str:kind>/<int:pk>/close/",
        views.posting_close,
        name="posting_close",
    ),
    path(
        "enterprise/applications/",
        views.ReceivedApplicationListView.as_view(),
        name="applications",
    ),
    path(
        "enterprise/applications/<str:reference>/",
        views.ApplicationProcessView.as_view(),
        name="application_process",
    ),
    path("enterprise/evaluations/", views.EvaluationListView.as_view(), name="evaluations"),
    path("enterprise/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise"),
]
