"""Policy search as people ask (issue #15): sub-words, the thesaurus, benefits and Q&A, English
forms, highlighting, suggestions when nothing is found, and the admin's thesaurus."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from policies.models import Benefit, Category, Interpretation, Policy
from talentportal.models import SearchSynonym
from talentportal.roles import CONTENT_EDITOR, sync_roles
from tests.auth_helpers import login_verified
from tests.policies.factories import (
    BenefitFactory,
    InterpretationFactory,
    PolicyFactory,
)
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db

INDEX = "/policies/"


def found(query, **kwargs):
    return list(Policy.objects.published().filter(**kwargs).search(query))


def results(client, query, prefix=""):
    response = client.get(prefix + INDEX, {"q": query})
    assert response.status_code == 200
    return list(response.context["page_obj"].object_list), response.content.decode()


@pytest.fixture
def thesaurus():
    """The seeded thesaurus (the data migration's rows may be gone in a flushed database)."""
    from talentportal.catalogues import load_thesaurus

    load_thesaurus()


# Sub-words ------------------------------------------------------------------------------


def test_a_compound_finds_documents_that_write_it_in_parts_and_ranks_the_whole_first():
    parts = PolicyFactory(
        title_zh="住房保障办法",
        summary_zh="为人才提供住房方面的补贴。",
        issued_on=datetime.date(2025, 1, 1),
    )
    whole = PolicyFactory(
        title_zh="人才政策汇编",
        summary_zh="给予住房补贴。",
        issued_on=datetime.date(2020, 1, 1),
    )
    PolicyFactory(title_zh="创业资助办法", summary_zh="给予创业补贴。")
    assert found("住房补贴") == [whole, parts]
    assert found("住房 补贴") == found("住房补贴")


def test_a_part_of_a_compound_is_found_and_highlighted(client):
    program = PolicyFactory(title_zh="浙江省“万人计划”实施办法", summary_zh="遴选杰出人才。")
    apartment = PolicyFactory(title_zh="常州市人才公寓管理办法", summary_zh="面向各类人才配租。")
    stats = PolicyFactory(title_zh="人才工作情况通报", summary_zh="新引进大学生13.2万人。")
    listed, body = results(client, "万人")
    assert listed[0] == program and stats in listed
    assert "<mark>万人</mark>" in body
    listed, body = results(client, "公寓")
    assert listed == [apartment]
    assert "人才<mark>公寓</mark>" in body.replace("\u200b", "")
    listed, body = results(client, "博士")
    assert listed == []


def test_a_single_character_finds_the_titles_that_hold_it():
    loan = PolicyFactory(title_zh="人才贷产品指引")
    PolicyFactory(title_zh="人才公寓管理办法")
    assert found("贷") == [loan]


def test_chinese_question_words_are_ignored():
    settle = PolicyFactory(title_zh="博士安家补贴办法")
    assert found("博士有什么安家补贴") == [settle]


# Thesaurus ------------------------------------------------------------------------------


def test_synonyms_find_what_the_policies_call_otherwise_ranked_below_direct_matches(thesaurus):
    direct = PolicyFactory(title_zh="鄞州区人才房配租办法", issued_on=datetime.date(2020, 1, 1))
    synonym = PolicyFactory(title_zh="常州市人才公寓管理办法", issued_on=datetime.date(2025, 1, 1))
    PolicyFactory(title_zh="创业资助办法")
    assert found("人才房") == [direct, synonym]
    # Two-way: the synonym finds the term too.
    assert found("人才公寓") == [synonym, direct]


def test_a_broader_term_finds_the_narrower_ones_but_not_the_reverse(thesaurus):
    purchase = PolicyFactory(title_zh="高层次人才购房补贴实施细则")
    rent = PolicyFactory(title_zh="青年人才租房补贴办法")
    housing = PolicyFactory(title_zh="人才住房补贴管理办法")
    assert set(found("住房补贴")) == {purchase, rent, housing}
    assert found("住房补贴")[0] == housing
    assert found("购房补贴") == [purchase]


def test_the_issues_synonyms(thesaurus):
    returnee = PolicyFactory(title_zh="留学回国人员创业扶持办法")
    one_visit = PolicyFactory(title_zh="人才服务“最多跑一次”改革方案")
    zero_visit = PolicyFactory(title_zh="人才服务“一次都不跑”事项清单")
    postdoc = PolicyFactory(title_zh="博士后研究人员生活补贴办法")
    assert found("海归") == [returnee]
    assert set(found("跑一次")) == {one_visit, zero_visit}
    assert set(found("一次都不跑")) == {one_visit, zero_visit}
    assert found("一次都不跑")[0] == zero_visit
    assert found("博士后") == [postdoc]


def test_a_synonym_staff_add_is_used_by_the_next_search_without_reindexing():
    policy = PolicyFactory(title_zh="高层次人才网上办理服务指南")
    assert found("码上办") == []
    entry = SearchSynonym.objects.create(term="码上办", alternatives=["网上办理"])
    assert found("码上办") == [policy]
    entry.delete()
    assert found("码上办") == []


def test_latin_terms_of_the_thesaurus_match_whole_words_only():
    SearchSynonym.objects.create(term="rent", alternatives=["lease"])
    lease = PolicyFactory(title_zh="租约", title_en="Lease rules")
    assert found("rent") == [lease]
    assert found("parent") == []


# Benefits and interpretations -----------------------------------------------------------


def test_benefits_and_interpretations_are_searched_below_the_title_and_say_so(thesaurus):
    community = PolicyFactory(title_zh="常州市人才社区建设实施意见", title_en="Talent communities")
    BenefitFactory(
        policy=community,
        title_zh="社区入住租金补贴",
        title_en="Rent subsidy in the community",
        description_zh="按月补贴租金。",
        description_en="A monthly rent allowance.",
    )
    titled = PolicyFactory(title_zh="宁波市青年人才租房补贴办法", title_en="Rent subsidies")
    qa = PolicyFactory(title_zh="人才政策问答", title_en="Questions")
    InterpretationFactory(policy=qa, question_zh="人才社区怎么申请？", answer_zh="网上申请。")

    assert found("租房补贴") == [titled, community]
    assert found("rent subsidy") == [titled, community]
    result = found("社区入住")[0]
    assert result == community and result.matched_in == ["c"]
    assert set(found("人才社区")) == {community, qa}


def test_the_result_says_where_it_matched(client):
    policy = PolicyFactory(title_zh="人才政策", summary_zh="综合性的政策。")
    BenefitFactory(policy=policy, title_zh="鲲鹏计划项目资助", title_en="Kunpeng funding")
    _listed, body = results(client, "鲲鹏")
    assert "匹配于： 福利待遇和问答" in body
    _listed, body = results(client, "鲲鹏", prefix="/en")
    assert "Found in: benefits and Q&amp;A" in body


def test_every_write_path_of_benefits_and_interpretations_keeps_the_policy_searchable():
    policy = PolicyFactory(title_zh="综合政策")
    benefit = BenefitFactory(policy=policy, title_zh="海河英才奖励")
    assert found("海河英才") == [policy]
    Benefit.objects.filter(pk=benefit.pk).update(title_zh="鲲鹏计划奖励")
    assert found("海河英才") == [] and found("鲲鹏计划") == [policy]
    benefit.refresh_from_db()
    benefit.title_zh = "甬江人才奖励"
    benefit.save(update_fields=["title_zh"])
    assert found("鲲鹏计划") == [] and found("甬江人才") == [policy]
    Interpretation.objects.bulk_create(
        [Interpretation(policy=policy, question_zh="龙城英才如何申报？", answer_zh="网上申报。")]
    )
    assert found("龙城英才") == [policy]
    Interpretation.objects.filter(policy=policy).delete()
    benefit.delete()
    assert found("龙城英才") == [] and found("甬江人才") == []
    # A stale copy of the policy saved later does not bring the old text back.
    other = PolicyFactory(title_zh="另一政策")
    stale = Policy.objects.get(pk=other.pk)
    BenefitFactory(policy=other, title_zh="人才飞地补助")
    stale.save()
    assert found("人才飞地") == [other]


# English ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("subsidy", "Rent subsidies for young talents"),
        ("subsidies", "Rent subsidy for young talents"),
        ("industry", "Talents for future industries"),
        ("industries", "Talents for a future industry"),
    ],
)
def test_english_words_are_found_in_every_form_and_highlighted(client, query, title):
    policy = PolicyFactory(title_zh="青年人才政策", title_en=title)
    PolicyFactory(title_zh="其他", title_en="Other measures")
    listed, body = results(client, query, prefix="/en")
    assert listed == [policy]
    word = title.split()[1] if "Rent" in title else title.split()[-1]
    assert f"<mark>{word}</mark>" in body
    # On the Chinese pages the English title shows the match.
    listed, body = results(client, query)
    assert listed == [policy] and f"<mark>{word}</mark>" in body


