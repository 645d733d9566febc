"""Writes and computations of the policy library, called by views, admin actions and
management commands alike."""

from policies.models import policy_reindex
from policies.services.calculator import (
    BenefitResult,
    CalculatorResult,
    RegionResult,
    calculate,
    saved_profile_save,
)
from policies.services.compare import Cell, ComparisonTable, Offer, Row, compare_regions
from policies.services.library import (
    ResultChange,
    benefit_update,
    followers_of,
    notify_changed_results,
    notify_followers,
    policy_expire,
    policy_follow,
    policy_publish,
    policy_repeal,
    policy_review,
    policy_unfollow,
    results_changed_by,
)

__all__ = [
    "BenefitResult",
    "CalculatorResult",
    "Cell",
    "ComparisonTable",
    "Offer",
    "RegionResult",
    "ResultChange",
    "Row",
    "benefit_update",
    "calculate",
    "compare_regions",
    "followers_of",
    "notify_changed_results",
    "notify_followers",
    "policy_expire",
    "policy_follow",
    "policy_publish",
    "policy_reindex",
    "policy_repeal",
    "policy_review",
    "policy_unfollow",
    "results_changed_by",
    "saved_profile_save",
]
