"""The list-view base (talentportal.lists): tolerant pagination and capped counts, and every
list page of the project built on it (walked from the URL resolver, so a new list view that
does not extend the base fails)."""

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic.list import MultipleObjectMixin

from talentportal.lists import CappedPaginator, PortalListView, TolerantPaginationMixin
from talentportal.models import Region


def _views(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None:
                yield pattern.name, view_class


def test_every_list_page_extends_the_list_base():
    lists = {
        name: view_class
        for name, view_class in _views()
        if issubclass(view_class, MultipleObjectMixin)
        and view_class.__module__.split(".")[0] != "django"
    }
    assert lists, "the resolver yields the project's list views"
    without = sorted(
        name for name, view in lists.items() if not issubclass(view, TolerantPaginationMixin)
    )
    assert without == []


@pytest.mark.django_db
def test_the_count_stops_at_the_cap():
    regions = Region.objects.order_by("code")
    total = regions.count()
    paginator = CappedPaginator(regions, 10, cap=25)
    assert total > 25
    assert paginator.count == 25
    assert paginator.is_capped
    assert paginator.num_pages == 3
    uncapped = CappedPaginator(regions, 10, cap=total)
    assert uncapped.count == total
    assert not uncapped.is_capped


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "shown"), [("1", 1), ("2", 2), ("99", 3), ("-1", 1), ("0", 1), ("x", 1), ("", 1)]
)
def test_a_page_out_of_range_or_not_a_number_shows_the_nearest_page(asked, shown):
    class RegionList(PortalListView):
        queryset = Region.objects.order_by("code")
        paginate_by = 10
        count_cap = 25

    view = RegionList()
    view.setup(RequestFactory().get("/", {"page": asked}))
    view.object_list = view.get_queryset()
    context = view.get_context_data()
    assert context["page_obj"].number == shown
    assert context["is_capped"] is True
    assert context["cap"] == 25
