import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import translation

from policies.models import Policy, PolicyStatus, policy_reindex
from tests.policies.factories import PolicyFactory, region
from tests.talentportal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def titles(queryset):
    return [p.title_zh for p in queryset]


# Search


@pytest.fixture
def apartment_policies():
    in_title = PolicyFactory(
        title_zh="杭州市人才公寓建设管理办法",
        title_en="Measures of Hangzhou for building and managing talent apartments",
        summary_zh="规范人才公寓的建设、分配和管理。",
        summary_en="How talent apartments are built, allocated and managed.",
    )
    in_body = PolicyFactory(
        title_zh="宁波市高层次人才住房保障实施细则",
        title_en="Ningbo rules on housing for high-level talent",
        summary_zh="购房补贴和租房补贴。",
        summary_en="Housing purchase and rent subsidies.",
        body_zh="<p>第八条 符合条件的人才可申请入住人才公寓。</p>",
        body_en="<p>Article 8. Eligible talent may apply for a talent apartment.</p>",
    )
    unrelated = PolicyFactory(
        title_zh="常州市大学生实习补贴办法",
        title_en="Changzhou internship subsidies for college students",
        summary_zh="实习补贴每月一千元。",
        summary_en="An internship subsidy of 1,000 yuan a month.",
    )
    return in_title, in_body, unrelated


@pytest.mark.parametrize("query", ["人才公寓", "talent apartment", "Talent Apartment"])
def test_a_title_match_ranks_above_a_body_match(apartment_policies, query):
    in_title, in_body, _unrelated = apartment_policies
    results = list(Policy.objects.search(query))
    assert results == [in_title, in_body]
    assert results[0].rank > results[1].rank


def test_a_chinese_word_inside_a_compound_is_found(apartment_policies):
    in_title, in_body, _unrelated = apartment_policies
    assert set(Policy.objects.search("公寓")) == {in_title, in_body}


def test_every_word_of_the_query_must_match(apartment_policies):
    in_title, _in_body, _unrelated = apartment_policies
    assert list(Policy.objects.search("杭州 人才公寓")) == [in_title]
    assert list(Policy.objects.search("人才公寓 滨海")) == []


def test_the_matching_words_are_highlighted_in_chinese(apartment_policies):
    result = Policy.objects.search("人才公寓").first()
    assert "<mark>人才公寓</mark>" in result.title_headline
    assert result.title_headline.replace("\u200b", "").replace("<mark>", "").replace(
        "</mark>", ""
    ) == ("杭州市人才公寓建设管理办法")
    assert "<mark>人才公寓</mark>" in result.summary_headline


def test_the_matching_words_are_highlighted_in_english(apartment_policies):
    with translation.override("en"):
        result = Policy.objects.search("talent apartment").first()
    assert "<mark>talent</mark> <mark>apartments</mark>" in result.title_headline
    assert "<mark>talent</mark> <mark>apartments</mark>" in result.summary_headline


def test_a_headline_never_carries_markup_from_the_text():
    PolicyFactory(title_zh="<script>alert(1)</script>人才公寓", title_en="<b>talent</b> apartment")
    result = Policy.objects.search("人才公寓").get()
    assert "<script>" not in result.title_headline
    assert "&lt;script&gt;" in result.title_headline.replace("\u200b", "")
    with translation.override("en"):
        result = Policy.objects.search("talent").get()
    assert result.title_headline.startswith("&lt;b&gt;<mark>talent</mark>")


@pytest.mark.parametrize("query", [None, "", "   ", "，。！", "&|!():*"])
def test_a_query_without_words_leaves_the_queryset_unchanged(apartment_policies, query):
    queryset = Policy.objects.order_by("pk")
    assert list(queryset.search(query)) == list(queryset)