def test_a_chinese_query_on_the_english_pages_shows_the_chinese_title_matched(client):
    PolicyFactory(title_zh="常州市人才公寓管理办法", title_en="Changzhou measures")
    _listed, body = results(client, "人才公寓", prefix="/en")
    assert "<mark>人才公寓</mark>" in body.replace("\u200b", "")


# No result ---------------------------------------------------------------------------------


def test_no_result_suggests_synonyms_words_categories_and_the_calculator(client, thesaurus):
    PolicyFactory(title_zh="常州市人才公寓管理办法", categories=[Category.HOUSING])
    PolicyFactory(title_zh="人才补贴资金管理办法", categories=[Category.SUBSIDIES_AWARDS])
    response = client.get(INDEX, {"q": "人才公寓 航天补贴"})
    assert response.context["result_count"] == 0
    suggestions = response.context["suggestions"]
    assert "人才公寓" in suggestions.words
    assert {value for value, _label in suggestions.categories} >= {"housing"}
    body = response.content.decode()
    assert reverse("policies:calculator") in body
    assert "?q=%E4%BA%BA%E6%89%8D%E5%85%AC%E5%AF%93" in body  # 人才公寓


def test_no_result_suggests_the_nearest_thesaurus_terms(client, thesaurus):
    response = client.get(INDEX, {"q": "人才安居补助"})
    assert response.context["result_count"] == 0
    assert response.context["suggestions"].synonyms


