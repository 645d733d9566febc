import re

import pytest

from talentportal.catalogues import load_catalogues, read_csv
from talentportal.models import Discipline, Industry, Region, RegionLevel

pytestmark = pytest.mark.django_db

ZHEJIANG, JIANGSU, TIANJIN = "330000", "320000", "120000"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


# The migrations load the catalogues: every database has them without further steps.


@pytest.mark.parametrize(
    ("province", "cities", "counties"),
    [
        (ZHEJIANG, 11, 90),  # 37 districts, 20 county-level cities, 33 counties
        (JIANGSU, 13, 95),  # 55 districts, 21 county-level cities, 19 counties
        (TIANJIN, 0, 16),
    ],
)
def test_every_city_and_county_of_the_three_provinces(province, cities, counties):
    below = Region.objects.within(region(province)).exclude(code=province)

    assert below.filter(level=RegionLevel.CITY).count() == cities
    assert below.filter(level=RegionLevel.COUNTY).count() == counties


def test_all_provincial_level_divisions_and_their_cities():
    assert Region.objects.provinces().count() == 34
    assert {"710000", "810000", "820000"} <= set(
        Region.objects.provinces().values_list("code", flat=True)
    )
    # 333 prefecture-level divisions; the four municipalities have none.
    assert Region.objects.filter(level=RegionLevel.CITY).count() == 333
    for municipality in ("110000", TIANJIN, "310000", "500000"):
        assert not Region.objects.filter(parent_id=municipality, level=RegionLevel.CITY).exists()


def test_codes_are_six_digits_and_share_their_parents_prefix():
    for code, parent_code, level in Region.objects.values_list("code", "parent", "level"):
        assert re.fullmatch(r"[1-8]\d{5}", code)
        if level == RegionLevel.PROVINCE:
            assert parent_code is None and code.endswith("0000")
        elif level == RegionLevel.CITY:
            assert parent_code == code[:2] + "0000" and code.endswith("00")
        else:
            assert parent_code in (code[:4] + "00", code[:2] + "0000")


def test_every_county_sits_under_a_city_or_tianjin():
    for county in Region.objects.filter(level=RegionLevel.COUNTY).select_related("parent"):
        assert county.parent.level == RegionLevel.CITY or county.parent.code == TIANJIN, county


def test_every_row_has_an_english_name():
    for model in (Region, Industry, Discipline):
        assert model.objects.exists()
        assert not model.objects.filter(name_en="").exists(), model
        assert not model.objects.filter(name_zh="").exists(), model


def test_within_zhejiang_is_one_query(django_assert_num_queries):
    zhejiang = region(ZHEJIANG)

    with django_assert_num_queries(1):
        regions = list(Region.objects.within(zhejiang))

    assert len(regions) == 1 + 11 + 90
    assert {r.level for r in regions} == {1, 2, 3}
    assert all(r.code.startswith("33") for r in regions)
    assert zhejiang in regions


def test_within_a_city_is_the_city_and_its_counties():
    hangzhou = Region.objects.within(region("330100"))

    names = set(hangzhou.values_list("name_zh", flat=True))
    assert {"杭州市", "西湖区", "余杭区", "临平区", "钱塘区", "淳安县", "建德市"} <= names
    assert "宁波市" not in names
    assert hangzhou.count() == 14


def test_tianjin_districts_sit_directly_under_the_municipality():
    districts = Region.objects.filter(parent_id=TIANJIN)

    assert districts.count() == 16
    assert set(districts.values_list("level", flat=True)) == {RegionLevel.COUNTY}
    assert region("120116").name_zh == "滨海新区"
    assert region("120116").name_en == "Binhai New Area"
    assert Region.objects.within(region(TIANJIN)).count() == 17


