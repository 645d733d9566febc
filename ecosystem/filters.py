"""Filters of the ecosystem's public lists. Every parameter is optional and every bad value is
reported on the page, never fatal (see `talentportal.filters.PortalFilterSet`).

    /service-points/   q (name, host, address), kind, region (with the regions below), service
    /alliances/        q (name, lead organisation), kind, industry, region
    /finance/          q (name, description), kind, institution, tier (products open to that
                       tier), enterprise_type
    /feedback/         category, region

Choice lists (regions, services, industries, institutions) hold only what the published rows
use, each read in one query, so that a filter never offers an empty result.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter

from ecosystem.models import (
    Alliance,
    AllianceKind,
    Feedback,
    FeedbackCategory,
    FinancialInstitution,
    FinancialProduct,
    ProductKind,
    ServicePoint,
    ServicePointKind,
)
from policies.models import EnterpriseType, ServiceItem
from talentportal.choices import TalentTier
from talentportal.filters import PortalFilterSet, RegionFilter, SearchFilter
from talentportal.models import Industry, Region

MAX_WORDS = 8


class WordsFilter(SearchFilter):
    """Each word in one of `fields` (either language); these tables hold hundreds of rows, so a
    plain containment test is enough."""

    def __init__(self, *args, fields=(), **kwargs):
        self.fields = fields
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        for word in (value or "").split()[:MAX_WORDS]:
            condition = Q()
            for field in self.fields:
                condition |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(condition)
        return qs


def regions_of(queryset) -> list[Region]:
    """The regions the rows of `queryset` are in, with the cities and provinces above them."""
    codes = set(queryset.order_by().values_list("region_id", flat=True).distinct())
    wanted = set()
    for code in codes:
        wanted |= {code, code[:4] + "00", code[:2] + "0000"}
    return list(Region.objects.filter(code__in=wanted).order_by("code"))


class RegionalFilterSet(PortalFilterSet):
    """A FilterSet whose `region` filter offers the regions of `region_queryset()`."""

    region = RegionFilter()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        regions = regions_of(self.region_queryset())
        self.filters["region"].set_regions(regions)

    def region_queryset(self):
        raise NotImplementedError


class ServicePointFilterSet(RegionalFilterSet):
    q = WordsFilter(
        label=_("Name, host or address"),
        fields=("name_zh", "name_en", "host_zh", "host_en", "address_zh", "address_en"),
    )
    kind = ChoiceFilter(
        label=_("Kind"), choices=ServicePointKind.choices, empty_label=_("All kinds")
    )
    service = ChoiceFilter(
        label=_("Service offered"),
        method="filter_service",
        empty_label=_("Any service"),
        error_messages={"invalid_choice": _("There is no such service.")},
    )

    sort_options = {
        "name": (_("Name"), ("name_zh", "pk")),
        "region": (_("Region"), ("region_id", "name_zh", "pk")),
    }
    default_sort = "name"

    class Meta:
        model = ServicePoint
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = ServiceItem.objects.filter(
            pk__in=ServicePoint.services.through.objects.filter(
                servicepoint__is_published=True
            ).values("serviceitem_id")
        ).order_by("name_zh")
        self.filters["service"].extra["choices"] = [
            (str(item.pk), item.name) for item in offered.only("pk", "name_zh", "name_en")
        ]

    def region_queryset(self):
        return ServicePoint.objects.published()

    def filter_service(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(services=value)


class AllianceFilterSet(RegionalFilterSet):
    q = WordsFilter(
        label=_("Name or lead organisation"),
        fields=("name_zh", "name_en", "lead_organisation_zh", "lead_organisation_en"),
    )
    kind = ChoiceFilter(label=_("Kind"), choices=AllianceKind.choices, empty_label=_("All kinds"))
    industry = ChoiceFilter(
        label=_("Industry"),
        field_name="industry__code",
        empty_label=_("All industries"),
        error_messages={"invalid_choice": _("There is no such industry.")},
    )

    sort_options = {
        "name": (_("Name"), ("name_zh", "pk")),
        "members": (_("Most members"), ("-member_count", "name_zh", "pk")),
        "founded": (_("Newest first"), ("-founded_on", "pk")),
    }
    default_sort = "name"

    class Meta:
        model = Alliance
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        industries = Industry.objects.filter(
            pk__in=Alliance.objects.published().values("industry_id")
        ).order_by("position", "code")
        self.filters["industry"].extra["choices"] = [
            (industry.code, industry.name) for industry in industries
        ]

    def region_queryset(self):
        return Alliance.objects.published()


#: Products without any eligibility rule are open to every talent and enterprise.
OPEN_TO_ALL = Q(eligible_tiers=[], eligible_enterprise_types=[])


class TierFilter(ChoiceFilter):
    """Products a talent of the tier may apply for: listing it, or open to everyone."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(Q(eligible_tiers__contains=[value]) | OPEN_TO_ALL)


class EnterpriseTypeFilter(ChoiceFilter):
    """Products an enterprise of the type may apply for: listing it, or open to everyone."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(Q(eligible_enterprise_types__contains=[value]) | OPEN_TO_ALL)


class ProductFilterSet(PortalFilterSet):
    q = WordsFilter(
        label=_("Name or description"),
        fields=("name_zh", "name_en", "description_zh", "description_en"),
    )
    kind = ChoiceFilter(label=_("Kind"), choices=ProductKind.choices, empty_label=_("All kinds"))
    institution = ChoiceFilter(
        label=_("Institution"),
        field_name="institution_id",
        empty_label=_("All institutions"),
        error_messages={"invalid_choice": _("There is no such institution.")},
    )
    tier = TierFilter(
        label=_("Talent tier"),
        choices=TalentTier.choices,
        empty_label=_("Any tier"),
        help_text=_("Products open to talents of this tier."),
    )
    enterprise_type = EnterpriseTypeFilter(
        label=_("Enterprise type"),
        choices=EnterpriseType.choices,
        empty_label=_("Any enterprise type"),
        help_text=_("Products open to enterprises of this type."),
    )

    sort_options = {
        "name": (_("Name"), ("name_zh", "pk")),
        "amount": (_("Largest amount"), ("-max_amount", "name_zh", "pk")),
    }
    default_sort = "name"

    class Meta:
        model = FinancialProduct
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        institutions = FinancialInstitution.objects.filter(
            pk__in=FinancialProduct.objects.published().values("institution_id")
        ).order_by("name_zh")
        self.filters["institution"].extra["choices"] = [
            (str(institution.pk), institution.name) for institution in institutions
        ]


class FeedbackBoardFilterSet(RegionalFilterSet):
    q = None
    category = ChoiceFilter(
        label=_("Category"), choices=FeedbackCategory.choices, empty_label=_("All categories")
    )

    sort_options = {
        "newest": (_("Newest answers first"), ("-answered_at", "-pk")),
        "oldest": (_("Oldest first"), ("answered_at", "pk")),
    }
    default_sort = "newest"

    class Meta:
        model = Feedback
        fields = []

    def region_queryset(self):
        return Feedback.objects.public_board()