def test_the_no_result_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    PolicyFactory.create_batch(3, title_zh="人才公寓管理办法")
    with django_assert_max_num_queries(9):
        client.get(INDEX, {"q": "航天 补贴 火箭 卫星 宇航"})


# Speed ---------------------------------------------------------------------------------


def test_every_tier_of_a_search_is_served_by_the_gin_index(thesaurus):
    PolicyFactory.create_batch(3)
    for query in ("住房补贴", "人才房", "subsidies", "杭州 博士 生活补贴"):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = Policy.objects.search(query).explain()
        assert "policy_search_vector" in plan, plan


# Admin ---------------------------------------------------------------------------------


def content_editor():
    """A staff member with the content editor role only (no superuser)."""
    sync_roles()
    user = UserFactory(kind="staff", is_staff=True, is_superuser=False)
    user.groups.set([Group.objects.get(name=CONTENT_EDITOR)])
    return user


def test_staff_add_a_synonym_in_the_admin_and_the_next_search_uses_it(client):
    policy = PolicyFactory(title_zh="高层次人才网上办理服务指南", title_en="Online services")
    login_verified(client, content_editor())
    response = client.post(
        reverse("admin:talentportal_searchsynonym_add"),
        {
            "term": " 码上办 ",
            "alternatives": "网上办理，掌上办理\nOnline Service",
            "mutual": "on",
            "language": "mixed",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = SearchSynonym.objects.get(term="码上办")
    assert entry.term == "码上办"
    assert entry.alternatives == ["网上办理", "掌上办理", "online service"]
    listed, _body = results(client, "码上办")
    assert listed == [policy]
    # The policy admin's search uses the same search.
    response = client.get(reverse("admin:policies_policy_changelist"), {"q": "码上办"})
    assert policy in response.context["cl"].result_list


def test_the_policy_admin_search_takes_any_text(client):
    PolicyFactory(title_zh="人才公寓管理办法")
    login_verified(client, UserFactory(kind="staff", is_staff=True, is_superuser=True))
    for text in ("人才\x00公寓", "' OR 1=1 --", "a:* | !b", "（）"):
        response = client.get(reverse("admin:policies_policy_changelist"), {"q": text})
        # NUL: Django's admin answers with its "?e=1" redirect; never a server error.
        assert response.status_code in (200, 302), text


def test_the_admin_refuses_a_synonym_list_without_another_word(client):
    login_verified(client, content_editor())
    response = client.post(
        reverse("admin:talentportal_searchsynonym_add"),
        {"term": "人才房", "alternatives": "人才房, ", "mutual": "on", "language": "zh"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not SearchSynonym.objects.filter(term="人才房", alternatives=["人才房"]).exists()
