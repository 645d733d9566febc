"""Who is asking, and the gates in front of the talent library's pages.

The enterprise a signed-in user acts for (`acting_enterprise`), the talent profile of a talent
account (`acting_talent`), and the gates built on them, as mixins for class-based views and as
decorators for function views:

- members of a verified enterprise (`VerifiedEnterpriseRequired`,
  `login_and_verified_enterprise`): anyone else signed in gets a 404 (nothing tells an
  unverified or another enterprise that a talent or page exists), a member of an enterprise
  still waiting for verification a page that says so, anonymous visitors the log-in page;
- members of an enterprise, verified or not (`EnterpriseMemberRequired`);
- talent accounts, their own data only (`TalentRequired`, `login_and_talent`).

Also what every page that lists candidates to an enterprise shares: the talents it may find
(`searchable_talent`), their masked summaries (`annotate_summaries`), and the caps on counts.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from talentportal import otp
from talentportal.models import AccountKind
from talents.models import (
    ContactRequest,
    ContactStatus,
    Enterprise,
    Shortlist,
    Talent,
    VerificationStatus,
)
from talents.privacy import SUMMARY_SELECT_RELATED, masked_parts

#: Columns a list of candidates never needs: contact details, résumé, search columns.
SUMMARY_DEFERRED = ("phone", "email", "resume", "search_tokens", "search_vector", "headline")
#: How many candidates a search counts and pages through at most.
CANDIDATE_CAP = 1000


def acting_enterprise(user) -> Enterprise | None:
    """The enterprise `user` acts for: a verified one first, then the oldest membership."""
    if not user.is_authenticated or not user.is_active:
        return None
    return (
        Enterprise.objects.of_member(user)
        .select_related("region", "industry")
        .annotate(
            verified_first=Case(
                When(status=VerificationStatus.VERIFIED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("verified_first", "pk")
        .first()
    )


class EnterpriseNotVerified(Exception):
    """The user's enterprise is registered but not (yet) verified."""

    def __init__(self, enterprise: Enterprise):
        super().__init__(enterprise.pk)
        self.enterprise = enterprise


def verified_enterprise(request) -> Enterprise:
    """The verified enterprise the signed-in user acts for; EnterpriseNotVerified for a member
    of an enterprise still waiting (or refused), Http404 for everyone else (the caller sends
    anonymous visitors to the log-in page first)."""
    enterprise = acting_enterprise(request.user)
    if enterprise is None:
        raise Http404
    if not enterprise.is_verified:
        raise EnterpriseNotVerified(enterprise)
    return enterprise


def not_verified_page(request, enterprise: Enterprise):
    """What a member of an enterprise that is not verified yet sees instead of the pages of
    verified enterprises: where the verification stands and what to do (a 403, not a 404)."""
    return render(
        request, "talents/enterprise/not_verified.html", {"enterprise": enterprise}, status=403
    )


class VerifiedEnterpriseRequired(LoginRequiredMixin):
    """Members of a verified enterprise only: `self.enterprise`; members of an enterprise
    waiting for verification get a page that says so, anyone else a 404. A member who owes a
    second factor now is sent to it first."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.enterprise = verified_enterprise(request)
            except EnterpriseNotVerified as pending:
                return not_verified_page(request, pending.enterprise)
            if owed := owed_second_factor(request):
                return owed
        return super().dispatch(request, *args, **kwargs)


def acting_talent(request) -> Talent | None:
    """The signed-in talent's active profile (None before it is created); Http404 for accounts
    that are not talents."""
    if request.user.kind != AccountKind.TALENT:
        raise Http404
    return Talent.objects.active().filter(user=request.user).first()


def owed_second_factor(request):
    """The redirect to the second factor a member owes at this moment (`otp`), or None."""
    back = request.get_full_path() if request.method == "GET" else reverse("talents:search")
    return otp.second_factor_response(request, next_url=back)


class EnterpriseMemberRequired(LoginRequiredMixin):
    """Members of an enterprise, verified or not: `self.enterprise`. Someone without one is
    sent to register an enterprise."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.enterprise = acting_enterprise(request.user)
            if self.enterprise is None:
                if request.user.kind == AccountKind.ENTERPRISE:
                    return redirect("talents:enterprise_register")
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class TalentRequired(LoginRequiredMixin):
    """Talent accounts only (`self.talent` is their profile, None before it is created)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.talent = acting_talent(request)
        return super().dispatch(request, *args, **kwargs)


def login_and_verified_enterprise(view):
    """For function views: log-in page for anonymous visitors, 404 for anyone who is not a
    member of a verified enterprise; the view receives the enterprise."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            enterprise = verified_enterprise(request)
        except EnterpriseNotVerified as pending:
            return not_verified_page(request, pending.enterprise)
        if owed := owed_second_factor(request):
            return owed
        return view(request, *args, enterprise=enterprise, **kwargs)

    return wrapped


def login_and_talent(view):
    """For function views: talent accounts only; the view receives their profile (or None)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, talent=acting_talent(request), **kwargs)

    return wrapped


def with_summaries(queryset, *, via: str = "talent"):
    """`queryset` reading what the masked summary of a talent shows and no more (no contact
    details, résumé or search columns): of the talent its rows point to through `via`, or,
    with `via=""`, of the talents it holds."""
    prefix = f"{via}__" if via else ""
    return queryset.select_related(*(prefix + name for name in SUMMARY_SELECT_RELATED)).defer(
        *(prefix + name for name in SUMMARY_DEFERRED)
    )


def searchable_talent(pk) -> Talent:
    """A talent a verified enterprise may find, with what its summary shows; 404 otherwise."""
    return get_object_or_404(
        Talent.objects.searchable().select_related(*SUMMARY_SELECT_RELATED), pk=pk
    )


def annotate_summaries(talents, *, enterprise) -> list[Talent]:
    """Attach to each talent its masked summary (`summary`), whether the enterprise has
    shortlisted it (`shortlisted`) and the state of its contact request (`contact_status`):
    two queries for the whole page."""
    talents = list(talents)
    ids = [talent.pk for talent in talents]
    shortlisted = set(
        Shortlist.objects.filter(enterprise=enterprise, talent_id__in=ids).values_list(
            "talent_id", flat=True
        )
    )
    statuses = dict(
        ContactRequest.objects.filter(
            enterprise=enterprise,
            talent_id__in=ids,
            status__in=[ContactStatus.PENDING, ContactStatus.ACCEPTED],
        ).values_list("talent_id", "status")
    )
    for talent in talents:
        talent.summary = masked_parts(talent)
        talent.shortlisted = talent.pk in shortlisted
        talent.contact_status = statuses.get(talent.pk, "")
    return talents