def test_search_syntax_in_the_query_is_harmless(apartment_policies):
    in_title, in_body, unrelated = apartment_policies
    # The quote, OR and = are no syntax: the query means the words 人才公寓 and 1 (a prefix,
    # which a factory's document number may hold), exactly as typed without them.
    injected = list(Policy.objects.search("人才公寓') OR 1=1 --").order_by("pk"))
    assert injected == list(Policy.objects.search("人才公寓 1").order_by("pk"))
    assert unrelated not in injected
    assert list(Policy.objects.search("talent & !apartment | (")) == [in_title, in_body]


def test_an_english_word_matches_by_prefix(apartment_policies):
    in_title, in_body, _ = apartment_policies
    assert set(Policy.objects.search("apart")) == {in_title, in_body}


def test_the_document_number_and_authority_are_searchable():
    policy = PolicyFactory(
        document_number="浙人才〔2023〕3号", authority_zh="中共浙江省委人才工作领导小组"
    )
    PolicyFactory()
    assert list(Policy.objects.search("浙人才")) == [policy]
    assert list(Policy.objects.search("领导小组 浙江")) == [policy]


# The search vector stays current on every write path.


def _vector(policy):
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM policies_policy WHERE id = %s", [policy.pk])
        return cursor.fetchone()[0]


def test_the_vector_follows_save():
    policy = PolicyFactory(title_zh="淮安市人才新政", body_zh="")
    assert "'淮安':" in _vector(policy)
    policy.title_zh = "滨海新区鲲鹏计划"
    policy.save()
    assert "'淮安':" not in _vector(policy)
    assert list(Policy.objects.search("鲲鹏计划")) == [policy]


def test_the_vector_follows_save_with_update_fields():
    policy = PolicyFactory(title_zh="淮安市人才新政")
    policy.summary_zh = "海河英才行动计划"
    policy.save(update_fields=["summary_zh"])
    assert list(Policy.objects.search("海河英才")) == [policy]


def test_the_vector_follows_a_queryset_update():
    policy = PolicyFactory(title_zh="淮安市人才新政")
    other = PolicyFactory(title_zh="常州市龙城英才计划")
    Policy.objects.filter(pk=policy.pk).update(title_zh="滨海新区鲲鹏计划")
    assert list(Policy.objects.search("鲲鹏")) == [policy]
    assert list(Policy.objects.search("淮安")) == []
    assert list(Policy.objects.search("龙城")) == [other]


def test_the_vector_follows_bulk_create_and_bulk_update():
    hangzhou = region("330100")
    created = Policy.objects.bulk_create(
        [
            Policy(title_zh="杭州市人才码服务办法", authority_zh="杭州市委人才办", region=hangzhou),
            Policy(title_zh="杭州市博士后资助办法", authority_zh="杭州市人社局", region=hangzhou),
        ]
    )
    assert list(Policy.objects.search("人才码")) == [created[0]]
    created[1].summary_en = "Postdoctoral funding of Hangzhou"
    Policy.objects.bulk_update([created[1]], ["summary_en"])
    assert list(Policy.objects.search("postdoctoral")) == [created[1]]


def test_policy_reindex_repairs_text_written_with_raw_sql():
    policy = PolicyFactory(title_zh="淮安市人才新政")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE policies_policy SET title_zh = '海河英才行动计划' WHERE id = %s", [policy.pk]
        )
    assert list(Policy.objects.search("海河英才")) == []
    assert policy_reindex(Policy.objects.filter(pk=policy.pk)) == 1
    assert list(Policy.objects.search("海河英才")) == [policy]
    assert list(Policy.objects.search("淮安")) == []


def test_a_search_uses_the_gin_index():
    PolicyFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Policy.objects.search("人才公寓").explain()
    assert "policy_search_vector" in plan


# Regions


@pytest.fixture
def regional_policies():
    return {
        code: PolicyFactory(region=region(code), title_zh=f"政策{code}")
        for code in ("330000", "330100", "330106", "330200", "320000", "320400", "120116")
    }


