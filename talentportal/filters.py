"""The one FilterSet base that every app's `filters.py` extends.

A list page is built in a fixed order: base queryset → filters → search → whitelisted ordering.
`PortalFilterSet` adds to django-filter's FilterSet what every public list needs:

- **Tolerance.** It is always bound (an empty query string is a valid request for the default
  list). A value that does not validate — an unknown code, a malformed date, an unknown sort
  key, a search text that is too long — does not filter and does not fail the request: the
  filter is left out (a filter with `applies_without_value = True` applies its default
  instead) and `problems` holds a readable message for the page to show. Nothing a query
  string can hold raises a server error.
- **Search.** A `q` filter whose text goes to the queryset's own `search()` method (segmented
  full-text search with rank), so that views, admin and tests share one search.
- **Ordering.** A `sort` filter that accepts only the keys the subclass lists in
  `sort_options`; with a search text the default is `search_sort` (relevance), otherwise
  `default_sort`.

Example::

    class PolicyFilterSet(PortalFilterSet):
        sort_options = {
            "relevance": (_("Relevance"), ("-rank", "-issued_on", "-pk")),
            "newest": (_("Newest first"), ("-issued_on", "-pk")),
        }
        default_sort = "newest"
        search_sort = "relevance"

        class Meta:
            model = Policy
            fields = []
"""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ChoiceFilter, FilterSet
from django_filters.fields import ChoiceField

from talentportal.models import Region, RegionLevel
from talentportal.region_picker import RegionSelect
from talentportal.scope import region_q

SEARCH_MAX_LENGTH = 200


