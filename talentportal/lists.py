"""The list-view base every list page extends: tolerant pagination and capped counts.

- Tolerant pagination: a page number that is not a number shows the first page, one past the
  end the last (Django's ListView answers 404), never a 500.
- Capped counts: the paginator counts at most `count_cap` rows (one bounded COUNT) and pages
  through those only, so that neither the count nor the OFFSET of a deep page scans a million
  rows. A list whose table can grow that large sets a cap its page explains ("only the first
  … are shown"); the context says `is_capped` and `cap`.

`PortalListView` is a plain ListView; `PortalFilterView` a django-filter FilterView with the
project's tolerant filters (`strict = False`), whose context also carries what the filter
set found (`problems`, `search_text`, `is_filtered`) and `result_count`.
"""

from django.core.paginator import InvalidPage, Paginator
from django.utils.functional import cached_property
from django.views.generic import ListView
from django_filters.views import FilterView

#: What a list counts and pages through at most, unless it sets its own cap.
DEFAULT_COUNT_CAP = 100_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (one bounded COUNT) and pages through those only. A page
    number that is not a number shows the first page, one past the end the last."""

    cap = DEFAULT_COUNT_CAP

    def __init__(self, object_list, per_page, *args, cap=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if cap is not None:
            self.cap = cap

    @cached_property
    def counted(self) -> int:
        """The number of rows, counted up to one past the cap."""
        if isinstance(self.object_list, list | tuple):
            return len(self.object_list)
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def is_capped(self) -> bool:
        return self.counted > self.cap

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except InvalidPage:
            try:
                number = int(number)
            except (TypeError, ValueError):
                return 1
            return max(1, min(number, self.num_pages))


class TolerantPaginationMixin:
    """List pagination that never answers 404 for a page number, with capped counts."""

    paginator_class = CappedPaginator
    #: The most rows this list counts and pages through; None: the paginator's default.
    count_cap: int | None = None

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        if self.count_cap is not None:
            kw["cap"] = self.count_cap
        return self.paginator_class(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page, **kw
        )

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = context.get("paginator")
        if paginator is not None:
            context.setdefault("is_capped", getattr(paginator, "is_capped", False))
            context.setdefault("cap", getattr(paginator, "cap", None))
        return context


class PortalListView(TolerantPaginationMixin, ListView):
    """A list page: tolerant pagination, capped count."""


class PortalFilterView(TolerantPaginationMixin, FilterView):
    """A filtered list page: tolerant filters (their problems are shown on the page), one
    bounded COUNT and one page of rows."""

    strict = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        context.update(
            problems=getattr(filterset, "problems", []),
            search_text=getattr(filterset, "search_text", ""),
            is_filtered=getattr(filterset, "is_filtered", False),
            result_count=context["paginator"].count if context.get("paginator") else 0,
        )
        return context
