"""Filters of the program list (`/programs/`): all optional, a bad value is reported on the
page and left out (see `talentportal.filters.PortalFilterSet`).

    q       text in the name, organiser or summary (Chinese or English)
    level   national, provincial, municipal or district
    open    "1": only programs with a call open now
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ChoiceFilter

from projects.models import Program, ProgramLevel
from talentportal.filters import PortalFilterSet


class ProgramFilterSet(PortalFilterSet):
    level = ChoiceFilter(label=_("Level"), choices=ProgramLevel.choices, empty_label=_("Any"))
    open = BooleanFilter(label=_("With an open call"), method="filter_open")

    sort_options = {
        "region": (_("Region"), ("region_id", "name_zh", "pk")),
        "name": (_("Name"), ("name_zh", "pk")),
    }
    default_sort = "region"

    class Meta:
        model = Program
        fields = []

    def filter_open(self, queryset, name, value):
        if not value:
            return queryset
        now = timezone.now()
        return queryset.filter(
            Q(calls__is_published=True, calls__opens_at__lte=now, calls__closes_at__gt=now)
        ).distinct()
