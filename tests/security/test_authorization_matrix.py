"""The authorisation matrix: every URL pattern of the project, walked from the resolver.

Each pattern is classified here, consciously, by its name:

- `PUBLIC`: anonymous visitors get the page (200, or the status in `PUBLIC_STATUS`);
- `SIGNED_IN`: anonymous visitors are sent to the log-in page, in both languages;
- the admin (`admin:…`): anyone who is not staff is sent to the admin's log-in page.

A new pattern that is in none of them fails `test_every_pattern_is_classified`. Of the signed-in
pages, those that show or change one person's or one organisation's object are in `OWNED`
with a builder that makes the object, its owner and a stranger of the same kind: the stranger
gets a 404 (not a 403, not the page), so that they learn nothing, not even that it exists; the
owner gets the page. Signed-in pages with an object in their URL that are not anyone's (a
posting one applies to, a talent a verified enterprise may see) are listed in `NOT_OWNED`
with the reason, so that an object-level page cannot slip through unclassified either.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import translation

from ecosystem.services import financial_application_save
from policies.models import PolicyAttachment, PolicyStatus
from talentportal import workflow
from talentportal.models import AccountKind, ApplicationStatus
from talents.models import Enterprise
from talents.services import (
    contact_request_create,
    demand_application_create,
    evaluation_nominate,
    internship_application_create,
)
from tests.apartments.factories import (
    ApplicationFactory,
    CommunityFactory,
    UnitFactory,
    drawn_round,
    lease_for,
)
from tests.apartments.web import PDF, offered_round, pdf
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import (
    AllianceFactory,
    ProductFactory,
    ServicePointFactory,
    feedback_at,
)
from tests.policies.factories import PolicyFactory, PolicyFollowFactory, region
from tests.projects.program_factories import (
    ExpertFactory,
    ProgramApplicationFactory,
    ProgramFactory,
    ReviewAssignmentFactory,
    call_with,
)
from tests.projects.roadshow_factories import (
    InterestFactory,
    InvestorFactory,
    ProjectFactory,
    RegistrationFactory,
    RoadshowFactory,
)
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceApplicationFactory, ServiceItemFactory
from tests.talents.factories import (
    DemandFactory,
    EnterpriseFactory,
    InternshipFactory,
    TalentFactory,
    recruiter,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]

# Classification ------------------------------------------------------------------------------

#: Pages anyone may open without an account (GET, or POST for POST-only views).
PUBLIC = {
    "healthz",
    "download",  # a file of published content; others' files: test_private_files_are_hidden
    "health",
    "ready",
    "home",
    "privacy",
    "accessibility",
    "accounts:login",
    "accounts:logout",
    "accounts:signup",
    "accounts:signup_sent",
    "accounts:signup_resend",
    "accounts:signup_confirm",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "policies:index",
    "policies:detail",
    "policies:compare",
    "policies:calculator",
    "policies:following",  # GET explains following; following itself (POST) needs an account
    "policies:services",
    "policies:service_detail",
    "talents:index",
    "talents:card_lookup",
    "talents:card",
    "talents:demands",
    "talents:demand",
    "talents:internships",
    "talents:internship",
    "talents:enterprise",
    "projects:index",
    "projects:project",
    "projects:investors",
    "projects:roadshows",
    "projects:roadshow",
    "projects:roadshow_watch",
    "projects:roadshow_ics",
    "projects:programs",
    "projects:program",
    "projects:call",
    "projects:call_draw",
    "apartments:index",
    "apartments:community",
    "apartments:occupancy",
    "apartments:round",
    "apartments:round_verify",
    "apartments:round_frozen_list",
    "apartments:round_published_result",
    "ecosystem:service_points",
    "ecosystem:service_point",
    "ecosystem:alliances",
    "ecosystem:alliance",
    "ecosystem:products",
    "ecosystem:product",
    "ecosystem:key_enterprises",
    "ecosystem:feedback_board",
    "ecosystem:statistics",
    "ecosystem:statistics_csv",
}

#: Public pages whose answer to an anonymous visitor is not a 200.
PUBLIC_STATUS = {
    "accounts:logout": 302,  # POST only; back to the home page
    "talents:card": 404,  # an unknown card number says so
    "projects:roadshow_watch": 302,  # on to the stream
}

#: Pages for signed-in users only.
SIGNED_IN = {
    "accounts:profile",
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:two_factor_backup_codes",
    "accounts:two_factor_remove",
    "accounts:password_change",
    "accounts:password_change_done",
    "me:applications",
    "me:application",
    "me:application_respond",
    "me:application_check",
    "me:application_withdraw",
    "me:document",
    "me:notifications",
    "me:notifications_read",
    "policies:unfollow",
    "policies:service_apply",
    "policies:service_applied",
    "talents:search",
    "talents:talent",
    "talents:shortlist_toggle",
    "talents:contact_request",
    "talents:contact_details",
    "talents:candidate_resume",
    "talents:nominate",
    "talents:me_profile",
    "talents:me_resume",
    "talents:me_resume_delete",
    "talents:me_resume_download",
    "talents:me_privacy",
    "talents:consent_give",
    "talents:consent_withdraw",
    "talents:me_viewers",
    "talents:me_requests",
    "talents:contact_request_answer",
    "talents:me_data",
    "talents:me_export",
    "talents:me_delete",
    "talents:demand_apply",
    "talents:internship_apply",
    "talents:enterprise_dashboard",
    "talents:enterprise_register",
    "talents:enterprise_join_answer",
    "talents:shortlist",
    "talents:sent_requests",
    "talents:postings",
    "talents:posting_create",
    "talents:posting_edit",
    "talents:posting_close",
    "talents:applications",
    "talents:application_process",
    "talents:evaluations",
    "projects:project_create",
    "projects:my_projects",
    "projects:my_investor",
    "projects:project_edit",
    "projects:project_deck",
    "projects:project_submit",
    "projects:interest_express",
    "projects:interest_answer",
    "projects:investor",  # the investor databank is for members
    "projects:roadshow_register",
    "projects:roadshow_cancel",
    "projects:roadshow_claim",
    "projects:my_registrations",
    "projects:roadshow_checkin",
    "projects:call_apply",
    "projects:application",
    "projects:application_document",
    "projects:application_submit",
    "projects:endorsements",
    "projects:endorsement_answer",
    "projects:reviews",
    "projects:review",
    "projects:review_declare",
    "projects:review_decline",
    "apartments:round_apply",
    "apartments:mine",
    "apartments:application",
    "apartments:offer",
    "apartments:offer_accept",
    "apartments:offer_decline",
    "apartments:lease",
    "ecosystem:my_memberships",
    "ecosystem:product_apply",
    "ecosystem:feedback_new",
    "ecosystem:feedback",
    "ecosystem:feedback_rate",
    "ecosystem:feedback_unpublish",
}

#: Signed-in pages with an object in the URL that belongs to nobody in particular.
NOT_OWNED = {
    "talents:talent": "any verified enterprise may see a findable talent (tests/talents)",
    "talents:shortlist_toggle": "any verified enterprise may shortlist a findable talent",
    "talents:contact_request": "any verified enterprise may ask a findable talent",
    "talents:contact_details": "shown only after the talent accepted (tests/talents)",
    "talents:candidate_resume": "shown only after the talent accepted (tests/talents)",
    "talents:nominate": "any authorised evaluating enterprise may nominate",
    "talents:demand_apply": "a published posting anyone may apply to",
    "talents:internship_apply": "a published posting anyone may apply to",
    "talents:posting_create": "the URL names a kind of posting, not an object",
    "policies:service_apply": "a published service anyone may apply for",
    "projects:interest_express": "a published project any verified investor may approach",
    "projects:investor": "a verified investor, seen by databank members",
    "projects:roadshow_register": "a published roadshow anyone may join",
    "projects:roadshow_checkin": "the check-in desk: staff only (404 for everyone else)",
    "projects:call_apply": "an open call anyone may apply to",
    "apartments:round_apply": "an open round anyone may apply to",
    "ecosystem:product_apply": "a published product any eligible talent or enterprise may ask for",
}


# The objects the URLs name --------------------------------------------------------------------


@dataclass
class Case:
    kwargs: dict
    owner: object = None
    stranger: object = None


def talents_pair():
    """Two talents with profiles."""
    return TalentFactory().user, TalentFactory().user


def _submitted(application, by):
    workflow.application_submit(application=application, by=by)
    return application


def service_application() -> Case:
    owner, stranger = talents_pair()
    application = _submitted(ServiceApplicationFactory(applicant=owner), owner)
    return Case({"reference": application.reference}, owner, stranger)


def demand_application() -> Case:
    owner, stranger = talents_pair()
    application = demand_application_create(demand=DemandFactory(), applicant=owner)
    return Case({"reference": _submitted(application, owner).reference}, owner, stranger)


def internship_application() -> Case:
    owner, stranger = talents_pair()
    application = internship_application_create(internship=InternshipFactory(), applicant=owner)
    return Case({"reference": _submitted(application, owner).reference}, owner, stranger)


def program_application() -> Case:
    owner, stranger = talents_pair()
    application = ProgramApplicationFactory(applicant=owner)
    return Case({"reference": application.reference}, owner, stranger)


def program_draft() -> Case:
    owner, stranger = talents_pair()
    application = ProgramApplicationFactory(
        applicant=owner, status=ApplicationStatus.DRAFT, submitted_at=None
    )
    return Case({"reference": application.reference}, owner, stranger)


def apartment_application() -> Case:
    owner, stranger = talents_pair()
    application = ApplicationFactory(applicant=owner)
    return Case({"reference": application.reference}, owner, stranger)


def evaluation() -> Case:
    """A nomination: the applicant is the member of the evaluating enterprise."""
    owner, stranger = recruiter(evaluator=True), recruiter(evaluator=True)
    nomination = evaluation_nominate(
        enterprise=Enterprise.objects.of_member(owner).get(),
        talent=TalentFactory(),
        by=owner,
        proposed_tier="C",
        evidence="论文与专利。",
    )
    return Case({"reference": nomination.reference}, owner, stranger)


def financial_application() -> Case:
    owner, stranger = talents_pair()
    application = financial_application_save(
        product=ProductFactory(), applicant=owner, amount=100_000, purpose="研发周转", submit=True
    )
    return Case({"reference": application.reference}, owner, stranger)


def feedback() -> Case:
    owner, stranger = recruiter(), recruiter()
    return Case({"reference": feedback_at(applicant=owner).reference}, owner, stranger)


def published_feedback() -> Case:
    owner, stranger = recruiter(), recruiter()
    return Case({"reference": feedback_at("published", applicant=owner).reference}, owner, stranger)


def document() -> Case:
    owner, stranger = talents_pair()
    application = _submitted(ServiceApplicationFactory(applicant=owner), owner)
    attached = workflow.document_attach(application=application, by=owner, upload=pdf())
    return Case({"pk": attached.pk}, owner, stranger)


def follow() -> Case:
    owner, stranger = talents_pair()
    followed = PolicyFollowFactory(user=owner, region=region("330100"))
    return Case({"pk": followed.pk}, owner, stranger)


def consent() -> Case:
    owner, stranger = talents_pair()
    return Case({"pk": owner.consents.get().pk}, owner, stranger)


def contact_request() -> Case:
    talent, stranger = TalentFactory(), TalentFactory().user
    asker = recruiter()
    request = contact_request_create(
        enterprise=Enterprise.objects.of_member(asker).get(), talent=talent, by=asker
    )
    return Case({"pk": request.pk, "answer": "accept"}, talent.user, stranger)


def posting() -> Case:
    owner, stranger = recruiter(), recruiter()
    demand = DemandFactory(enterprise=Enterprise.objects.of_member(owner).get())
    return Case({"kind": "demand", "pk": demand.pk}, owner, stranger)


def received_application() -> Case:
    owner, stranger = recruiter(), recruiter()
    demand = DemandFactory(enterprise=Enterprise.objects.of_member(owner).get())
    applicant = TalentFactory().user
    application = demand_application_create(demand=demand, applicant=applicant)
    return Case({"reference": _submitted(application, applicant).reference}, owner, stranger)


def draft_project() -> Case:
    owner, stranger = talents_pair()
    project = ProjectFactory(draft=True, lead=owner)
    project.pitch_deck.save("deck.pdf", ContentFile(PDF))
    return Case({"pk": project.pk}, owner, stranger)


def interest() -> Case:
    owner, stranger = talents_pair()
    expressed = InterestFactory(project=ProjectFactory(lead=owner))
    return Case({"pk": expressed.pk, "answer": "accept"}, owner, stranger)


def join_request() -> Case:
    from talents.services import enterprise_join_request

    owner, stranger = recruiter(), recruiter()
    enterprise = Enterprise.objects.of_member(owner).get()
    enterprise.members.filter(user=owner).update(role="admin")
    colleague = UserFactory(kind=AccountKind.ENTERPRISE)
    join = enterprise_join_request(user=colleague, credit_code=enterprise.credit_code)
    return Case({"pk": join.pk, "answer": "approve"}, owner, stranger)


def registration() -> Case:
    owner, stranger = talents_pair()
    roadshow = RoadshowFactory()
    RegistrationFactory(roadshow=roadshow, user=owner)
    return Case({"pk": roadshow.pk}, owner, stranger)


def endorsement() -> Case:
    owner, stranger = recruiter(), recruiter()
    application = ProgramApplicationFactory(
        status=ApplicationStatus.DRAFT,
        submitted_at=None,
        endorser=Enterprise.objects.of_member(owner).get(),
        endorsement_status="requested",
    )
    return Case({"reference": application.reference, "answer": "confirm"}, owner, stranger)


def review() -> Case:
    assignment = ReviewAssignmentFactory()
    return Case({"pk": assignment.pk}, assignment.expert.user, ExpertFactory().user)


def offer() -> Case:
    _round, ordered, offers = offered_round(applicants=1, unit_count=1)
    stranger = UserFactory(kind=AccountKind.TALENT)
    return Case({"pk": offers[0].pk}, ordered[0].applicant, stranger)


def lease() -> Case:
    owner, stranger = talents_pair()
    return Case({"pk": lease_for(UnitFactory(), tenant=owner).pk}, owner, stranger)


#: Object-level pages: (builder, ...) — the stranger gets a 404 for each, the owner does not.
OWNED: dict[str, tuple[Callable[[], Case], ...]] = {
    "me:application": (
        service_application,
        demand_application,
        internship_application,
        program_application,
        apartment_application,
        evaluation,
        financial_application,
        feedback,
    ),
    "me:application_respond": (service_application, apartment_application),
    "me:application_withdraw": (service_application, demand_application),
    "me:application_check": (service_application, program_application, apartment_application),
    "me:document": (document,),
    "policies:unfollow": (follow,),
    "policies:service_applied": (service_application,),
    "talents:consent_withdraw": (consent,),
    "talents:contact_request_answer": (contact_request,),
    "talents:posting_edit": (posting,),
    "talents:posting_close": (posting,),
    "talents:application_process": (received_application,),
    "projects:project": (draft_project,),  # a draft is its team's
    "projects:project_edit": (draft_project,),
    "projects:project_deck": (draft_project,),
    "projects:project_submit": (draft_project,),
    "projects:interest_answer": (interest,),
    "talents:enterprise_join_answer": (join_request,),
    "projects:roadshow_cancel": (registration,),
    "projects:roadshow_claim": (registration,),
    "projects:application": (program_application,),
    "projects:application_document": (program_draft,),
    "projects:application_submit": (program_draft,),
    "projects:endorsement_answer": (endorsement,),
    "projects:review": (review,),
    "projects:review_declare": (review,),
    "projects:review_decline": (review,),
    "apartments:application": (apartment_application,),
    "apartments:offer": (offer,),
    "apartments:offer_accept": (offer,),
    "apartments:offer_decline": (offer,),
    "apartments:lease": (lease,),
    "ecosystem:feedback": (feedback,),
    "ecosystem:feedback_rate": (feedback,),
    "ecosystem:feedback_unpublish": (published_feedback,),
}


def _pk(obj) -> Callable[[], Case]:
    return lambda: Case({"pk": obj().pk})


def attachment(**policy_fields):
    attached = PolicyAttachment(policy=PolicyFactory(**policy_fields), title="实施细则")
    attached.file.save("rules.pdf", ContentFile(PDF))
    return attached


def public_file() -> Case:
    return Case({"label": "policies.policyattachment", "pk": attachment().pk, "field": "file"})


def round_pages() -> Case:
    drawn, _ordered = drawn_round(applicants=2, unit_count=1)
    return Case({"pk": drawn.pk})


def watched_roadshow() -> Case:
    return Case({"pk": RoadshowFactory(stream_url="https://live.example.com/1").pk})


def published_project() -> Case:
    return Case({"pk": ProjectFactory().pk})


def talent_page() -> Case:
    return Case({"pk": TalentFactory().pk})


def call_page() -> Case:
    return Case({"pk": call_with().pk})


#: What the other parametrised URLs are built from (an object that exists, so that a view
#: cannot answer an anonymous visitor differently for real and unknown objects unseen).
ARGUMENTS: dict[str, Callable[[], Case]] = {
    "download": public_file,
    "accounts:password_reset_confirm": lambda: Case({"uidb64": "MQ", "token": "set-password"}),
    "accounts:signup_confirm": lambda: Case({"uidb64": "MQ", "token": "1-forged"}),
    "policies:detail": _pk(PolicyFactory),
    "policies:service_detail": _pk(ServiceItemFactory),
    "policies:service_apply": _pk(ServiceItemFactory),
    "talents:talent": talent_page,
    "talents:shortlist_toggle": talent_page,
    "talents:contact_request": talent_page,
    "talents:contact_details": talent_page,
    "talents:candidate_resume": talent_page,
    "talents:nominate": talent_page,
    "talents:card": lambda: Case({"number": "ZJ-2026-C-000000"}),
    "talents:demand": _pk(DemandFactory),
    "talents:demand_apply": _pk(DemandFactory),
    "talents:internship": _pk(InternshipFactory),
    "talents:internship_apply": _pk(InternshipFactory),
    "talents:posting_create": lambda: Case({"kind": "demand"}),
    "talents:enterprise": _pk(EnterpriseFactory),
    "projects:project": published_project,
    "projects:interest_express": published_project,
    "projects:investor": _pk(InvestorFactory),
    "projects:roadshow": _pk(RoadshowFactory),
    "projects:roadshow_register": _pk(RoadshowFactory),
    "projects:roadshow_watch": watched_roadshow,
    "projects:roadshow_ics": _pk(RoadshowFactory),
    "projects:roadshow_checkin": _pk(RoadshowFactory),
    "projects:program": _pk(ProgramFactory),
    "projects:call": call_page,
    "projects:call_draw": call_page,
    "projects:call_apply": call_page,
    "apartments:community": _pk(CommunityFactory),
    "apartments:round": round_pages,
    "apartments:round_apply": round_pages,
    "apartments:round_verify": round_pages,
    "apartments:round_frozen_list": round_pages,
    "apartments:round_published_result": round_pages,
    "ecosystem:service_point": _pk(ServicePointFactory),
    "ecosystem:alliance": _pk(AllianceFactory),
    "ecosystem:product": _pk(ProductFactory),
    "ecosystem:product_apply": _pk(ProductFactory),
    "ecosystem:statistics_csv": lambda: Case({"key": "talents-by-region"}),
}


# The URL patterns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced; the route for an unnamed pattern
    route: str
    params: tuple[str, ...]
    int_params: tuple[str, ...] = ()  # the <int:…> ones

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.route.startswith("admin/")

    def __str__(self) -> str:
        return self.name


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            converters = getattr(entry.pattern, "converters", {})
            yield Pattern(
                name or route,
                route,
                tuple(entry.pattern.regex.groupindex),
                tuple(p for p, c in converters.items() if isinstance(c, IntConverter)),
            )


def all_patterns() -> list[Pattern]:
    with translation.override("zh-hans"):  # routes without the /en/ prefix
        return list(_walk(get_resolver().url_patterns))


PATTERNS = all_patterns()
SITE = [pattern for pattern in PATTERNS if not pattern.is_admin]
ADMIN = [pattern for pattern in PATTERNS if pattern.is_admin]


def test_every_pattern_is_classified():
    """A new page must be classified here on purpose: public, signed-in, or admin."""
    unclassified = [
        f"{p.name} (/{p.route})" for p in SITE if p.name not in PUBLIC and p.name not in SIGNED_IN
    ]
    assert not unclassified, (
        "URL patterns nobody classified — add each to PUBLIC or SIGNED_IN in "
        f"{__name__} (and to OWNED or NOT_OWNED when its URL names someone's object): "
        + ", ".join(unclassified)
    )
    names = {p.name for p in PATTERNS}
    assert len(names) == len(PATTERNS), "two URL patterns share a name: reverse() finds one"
    stale = (PUBLIC | SIGNED_IN | set(OWNED) | set(NOT_OWNED) | set(ARGUMENTS)) - names
    assert not stale, f"classified but no longer in the URLconf: {sorted(stale)}"
    assert not PUBLIC & SIGNED_IN, PUBLIC & SIGNED_IN


def test_every_signed_in_object_page_is_owned_or_explained():
    """A signed-in URL with an object in it is someone's (OWNED) or explained (NOT_OWNED)."""
    object_pages = {p.name for p in SITE if p.name in SIGNED_IN and p.params}
    unexplained = object_pages - set(OWNED) - set(NOT_OWNED)
    assert not unexplained, (
        "signed-in pages with an object in the URL: add them to OWNED (with a builder of the "
        f"owner's object) or NOT_OWNED (with the reason): {sorted(unexplained)}"
    )
    assert not set(OWNED) & set(NOT_OWNED)


