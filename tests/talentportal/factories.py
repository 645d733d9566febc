import factory
from django.contrib.auth.models import Group, Permission

from talentportal.models import AccountKind, Discipline, Industry, Region, RegionLevel, User

PASSWORD = "correct-horse-battery-staple"
UNUSED_PROVINCE_PREFIXES = [16, 17, 18, 19, 24, 25, 26, 27, 28, 29, 38, 39, 47, 48, 49, 55, 56, 57]
UNUSED_PROVINCE_PREFIXES += [58, 59, 66, 67, 68, 69, 72, 73, 74, 75, 76, 77, 78, 79, 83, 84, 85]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Faker("name", locale="zh_CN")
    kind = AccountKind.TALENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    """A superuser of the office. For anyone with less, use `staff_member`."""

    kind = AccountKind.STAFF
    is_staff = True
    is_superuser = True


def staff_member(
    *, role: str | None = None, app: str = "", codenames=(), staff_region=None, **kwargs
) -> User:
    """A staff account as the office makes them, not a superuser: in one of the roles of
    talentportal/roles.py (`roles.CASE_OFFICER` ...), and/or with the permissions `codenames`
    of `app` (all of the app's when `codenames` is empty and `app` is given); scoped to
    `staff_region` when given, as a city's or county's officer is."""
    user = StaffFactory(is_superuser=False, staff_region=staff_region, **kwargs)
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    if app:
        permissions = Permission.objects.filter(content_type__app_label=app)
        if codenames:
            permissions = permissions.filter(codename__in=codenames)
        user.user_permissions.add(*permissions)
    return User.objects.get(pk=user.pk)  # a fresh permission cache


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    # Province codes that no real division uses, so test regions never nest in real ones.
    code = factory.Iterator([f"{prefix}0000" for prefix in UNUSED_PROVINCE_PREFIXES])
    level = RegionLevel.PROVINCE
    name_zh = factory.Sequence(lambda n: f"测试省{n}")
    name_en = factory.Sequence(lambda n: f"Test Province {n}")


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"test-industry-{n}")
    kind = "strategic"
    name_zh = factory.Sequence(lambda n: f"测试产业{n}")
    name_en = factory.Sequence(lambda n: f"Test industry {n}")


class DisciplineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discipline
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{90 + n % 10}")
    level = 1
    name_zh = factory.Sequence(lambda n: f"测试学科{n}")
