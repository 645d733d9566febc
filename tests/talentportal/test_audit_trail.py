"""The audit trail of every section (`talentportal.audit` and each app's `audit.py`): content
and application models are tracked, bulk updates and admin actions are recorded with their
user, personal data stays out of the event rows, and no event row can be changed or deleted."""

import pghistory
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from apartments.models import ApartmentApplication, Unit, UnitStatus
from talentportal.models import ApplicationStatus
from tests.apartments.factories import ApplicationFactory, UnitFactory
from tests.auth_helpers import login_verified
from tests.talentportal.factories import StaffFactory
from tests.talents.factories import TalentFactory

pytestmark = pytest.mark.django_db

# Content and applications of every section: each has an append-only event model.
TRACKED = [
    "talentportal.User",
    "talentportal.Region",
    "talentportal.Industry",
    "talentportal.Discipline",
    "talentportal.ApplicationDocument",
    "policies.Policy",
    "policies.Benefit",
    "policies.Interpretation",
    "policies.PolicyAttachment",
    "policies.ServiceItem",
    "policies.ServiceMaterial",
    "policies.ServiceApplication",
    "talents.Talent",
    "talents.Enterprise",
    "talents.EnterpriseMember",
    "talents.Demand",
    "talents.Internship",
    "talents.DemandApplication",
    "talents.InternshipApplication",
    "talents.Evaluation",
    "talents.TalentCard",
    "projects.Program",
    "projects.Call",
    "projects.Track",
    "projects.Criterion",
    "projects.ProgramApplication",
    "projects.Expert",
    "projects.ExpertDraw",
    "projects.ReviewAssignment",
    "projects.Review",
    "projects.Score",
    "projects.Project",
    "projects.ProjectSubmission",
    "projects.Investor",
    "projects.Roadshow",
    "projects.RoadshowSlot",
    "projects.Registration",
    "projects.Interest",
    "apartments.Community",
    "apartments.RentRule",
    "apartments.Unit",
    "apartments.AllocationRound",
    "apartments.RoundUnit",
    "apartments.ApartmentApplication",
    "apartments.Offer",
    "apartments.Lease",
    "ecosystem.ServicePoint",
    "ecosystem.ServicePointDesignation",
    "ecosystem.Alliance",
    "ecosystem.AllianceMembership",
    "ecosystem.FinancialInstitution",
    "ecosystem.FinancialProduct",
    "ecosystem.FinancialApplication",
    "ecosystem.KeyEnterpriseList",
    "ecosystem.KeyEnterprise",
    "ecosystem.Department",
    "ecosystem.Feedback",
]

# Columns that would copy personal data into the trail.
PERSONAL = {
    "talents.Talent": {"name", "phone", "email", "birth_year", "resume"},
    "apartments.ApartmentApplication": {
        "full_name",
        "id_number",
        "birth_date",
        "phone",
        "employer",
    },
    "apartments.Lease": {"residents"},
    "projects.ProgramApplication": {"full_name", "birth_year", "answers", "employer"},
    "projects.Investor": {"contact_name", "contact_phone", "contact_email"},
    "projects.Registration": {"code"},
    "policies.ServiceApplication": {"answers"},
    "talentportal.User": {"password", "email", "phone", "username", "first_name", "last_name"},
}


def event_models() -> dict[str, type]:
    """Tracked model label -> its event model."""
    return {
        model.pgh_tracked_model._meta.label: model
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    }


def events_of(obj, label=None, pk=None):
    model = event_models()[obj._meta.label]
    queryset = model.objects.filter(pgh_obj_id=pk or obj.pk).order_by("pgh_id")
    return list(queryset.filter(pgh_label=label) if label else queryset)


def test_every_content_and_application_model_is_tracked():
    assert set(TRACKED) - set(event_models()) == set()


def test_personal_data_columns_are_not_copied_into_events():
    for label, columns in PERSONAL.items():
        copied = {f.name for f in event_models()[label]._meta.fields}
        assert copied & columns == set(), label


def test_what_the_retention_run_anonymises_is_never_in_the_trail():
    for label, event_model in event_models().items():
        anonymised = set(getattr(apps.get_model(label), "ANONYMISED_FIELDS", {}))
        assert {f.name for f in event_model._meta.fields} & anonymised == set(), label


def test_a_talent_profile_change_is_recorded_without_the_phone(settings):
    talent = TalentFactory(phone="13800138000", years_experience=3)
    talent.years_experience = 5
    talent.phone = "13900139000"
    talent.save()
    (update,) = events_of(talent, "update")
    assert update.years_experience == 5
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM talents_talentevent t")
        dump = " ".join(row[0] for row in cursor.fetchall())
    assert "1380013800" not in dump and "1390013900" not in dump


def test_a_bulk_queryset_update_of_applications_is_recorded_for_every_row():
    applications = ApplicationFactory.create_batch(3, status=ApplicationStatus.SUBMITTED)
    with pghistory.context(command="bulk test"):
        changed = ApartmentApplication.objects.filter(pk__in=[a.pk for a in applications]).update(
            status=ApplicationStatus.IN_REVIEW
        )
    assert changed == 3
    for application in applications:
        (update,) = events_of(application, "update")
        assert update.status == ApplicationStatus.IN_REVIEW
        assert update.pgh_context.metadata["command"] == "bulk test"
        assert not hasattr(update, "id_number")


def test_an_admin_bulk_action_is_recorded_with_its_user(client):
    units = UnitFactory.create_batch(2, status=UnitStatus.AVAILABLE)
    admin_user = StaffFactory()
    login_verified(client, admin_user)
    response = client.post(
        reverse("admin:apartments_unit_changelist"),
        {"action": "to_maintenance", "_selected_action": [u.pk for u in units]},
    )
    assert response.status_code == 302
    for unit in units:
        (update,) = events_of(unit, "update")
        assert update.status == UnitStatus.MAINTENANCE
        assert update.pgh_context.metadata["user"] == admin_user.pk


def test_units_are_recorded_from_their_first_change_not_their_insert():
    unit = UnitFactory(monthly_rent=2000)
    pk = unit.pk
    assert events_of(unit) == []
    Unit.objects.filter(pk=pk).update(monthly_rent=2200)
    Unit.objects.filter(pk=pk).delete()
    assert [(e.pgh_label, e.monthly_rent) for e in events_of(unit, pk=pk)] == [
        ("update", 2200),
        ("delete", 2200),
    ]


def test_a_change_of_privileges_is_recorded_but_not_a_login():
    user = StaffFactory(is_superuser=False)
    user.is_superuser = True
    user.save()
    user.last_login = user.date_joined
    user.save()
    (update,) = events_of(user, "update")
    assert update.is_superuser is True


@pytest.mark.parametrize("label", TRACKED)
def test_every_event_table_refuses_updates_and_deletes(label):
    table = event_models()[label]._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
            "AND tgname LIKE 'pgtrigger_append_only%%' AND tgenabled <> 'D'",
            [table],
        )
        (definition,) = cursor.fetchone()
    assert "BEFORE DELETE OR UPDATE" in definition


def test_an_event_row_resists_raw_sql():
    talent = TalentFactory()
    talent.years_experience = 9
    talent.save()
    assert len(events_of(talent, "update")) == 1
    for statement in (
        "UPDATE talents_talentevent SET years_experience = 1",
        "DELETE FROM talents_talentevent",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    (still,) = events_of(talent, "update")
    assert still.years_experience == 9
