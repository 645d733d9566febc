import datetime

import factory

from policies.models import (
    Benefit,
    BenefitKind,
    Category,
    Interpretation,
    Period,
    Policy,
    PolicyFollow,
    PolicyStatus,
    SavedProfile,
)
from talentportal.models import Region, RegionLevel
from tests.talentportal.factories import UserFactory

#: Real divisions the tests use, with their parents, so that tests do not depend on the
#: catalogue migration's data being present.
REGIONS = {
    "330000": ("浙江省", "Zhejiang", None),
    "330100": ("杭州市", "Hangzhou", "330000"),
    "330106": ("西湖区", "Xihu District", "330100"),
    "330110": ("余杭区", "Yuhang District", "330100"),
    "330200": ("宁波市", "Ningbo", "330000"),
    "330212": ("鄞州区", "Yinzhou District", "330200"),
    "320000": ("江苏省", "Jiangsu", None),
    "320400": ("常州市", "Changzhou", "320000"),
    "320800": ("淮安市", "Huai'an", "320000"),
    "120000": ("天津市", "Tianjin", None),
    "120116": ("滨海新区", "Binhai New Area", "120000"),
}


def region(code: str) -> Region:
    """The real region with this code, created (with its ancestors) if the catalogue is not
    loaded."""
    name_zh, name_en, parent_code = REGIONS[code]
    parent = region(parent_code) if parent_code else None
    level = RegionLevel.PROVINCE if parent is None else parent.level + 1
    obj, _created = Region.objects.get_or_create(
        code=code,
        defaults={"parent": parent, "level": level, "name_zh": name_zh, "name_en": name_en},
    )
    return obj


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy
        skip_postgeneration_save = True

    title_zh = factory.Sequence(lambda n: f"测试政策第{n}号")
    title_en = factory.Sequence(lambda n: f"Test policy no. {n}")
    summary_zh = "关于测试的政策摘要。"
    summary_en = "A summary for testing."
    authority_zh = "测试人才工作领导小组办公室"
    authority_en = "Test Talent Work Leading Group Office"
    document_number = factory.Sequence(lambda n: f"测人才〔2024〕{n}号")
    region = factory.LazyFunction(lambda: region("330100"))
    categories = factory.LazyFunction(lambda: [Category.HOUSING])
    talent_groups = factory.LazyFunction(list)
    issued_on = datetime.date(2024, 3, 1)
    effective_on = datetime.date(2024, 4, 1)
    status = PolicyStatus.PUBLISHED


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benefit
        skip_postgeneration_save = True

    policy = factory.SubFactory(PolicyFactory)
    kind = BenefitKind.HOUSING_SUBSIDY
    title_zh = factory.Sequence(lambda n: f"测试补贴{n}")
    title_en = factory.Sequence(lambda n: f"Test subsidy {n}")
    amount_max = 100_000
    period = Period.ONCE

    @factory.post_generation
    def industries(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.industries.set(extracted)


class InterpretationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interpretation

    policy = factory.SubFactory(PolicyFactory)
    question_zh = factory.Sequence(lambda n: f"问题{n}？")
    answer_zh = "答复。"


class PolicyFollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyFollow

    user = factory.SubFactory(UserFactory)
    region = None
    category = ""


class SavedProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.regions.set(extracted)
