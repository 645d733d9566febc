import random

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from talents.demo import credit_code, organization_code
from talents.models import (
    AppendOnlyError,
    Consent,
    ConsentPurpose,
    Demand,
    Enterprise,
    Experience,
    ProfileAccess,
    Talent,
    TalentCard,
    Visibility,
    validate_credit_code,
)
from tests.policies.factories import region
from tests.talents.factories import (
    ConsentFactory,
    DemandFactory,
    EnterpriseFactory,
    TalentFactory,
    recruiter,
)

pytestmark = pytest.mark.django_db

# Published examples: a real company's code, and the same code with a wrong check character.
VALID_CODE = "91350100M000100Y43"
WRONG_CHECK_DIGIT = "91350100M000100Y44"


# --- credit codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", [VALID_CODE, "91330100631706691M", "9133010029141777X6"])
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        (WRONG_CHECK_DIGIT, "checksum"),
        ("91330100631706691N", "checksum"),
        ("9135010", "format"),
        ("91350100M000100Y4311", "format"),
        ("ABCDEFGHM000100Y43", "format"),
        ("91350100M000100YI3", "format"),  # I is not in the alphabet
    ],
)
def test_invalid_credit_codes_are_refused(code, error_code):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == error_code


def test_enterprise_full_clean_checks_the_credit_code_and_normalises_it():
    enterprise = EnterpriseFactory.build(credit_code="91350100m000100y44", region=region("330100"))
    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()
    assert "credit_code" in caught.value.message_dict
    enterprise.credit_code = "91350100m000100y43"
    enterprise.full_clean()
    assert enterprise.credit_code == VALID_CODE


def test_the_database_refuses_a_malformed_credit_code_and_a_duplicate():
    EnterpriseFactory(credit_code=VALID_CODE)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFactory(credit_code=VALID_CODE)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFactory(credit_code="91350100m000100y43")


def test_generated_credit_codes_are_valid_and_carry_the_region():
    rng = random.Random(7)
    codes = [credit_code(rng, "120116") for _ in range(200)]
    for code in codes:
        validate_credit_code(code)
        assert code.startswith("91120116")
        assert organization_code(code[8:16]) == code[8:17]


def test_organization_code_check_character():
    # The GB 11714 worked example: D2143569 -> check character X.
    assert organization_code("D2143569") == "D2143569X"


# --- talents ---------------------------------------------------------------------------------


def test_listed_needs_visibility_consent_and_not_deleted():
    talent = TalentFactory()
    assert talent.search_consent and talent.listed
    Talent.objects.filter(pk=talent.pk).update(visibility=Visibility.HIDDEN)
    talent.refresh_from_db()
    assert not talent.listed
    Talent.objects.filter(pk=talent.pk).update(
        visibility=Visibility.PUBLIC_SUMMARY, deleted_at=timezone.now()
    )
    talent.refresh_from_db()
    assert not talent.listed


def test_consent_written_before_the_profile_counts_on_insert():
    consent = ConsentFactory()
    talent = TalentFactory(user=consent.user, consents=[])
    talent.refresh_from_db()
    assert talent.search_consent and talent.listed


def test_withdrawing_consent_by_any_write_path_unlists_in_the_same_statement():
    talent = TalentFactory()
    Consent.objects.filter(user=talent.user).update(withdrawn_at=timezone.now())
    talent.refresh_from_db()
    assert not talent.search_consent and not talent.listed
    ConsentFactory(user=talent.user)
    talent.refresh_from_db()
    assert talent.listed
    Consent.objects.filter(user=talent.user, withdrawn_at__isnull=True).delete()
    talent.refresh_from_db()
    assert not talent.listed


def test_a_stale_in_memory_consent_flag_cannot_relist_a_profile():
    talent = TalentFactory()
    stale = Talent.objects.get(pk=talent.pk)
    Consent.objects.filter(user=talent.user).update(withdrawn_at=timezone.now())
    stale.headline = "saved from a form opened before the withdrawal"
    stale.save()
    stale.refresh_from_db()
    assert stale.headline.startswith("saved") and not stale.search_consent and not stale.listed


def test_only_one_consent_per_purpose_is_in_force():
    consent = ConsentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(user=consent.user)
    ConsentFactory(user=consent.user, purpose=ConsentPurpose.CONTACT_SHARING)


def test_experience_cannot_end_before_it_starts():
    talent = TalentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Experience.objects.create(
            talent=talent,
            employer="x",
            title="y",
            start=timezone.localdate(),
            end=timezone.localdate().replace(year=2000),
        )


# --- demands ---------------------------------------------------------------------------------


def test_demand_salary_range_is_checked_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandFactory(salary_min=30_000, salary_max=20_000)
    DemandFactory(salary_min=None, salary_max=20_000)
    DemandFactory(salary_min=20_000, salary_max=20_000)


def test_published_demands_exclude_unverified_enterprises_and_closed_ones():
    today = timezone.localdate()
    shown = DemandFactory()
    DemandFactory(enterprise=EnterpriseFactory(pending=True))
    DemandFactory(is_published=False)
    DemandFactory(closing_on=today.replace(year=today.year - 1))
    assert list(Demand.objects.published()) == [shown]


def test_enterprise_rejection_needs_a_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFactory(status="rejected", rejection_reason="")


# --- the access log is append-only -----------------------------------------------------------


def _access():
    talent = TalentFactory()
    viewer = recruiter()
    return ProfileAccess.objects.create(
        viewer=viewer,
        enterprise=Enterprise.objects.of_member(viewer).get(),
        talent=talent,
        what="contact",
        why="interview",
    )


def test_profile_access_model_refuses_changes_and_deletion():
    access = _access()
    access.why = "something else"
    with pytest.raises(AppendOnlyError):
        access.save()
    with pytest.raises(AppendOnlyError):
        access.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE talents_profileaccess SET why = 'changed' WHERE id = %s",
        "DELETE FROM talents_profileaccess WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_the_access_log(statement):
    access = _access()
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [access.pk])
    assert ProfileAccess.objects.get(pk=access.pk).why == "interview"


def test_queryset_update_and_delete_are_refused_too():
    access = _access()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ProfileAccess.objects.filter(pk=access.pk).update(why="x")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ProfileAccess.objects.filter(pk=access.pk).delete()
    assert ProfileAccess.objects.filter(pk=access.pk).exists()


# --- cards -----------------------------------------------------------------------------------


def test_one_active_card_per_talent():
    talent = TalentFactory()
    today = timezone.localdate()
    TalentCard.objects.create(
        number="TC-2026-900001", talent=talent, tier="C", valid_from=today, valid_until=today
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TalentCard.objects.create(
            number="TC-2026-900002", talent=talent, tier="B", valid_from=today, valid_until=today
        )
