"""Search relevance on the labelled set of `tests/policies/relevance_set.py`: recall@10 and
MRR by query type, against the targets of issue #15. docs/search.md has the table; run with
`SEARCH_RELEVANCE_REPORT=1` to print it."""

import os
from collections import defaultdict

import pytest

from policies.models import Benefit, Interpretation, Policy
from tests.policies.factories import PolicyFactory, region
from tests.policies.relevance_set import (
    POLICIES,
    QUERIES,
    TARGET_MRR,
    TARGET_RECALL,
    TARGET_TYPE_RECALL,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db):
    """The relevance set's policies: key → pk."""
    keys = {}
    for key, (
        code,
        categories,
        title_zh,
        title_en,
        summary_zh,
        summary_en,
        benefits,
        qas,
    ) in POLICIES.items():
        policy = PolicyFactory(
            region=region(code),
            categories=categories,
            title_zh=title_zh,
            title_en=title_en,
            summary_zh=summary_zh,
            summary_en=summary_en,
            authority_zh="人才工作领导小组办公室",
            authority_en="Talent Work Leading Group Office",
            document_number="",
        )
        Benefit.objects.bulk_create(
            Benefit(
                policy=policy,
                kind="award",
                title_zh=b_zh,
                title_en=b_en,
                description_zh=d_zh,
                description_en=d_en,
                position=i,
            )
            for i, (b_zh, b_en, d_zh, d_en) in enumerate(benefits)
        )
        for i, (q_zh, q_en, a_zh, a_en) in enumerate(qas):
            Interpretation.objects.create(
                policy=policy,
                question_zh=q_zh,
                question_en=q_en,
                answer_zh=a_zh,
                answer_en=a_en,
                position=i,
            )
        keys[policy.pk] = key
    return keys


def ranked(query: str, keys: dict[int, str]) -> list[str]:
    pks = Policy.objects.published().search(query).values_list("pk", flat=True)[:10]
    return [keys[pk] for pk in pks]


def scores(keys):
    """(per type: [recall@10, reciprocal rank] lists, failures)."""
    by_type = defaultdict(list)
    misses = []
    for query, kind, expected in QUERIES:
        found = ranked(query, keys)
        recall = len(set(expected) & set(found)) / len(expected)
        first = next((i for i, key in enumerate(found, 1) if key in expected), None)
        reciprocal = 1 / first if first else 0.0
        by_type[kind].append((recall, reciprocal))
        if recall < 1 or reciprocal < 1:
            misses.append((query, kind, expected, found))
    return by_type, misses


def test_the_set_is_big_and_varied_enough():
    kinds = {kind for _query, kind, _expected in QUERIES}
    assert len(QUERIES) >= 80
    assert kinds == {"exact", "compound", "partial", "synonym", "multiword", "english", "mixed"}
    assert all(key in POLICIES for _q, _k, expected in QUERIES for key in expected)


def test_recall_and_mrr_meet_the_targets(library):
    by_type, misses = scores(library)
    rows = []
    for kind, values in sorted(by_type.items()):
        recall = sum(r for r, _ in values) / len(values)
        mrr = sum(m for _, m in values) / len(values)
        rows.append((kind, len(values), recall, mrr))
    everything = [v for values in by_type.values() for v in values]
    recall = sum(r for r, _ in everything) / len(everything)
    mrr = sum(m for _, m in everything) / len(everything)
    report = "\n".join(
        [
            "| query type | queries | recall@10 | MRR |",
            "| --- | ---: | ---: | ---: |",
            *(f"| {k} | {n} | {r:.3f} | {m:.3f} |" for k, n, r, m in rows),
            f"| **all** | {len(everything)} | {recall:.3f} | {mrr:.3f} |",
        ]
    )
    if os.environ.get("SEARCH_RELEVANCE_REPORT"):
        print("\n" + report)
        for miss in misses:
            print(miss)
    assert recall >= TARGET_RECALL, report
    assert mrr >= TARGET_MRR, report
    for kind, _n, type_recall, _mrr in rows:
        assert type_recall >= TARGET_TYPE_RECALL, (kind, report, misses)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("住房补贴", {"js_housing", "hz_purchase", "nb_rent", "ha_settle", "nb_phd", "cz_dragon"}),
        ("人才房", {"sx_talent_housing", "cz_apartment", "ha_settle"}),
        ("海归", {"zj_returnee", "qz_park"}),
        ("跑一次", {"zj_one_visit", "tj_zero_visit"}),
        ("subsidies", {"nb_rent", "wz_subsidies", "hz_skills", "tj_guarantee", "hz_purchase"}),
    ],
)
def test_the_issues_queries_find_what_a_person_expects(library, query, expected):
    found = set(ranked(query, library))
    assert expected <= found
