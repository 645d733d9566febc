"""Region scope in the back office, built from the admin registry.

Every registered admin whose model reaches a Region through its foreign keys (not through a
user's staff region) holds regional rows: it must be a `RegionScopedAdmin`, or be listed in
`NOT_REGIONAL` with the reason. A new regional admin without scope fails
`test_every_regional_admin_is_scoped`; one without a row builder in `BUILDERS` fails the
parametrised tests, so that it cannot go unchecked either.

The staff member is a city office's: the content editor and case officer roles of
talentportal/roles.py, no superuser, `staff_region` Hangzhou (330100). For every regional
admin they see their own city's row (changelist and change page) and neither see nor change
Ningbo's (330200): not in the changelist, the change page sends them away as for a row that
does not exist, and a POST to it changes nothing.
"""

import datetime
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from apartments.models import Offer, RentTerms
from ecosystem.models import FinancialApplication
from projects.models import ExpertDraw, ProjectSubmission, Review
from talentportal import roles
from talentportal.admin_base import RegionScopedAdmin
from talentportal.models import AccountKind, ApplicationStatus, Region, User
from talentportal.workflow import reference_next
from talents.models import EnterpriseJoinRequest, Evaluation, TalentCard
from tests.apartments.factories import (
    ApplicationFactory,
    CommunityFactory,
    RoundFactory,
    UnitFactory,
    lease_for,
)
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import (
    AllianceFactory,
    DepartmentFactory,
    InstitutionFactory,
    KeyEnterpriseListFactory,
    MembershipFactory,
    ProductFactory,
    ServicePointFactory,
    feedback_at,
)
from tests.policies.factories import BenefitFactory, InterpretationFactory, PolicyFactory
from tests.projects.program_factories import (
    CallFactory,
    ProgramApplicationFactory,
    ProgramFactory,
    ReviewAssignmentFactory,
    TrackFactory,
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
    evaluation_reference,
)

pytestmark = pytest.mark.django_db

OWN_CITY, OTHER_CITY = "330100", "330200"  # Hangzhou (the staff member's), Ningbo
OWN, OTHER = "330106", "330203"  # a district of each

#: Admins whose model reaches a region but whose rows are not a region's, with the reason.
NOT_REGIONAL = {
    "projects.Expert": "the expert pool is the province's: any city's call draws from it; the "
    "region is where the expert works",
    "projects.Conflict": "an expert's declared conflicts, part of the province's expert pool",
    "talents.ProfileAccess": "the access log is the security auditor's, province-wide",
}


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def _regional_path(model, depth: int = 0, seen: frozenset = frozenset()) -> str | None:
    """A lookup path from `model` to a Region through foreign keys, not through users (a
    user's staff region is their scope, not a row's region)."""
    if depth > 4 or model in (User, Region):
        return None
    for field in model._meta.get_fields():
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        related = field.related_model
        if related is Region:
            return field.name
        if related in (User, Region) or related in seen:
            continue
        rest = _regional_path(related, depth + 1, seen | {model})
        if rest:
            return f"{field.name}__{rest}"
    return None


def regional_admins() -> dict[str, admin.ModelAdmin]:
    return {
        model._meta.label: model_admin
        for model, model_admin in admin.site._registry.items()
        if _regional_path(model) and model._meta.label not in NOT_REGIONAL
    }


SCOPED = sorted(regional_admins())


def test_every_regional_admin_is_scoped():
    unscoped = [
        label
        for label, model_admin in regional_admins().items()
        if not isinstance(model_admin, RegionScopedAdmin)
    ]
    assert unscoped == [], "regional rows without region scope (or list them in NOT_REGIONAL)"
    assert set(NOT_REGIONAL) <= {m._meta.label for m in admin.site._registry}


# Rows: a builder per regional model, given the code of the region the row belongs to ----------


def _offer(code):
    community = CommunityFactory(region=region(code))
    now = timezone.now()
    return Offer.objects.create(
        application=ApplicationFactory(round=RoundFactory(community=community)),
        unit=UnitFactory(community=community),
        offered_at=now,
        expires_at=now + datetime.timedelta(days=7),
        monthly_rent=100,
        rent_terms=RentTerms.MARKET,
    )