# Requests ----------------------------------------------------------------------------------


def _request(client: Client, url: str):
    """GET the page; a POST-only view is POSTed to instead (empty form)."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    if response.streaming:  # a file: reading it to the end closes it
        b"".join(response.streaming_content)
    return response


def _kwargs(pattern: Pattern) -> dict:
    if not pattern.params:
        return {}
    if pattern.name in ARGUMENTS:
        return ARGUMENTS[pattern.name]().kwargs
    if pattern.name in OWNED:
        return OWNED[pattern.name][0]().kwargs
    raise AssertionError(
        f"{pattern.name} (/{pattern.route}) takes {pattern.params}: add a builder of its "
        "arguments to ARGUMENTS (or OWNED)"
    )


def _login_path(response) -> str:
    assert response.status_code == 302, response.status_code
    return urlparse(response["Location"]).path


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("pattern", [p for p in SITE if p.name in SIGNED_IN], ids=str)
def test_anonymous_visitors_are_sent_to_log_in(client, pattern, language):
    kwargs = _kwargs(pattern)
    with translation.override(language):
        url = reverse(pattern.name, kwargs=kwargs)
        login = reverse("accounts:login")
    response = _request(client, url)
    assert response.status_code == 302, f"{url}: {response.status_code}, not a log-in redirect"
    location = urlparse(response["Location"])
    assert location.path == login, f"{url} redirects to {response['Location']}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("pattern", [p for p in SITE if p.name in PUBLIC], ids=str)
def test_public_pages_open_without_an_account(client, pattern, language):
    with translation.override(language):
        url = reverse(pattern.name, kwargs=_kwargs(pattern))
    response = _request(client, url)
    assert response.status_code == PUBLIC_STATUS.get(pattern.name, 200), url
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"], url


OWNED_CASES = [(name, builder) for name, builders in OWNED.items() for builder in builders]


@pytest.mark.parametrize(
    ("name", "builder"),
    OWNED_CASES,
    ids=[f"{name}-{builder.__name__}" for name, builder in OWNED_CASES],
)
def test_another_users_object_is_a_404(name, builder):
    """A stranger of the owner's kind gets a 404 for the page and its actions; then the
    owner still gets their page (so the 404 is not everybody's)."""
    case = builder()
    url = reverse(name, kwargs=case.kwargs)
    assert case.owner.kind == case.stranger.kind
    stranger = Client()
    login_verified(stranger, case.stranger)
    response = _request(stranger, url)
    assert response.status_code == 404, f"{url} for a stranger: {response.status_code}"

    owner = Client()
    login_verified(owner, case.owner)
    response = _request(owner, url)
    # 400: an action posted without its form's fields reached the form, past the owner check.
    assert response.status_code in (200, 302, 400), f"{url} for its owner: {response.status_code}"
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"], url


def test_private_files_are_hidden(client):
    """The download view serves a draft's attachment to nobody outside its editors: log in
    first, then a 404 for a talent and an enterprise member, as for a file that is not there."""
    draft = attachment(status=PolicyStatus.DRAFT)
    url = reverse("download", args=["policies.policyattachment", draft.pk, "file"])
    assert _login_path(client.get(url)) == reverse("accounts:login")
    for kind in (AccountKind.TALENT, AccountKind.ENTERPRISE):
        login_verified(client, UserFactory(kind=kind))
        assert client.get(url).status_code == 404, kind
        assert client.get(url.replace("/file/", "/title/")).status_code == 404, "unregistered"


#: Unpublished content (drafts, withdrawn or unverified entries): page name → the object.
UNPUBLISHED: dict[str, Callable[[], object]] = {
    "policies:detail": lambda: PolicyFactory(status=PolicyStatus.DRAFT),
    "policies:service_detail": lambda: ServiceItemFactory(is_published=False),
    "talents:demand": lambda: DemandFactory(is_published=False),
    "talents:internship": lambda: InternshipFactory(is_published=False),
    "talents:enterprise": lambda: EnterpriseFactory(pending=True),
    "projects:project": lambda: ProjectFactory(draft=True),
    "projects:program": lambda: ProgramFactory(is_published=False),
    "projects:call": lambda: call_with(is_published=False),
    "projects:call_draw": lambda: call_with(is_published=False),
    "projects:roadshow": lambda: RoadshowFactory(is_published=False),
    "apartments:community": lambda: CommunityFactory(is_published=False),
    "ecosystem:service_point": lambda: ServicePointFactory(is_published=False),
    "ecosystem:alliance": lambda: AllianceFactory(is_published=False),
    "ecosystem:product": lambda: ProductFactory(is_published=False),
}


@pytest.mark.parametrize("name", UNPUBLISHED, ids=str)
def test_unpublished_content_is_a_404_outside_the_office(client, name):
    url = reverse(name, kwargs={"pk": UNPUBLISHED[name]().pk})
    assert client.get(url).status_code == 404, f"{url} for a visitor"
    login_verified(client, UserFactory(kind=AccountKind.TALENT))
    assert client.get(url).status_code == 404, f"{url} for a talent"


def test_another_users_notifications_are_not_listed(client):
    from talentportal.models import Notification

    owner, stranger = talents_pair()
    Notification.objects.create(recipient=owner, subject="私人通知 secret", body="…")
    login_verified(client, stranger)
    assert "secret" not in client.get(reverse("me:notifications")).text
    login_verified(client, owner)
    assert "secret" in client.get(reverse("me:notifications")).text


# The admin ---------------------------------------------------------------------------------

ADMIN_ARGUMENTS = {"app_label": "policies", "url": "nowhere/"}


def _admin_url(pattern: Pattern) -> str:
    kwargs = {param: ADMIN_ARGUMENTS.get(param, "1") for param in pattern.params}
    if pattern.name.startswith("admin:"):
        return reverse(pattern.name, kwargs=kwargs)
    return reverse("admin:index") + kwargs.get("url", "")  # the unnamed catch-all


@pytest.mark.parametrize(
    ("who", "language"),
    [
        ("anonymous", "zh-hans"),
        ("talent", "zh-hans"),
        ("enterprise", "zh-hans"),
        ("expert", "zh-hans"),
        ("talent", "en"),
    ],
)
def test_the_admin_sends_everyone_but_staff_to_its_log_in(who, language):
    client = Client()
    if who != "anonymous":
        login_verified(client, UserFactory(kind=who))
    assert ADMIN, "the admin is not in the URLconf"
    with translation.override(language):
        admin_login, admin_index = reverse("admin:login"), reverse("admin:index")
        urls = [(pattern, _admin_url(pattern)) for pattern in ADMIN]
    for pattern, url in urls:
        response = _request(client, url)
        if pattern.name == "admin:login":
            assert response.status_code == 200, url
            continue
        if pattern.name == "admin:logout":  # the admin's own choice: back to its index
            assert _login_path(response) == admin_index, url
            continue
        assert response.status_code == 302, f"{url}: {response.status_code} for {who}"
        assert _login_path(response) == admin_login, f"{url}: {response['Location']}"


def test_staff_pass_the_admin_gate(admin_client):
    """The gate above is the permission check, not a broken admin."""
    assert admin_client.get(reverse("admin:index")).status_code == 200
