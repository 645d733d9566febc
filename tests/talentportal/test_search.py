import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db.models import Value

from talentportal.search import MAX_QUERY_TOKENS, document_tokens, query_tokens, search_query


def matches(document: str, query: str) -> bool:
    """Whether PostgreSQL finds the query in the document, through the real tsvector path."""
    vector = SearchVector(Value(document_tokens(document)), config="simple")
    # Any table with rows will do: the expression depends only on the document.
    return ContentType.objects.annotate(vector=vector).filter(vector=search_query(query)).exists()


def test_chinese_text_is_segmented_with_the_policy_dictionary():
    tokens = document_tokens("杭州市人才公寓租金补贴申请办法").split()
    assert {"杭州市", "杭州", "人才公寓", "人才", "公寓", "租金补贴"} <= set(tokens)


def test_queries_are_segmented_lower_cased_deduplicated_and_bounded():
    assert query_tokens("人才公寓 Talent talent") == ["人才公寓", "talent"]
    assert len(query_tokens(" ".join(f"word{i}" for i in range(100)))) == MAX_QUERY_TOKENS


@pytest.mark.parametrize("query", ["", "   ", "!!! &&& |||", "（）《》"])
def test_a_query_without_words_searches_nothing(query):
    assert search_query(query) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("document", "query", "expected"),
    [
        ("关于印发杭州市人才公寓管理办法的通知", "人才公寓", True),
        ("关于印发杭州市人才公寓管理办法的通知", "人才", True),
        ("关于印发杭州市人才公寓管理办法的通知", "宁波 人才公寓", False),
        ("Measures for Talent Apartments in Hangzhou", "talent apartment", True),
        ("Measures for Talent Apartments in Hangzhou", "HANGZHOU", True),
        ("Measures for Talent Apartments in Hangzhou", "ningbo", False),
        ("博士后科研经费资助", "博士后 科研经费", True),
    ],
)
def test_postgres_matches_segmented_documents(document, query, expected):
    assert matches(document, query) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["' OR 1=1 --", "a:* | !b", "人才'); DROP TABLE x; --", "\\x00"])
def test_hostile_queries_are_plain_words(query):
    # Raises nothing and matches only on the words it contains.
    assert matches("人才 drop table", query) in (True, False)
