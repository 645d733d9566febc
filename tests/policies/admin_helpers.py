"""Staff users and admin form data for the policy admin tests."""

from django.contrib.auth.models import Permission

from policies.models import Policy
from tests.policies.factories import region
from tests.talentportal.factories import UserFactory

POLICY_MODELS = ("policy", "benefit", "interpretation", "policyattachment")


def scoped_staff(code: str = "330100", **kwargs):
    """A city office's staff member: model permissions on the policy library, no superuser,
    limited to the region `code` and below."""
    user = UserFactory(
        kind="staff", is_staff=True, is_superuser=False, staff_region=region(code), **kwargs
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="policies",
            codename__in=[
                f"{action}_{model}"
                for model in POLICY_MODELS
                for action in ("add", "change", "delete", "view")
            ],
        )
    )
    return user


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def policy_form_data(policy: Policy | None = None, **overrides) -> dict:
    """POST data of the policy change form, with empty inlines unless given."""
    data = {
        "title_zh": "测试人才政策",
        "title_en": "Test talent policy",
        "summary_zh": "摘要",
        "summary_en": "",
        "body_zh": "<p>正文</p>",
        "body_en": "",
        "authority_zh": "测试人才办",
        "authority_en": "",
        "document_number": "测人才〔2025〕1号",
        "region": "330100",
        "issued_on": "2025-01-02",
        "effective_on": "",
        "expires_on": "",
        "categories": ["housing"],
        "talent_groups": [],
        "is_major": "",
        "source_url": "",
        "last_reviewed_on": "",
    }
    if policy is not None:
        data.update(
            {
                "title_zh": policy.title_zh,
                "title_en": policy.title_en,
                "summary_zh": policy.summary_zh,
                "summary_en": policy.summary_en,
                "body_zh": policy.body_zh,
                "authority_zh": policy.authority_zh,
                "document_number": policy.document_number,
                "region": policy.region_id,
                "issued_on": policy.issued_on.isoformat() if policy.issued_on else "",
                "categories": list(policy.categories),
                "talent_groups": list(policy.talent_groups),
            }
        )
    data.update(inline_management("benefits"))
    data.update(inline_management("interpretations"))
    data.update(inline_management("attachments"))
    data.update(overrides)
    return data


def benefit_inline_data(index: int, benefit=None, **overrides) -> dict:
    prefix = f"benefits-{index}"
    values = {
        "id": benefit.pk if benefit else "",
        "policy": benefit.policy_id if benefit else "",
        "kind": benefit.kind if benefit else "housing_subsidy",
        "title_zh": benefit.title_zh if benefit else "购房补贴",
        "title_en": benefit.title_en if benefit else "",
        "description_zh": benefit.description_zh if benefit else "",
        "description_en": "",
        "amount_min": benefit.amount_min if benefit and benefit.amount_min is not None else "",
        "amount_max": benefit.amount_max if benefit and benefit.amount_max is not None else "",
        "period": benefit.period if benefit else "once",
        "period_count": benefit.period_count if benefit and benefit.period_count else "",
        "min_degree": benefit.min_degree if benefit else 0,
        "max_age": benefit.max_age if benefit and benefit.max_age else "",
        "tiers": list(benefit.tiers) if benefit else [],
        "max_years_since_graduation": "",
        "enterprise_types": list(benefit.enterprise_types) if benefit else [],
        "position": benefit.position if benefit else 0,
    }
    values.update(overrides)
    return {f"{prefix}-{name}": value for name, value in values.items()}