def _call(code):
    return CallFactory(program=ProgramFactory(region=region(code)))


def _program_application(code):
    return ProgramApplicationFactory(track=TrackFactory(call=_call(code)))


BUILDERS: dict[str, Callable[[str], object]] = {
    "policies.Policy": lambda code: PolicyFactory(region=region(code)),
    "policies.Benefit": lambda code: BenefitFactory(policy=PolicyFactory(region=region(code))),
    "policies.Interpretation": lambda code: InterpretationFactory(
        policy=PolicyFactory(region=region(code))
    ),
    "policies.ServiceItem": lambda code: ServiceItemFactory(region=region(code)),
    "policies.ServiceApplication": lambda code: ServiceApplicationFactory(
        service=ServiceItemFactory(region=region(code)), status=ApplicationStatus.SUBMITTED
    ),
    "talents.Talent": lambda code: TalentFactory(current_region=region(code)),
    "talents.Enterprise": lambda code: EnterpriseFactory(region=region(code)),
    "talents.EnterpriseJoinRequest": lambda code: EnterpriseJoinRequest.objects.create(
        enterprise=EnterpriseFactory(region=region(code)),
        user=UserFactory(kind=AccountKind.ENTERPRISE),
    ),
    "talents.Demand": lambda code: DemandFactory(region=region(code)),
    "talents.Internship": lambda code: InternshipFactory(region=region(code)),
    "talents.Evaluation": lambda code: Evaluation.objects.create(
        applicant=UserFactory(kind=AccountKind.ENTERPRISE),
        reference=evaluation_reference(),
        enterprise=EnterpriseFactory(region=region(code), evaluator=True),
        talent=TalentFactory(),
        proposed_tier="C",
        status=ApplicationStatus.SUBMITTED,
    ),
    "talents.TalentCard": lambda code: TalentCard.objects.create(
        number=f"TC-2026-{code}",
        talent=TalentFactory(current_region=region(code)),
        tier="C",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate(),
    ),
    "projects.Program": lambda code: ProgramFactory(region=region(code)),
    "projects.Call": _call,
    "projects.ProgramApplication": _program_application,
    "projects.ExpertDraw": lambda code: ExpertDraw.objects.create(
        call=_call(code), seed="scope", by=UserFactory(kind=AccountKind.STAFF)
    ),
    "projects.ReviewAssignment": lambda code: ReviewAssignmentFactory(
        application=_program_application(code)
    ),
    "projects.Review": lambda code: Review.objects.create(
        assignment=ReviewAssignmentFactory(application=_program_application(code)),
        comment="好",
        total=80,
    ),
    "projects.Project": lambda code: ProjectFactory(region=region(code)),
    "projects.ProjectSubmission": lambda code: ProjectSubmission.objects.create(
        applicant=UserFactory(),
        reference=reference_next("PJ"),
        project=ProjectFactory(region=region(code)),
    ),
    "projects.Investor": lambda code: InvestorFactory(region=region(code)),
    "projects.Roadshow": lambda code: RoadshowFactory(region=region(code)),
    "projects.Registration": lambda code: RegistrationFactory(
        roadshow=RoadshowFactory(region=region(code))
    ),
    "projects.Interest": lambda code: InterestFactory(project=ProjectFactory(region=region(code))),
    "apartments.Community": lambda code: CommunityFactory(region=region(code)),
    "apartments.Unit": lambda code: UnitFactory(community=CommunityFactory(region=region(code))),
    "apartments.AllocationRound": lambda code: RoundFactory(
        community=CommunityFactory(region=region(code))
    ),
    "apartments.ApartmentApplication": lambda code: ApplicationFactory(
        round=RoundFactory(community=CommunityFactory(region=region(code)))
    ),
    "apartments.Offer": _offer,
    "apartments.Lease": lambda code: lease_for(
        UnitFactory(community=CommunityFactory(region=region(code)))
    ),
    "ecosystem.ServicePoint": lambda code: ServicePointFactory(region=region(code)),
    "ecosystem.Alliance": lambda code: AllianceFactory(region=region(code)),
    "ecosystem.AllianceMembership": lambda code: MembershipFactory(
        alliance=AllianceFactory(region=region(code))
    ),
    "ecosystem.FinancialInstitution": lambda code: InstitutionFactory(region=region(code)),
    "ecosystem.FinancialProduct": lambda code: ProductFactory(region=region(code)),
    "ecosystem.FinancialApplication": lambda code: FinancialApplication.objects.create(
        applicant=UserFactory(),
        product=ProductFactory(region=region(code)),
        reference=reference_next("FA"),
        purpose="scope",
    ),
    "ecosystem.KeyEnterpriseList": lambda code: KeyEnterpriseListFactory(region=region(code)),
    "ecosystem.Department": lambda code: DepartmentFactory(region=region(code)),
    "ecosystem.Feedback": lambda code: feedback_at("submitted", region=region(code)),
}


