"""Factories for the shared workflow, through its first concrete user: service applications."""

import factory

from policies.models import ServiceApplication, ServiceItem
from talentportal.models import Region
from talentportal.workflow import reference_next
from tests.talentportal.factories import UserFactory, staff_member


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    name_zh = factory.Sequence(lambda n: f"高层次人才待遇确认{n}")
    name_en = factory.Sequence(lambda n: f"Confirmation of high-level talent benefits {n}")
    department_zh = "省委人才办"
    department_en = "Provincial Talent Office"
    region = factory.LazyFunction(lambda: Region.objects.get(code="330000"))
    description_zh = "确认省级高层次人才享受的待遇。"
    audience_zh = "经认定的高层次人才。"
    promised_days = 5
    is_published = True


class ServiceApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceApplication

    applicant = factory.SubFactory(UserFactory)
    service = factory.SubFactory(ServiceItemFactory)
    reference = factory.LazyFunction(lambda: reference_next("SV"))


def case_officer(**kwargs):
    """A staff member who may process service applications (not a superuser)."""
    return staff_member(app="policies", codenames=["change_serviceapplication"], **kwargs)