def test_in_region_includes_the_regions_below(regional_policies):
    def codes(queryset):
        return sorted(p.region_id for p in queryset)

    assert codes(Policy.objects.in_region(region("330000"))) == [
        "330000",
        "330100",
        "330106",
        "330200",
    ]
    assert codes(Policy.objects.in_region(region("330100"))) == ["330100", "330106"]
    assert codes(Policy.objects.in_region(region("330106"))) == ["330106"]
    assert codes(Policy.objects.in_region(region("120000"))) == ["120116"]


def test_applicable_in_includes_the_regions_above(regional_policies):
    def codes(queryset):
        return sorted(p.region_id for p in queryset)

    assert codes(Policy.objects.applicable_in(region("330106"))) == ["330000", "330100", "330106"]
    assert codes(Policy.objects.applicable_in(region("330200"))) == ["330000", "330200"]
    assert codes(Policy.objects.applicable_in(region("320400"))) == ["320000", "320400"]
    # Tianjin's districts sit directly under the municipality.
    assert codes(Policy.objects.applicable_in(region("120116"))) == ["120116"]
    PolicyFactory(region=region("120000"))
    assert codes(Policy.objects.applicable_in(region("120116"))) == ["120000", "120116"]


def test_region_queries_do_not_join(regional_policies):
    assert "JOIN" not in str(Policy.objects.in_region(region("330000")).query)
    assert "JOIN" not in str(Policy.objects.applicable_in(region("330106")).query)


# Status and visibility


@pytest.fixture
def by_status():
    return {status: PolicyFactory(status=status) for status in PolicyStatus.values}


def test_published(by_status):
    assert list(Policy.objects.published()) == [by_status[PolicyStatus.PUBLISHED]]


def test_drafts_are_hidden_from_the_public(by_status):
    for user in (AnonymousUser(), UserFactory()):
        visible = set(Policy.objects.visible_to(user))
        assert visible == set(by_status.values()) - {by_status[PolicyStatus.DRAFT]}


def test_province_wide_staff_see_every_draft(by_status):
    assert set(Policy.objects.visible_to(StaffFactory(is_superuser=False))) == set(
        by_status.values()
    )


def test_region_staff_see_the_drafts_of_their_region_only():
    hangzhou_draft = PolicyFactory(status=PolicyStatus.DRAFT, region=region("330106"))
    ningbo_draft = PolicyFactory(status=PolicyStatus.DRAFT, region=region("330200"))
    ningbo_published = PolicyFactory(region=region("330200"))
    staff = StaffFactory(is_superuser=False, staff_region=region("330100"))
    assert set(Policy.objects.visible_to(staff)) == {hangzhou_draft, ningbo_published}
    assert ningbo_draft not in Policy.objects.visible_to(staff)
    assert set(Policy.objects.editable_by(staff)) == {hangzhou_draft}


def test_only_staff_may_edit():
    policy = PolicyFactory()
    assert list(Policy.objects.editable_by(UserFactory())) == []
    assert list(Policy.objects.editable_by(AnonymousUser())) == []
    assert list(Policy.objects.editable_by(StaffFactory(is_superuser=False))) == [policy]
    assert list(Policy.objects.editable_by(StaffFactory(is_active=False))) == []


def test_stale_policies_were_not_reviewed_for_a_year():
    today = datetime.date(2025, 6, 1)
    never = PolicyFactory(last_reviewed_on=None)
    old = PolicyFactory(last_reviewed_on=datetime.date(2024, 5, 31))
    PolicyFactory(last_reviewed_on=datetime.date(2024, 6, 2))
    PolicyFactory(status=PolicyStatus.REPEALED, last_reviewed_on=None)
    assert set(Policy.objects.stale(today)) == {never, old}


def test_broken_source_links():
    broken = PolicyFactory(source_ok=False)
    PolicyFactory(source_ok=True)
    PolicyFactory(source_ok=None)
    assert list(Policy.objects.broken_source()) == [broken]
