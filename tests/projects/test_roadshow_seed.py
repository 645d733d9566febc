import io
import random

import pytest

from projects.demo.roadshows import FULL_SALON, seed_roadshows
from projects.models import Investor, Project, Registration, Roadshow

pytestmark = pytest.mark.django_db


def _seed():
    seed_roadshows(scale="small", rng=random.Random(1), stdout=io.StringIO())


def test_seed_is_idempotent_and_has_the_named_events_and_a_waiting_list():
    _seed()
    counts = (Project.objects.count(), Investor.objects.count(), Roadshow.objects.count())
    registrations = Registration.objects.count()
    titles = list(Project.objects.order_by("pk").values_list("title_zh", flat=True)[:20])
    assert counts[0] >= 120 and counts[1] >= 200
    _seed()
    assert (Project.objects.count(), Investor.objects.count(), Roadshow.objects.count()) == counts
    assert Registration.objects.count() == registrations
    assert list(Project.objects.order_by("pk").values_list("title_zh", flat=True)[:20]) == titles

    names = set(Roadshow.objects.values_list("title_zh", flat=True))
    assert {"第三届“淮安人才日”", "长三角全球科创项目露天路演", "青年人才浙江行"} <= names
    full = Roadshow.objects.get(title_zh=FULL_SALON)
    assert (full.registered_count, full.waitlisted_count) == (full.capacity, 6)
    assert Project.objects.published().count() > 100
    assert Project.objects.search("激光雷达").exists()