@pytest.fixture
def city_staff(client):
    """A Hangzhou office's staff member with the content editor and case officer roles. The
    feedback queue also needs the router's permission (without it a member sees only their
    department's feedback, whatever the region)."""
    roles.sync_roles()
    user = UserFactory(
        kind=AccountKind.STAFF, is_staff=True, is_superuser=False, staff_region=region(OWN_CITY)
    )
    user.groups.set(Group.objects.filter(name__in=[roles.CONTENT_EDITOR, roles.CASE_OFFICER]))
    user.user_permissions.add(Permission.objects.get(codename="route_feedback"))
    login_verified(client, user)
    return user


def _urls(label: str, pk=None) -> tuple[str, str]:
    app_label, model_name = label.lower().split(".")
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    change = reverse(f"admin:{app_label}_{model_name}_change", args=[pk]) if pk else ""
    return changelist, change


def _state(obj) -> dict:
    fresh = type(obj).objects.get(pk=obj.pk)
    return model_to_dict(fresh, fields=[f.name for f in fresh._meta.concrete_fields])


@pytest.mark.parametrize("label", SCOPED)
def test_city_staff_see_their_city_s_rows_and_not_another_city_s(client, city_staff, label):
    assert label in BUILDERS, f"add a row builder for {label}"
    own, other = BUILDERS[label](OWN), BUILDERS[label](OTHER)
    changelist, own_page = _urls(label, own.pk)
    _, other_page = _urls(label, other.pk)

    response = client.get(changelist)
    assert response.status_code == 200
    shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
    assert own.pk in shown
    assert other.pk not in shown

    assert client.get(own_page).status_code == 200
    response = client.get(other_page)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")


@pytest.mark.parametrize("label", SCOPED)
def test_city_staff_cannot_change_another_city_s_rows(client, city_staff, label):
    other = BUILDERS[label](OTHER)
    before = _state(other)
    _, other_page = _urls(label, other.pk)
    response = client.post(other_page, {"_save": "Save"})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
    assert _state(other) == before


def _region_forms():
    """The scoped admins whose change form chooses a region directly."""
    for label in SCOPED:
        field = getattr(regional_admins()[label], "region_field", None)
        if field and "__" not in field:
            yield pytest.param(label, field, id=label)


@pytest.mark.parametrize(("label", "field"), list(_region_forms()))
def test_city_staff_choose_only_their_city_s_regions(client, city_staff, label, field):
    own = BUILDERS[label](OWN)
    _, own_page = _urls(label, own.pk)
    form = client.get(own_page).context["adminform"].form
    if field not in form.fields:  # read-only here
        return
    codes = set(form.fields[field].queryset.values_list("code", flat=True))
    assert OWN in codes
    assert OWN_CITY in codes
    assert OTHER not in codes
    assert not any(code.startswith("3302") for code in codes)

    app_label, model_name = label.lower().split(".")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field, "term": "区"},
    )
    if response.status_code == 200:  # the field has an autocomplete
        found = [row["id"] for row in response.json()["results"]]
        assert found
        assert all(code.startswith("3301") for code in found)
