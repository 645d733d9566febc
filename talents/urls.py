"""The talent resource library's URLs, included at the site root (names `talents:<name>`).

/talents/                               the section's front page
/talents/search/                        candidate search (members of verified enterprises)
/talents/<id>/                          a candidate: masked profile, contact when allowed
/talents/card/<number>/                 public verification of a talent card
/me/profile/…                           the talent's own profile, privacy and data
/demands/, /internships/                public lists, detail pages and applications
/enterprise/…                           registration, dashboard, postings, applications

The views are in `talents/views/`, one module per part of the section: `candidates` (the front
page and candidate search), `evaluation` (nominations, talent cards), `profile` (/me/profile/),
`postings` (/demands/, /internships/) and `enterprises` (/enterprise/).
"""

from django.urls import path

from talents.views import candidates, enterprises, evaluation, postings, profile

app_name = "talents"

urlpatterns = [
    path("talents/", candidates.IndexView.as_view(), name="index"),
    # Candidate search, for members of verified enterprises.
    path("talents/search/", candidates.CandidateSearchView.as_view(), name="search"),
    path("talents/<int:pk>/", candidates.candidate_detail, name="talent"),
    path("talents/<int:pk>/shortlist/", candidates.shortlist_toggle, name="shortlist_toggle"),
    path("talents/<int:pk>/contact/", candidates.contact_request, name="contact_request"),
    path("talents/<int:pk>/contact-details/", candidates.contact_details, name="contact_details"),
    path("talents/<int:pk>/resume/", candidates.candidate_resume, name="candidate_resume"),
    path(
        "talents/<int:pk>/nominate/", evaluation.EvaluationNominateView.as_view(), name="nominate"
    ),
    # Public verification of a talent card.
    path("talents/card/", evaluation.card_lookup, name="card_lookup"),
    path("talents/card/<str:number>/", evaluation.card_detail, name="card"),
    # The talent's own profile.
    path("me/profile/", profile.ProfileEditView.as_view(), name="me_profile"),
    path("me/profile/resume/", profile.resume_upload, name="me_resume"),
    path("me/profile/resume/delete/", profile.resume_delete, name="me_resume_delete"),
    path("me/profile/resume/download/", profile.resume_download, name="me_resume_download"),
    path("me/profile/privacy/", profile.PrivacyView.as_view(), name="me_privacy"),
    path("me/profile/consents/give/", profile.consent_give, name="consent_give"),
    path(
        "me/profile/consents/<int:pk>/withdraw/", profile.consent_withdraw, name="consent_withdraw"
    ),
    path("me/profile/viewers/", profile.ProfileViewersView.as_view(), name="me_viewers"),
    path("me/profile/requests/", profile.ContactRequestListView.as_view(), name="me_requests"),
    path(
        "me/profile/requests/<int:pk>/<str:answer>/",
        profile.contact_request_answer,
        name="contact_request_answer",
    ),
    path("me/profile/data/", profile.MyDataView.as_view(), name="me_data"),
    path("me/profile/data/export/", profile.profile_export, name="me_export"),
    path("me/profile/delete/", profile.ProfileDeleteView.as_view(), name="me_delete"),
    # Talent demands and internships.
    path("demands/", postings.DemandListView.as_view(), name="demands"),
    path("demands/<int:pk>/", postings.DemandDetailView.as_view(), name="demand"),
    path("demands/<int:pk>/apply/", postings.DemandApplyView.as_view(), name="demand_apply"),
    path("internships/", postings.InternshipListView.as_view(), name="internships"),
    path("internships/<int:pk>/", postings.InternshipDetailView.as_view(), name="internship"),
    path(
        "internships/<int:pk>/apply/",
        postings.InternshipApplyView.as_view(),
        name="internship_apply",
    ),
    # Enterprises.
    path("enterprise/", enterprises.EnterpriseDashboardView.as_view(), name="enterprise_dashboard"),
    path(
        "enterprise/register/",
        enterprises.EnterpriseRegisterView.as_view(),
        name="enterprise_register",
    ),
    path(
        "enterprise/join-requests/<int:pk>/<slug:answer>/",
        enterprises.enterprise_join_answer,
        name="enterprise_join_answer",
    ),
    path("enterprise/shortlist/", enterprises.ShortlistView.as_view(), name="shortlist"),
    path(
        "enterprise/contacts/", enterprises.SentContactRequestsView.as_view(), name="sent_requests"
    ),
    path("enterprise/postings/", enterprises.PostingManageListView.as_view(), name="postings"),
    path(
        "enterprise/postings/<str:kind>/new/",
        enterprises.PostingCreateView.as_view(),
        name="posting_create",
    ),
    path(
        "enterprise/postings/<str:kind>/<int:pk>/edit/",
        enterprises.PostingUpdateView.as_view(),
        name="posting_edit",
    ),
    path(
        "enterprise/postings/<str:kind>/<int:pk>/close/",
        enterprises.posting_close,
        name="posting_close",
    ),
    path(
        "enterprise/applications/",
        enterprises.ReceivedApplicationListView.as_view(),
        name="applications",
    ),
    path(
        "enterprise/applications/<str:reference>/",
        enterprises.ApplicationProcessView.as_view(),
        name="application_process",
    ),
    path("enterprise/evaluations/", evaluation.EvaluationListView.as_view(), name="evaluations"),
    path("enterprise/<int:pk>/", enterprises.EnterpriseDetailView.as_view(), name="enterprise"),
]
