"""Who may curate which policies: the region scope of staff (`talentportal.scope`) applied
to the policy library.

A staff member with `User.staff_region` set (a city or county office) curates the policies of
that region and of the regions below it; province-wide staff (no staff region) and
superusers curate all of them. The rule is the same as `PolicyQuerySet.editable_by()`, which
the services check too; the import and the views ask here.
"""

from policies.models import Policy
from talentportal.models import Region
from talentportal.scope import covers, region_scope


def regions_editable_by(user):
    """The regions whose policies the user may create and change."""
    scope = region_scope(user)
    regions = Region.objects.all()
    return regions if scope is None else regions.within(scope)


def may_edit_region(user, region: Region | None) -> bool:
    return region is not None and covers(user, region)


def policies_editable_by(user):
    return Policy.objects.editable_by(user)
