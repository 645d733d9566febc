"""The region scope of staff: the one rule, for the admin, the querysets and the services.

A staff member with `User.staff_region` set (a city or county office) sees and changes only the
rows of that region and of the regions below it. Staff without a staff region (the province's
office) and superusers are not limited: a superuser holds every permission, their own user row
included, so a region on them could not bound anything (the rule of `policies.permissions`,
the talent library and the apartments before this module; talentportal.roles: the region scope
is enforced apart from the role's permissions).

"In region R" is a prefix match on the six-digit division code (`Region.code_prefix`), which the
region keys' indexes serve. `path` is the lookup path from a row to its Region ("region",
"community__region", ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from talentportal.models import Region, User


def region_scope(user: User | None) -> Region | None:
    """The region `user` is limited to, or None when they are not limited (superusers, staff
    without a staff region, and anyone who is not signed in: their access is decided by
    permissions, not by region)."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    return user.staff_region if user.staff_region_id else None


def region_q(region: Region, path: str = "region") -> Q:
    """Rows whose region (at `path`) is `region` or lies below it."""
    return Q(**{f"{path}__code__startswith": region.code_prefix})


def scope_q(user: User | None, path: str = "region") -> Q:
    """Rows within `user`'s region scope; every row (an empty Q) when they are not limited."""
    scope = region_scope(user)
    return Q() if scope is None else region_q(scope, path)


def in_scope(queryset: QuerySet, user: User | None, path: str = "region") -> QuerySet:
    """`queryset` limited to `user`'s region scope (unchanged when they are not limited)."""
    scope = region_scope(user)
    return queryset if scope is None else queryset.filter(region_q(scope, path))


def covers(user: User | None, region: Region | str | None) -> bool:
    """Whether `region` (a Region or its code) lies within `user`'s region scope. No region is
    covered only for users who are not limited."""
    scope = region_scope(user)
    if scope is None:
        return True
    code = getattr(region, "code", region)
    return bool(code) and code.startswith(scope.code_prefix)
