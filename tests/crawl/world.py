"""The crawl's world: one person of each role and the content of every section, twice — once
with every optional field filled, once with none — built once for the whole crawl.

`build()` returns a `World`: the users of the roles (`ROLES`), and the objects the URL
patterns name, by a short key (`w.objects["policy", FULL]`). The objects a role owns belong to
that role's user, so that the owner's pages are crawled as well as everybody else's 404s.
"""

import datetime
import random
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apartments import services as apartment_services
from apartments.models import CommunityPhoto, PreferenceGroup, RentRule, RoundUnit
from ecosystem import services as ecosystem_services
from ecosystem.models import FinancialInstitution
from policies.models import (
    PolicyAttachment,
    PolicyFollow,
    PolicyStatus,
    ServiceMaterial,
)
from projects.models import Conflict, ExpertDraw, Registration, Review, Score
from projects.programs import expert_draw
from projects.programs import services as program_services
from projects.roadshows import services as roadshow_services
from talentportal import roles, workflow
from talentportal.catalogues import load_thesaurus
from talentportal.models import AccountKind, Notification
from talentportal.signup import confirmation_token
from talentportal.tasks import DAILY
from talents import services as talent_services
from talents.demo import credit_code
from talents.models import ConsentPurpose, Education, Experience, MemberRole
from tests.apartments.factories import (
    SEED,
    CommunityFactory,
    UnitFactory,
    declared,
    drawn_round,
)
from tests.apartments.web import accepting_round
from tests.auth_helpers import backup_code, totp_device
from tests.crawl.optional import PDF, empty, fill, png
from tests.ecosystem.factories import (
    AllianceActivityFactory,
    AllianceFactory,
    DepartmentFactory,
    DesignationFactory,
    InstitutionFactory,
    KeyEnterpriseFactory,
    KeyEnterpriseListFactory,
    MembershipFactory,
    ProductFactory,
    ServicePointEventFactory,
    ServicePointFactory,
    feedback_at,
)
from tests.policies.factories import (
    BenefitFactory,
    InterpretationFactory,
    PolicyFactory,
    SavedProfileFactory,
    region,
)
from tests.policies.test_service_forms import SCHEMA
from tests.projects.program_factories import (
    CallFactory,
    CriterionFactory,
    ExpertFactory,
    ProgramApplicationFactory,
    ProgramFactory,
    ReviewAssignmentFactory,
    TrackFactory,
    discipline,
)
from tests.projects.roadshow_factories import (
    InvestorFactory,
    ProjectFactory,
    RoadshowFactory,
    industry,
)
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory
from tests.talents.factories import (
    DemandFactory,
    EnterpriseFactory,
    EnterpriseMemberFactory,
    InternshipFactory,
    TalentFactory,
)

FULL, BARE = "full", "bare"
VARIANTS = (FULL, BARE)

VISITOR = "visitor"
TALENT = "talent"
ENTERPRISE_MEMBER = "enterprise member"
ENTERPRISE_ADMIN = "enterprise administrator"
INVESTOR = "investor member"
EXPERT = "expert"
REGION_OFFICER = "region-scoped officer"
STAFF_ROLES = tuple(roles.ROLES)  # content editor, case officer, auditor, administrator

#: Everyone the crawl signs in as (the visitor is not signed in).
ROLES = (
    VISITOR,
    TALENT,
    ENTERPRISE_MEMBER,
    ENTERPRISE_ADMIN,
    INVESTOR,
    EXPERT,
    *STAFF_ROLES,
    REGION_OFFICER,
)
STAFF = (*STAFF_ROLES, REGION_OFFICER)

#: Who crawls the admin: its staff, and two who are not (the admin's gate turns away anyone
#: who is not staff before any of its views runs; tests/security/test_authorization_matrix.py
#: checks that gate for every admin URL and each kind of account).
ADMIN_ROLES = (VISITOR, TALENT, *STAFF)


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (None for the visitor)
    objects: dict = field(default_factory=dict)  # (key, variant) or key -> object
    known: dict = field(default_factory=dict)  # form field -> a value only the world knows
    admin_objects: dict = field(default_factory=dict)  # model -> the objects the admin opens

    def __getitem__(self, key):
        return self.objects[key]

    def both(self, key) -> list:
        return [self.objects[key, variant] for variant in VARIANTS]