@pytest.mark.parametrize(
    ("code", "name_zh", "name_en"),
    [
        ("330000", "浙江省", "Zhejiang"),
        ("330106", "西湖区", "Xihu District"),
        ("330127", "淳安县", "Chun'an County"),
        ("330182", "建德市", "Jiande City"),
        ("330382", "乐清市", "Yueqing City"),
        ("330683", "嵊州市", "Shengzhou City"),
        ("331000", "台州市", "Taizhou"),
        ("331100", "丽水市", "Lishui"),
        ("330522", "长兴县", "Changxing County"),
        ("331127", "景宁畲族自治县", "Jingning She Autonomous County"),
        ("320116", "六合区", "Luhe District"),
        ("330103", None, None),  # 下城区, merged into 拱墅区 in 2021
        ("330104", None, None),  # 江干区, merged into 上城区 in 2021
        ("321183", "句容市", "Jurong City"),
        ("320830", "盱眙县", "Xuyi County"),
        ("320382", "邳州市", "Pizhou City"),
        ("320324", "睢宁县", "Suining County"),
        ("321322", "沭阳县", "Shuyang County"),
        ("321324", "泗洪县", "Sihong County"),
        ("320481", "溧阳市", "Liyang City"),
        ("320803", "淮安区", "Huai'an District"),
        ("320321", "丰县", "Feng County"),
        ("340300", "蚌埠市", "Bengbu"),
        ("341500", "六安市", "Lu'an"),
        ("610000", "陕西省", "Shaanxi"),
        ("140000", "山西省", "Shanxi"),
        ("650100", "乌鲁木齐市", "Urumqi"),
        ("653100", "喀什地区", "Kashgar Prefecture"),
    ],
)
def test_names(code, name_zh, name_en):
    if name_zh is None:
        assert not Region.objects.filter(code=code).exists()
    else:
        assert (region(code).name_zh, region(code).name_en) == (name_zh, name_en)


def test_development_zones_are_not_divisions():
    # Statistical code lists carry zones such as 苏州工业园区 (320576); GB/T 2260 does not.
    assert not Region.objects.filter(code__regex=r"^\d{4}7\d$").exists()


def test_industries():
    kinds = {kind: set() for kind in ("section", "strategic", "future")}
    for code, kind in Industry.objects.values_list("code", "kind"):
        kinds[kind].add(code)

    assert kinds["section"] == {f"section-{letter}" for letter in "abcdefghijklmnopqrst"}
    assert {"integrated-circuits", "artificial-intelligence", "digital-economy"} <= kinds[
        "strategic"
    ]
    assert {"financial-leasing", "new-energy-vehicles", "aerospace"} <= kinds["strategic"]
    assert len(kinds["future"]) == 8
    assert Industry.objects.get(code="section-i").name_zh == "信息传输、软件和信息技术服务业"
    assert Industry.objects.get(code="cell-and-gene-therapy").name_en == "Cell and gene therapy"


def test_disciplines():
    categories = Discipline.objects.filter(level=1)
    assert list(categories.values_list("code", flat=True)) == [f"{n:02}" for n in range(1, 15)]
    assert categories.get(code="14").name_zh == "交叉学科"

    first_level = Discipline.objects.filter(level=2)
    academic = [code for code in first_level.values_list("code", flat=True) if code[2:] < "51"]
    assert len(academic) == 117  # 2022 catalogue: 117 first-level disciplines
    assert first_level.count() - len(academic) == 67  # and 67 professional-degree categories
    for discipline in first_level:
        assert discipline.parent_id == discipline.code[:2]
    assert Discipline.objects.get(code="0812").name_en == "Computer Science and Technology"
    assert Discipline.objects.get(code="1401").name_zh == "集成电路科学与工程"
    assert not Discipline.objects.filter(code="0834").exists()  # 风景园林学 left in 2022


def test_csv_files_and_database_agree():
    assert Region.objects.count() == len(read_csv("regions.csv"))
    assert Industry.objects.count() == len(read_csv("industries.csv"))
    assert Discipline.objects.count() == len(read_csv("disciplines.csv"))


def test_load_catalogues_is_idempotent_and_restores_names():
    before = (Region.objects.count(), Industry.objects.count(), Discipline.objects.count())
    Region.objects.filter(code="330100").update(name_en="Hang Zhou")
    Industry.objects.filter(code="section-a").update(position=999, is_active=False)

    counts = load_catalogues()
    again = load_catalogues()

    assert (
        counts == again == {"regions": before[0], "industries": before[1], "disciplines": before[2]}
    )
    assert (Region.objects.count(), Industry.objects.count(), Discipline.objects.count()) == before
    assert region("330100").name_en == "Hangzhou"
    # Staff curate the order and activation of industries: a reload keeps them.
    section_a = Industry.objects.get(code="section-a")
    assert (section_a.position, section_a.is_active) == (999, False)


def test_load_catalogues_fills_an_empty_database():
    Region.objects.filter(level=RegionLevel.COUNTY).delete()
    Region.objects.filter(level=RegionLevel.CITY).delete()
    Region.objects.all().delete()
    Discipline.objects.filter(level=2).delete()
    Discipline.objects.all().delete()
    Industry.objects.all().delete()

    counts = load_catalogues()

    assert Region.objects.count() == counts["regions"] == 34 + 333 + 16 + 95 + 90
    assert Industry.objects.count() == counts["industries"]
    assert Discipline.objects.count() == counts["disciplines"] == 14 + 117 + 67
    assert region("330106").parent.parent == region(ZHEJIANG)
