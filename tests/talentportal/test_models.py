import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import override_settings
from django.utils import translation

from talentportal.models import Region, RegionLevel, User
from tests.talentportal.factories import IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_usernames_are_unique_regardless_of_case():
    UserFactory(username="LiWei")
    with pytest.raises(IntegrityError):
        UserFactory(username="liwei")


def test_emails_are_unique_regardless_of_case_but_may_be_blank():
    UserFactory(username="a", email="li.wei@example.com")
    UserFactory(username="b", email="")
    UserFactory(username="c", email="")
    with pytest.raises(IntegrityError):
        UserFactory(username="d", email="Li.Wei@Example.com")


def test_usernames_cannot_contain_an_at_sign():
    user = UserFactory.build(username="li@wei")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "username" in error.value.message_dict


def test_natural_key_accepts_username_or_email():
    user = UserFactory(username="zhangsan", email="zhang.san@example.com")
    assert User.objects.get_by_natural_key("ZhangSan") == user
    assert User.objects.get_by_natural_key("ZHANG.SAN@example.com") == user


def test_display_name_falls_back_to_username():
    assert str(UserFactory.build(username="wangwu", display_name="")) == "wangwu"
    assert str(UserFactory.build(username="wangwu", display_name="王五")) == "王五"


def test_region_names_follow_the_active_language_and_fall_back_to_chinese():
    region = Region(code="330100", level=RegionLevel.CITY, name_zh="杭州市", name_en="Hangzhou")
    untranslated = Region(code="330200", level=RegionLevel.CITY, name_zh="宁波市", name_en="")
    with translation.override("en"):
        assert region.name == "Hangzhou"
        assert untranslated.name == "宁波市"
    with translation.override("zh-hans"):
        assert region.name == "杭州市"


def test_region_code_prefix_follows_the_level():
    assert Region(code="330000", level=RegionLevel.PROVINCE).code_prefix == "33"
    assert Region(code="330100", level=RegionLevel.CITY).code_prefix == "3301"
    assert Region(code="330106", level=RegionLevel.COUNTY).code_prefix == "330106"


def test_database_rejects_a_malformed_region_code():
    with pytest.raises(IntegrityError):
        Region.objects.create(code="33010", level=RegionLevel.PROVINCE, name_zh="坏")


def test_database_rejects_a_city_without_a_parent():
    with pytest.raises(IntegrityError):
        Region.objects.create(code="990100", level=RegionLevel.CITY, name_zh="无上级市")


@override_settings(LANGUAGE_CODE="en")
def test_industry_english_name_falls_back_to_chinese():
    industry = IndustryFactory(name_zh="生物制造", name_en="")
    with translation.override("en"):
        assert industry.name == "生物制造"
