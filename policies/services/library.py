"""Changes staff make to the library: publishing, expiring, repealing and reviewing
policies, changing benefits; and the notifications they cause."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.eligibility import Profile, eligibility_check, is_near_miss
from policies.models import (
    VERSIONED_FIELDS,
    Benefit,
    Policy,
    PolicyFollow,
    PolicyStatus,
    SavedProfile,
    ancestor_codes,
)
from talentportal.models import User
from talentportal.notifications import notification_send

PUBLISHED_TEMPLATE = "policies/notifications/policy_published"
BENEFIT_CHANGED_TEMPLATE = "policies/notifications/benefit_changed"


def _check_may_edit(*, policy: Policy, by) -> None:
    if not Policy.objects.editable_by(by).filter(pk=policy.pk).exists():
        raise PermissionDenied(_("You may not change policies of this region."))


def _locked(policy: Policy) -> Policy:
    return Policy.objects.select_for_update().select_related("region").get(pk=policy.pk)


# Policies


@transaction.atomic
def policy_publish(*, policy: Policy, by) -> Policy:
    """Publish a draft (or republish an expired policy) and, for a first publication, tell
    the users who follow its region or one of its categories."""
    _check_may_edit(policy=policy, by=by)
    locked = _locked(policy)
    if locked.status not in (PolicyStatus.DRAFT, PolicyStatus.EXPIRED):
        raise ValidationError(_("Only a draft or an expired policy can be published."))
    first_publication = locked.status == PolicyStatus.DRAFT
    locked.status = PolicyStatus.PUBLISHED
    if locked.issued_on is None:
        locked.issued_on = timezone.localdate()
    locked.save(update_fields=["status", "issued_on", "updated_at"])
    if first_publication:
        notify_followers(policy=locked)
    policy.refresh_from_db()
    return policy


@transaction.atomic
def policy_expire(*, policy: Policy, by) -> Policy:
    """A published policy no longer applies (its term ended)."""
    _check_may_edit(policy=policy, by=by)
    locked = _locked(policy)
    if locked.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy can expire."))
    locked.status = PolicyStatus.EXPIRED
    fields = ["status", "updated_at"]
    today = timezone.localdate()
    if locked.expires_on is None and (locked.effective_on is None or locked.effective_on <= today):
        locked.expires_on = today
        fields.append("expires_on")
    locked.save(update_fields=fields)
    policy.refresh_from_db()
    return policy


@transaction.atomic
def policy_repeal(*, policy: Policy, by, replaced_by: Policy | None = None) -> Policy:
    """A published or expired policy is repealed, optionally replaced by another one."""
    _check_may_edit(policy=policy, by=by)
    locked = _locked(policy)
    if locked.status not in (PolicyStatus.PUBLISHED, PolicyStatus.EXPIRED):
        raise ValidationError(_("Only a published or expired policy can be repealed."))
    if replaced_by is not None:
        if replaced_by.pk == locked.pk:
            raise ValidationError(_("A policy cannot replace itself."))
        if replaced_by.status == PolicyStatus.REPEALED:
            raise ValidationError(_("The replacing policy is itself repealed."))
    locked.status = PolicyStatus.REPEALED
    locked.replaced_by = replaced_by
    locked.save(update_fields=["status", "replaced_by", "updated_at"])
    if replaced_by is not None and replaced_by.status == PolicyStatus.PUBLISHED:
        # Those who follow the repealed policy hear of the one in force now (when the new
        # one is published later, `followers_of` finds them).
        _notify(policy=replaced_by, users=_policy_followers(locked))
    policy.refresh_from_db()
    return policy


@transaction.atomic
def policy_review(*, policy: Policy, by, on=None) -> Policy:
    """Record that staff checked the policy is still current."""
    _check_may_edit(policy=policy, by=by)
    on = on or timezone.localdate()
    if policy.issued_on is not None and on < policy.issued_on:
        raise ValidationError(_("A policy cannot be reviewed before it was issued."))
    Policy.objects.filter(pk=policy.pk).update(last_reviewed_on=on, updated_at=timezone.now())
    policy.refresh_from_db()
    return policy


# Following


def policy_follow(*, user, region=None, category: str = "", policy=None) -> PolicyFollow:
    """Follow a region, a category, a category in a region, or one policy (idempotent)."""
    if policy is not None:
        if region is not None or category:
            raise ValidationError(_("Follow a policy, or a region and category, not both."))
        follow, _created = PolicyFollow.objects.get_or_create(
            user=user, policy=policy, region=None, category=""
        )
        return follow
    if region is None and not category:
        raise ValidationError(_("Choose a region, a category or both."))
    follow, _created = PolicyFollow.objects.get_or_create(
        user=user, region=region, category=category or "", policy=None
    )
    return follow


def policy_unfollow(*, user, follow_id: int) -> None:
    PolicyFollow.objects.filter(user=user, pk=follow_id).delete()


def followers_of(policy: Policy):
    """Users to tell about the policy: those following its region, a region above it (the
    policy is in their region) or a region below it (the policy applies there), or one of
    its categories (a follow of a category in a region needs both to match), or a policy it
    replaces."""
    region = policy.region
    region_match = Q(region_id__in=ancestor_codes(region)) | Q(
        region__code__startswith=region.code_prefix
    )
    category_match = Q(category__in=policy.categories)
    matches = PolicyFollow.objects.filter(
        (region_match & (Q(category="") | category_match))
        | (Q(region__isnull=True) & category_match)
        # Those following a policy this one replaces.
        | Q(policy__replaced_by=policy)
    )
    return User.objects.filter(is_active=True, pk__in=matches.values("user_id")).order_by("pk")


def _policy_followers(policy: Policy):
    """Users following this one policy."""
    follows = PolicyFollow.objects.filter(policy=policy)
    return User.objects.filter(is_active=True, pk__in=follows.values("user_id")).order_by("pk")


def notify_followers(*, policy: Policy) -> int:
    """Send every follower of the policy one notification; returns how many were sent."""
    return _notify(policy=policy, users=followers_of(policy))


def _notify(*, policy: Policy, users) -> int:
    url = policy.get_absolute_url()
    count = 0
    for user in users.iterator():
        notification_send(
            recipient=user, template=PUBLISHED_TEMPLATE, context={"policy": policy}, url=url
        )
        count += 1
    return count


# Benefits


@dataclass
class ResultChange:
    """How one benefit change alters one saved calculator result."""

    profile: SavedProfile
    benefit: Benefit
    before: dict | None
    after: dict | None

    @property
    def was_eligible(self) -> bool:
        return bool(self.before and self.before.get("eligible"))

    @property
    def is_eligible(self) -> bool:
        return bool(self.after and self.after.get("eligible"))

    @property
    def gained(self) -> bool:
        return self.is_eligible and not self.was_eligible

    @property
    def lost(self) -> bool:
        return self.was_eligible and not self.is_eligible

    @property
    def value_before(self) -> int | None:
        return self.before.get("value") if self.was_eligible else None

    @property
    def value_after(self) -> int | None:
        return self.after.get("value") if self.is_eligible else None

    @property
    def is_notable(self) -> bool:
        """Tell the talent: they gain or lose the benefit, or its value changes for them."""
        return (
            self.gained or self.lost or (self.is_eligible and self.value_before != self.value_after)
        )


def _entry(benefit: Benefit, profile: Profile, applies: bool) -> dict | None:
    if not applies:
        return None
    criteria = eligibility_check(benefit=benefit, profile=profile)
    eligible = all(c.passed for c in criteria)
    if not eligible and not is_near_miss(criteria):
        return None
    return {
        "version": benefit.version,
        "eligible": eligible,
        "value": benefit.comparable_figure,
    }


def results_changed_by(*, benefit: Benefit) -> list[ResultChange]:
    """Re-evaluate the benefit for every saved profile it concerns (it was in their result,
    or it applies in one of their regions) and compare with their snapshot. Writes nothing."""
    benefit = (
        Benefit.objects.select_related("policy", "policy__region")
        .prefetch_related("industries")
        .get(pk=benefit.pk)
    )
    policy = benefit.policy
    key = str(benefit.pk)
    in_scope = Q(regions__code__startswith=policy.region.code_prefix)
    candidates = (
        SavedProfile.objects.filter(Q(result__has_key=key) | in_scope)
        .distinct()
        .select_related("user", "industry")
        .prefetch_related("regions")
        .order_by("pk")
    )
    published = policy.status == PolicyStatus.PUBLISHED
    prefix = policy.region.code_prefix
    changes = []
    for saved in candidates:
        applies = published and any(r.code.startswith(prefix) for r in saved.regions.all())
        before = saved.result.get(key)
        after = _entry(benefit, Profile.from_saved(saved), applies)
        if before != after:
            changes.append(ResultChange(saved, benefit, before, after))
    return changes


def notify_changed_results(*, benefit: Benefit) -> list[ResultChange]:
    """Bring the saved results the benefit concerns up to date and tell each talent whose
    result changed in a way that matters to them. Returns the notable changes."""
    changes = results_changed_by(benefit=benefit)
    key = str(benefit.pk)
    for change in changes:
        if change.after is None:
            change.profile.result.pop(key, None)
        else:
            change.profile.result[key] = change.after
    SavedProfile.objects.bulk_update([c.profile for c in changes], ["result"], batch_size=500)
    notable = [c for c in changes if c.is_notable]
    if notable:
        url = reverse("policies:calculator")
        for change in notable:
            notification_send(
                recipient=change.profile.user,
                template=BENEFIT_CHANGED_TEMPLATE,
                context={"change": change, "benefit": change.benefit, "policy": benefit.policy},
                url=url,
            )
    return notable


@transaction.atomic
def benefit_update(*, benefit: Benefit, by, **changes) -> list[ResultChange]:
    """Change a benefit. When its amount or eligibility changes, bump its version and tell
    the talents whose saved calculator result changes because of it (returned)."""
    _check_may_edit(policy=benefit.policy, by=by)
    locked = Benefit.objects.select_for_update().get(pk=benefit.pk)
    editable = {f.name for f in Benefit._meta.concrete_fields} | {"industries"}
    editable -= {"id", "policy", "version", "updated_at"}
    unknown = set(changes) - editable
    if unknown:
        raise TypeError(f"Cannot change: {', '.join(sorted(unknown))}")
    industries = changes.pop("industries", None)
    versioned_change = False
    for name, value in changes.items():
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            versioned_change |= name in VERSIONED_FIELDS
    industries_change = False
    if industries is not None:
        industries = list(industries)
        current = set(locked.industries.values_list("pk", flat=True))
        industries_change = {i.pk for i in industries} != current
    locked.full_clean(exclude=["policy"])
    locked.save()  # the database bumps the version if an amount or a condition changed
    if industries_change:
        locked.industries.set(industries)
        if not versioned_change:
            Benefit.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        versioned_change = True
    locked.refresh_from_db(fields=["version", "updated_at"])
    for name in (*changes, "version", "updated_at"):
        setattr(benefit, name, getattr(locked, name))
    if not versioned_change:
        return []
    return notify_changed_results(benefit=locked)
