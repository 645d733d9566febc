import factory

from talentportal.models import AccountKind, Discipline, Industry, Region, RegionLevel, User

PASSWORD = "correct-horse-battery-staple"


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
    kind = AccountKind.STAFF
    is_staff = True
    is_superuser = True


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{810000 + n * 100}")
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