class SearchFilter(CharFilter):
    """Full-text search through `QuerySet.search(text)`; blank text leaves the queryset alone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("strip", True)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.search(value)


class SortFilter(ChoiceFilter):
    """The `sort` key; the FilterSet applies it last (see PortalFilterSet.order_queryset)."""

    def filter(self, qs, value):
        return qs


def region_choices(regions, *, grouped: bool = True) -> list:
    """Choices for a <select> of `regions` (in code order): grouped by province, (province
    name, [(code, label), …]) with a dash per level below the province; or, not `grouped`,
    one flat list of (code, label) with the same dashes."""
    if not grouped:
        return [(region.code, "– " * (region.level - 1) + region.name) for region in regions]
    groups: dict[str, list] = {}
    names: dict[str, str] = {}
    for region in regions:
        province = region.code[:2]
        if region.level == RegionLevel.PROVINCE:
            names[province] = region.name
            label = region.name
        elif region.level == RegionLevel.CITY:
            label = f"– {region.name}"
        else:
            label = f"– – {region.name}"
        groups.setdefault(province, []).append((region.code, label))
    return [(names.get(province, province), options) for province, options in groups.items()]


class KnownValueChoiceField(ChoiceField):
    """A choice field that also accepts values outside its visible options when the filter
    knows them (a region that has no rows yet is still a region)."""

    def __init__(self, *args, known=None, **kwargs):
        self.known = known if known is not None else {}
        super().__init__(*args, **kwargs)

    def valid_value(self, value):
        return value in self.known or super().valid_value(value)


class RegionFilter(ChoiceFilter):
    """A region by its code: the rows of that region and of every region below it (a prefix
    match on the code at `field_name`, which the region key's index serves).

    The FilterSet tells it the regions it knows and offers with `set_regions`; an unknown code
    is reported as a problem and filters nothing."""

    field_class = KnownValueChoiceField

    def __init__(self, *args, field_name="region", **kwargs):
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("empty_label", _("All regions"))
        kwargs.setdefault("widget", RegionSelect)
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("There is no region with the code “%(value)s”.")},
        )
        super().__init__(*args, field_name=field_name, **kwargs)
        self.regions: dict[str, Region] = {}

    def set_regions(self, regions, *, grouped: bool = True) -> None:
        """Know and offer `regions` (`region_choices`); a code added to `self.regions` later
        is accepted without being offered."""
        regions = list(regions)
        self.regions = {region.code: region for region in regions}
        self.extra["choices"] = region_choices(regions, grouped=grouped)
        self.extra["known"] = self.regions

    def filter(self, qs, value):
        region = self.regions.get(value)
        if region is None:
            return qs
        return qs.filter(region_q(region, self.field_name))


class PortalFilterSet(FilterSet):
    q = SearchFilter()
    sort = SortFilter(label=_("Sort by"), choices=(), empty_label=None)

    #: key → (label, order_by fields). Only these keys are accepted.
    sort_options: dict[str, tuple[str, tuple[str, ...]]] = {}
    #: The ordering without a search text.
    default_sort: str = ""
    #: The ordering with a search text (relevance), if it differs from default_sort.
    search_sort: str = ""
    #: Whether the search text narrowed the list (set while filtering).
    searched: bool = False

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Always bound: an empty query string asks for the default list, not for no filtering.
        super().__init__(
            data if data is not None else QueryDict(),
            queryset,
            request=request,
            prefix=prefix,
        )
        if not self.sort_options:
            del self.filters["sort"]
        else:
            self.filters["sort"].extra["choices"] = [
                (key, label) for key, (label, _fields) in self.sort_options.items()
            ]
            self.filters["sort"].extra["required"] = False

    def get_form_class(self):
        form_class = super().get_form_class()
        # CharField validates against NUL characters, which PostgreSQL cannot store or compare;
        # make every other text field (choice, date, number) do the same before a lookup runs.
        for field in form_class.base_fields.values():
            if not isinstance(field, forms.CharField):
                field.validators.append(ProhibitNullCharactersValidator())
        return form_class

    # Validation ---------------------------------------------------------------------------

    @property
    def problems(self) -> list[str]:
        """One message per rejected value, `"<label>: <error>"`, in form order."""
        messages = []
        for name, errors in self.form.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                messages.extend(str(error) for error in errors)
                continue
            label = self.form.fields[name].label if name in self.form.fields else name
            messages.extend(f"{label}: {error}" for error in errors)
        return messages

    def cleaned(self, name, default=None):
        """The validated value of one filter (`default` when absent or invalid)."""
        self.errors  # noqa: B018 – validates the form once
        value = self.form.cleaned_data.get(name)
        return default if value in (None, "", [], ()) else value

    @property
    def search_text(self) -> str:
        return self.cleaned("q", "") if "q" in self.filters else ""

    @property
    def is_filtered(self) -> bool:
        """Whether any filter other than sort narrows the list."""
        self.errors  # noqa: B018
        return any(
            value not in (None, "", [], ())
            for name, value in self.form.cleaned_data.items()
            if name != "sort"
        )

    # Filtering ----------------------------------------------------------------------------

    def filter_queryset(self, queryset):
        """Apply every valid filter (invalid ones are in `problems` and left out), then order."""
        self.searched = False
        cleaned = self.form.cleaned_data
        for name, filter_ in self.filters.items():
            if name in cleaned:
                value = cleaned[name]
            elif getattr(filter_, "applies_without_value", False):
                value = None  # rejected value: the filter's default still holds
            else:
                continue
            filtered = filter_.filter(queryset, value)
            if isinstance(filter_, SearchFilter):
                # A text without a searchable word (punctuation, emoji) leaves the queryset
                # alone: then there is no relevance to sort by.
                self.searched = filtered is not queryset
            queryset = filtered
        return self.order_queryset(queryset)

    @property
    def sort_key(self) -> str:
        """The ordering in effect, always one of `sort_options` (or "" without any)."""
        self.qs  # noqa: B018 – filtering tells whether the search text was used
        return self._sort_key(searching=self.searched)

    def _sort_key(self, *, searching: bool) -> str:
        if not self.sort_options:
            return ""
        key = self.cleaned("sort", "")
        if not key:
            key = self.search_sort if searching and self.search_sort else self.default_sort
        if key == self.search_sort and not searching and key != self.default_sort:
            # Relevance without a search means nothing; fall back quietly.
            key = self.default_sort
        return key

    def order_queryset(self, queryset):
        key = self._sort_key(searching=self.searched)
        if not key:
            return queryset
        return queryset.order_by(*self.sort_options[key][1])
