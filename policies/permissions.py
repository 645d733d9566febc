"""Who may curate which policies: the region scope of staff.

A staff member with `User.staff_region` set (a city or county office) curates the policies of
that region and of the regions below it; province-wide staff (no staff region) and
superusers curate all of them. The rule is the same as `PolicyQuerySet.editable_by()`, which
the services check too; the admin, the import and the views ask here.
"""

from policies.models import Benefit, Policy
from talentportal.models import Region


def region_scope(user) -> Region | None:
    """The region a staff member is limited to, or None when they are not limited."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    return user.staff_region if user.staff_region_id else None


def regions_editable_by(user):
    """The regions whose policies the user may create and change."""
    scope = region_scope(user)
    regions = Region.objects.all()
    return regions if scope is None else regions.within(scope)


def may_edit_region(user, region: Region | None) -> bool:
    if region is None:
        return False
    scope = region_scope(user)
    return scope is None or region.code.startswith(scope.code_prefix)


def policies_editable_by(user):
    return Policy.objects.editable_by(user)


def may_edit_policy(user, policy: Policy) -> bool:
    return policy.pk is None or policies_editable_by(user).filter(pk=policy.pk).exists()


def benefits_editable_by(user):
    if user is not None and user.is_active and user.is_staff and region_scope(user) is None:
        return Benefit.objects.all()
    return Benefit.objects.filter(policy__in=policies_editable_by(user))