def upload(name="material.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _variant(obj, variant):
    return fill(obj) if variant == FULL else empty(obj)


# People ------------------------------------------------------------------------------------


def _staff(username: str, *groups: str, staff_region=None):
    user = UserFactory(
        username=username,
        kind=AccountKind.STAFF,
        is_staff=True,
        is_superuser=False,
        staff_region=staff_region,
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def people(w: World) -> None:
    w.users[VISITOR] = None
    talent_user = fill(UserFactory(username="crawl-talent", kind=AccountKind.TALENT))
    w.users[TALENT] = talent_user
    enterprise = fill(EnterpriseFactory(is_evaluator=True))
    enterprise.evidence.save("licence.pdf", ContentFile(PDF))
    w.objects["enterprise", FULL] = enterprise
    w.objects["enterprise", BARE] = empty(EnterpriseFactory())
    w.objects["enterprise", "pending"] = EnterpriseFactory(pending=True)
    w.users[ENTERPRISE_MEMBER] = EnterpriseMemberFactory(
        enterprise=enterprise, user__username="crawl-recruiter"
    ).user
    w.users[ENTERPRISE_ADMIN] = EnterpriseMemberFactory(
        enterprise=enterprise, role=MemberRole.ADMIN, user__username="crawl-enterprise-admin"
    ).user
    investor_user = UserFactory(username="crawl-investor", kind=AccountKind.INVESTOR)
    w.users[INVESTOR] = investor_user
    w.objects["investor", FULL] = fill(InvestorFactory(member=investor_user))
    w.objects["investor", BARE] = empty(InvestorFactory())
    expert = ExpertFactory(user__username="crawl-expert")
    w.users[EXPERT] = expert.user
    w.objects["expert"] = expert
    for role in STAFF_ROLES:
        w.users[role] = _staff(f"crawl-{role.replace(' ', '-')}", role)
    w.users[REGION_OFFICER] = _staff(
        "crawl-region-officer",
        roles.CONTENT_EDITOR,
        roles.CASE_OFFICER,
        staff_region=region("330100"),
    )
    for user in w.users.values():
        if user is not None:
            totp_device(user)
    backup_code(w.users[roles.SYSTEM_ADMINISTRATOR])


def talents(w: World) -> None:
    talent = fill(TalentFactory(user=w.users[TALENT], consents=list(ConsentPurpose)))
    Education.objects.create(
        talent=talent, degree=4, discipline=discipline(), school="浙江大学", graduation_year=2015
    )
    Experience.objects.create(
        talent=talent, employer="杭州某科技公司", title="工程师", start=datetime.date(2016, 1, 1)
    )
    talent_services.talent_resume_set(talent=talent, upload=upload("resume.pdf"))
    w.objects["talent", FULL] = talent
    w.objects["talent", BARE] = empty(TalentFactory())
    w.objects["consent"] = w.users[TALENT].consents.first()
    enterprise, recruiter = w["enterprise", FULL], w.users[ENTERPRISE_MEMBER]
    bare_talent = w["talent", BARE]
    w.objects["contact_request"] = talent_services.contact_request_create(
        enterprise=enterprise, talent=talent, by=recruiter, message="您好，想进一步沟通。"
    )
    accepted = talent_services.contact_request_create(
        enterprise=enterprise, talent=bare_talent, by=recruiter
    )
    talent_services.contact_request_accept(request=accepted, by=bare_talent.user)
    talent_services.shortlist_add(enterprise=enterprise, talent=talent, by=recruiter, note="优先")
    w.objects["join_request"] = talent_services.enterprise_join_request(
        user=UserFactory(username="crawl-colleague", kind=AccountKind.ENTERPRISE),
        credit_code=enterprise.credit_code,
        message="市场部",
    )
    talent_services.profile_view_record(
        talent=talent, viewer=recruiter, enterprise=enterprise, why="岗位匹配"
    )
    for variant in (FULL, BARE):
        w.objects["demand", variant] = _variant(DemandFactory(enterprise=enterprise), variant)
        w.objects["internship", variant] = _variant(
            InternshipFactory(enterprise=enterprise), variant
        )
    applicant = w.users[TALENT]
    demand_application = talent_services.demand_application_create(
        demand=w["demand", FULL], applicant=applicant, cover_letter="我对该岗位很感兴趣。"
    )
    workflow.application_submit(application=demand_application, by=applicant)
    w.objects["demand_application"] = demand_application
    internship_application = talent_services.internship_application_create(
        internship=w["internship", FULL], applicant=applicant, school="浙江大学"
    )
    workflow.application_submit(application=internship_application, by=applicant)
    w.objects["internship_application"] = internship_application
    # A nomination by the enterprise, approved: a talent card.
    nomination = talent_services.evaluation_nominate(
        enterprise=enterprise, talent=talent, by=recruiter, proposed_tier="C", evidence="专利。"
    )
    workflow.document_attach(application=nomination, by=recruiter, upload=upload())
    workflow.application_submit(application=nomination, by=recruiter)
    w.objects["card"] = talent_services.evaluation_confirm(
        evaluation=nomination, by=w.users[roles.SYSTEM_ADMINISTRATOR]
    )
    w.objects["evaluation"] = talent_services.evaluation_nominate(
        enterprise=enterprise, talent=bare_talent, by=recruiter, proposed_tier="D", evidence="论文"
    )


# Policies and services ---------------------------------------------------------------------


def policies(w: World) -> None:
    bare = empty(PolicyFactory(region=region("330200")))
    full = fill(PolicyFactory(region=region("330100")))
    full.replaced_by = None
    full.save()
    w.objects["policy", FULL], w.objects["policy", BARE] = full, bare
    fill(BenefitFactory(policy=full, industries=[industry()]))
    empty(BenefitFactory(policy=bare))
    fill(InterpretationFactory(policy=full))
    empty(InterpretationFactory(policy=bare))
    attachment = PolicyAttachment(policy=full, title="实施细则")
    attachment.file.save("rules.pdf", ContentFile(PDF))
    w.objects["policyattachment"] = attachment
    w.objects["draft_policy"] = PolicyFactory(status=PolicyStatus.DRAFT)
    talent = w.users[TALENT]
    w.objects["follow"] = PolicyFollow.objects.create(
        user=talent, region=region("330100"), category="housing"
    )
    fill(SavedProfileFactory(user=talent, regions=[region("330100")]))
    full_service = fill(ServiceItemFactory(form_schema=SCHEMA, policy=full))
    ServiceMaterial.objects.create(service=full_service, name_zh="身份证", name_en="ID card")
    w.objects["service", FULL] = full_service
    w.objects["service", BARE] = empty(ServiceItemFactory())
    # The talent's applications: a draft, one submitted with a document, one asked for more.
    for key, service in (("service_application", full_service), ("service_draft", None)):
        application = workflow.application_create(
            model=full_service.applications.model,
            applicant=talent,
            service=service or w["service", BARE],
            answers={"employer": "杭州某科技公司", "years": 5},
        )
        w.objects[key] = application
    submitted = w["service_application"]
    w.objects["document"] = workflow.document_attach(
        application=submitted, by=talent, upload=upload()
    )
    workflow.application_submit(application=submitted, by=talent)
    officer = w.users[roles.SYSTEM_ADMINISTRATOR]
    # Staff open the document: an entry in the access trail of documents.
    assert workflow.document_open(w["document"], officer) is not None
    more = workflow.application_create(
        model=full_service.applications.model, applicant=talent, service=full_service
    )
    workflow.application_submit(application=more, by=talent)
    workflow.application_start_review(application=more, by=officer)
    workflow.application_request_info(application=more, by=officer, comment="请补充材料。")
    w.objects["service_needs_info"] = more
    Notification.objects.create(recipient=talent, subject="测试通知", body="正文", url="/")


# Projects, investors, roadshows, programs --------------------------------------------------


def projects(w: World) -> None:
    talent, staff = w.users[TALENT], w.users[roles.SYSTEM_ADMINISTRATOR]
    full = fill(ProjectFactory(lead=talent, enterprise=w["enterprise", FULL]))
    full.members.add(w.users[ENTERPRISE_MEMBER])
    full.pitch_deck.save("deck.pdf", ContentFile(PDF))
    w.objects["project", FULL] = full
    w.objects["project", BARE] = empty(ProjectFactory(lead=talent))
    w.objects["draft_project"] = ProjectFactory(lead=talent, draft=True)
    w.objects["submitted_project"] = ProjectFactory(lead=talent, draft=True)
    roadshow_services.project_submit(project=w["submitted_project"], by=talent)
    investor_user = w.users[INVESTOR]
    w.objects["interest"] = roadshow_services.interest_express(
        investor=w["investor", FULL], project=full, by=investor_user, message="希望沟通"
    )
    for variant in VARIANTS:
        roadshow = _variant(RoadshowFactory(), variant)
        w.objects["roadshow", variant] = roadshow
    full_roadshow = w["roadshow", FULL]
    full_roadshow.stream_url = "https://live.example.com/crawl"
    full_roadshow.save()
    roadshow_services.slot_add(roadshow=full_roadshow, project=full, by=staff)
    for user in (talent, investor_user):
        roadshow_services.registration_create(roadshow=full_roadshow, user=user)
    # A full event whose freed seat is offered to the talent, who has yet to claim it.
    waitlist_roadshow = RoadshowFactory(capacity=1)
    w.objects["waitlist_roadshow"] = waitlist_roadshow
    taken = roadshow_services.registration_create(roadshow=waitlist_roadshow, user=investor_user)
    roadshow_services.registration_create(roadshow=waitlist_roadshow, user=talent)
    roadshow_services.registration_cancel(registration=taken, by=investor_user)
    w.objects["past_roadshow"] = RoadshowFactory(past=True)

    # Programs: a full call with a submitted application in review, a bare call.
    program = fill(ProgramFactory())
    w.objects["program", FULL] = program
    w.objects["program", BARE] = empty(ProgramFactory())
    call = fill(CallFactory(program=program, materials_zh="身份证\n学历证明"))
    track = fill(TrackFactory(call=call))
    for weight in (2, 1):
        fill(CriterionFactory(call=call, weight=weight))
    w.objects["call", FULL] = call
    bare_call = empty(CallFactory(program=w["program", BARE]))
    TrackFactory(call=bare_call)
    CriterionFactory(call=bare_call)
    w.objects["call", BARE] = bare_call
    application = ProgramApplicationFactory(applicant=talent, track=track, call=call)
    fill(application)
    w.objects["program_application"] = application
    draft = program_services.program_application_start(
        call=bare_call,
        applicant=talent,
        track=bare_call.tracks.first(),
        full_name="张三",
        employer="杭州某科技公司",
        highest_degree=4,
        birth_year=1988,
        discipline=discipline(),
        project_title="智能制造",
        summary="研究成果。",
        endorser=w["enterprise", FULL],
    )
    program_services.program_document_attach(application=draft, by=talent, upload=upload())
    w.objects["program_draft"] = draft
    expert = w["expert"]
    expert.available_calls.add(call)
    assignment = ReviewAssignmentFactory(application=application, expert=expert)
    program_services.assignment_declare_no_conflict(assignment=assignment, by=expert.user)
    w.objects["assignment"] = assignment
    other = ProgramApplicationFactory(track=track, call=call)
    submitted = ReviewAssignmentFactory(application=other, expert=expert)
    program_services.assignment_declare_no_conflict(assignment=submitted, by=expert.user)
    criteria = {criterion.pk: criterion.max_score for criterion in call.criteria.all()}
    program_services.review_submit(
        assignment=submitted, by=expert.user, scores=criteria, comment="材料完整，成果突出。"
    )
    w.objects["submitted_assignment"] = submitted
    w.objects["new_assignment"] = ReviewAssignmentFactory(
        application=ProgramApplicationFactory(track=track, call=call), expert=expert
    )
    Conflict.objects.create(expert=expert, organisation="某大学", reason="曾在该校任职")
    # A real draw, on a call of its own: its log and assignments for the admin's pages.
    drawn_call = CallFactory(program=program, experts_per_application=1)
    drawn_track = TrackFactory(call=drawn_call)
    ProgramApplicationFactory(track=drawn_track, call=drawn_call)
    ExpertFactory(calls=[drawn_call])
    expert_draw.expert_draw(
        call=drawn_call,
        by=staff,
        seed=expert_draw.draw_commit(call=drawn_call, by=staff, seed=SEED.ljust(32, "0")),
    )
    assert ExpertDraw.objects.filter(call=drawn_call).exists()
    w.objects["drawn_call"] = drawn_call
    assert Review.objects.exists() and Score.objects.exists()


# Apartments --------------------------------------------------------------------------------


def apartments(w: World) -> None:
    talent, staff = w.users[TALENT], w.users[roles.SYSTEM_ADMINISTRATOR]
    full = fill(CommunityFactory(region=region("330106")))
    RentRule.objects.create(community=full, tier="C", terms="discount", discount_percent=20)
    photo = CommunityPhoto(community=full, caption_zh="外景", caption_en="Outside")
    photo.image.save("photo.png", ContentFile(png()))
    w.objects["communityphoto"] = photo
    for _ in range(2):
        UnitFactory(community=full)
    w.objects["community", FULL] = full
    bare = empty(CommunityFactory())
    UnitFactory(community=bare)
    w.objects["community", BARE] = bare
    accepting = accepting_round(community=full, unit_count=2)
    fill(accepting)
    PreferenceGroup.objects.create(round=accepting, code="families", kind="family", name_zh="家庭")
    w.objects["accepting_round"] = accepting
    application = apartment_services.application_start(
        round=accepting, applicant=talent, **declared(preferred_layouts=["one_bed"], tier="C")
    )
    apartment_services.application_submit(application=application, by=talent)
    w.objects["apartment_application"] = application
    drawn, ordered = drawn_round(applicants=2, unit_count=1, staff=staff)
    w.objects["drawn_round"] = drawn
    # The talent holds the first place in a drawn round: an offer, and a lease of another.
    first = ordered[0]
    first.applicant = talent
    first.save(update_fields=["applicant"])
    offers = apartment_services.allocation_commit(round=drawn, by=staff)
    w.objects["offer"] = offers[0]
    leased_round, leased = drawn_round(applicants=1, unit_count=1, staff=staff)
    leased[0].applicant = talent
    leased[0].save(update_fields=["applicant"])
    lease_offer = apartment_services.allocation_commit(round=leased_round, by=staff)[0]
    w.objects["lease"] = apartment_services.offer_accept(offer=lease_offer, by=talent)
    assert RoundUnit.objects.exists()


# The ecosystem -----------------------------------------------------------------------------


def ecosystem(w: World) -> None:
    talent, member = w.users[TALENT], w.users[ENTERPRISE_MEMBER]
    enterprise = w["enterprise", FULL]
    for variant in VARIANTS:
        point = _variant(ServicePointFactory(), variant)
        w.objects["service_point", variant] = point
        alliance = _variant(AllianceFactory(), variant)
        w.objects["alliance", variant] = alliance
        institution = _variant(InstitutionFactory(), variant)
        w.objects["product", variant] = _variant(ProductFactory(institution=institution), variant)
    fill(DesignationFactory(service_point=w["service_point", FULL]))
    fill(ServicePointEventFactory(service_point=w["service_point", FULL]))
    fill(MembershipFactory(alliance=w["alliance", FULL], enterprise=enterprise))
    fill(AllianceActivityFactory(alliance=w["alliance", FULL]))
    key_list = fill(KeyEnterpriseListFactory())
    fill(KeyEnterpriseFactory(list=key_list, enterprise=enterprise))
    department = fill(DepartmentFactory())
    w.objects["financial_application"] = ecosystem_services.financial_application_save(
        product=w["product", FULL], applicant=talent, amount=100_000, purpose="研发", submit=True
    )
    w.objects["feedback"] = feedback_at("answered", applicant=member, department=department)
    w.objects["published_feedback"] = feedback_at(
        "published", applicant=member, department=department
    )
    assert FinancialInstitution.objects.exists()


def security(w: World) -> None:
    """A failed log-in (the throttle's records) and a queued background task."""
    Client().post(reverse("accounts:login"), {"username": "crawl-talent", "password": "wrong"})
    visit = {
        "username": "crawl-talent",
        "ip_address": "203.0.113.9",
        "user_agent": "crawl",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }
    # Kept only where the settings ask for them.
    if not AccessFailureLog.objects.exists():
        AccessFailureLog.objects.create(**visit)
    if not AccessLog.objects.exists():
        AccessLog.objects.create(**visit)
    assert AccessAttempt.objects.exists()
    DAILY[0].enqueue()


def build() -> World:
    w = World()
    load_thesaurus()  # the search synonyms' admin pages need one
    people(w)
    talents(w)
    policies(w)
    projects(w)
    apartments(w)
    ecosystem(w)
    security(w)
    talent = w.users[TALENT]
    w.known = {
        "username": talent.username,  # logging in (signing up makes a new name)
        "endorser_code": w["enterprise", FULL].credit_code,
        "credit_code": credit_code(random.Random("crawl"), "330100"),
        "code": Registration.objects.filter(user=talent).first().code,  # check-in
    }
    # A password reset of its own person: the crawl posts its form, which sets a new password
    # (of the talent, whom the crawl logs in with, it made the log-in fail whenever the talent
    # was the database's first account).
    forgetful = UserFactory(username="crawl-forgetful")
    w.objects["reset"] = {
        "uidb64": urlsafe_base64_encode(force_bytes(forgetful.pk)),
        "token": default_token_generator.make_token(forgetful),
    }
    waiting = UserFactory(username="crawl-waiting", is_active=False, awaiting_confirmation=True)
    w.objects["confirm"] = {
        "uidb64": urlsafe_base64_encode(force_bytes(waiting.pk)),
        "token": confirmation_token.make_token(waiting),
    }
    return w
