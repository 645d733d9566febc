"""Filters of the public-service catalogue (`/services/`).

Every parameter is optional and a bad value is reported on the page, never fatal (see
`talentportal.filters.PortalFilterSet`). The parameters, all shareable in a URL:

    q           search text, Chinese or English, in the name, description and department
    region      a division code; a province or city includes the regions below it
    department  the responsible department (its Chinese name, as the <select> sends it)
    audience    who the service is for (a talent group, or employers)

The catalogue holds dozens of services, not thousands, so the search is a segmented
substring match rather than a search vector: the query is cut into words the way the policy
search cuts it, and a service matches when every word occurs in one of its texts.
"""

from functools import reduce
from operator import and_, or_

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter

from policies.models import ServiceItem, TalentGroup
from talentportal.filters import PortalFilterSet, RegionFilter, SearchFilter
from talentportal.models import Region
from talentportal.search import query_tokens

SEARCHED_FIELDS = (
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "department_zh",
    "department_en",
)

#: Who a service is for → the words that say so in its "who may apply" text (zh and en).
AUDIENCES = {
    TalentGroup.HIGH_LEVEL: ("高层次", "high-level"),
    TalentGroup.DOCTORAL: ("博士", "doctor", "postdoc"),
    TalentGroup.GRADUATES: ("毕业生", "大学生", "graduate"),
    TalentGroup.SKILLED: ("技能", "技师", "工匠", "skilled"),
    TalentGroup.OVERSEAS_RETURNEES: ("留学", "归国", "海归", "overseas", "returned"),
    TalentGroup.FOREIGN_EXPERTS: ("外国", "外籍", "foreign"),
    TalentGroup.ENTREPRENEURS: ("创业", "entrepreneur", "founder"),
    TalentGroup.RESEARCHERS: ("专业技术", "职称", "科研", "professional title", "research"),
    "employers": ("用人单位", "企业", "employer", "enterprise"),
}
AUDIENCE_CHOICES = [
    *((group.value, group.label) for group in AUDIENCES if isinstance(group, TalentGroup)),
    ("employers", _("Employers")),
]


def service_search(queryset, text: str):
    """Services whose texts contain every word of `text` (Chinese segmented, any case)."""
    tokens = query_tokens(text)
    if not tokens:
        return queryset
    per_token = [
        reduce(or_, (Q(**{f"{field}__icontains": token}) for field in SEARCHED_FIELDS))
        for token in tokens
    ]
    return queryset.filter(reduce(and_, per_token))


class ServiceSearchFilter(SearchFilter):
    def filter(self, qs, value):
        return service_search(qs, value) if value else qs


class DepartmentFilter(ChoiceFilter):
    def filter(self, qs, value):
        return qs.filter(department_zh=value) if value else qs


class AudienceFilter(ChoiceFilter):
    """Services whose "who may apply" text names the group (in Chinese or English)."""

    def filter(self, qs, value):
        if not value:
            return qs
        words = AUDIENCES.get(value) or AUDIENCES[TalentGroup(value)]
        return qs.filter(
            reduce(
                or_,
                (Q(audience_zh__icontains=word) | Q(audience_en__icontains=word) for word in words),
            )
        )


class ServiceFilterSet(PortalFilterSet):
    q = ServiceSearchFilter()
    region = RegionFilter()
    department = DepartmentFilter(
        label=_("Department"),
        choices=(),
        empty_label=_("All departments"),
        error_messages={"invalid_choice": _("There is no department “%(value)s”.")},
    )
    audience = AudienceFilter(
        label=_("Who it is for"),
        choices=AUDIENCE_CHOICES,
        empty_label=_("Everyone"),
        error_messages={"invalid_choice": _("“%(value)s” is not a group of applicants.")},
    )

    class Meta:
        model = ServiceItem
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # What the published services offer to filter by: one query, and one for the regions
        # (those that have services, with the regions above them).
        offered = list(
            ServiceItem.objects.published()
            .order_by("department_zh")
            .values_list("region_id", "department_zh", "department_en")
            .distinct()
        )
        codes = {code for code, _zh, _en in offered}
        codes |= {code[:4] + "00" for code in codes} | {code[:2] + "0000" for code in codes}
        regions = list(Region.objects.filter(code__in=codes).order_by("code"))
        region_filter = self.filters["region"]
        region_filter.set_regions(regions, grouped=False)
        asked = self.data.get(f"{prefix}-region" if prefix else "region")
        if (
            isinstance(asked, str)
            and len(asked) == 6
            and asked.isdigit()
            and asked not in region_filter.regions
        ):
            # A region without services is still a valid filter (the list is then empty).
            region = Region.objects.filter(code=asked).first()
            if region is not None:
                region_filter.regions[region.code] = region

        english = (get_language() or "").startswith("en")
        departments = {zh: en for _code, zh, en in offered}
        self.filters["department"].extra["choices"] = [
            (zh, en if english and en else zh) for zh, en in departments.items()
        ]

    @property
    def chosen_region(self) -> Region | None:
        return self.filters["region"].regions.get(self.cleaned("region", ""))
