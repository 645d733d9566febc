"""The public apartment pages: communities, rounds, applying, the verify page, offers, leases.

Each page: what it shows, who may see it (another person's application, offer or lease is a
404), bad input (a message or a 4xx, never a 500) and a query count that does not grow with
the rows shown.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apartments import lottery, services
from apartments.models import (
    AllocationRound,
    ApartmentApplication,
    Lease,
    Offer,
    OfferStatus,
    UnitStatus,
)
from talentportal.models import ApplicationDocument, ApplicationStatus
from tests.apartments.factories import (
    SEED,
    CommunityFactory,
    RentRuleFactory,
    RoundFactory,
    UnitFactory,
    apartment_staff,
    drawn_round,
    resident_id,
    superuser,
)
from tests.apartments.web import accepting_round, form_data, offered_round, other_talent, pdf
from tests.auth_helpers import login_verified
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db


def queries_of(client, url, **params) -> int:
    """How many queries one request runs (counted at once: the log is a bounded deque)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


# Community list and page -------------------------------------------------------------------


def test_community_list_shows_published_communities_with_their_figures(client):
    community = CommunityFactory(name_zh="东方青年人才社区")
    UnitFactory(community=community, monthly_rent=1800)
    UnitFactory(community=community, monthly_rent=3200, status=UnitStatus.LET)
    CommunityFactory(name_zh="未发布社区", is_published=False)

    response = client.get(reverse("apartments:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "东方青年人才社区" in page
    assert "未发布社区" not in page
    listed = response.context["page_obj"].object_list[0]
    assert (listed.units_total, listed.units_available) == (2, 1)
    assert (listed.rent_low, listed.rent_high) == (1800, 3200)


def test_community_list_marks_communities_with_an_open_round(client):
    round = accepting_round()
    CommunityFactory()
    response = client.get(reverse("apartments:index"))
    accepting = {c.pk: c.accepting for c in response.context["page_obj"].object_list}
    assert accepting[round.community_id] is True
    assert list(accepting.values()).count(True) == 1


def test_community_list_runs_the_same_queries_for_few_and_many(
    client, django_assert_max_num_queries
):
    for _ in range(2):
        UnitFactory()
    client.get(reverse("apartments:index"))
    few = queries_of(client, reverse("apartments:index"))
    for _ in range(20):
        community = CommunityFactory()
        UnitFactory(community=community)
        UnitFactory(community=community, layout="studio")
    with django_assert_max_num_queries(few):
        response = client.get(reverse("apartments:index"))
    assert len(response.context["page_obj"].object_list) == 12
    assert few <= 8


def test_community_page_summarises_units_by_layout(client):
    community = CommunityFactory()
    UnitFactory(community=community, layout="studio", monthly_rent=1500, area_m2=30)
    UnitFactory(community=community, layout="studio", monthly_rent=1700, area_m2=35)
    UnitFactory(community=community, layout="two_bed", status=UnitStatus.LET, monthly_rent=3000)
    RentRuleFactory(community=community, tier="A", terms="free")

    response = client.get(community.get_absolute_url())

    assert response.status_code == 200
    rows = {row.layout: row for row in response.context["layouts"]}
    assert (rows["studio"].units, rows["studio"].available) == (2, 2)
    assert (rows["studio"].rent_low, rows["studio"].rent_high) == (1500, 1700)
    assert (rows["two_bed"].units, rows["two_bed"].available) == (1, 0)
    assert response.context["totals"] == {"units": 3, "available": 2}
    assert response.context["rules"]  # eligibility in plain words


def test_community_page_queries_do_not_grow_with_units(client, django_assert_max_num_queries):
    community = CommunityFactory()
    UnitFactory(community=community)
    client.get(community.get_absolute_url())
    few = queries_of(client, community.get_absolute_url())
    for layout in ("studio", "one_bed", "two_bed", "three_bed"):
        for _ in range(5):
            UnitFactory(community=community, layout=layout)
    RoundFactory(community=community, status="draft")
    with django_assert_max_num_queries(few):
        client.get(community.get_absolute_url())


def test_unpublished_community_is_a_404_except_for_its_staff(client):
    community = CommunityFactory(is_published=False)
    assert client.get(community.get_absolute_url()).status_code == 404
    login_verified(client, apartment_staff())
    assert client.get(community.get_absolute_url()).status_code == 200
    login_verified(client, apartment_staff(region_code="330100"))  # Hangzhou's office
    assert client.get(community.get_absolute_url()).status_code == 404


def test_do_i_qualify_explains_each_rule(client):
    community = CommunityFactory(min_degree=3)
    url = community.get_absolute_url()

    response = client.get(
        url, {"check": "1", "degree": "2", "employed": "yes", "owns_home": "no", "household": "1"}
    )
    checks = {check.rule: check.passed for check in response.context["qualify"].checks}
    assert checks["degree"] is False
    assert checks["employed_in_region"] is True
    assert checks["no_home"] is True
    assert "Not at the moment" in response.content.decode() or "不符合" in response.content.decode()

    response = client.get(
        url, {"check": "1", "degree": "4", "employed": "yes", "owns_home": "no", "household": "2"}
    )
    assert response.context["qualify"].eligible


def test_do_i_qualify_leaves_unanswered_questions_open(client):
    community = CommunityFactory()
    response = client.get(community.get_absolute_url(), {"check": "1", "owns_home": "yes"})
    checks = {check.rule: check.passed for check in response.context["qualify"].checks}
    assert checks["no_home"] is False
    assert checks["employed_in_region"] is None


def test_do_i_qualify_knows_the_visitor_already_rents(client):
    community = CommunityFactory()
    talent = UserFactory()
    unit = UnitFactory()
    Lease.objects.create(
        unit=unit,
        tenant=talent,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2027, 1, 1),
        monthly_rent=1000,
    )
    login_verified(client, talent)
    response = client.get(community.get_absolute_url())
    checks = {check.rule: check.passed for check in response.context["qualify"].checks}
    assert checks["not_tenant"] is False


# Rounds --------------------------------------------------------------------------------------


def test_round_page_shows_units_rules_and_commitment(client):
    round = accepting_round(unit_count=2)
    response = client.get(round.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert round.seed_commitment in page
    assert response.context["totals"]["units"] == 2
    assert response.context["accepting"]
    assert reverse("accounts:login") in page  # log in to apply


def test_draft_round_is_a_404_for_the_public(client):
    round = RoundFactory()
    assert client.get(round.get_absolute_url()).status_code == 404
    assert client.get(reverse("apartments:round_verify", args=[round.pk])).status_code == 404
    login_verified(client, apartment_staff())
    assert client.get(round.get_absolute_url()).status_code == 200


def test_round_page_after_the_draw_shows_the_order_and_my_rank(client):
    round, ordered = drawn_round(applicants=4, unit_count=2)
    login_verified(client, ordered[2].applicant)
    response = client.get(round.get_absolute_url())
    page = response.content.decode()
    assert round.revealed_seed in page
    assert round.frozen_list_hash in page
    results = [a.reference for a in response.context["results"].object_list]
    assert results == [a.reference for a in ordered]
    assert response.context["mine"] == ordered[2]
    # Identities are not published: no names, no ID numbers.
    assert ordered[0].full_name not in page
    assert ordered[0].id_number not in page


def test_round_page_queries_do_not_grow_with_applicants(client, django_assert_max_num_queries):
    round, _ordered = drawn_round(applicants=2, unit_count=1)
    client.get(round.get_absolute_url())
    few = queries_of(client, round.get_absolute_url())
    many, _ = drawn_round(applicants=25, unit_count=3)
    client.get(many.get_absolute_url())
    with django_assert_max_num_queries(few):
        client.get(many.get_absolute_url())


# Applying ------------------------------------------------------------------------------------


def test_apply_needs_a_login(client):
    round = accepting_round()
    response = client.get(reverse("apartments:round_apply", args=[round.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_apply_submits_an_application_on_the_shared_workflow(client):
    round = accepting_round()
    talent = UserFactory()
    login_verified(client, talent)
    url = reverse("apartments:round_apply", args=[round.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {**form_data(layout_1="one_bed"), "document": pdf()}, follow=True)

    application = ApartmentApplication.objects.get(applicant=talent)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.preferred_layouts == ["one_bed"]
    assert application.eligible is True
    assert application.eligibility  # the reason for each rule is kept
    assert response.redirect_chain[-1][0] == reverse(
        "apartments:application", args=[application.reference]
    )
    assert ApplicationDocument.objects.filter(reference=application.reference).count() == 1
    page = response.content.decode()
    assert application.id_number not in page
    assert application.id_number_masked in page


def test_apply_shows_errors_next_to_fields_and_keeps_what_was_typed(client):
    round = accepting_round()
    login_verified(client, UserFactory())
    url = reverse("apartments:round_apply", args=[round.pk])
    valid = resident_id()  # random: one draw, so the changed check digit is surely wrong
    bad_id = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    response = client.post(url, form_data(id_number=bad_id, full_name="王芳", declaration=""))
    assert response.status_code == 400
    form = response.context["form"]
    assert "id_number" in form.errors
    assert "declaration" in form.errors
    assert 'value="王芳"' in response.content.decode()
    assert not ApartmentApplication.objects.exists()


@pytest.mark.parametrize(
    ("id_number", "code"),
    [("12345", "id_length"), ("32040219940517ABCD", "id_form")],
)
def test_apply_explains_what_is_wrong_with_an_id_number(client, id_number, code):
    round = accepting_round()
    login_verified(client, UserFactory())
    response = client.post(
        reverse("apartments:round_apply", args=[round.pk]), form_data(id_number=id_number)
    )
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["id_number"][0].code == code


def test_apply_checks_the_birth_date_against_the_id_number(client):
    round = accepting_round()
    login_verified(client, UserFactory())
    response = client.post(
        reverse("apartments:round_apply", args=[round.pk]), form_data(birth_date="1990-01-01")
    )
    assert response.status_code == 400
    assert "birth_date" in response.context["form"].errors


def test_apply_saves_a_draft_and_resumes_it(client):
    round = accepting_round()
    talent = UserFactory()
    login_verified(client, talent)
    url = reverse("apartments:round_apply", args=[round.pk])

    response = client.post(url, form_data(action="save", employer="常州研究院"))
    assert response.status_code == 302
    draft = ApartmentApplication.objects.get(applicant=talent)
    assert draft.status == ApplicationStatus.DRAFT
    response = client.get(url)
    assert 'value="常州研究院"' in response.content.decode()

    client.post(url, form_data())
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert ApartmentApplication.objects.filter(applicant=talent).count() == 1


def test_a_second_submission_finds_the_first_application(client):
    round = accepting_round()
    talent = UserFactory()
    login_verified(client, talent)
    url = reverse("apartments:round_apply", args=[round.pk])
    client.post(url, form_data())
    application = ApartmentApplication.objects.get(applicant=talent)

    again = client.post(url, form_data())  # the back button, or a double click
    assert again.status_code == 302
    assert again["Location"] == reverse("apartments:application", args=[application.reference])
    assert client.get(url)["Location"] == again["Location"]
    assert ApartmentApplication.objects.filter(applicant=talent).count() == 1


def test_an_ineligible_application_is_submitted_with_the_reasons(client):
    round = accepting_round()
    talent = UserFactory()
    login_verified(client, talent)
    client.post(
        reverse("apartments:round_apply", args=[round.pk]), form_data(owns_home_in_city="yes")
    )
    application = ApartmentApplication.objects.get(applicant=talent)
    assert application.eligible is False
    response = client.get(reverse("apartments:application", args=[application.reference]))
    failed = [
        c["reason"] for c in response.context["application"].eligibility if c["passed"] is False
    ]
    assert failed and failed[0] in response.content.decode()


def test_a_refused_document_keeps_the_draft(client):
    round = accepting_round()
    talent = UserFactory()
    login_verified(client, talent)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("apartments:round_apply", args=[round.pk]), {**form_data(), "document": fake}
    )
    assert response.status_code == 400
    assert "document" in response.context["form"].errors
    assert ApartmentApplication.objects.get(applicant=talent).status == ApplicationStatus.DRAFT


def test_apply_after_the_window_is_refused_without_saving(client):
    round = RoundFactory()  # 2026-03, long past
    AllocationRound.objects.filter(pk=round.pk).update(
        status="open", seed_commitment=lottery.commitment(SEED)
    )
    login_verified(client, UserFactory())
    url = reverse("apartments:round_apply", args=[round.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, form_data()).status_code == 400
    assert not ApartmentApplication.objects.exists()


# Verification --------------------------------------------------------------------------------


def verify(client, round, **params):
    return client.get(reverse("apartments:round_verify", args=[round.pk]), params)


def test_verify_page_recomputes_the_published_order(client):
    round, ordered = drawn_round(applicants=6, unit_count=2)
    response = verify(client, round)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok and result.order_matches and result.commitment_matches
    recomputed = [row.line.reference for row in response.context["page_obj"].object_list]
    assert recomputed == [application.reference for application in ordered]
    # Recomputed independently of the module, from the published seed and list only.
    references = [line.split("|")[0] for line in round.frozen_list.splitlines()]
    by_hand = sorted(references, key=lambda r: (lottery.sha256_hex(f"{SEED}:general:{r}"), r))
    assert recomputed == by_hand
    assert "apt-verdict--yes" in response.content.decode()


def test_verify_page_detects_a_seed_that_does_not_match_its_commitment(client):
    round, _ordered = drawn_round(applicants=3, unit_count=1)
    AllocationRound.objects.filter(pk=round.pk).update(revealed_seed="f" * 64)
    response = verify(client, round)
    assert response.context["result"].commitment_matches is False
    assert "apt-verdict--no" in response.content.decode()


def test_verify_page_detects_records_changed_after_the_freeze(client):
    round, ordered = drawn_round(applicants=3, unit_count=1)
    ApartmentApplication.objects.filter(pk=ordered[0].pk).update(priority_score=99)
    response = verify(client, round)
    assert response.context["result"].records_match_list is False
    assert "apt-verdict--no" in response.content.decode()


def test_verify_page_detects_a_list_changed_after_its_hash_was_published(client):
    round, _ordered = drawn_round(applicants=3, unit_count=1)
    lines = round.frozen_list.splitlines(keepends=True)
    AllocationRound.objects.filter(pk=round.pk).update(frozen_list="".join(lines[:-1]))
    response = verify(client, round)
    assert response.context["result"].list_hash_matches is False
    assert "apt-verdict--no" in response.content.decode()


def test_verify_page_detects_published_ranks_that_differ(client):
    round, ordered = drawn_round(applicants=3, unit_count=1)
    first, second = ordered[0], ordered[1]
    ApartmentApplication.objects.filter(pk=first.pk).update(rank=2, general_rank=2)
    ApartmentApplication.objects.filter(pk=second.pk).update(rank=1, general_rank=1)
    response = verify(client, round)
    assert response.context["result"].order_matches is False
    assert response.context["mismatches"] == 2
    assert "apt-verdict--no" in response.content.decode()


def test_verify_page_survives_a_list_that_no_longer_parses(client):
    round, _ordered = drawn_round(applicants=2, unit_count=1)
    AllocationRound.objects.filter(pk=round.pk).update(frozen_list="garbage\nnot|a|line\n")
    response = verify(client, round)
    assert response.status_code == 200
    assert response.context["result"].problems


def test_verify_page_finds_my_line_by_reference(client):
    round, ordered = drawn_round(applicants=5, unit_count=1)
    mine = ordered[3]
    response = verify(client, round, reference=mine.reference.lower())
    assert response.context["found"].line.reference == mine.reference
    assert response.context["found"].position == 4
    assert 'id="my-line"' in response.content.decode()
    response = verify(client, round, reference="AA-1999-999999")
    assert response.context["found"] is None


def test_verify_page_before_the_draw(client):
    round = accepting_round()
    response = verify(client, round)
    assert response.status_code == 200
    assert response.context["result"].draw is None
    assert round.seed_commitment in response.content.decode()


def test_frozen_list_download_is_the_hashed_text(client):
    round, _ordered = drawn_round(applicants=3, unit_count=1)
    response = client.get(reverse("apartments:round_frozen_list", args=[round.pk]))
    assert response.status_code == 200
    assert lottery.list_hash(response.content.decode()) == round.frozen_list_hash
    open_round = accepting_round()
    url = reverse("apartments:round_frozen_list", args=[open_round.pk])
    assert client.get(url).status_code == 404


def test_published_result_download_is_the_stored_order(client):
    round, ordered = drawn_round(applicants=3, unit_count=1)
    response = client.get(reverse("apartments:round_published_result", args=[round.pk]))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert [line.split("|")[2] for line in lines] == [a.reference for a in ordered]
    assert lines[0].startswith("1|")
    before = accepting_round()
    url = reverse("apartments:round_published_result", args=[before.pk])
    assert client.get(url).status_code == 404


def test_verify_page_queries_do_not_grow_with_the_list(client, django_assert_max_num_queries):
    few, _ = drawn_round(applicants=2, unit_count=1)
    verify(client, few)
    counted = queries_of(client, reverse("apartments:round_verify", args=[few.pk]))
    many, _ = drawn_round(applicants=30, unit_count=2)
    with django_assert_max_num_queries(counted):
        verify(client, many)


# The applicant's pages: application, offers, lease -------------------------------------------


def test_application_page_shows_rank_and_totals_to_its_applicant_only(client):
    _round, ordered = drawn_round(applicants=4, unit_count=2)
    mine = ordered[1]
    url = reverse("apartments:application", args=[mine.reference])
    login_verified(client, mine.applicant)
    response = client.get(url)
    assert response.status_code == 200
    standing = response.context["standing"]
    assert (standing.general_rank, standing.applicants, standing.units) == (2, 4, 2)

    login_verified(client, ordered[0].applicant)
    assert client.get(url).status_code == 404
    login_verified(client, apartment_staff())
    assert client.get(url).status_code == 404


def test_applicant_accepts_an_offer_and_sees_the_lease(client):
    _round, _ordered, offers = offered_round(applicants=3, unit_count=2)
    offer = offers[0]
    applicant = offer.application.applicant
    login_verified(client, applicant)

    page = client.get(reverse("apartments:offer", args=[offer.pk]))
    assert page.status_code == 200 and page.context["open"]
    response = client.post(reverse("apartments:offer_accept", args=[offer.pk]), follow=True)

    lease = Lease.objects.get(tenant=applicant)
    assert response.redirect_chain[-1][0] == reverse("apartments:lease", args=[lease.pk])
    assert lease.unit_id == offer.unit_id
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert response.context["lease"] == lease
    # Accepting again (a double click) finds the same lease.
    again = client.post(reverse("apartments:offer_accept", args=[offer.pk]))
    assert again["Location"] == reverse("apartments:lease", args=[lease.pk])
    assert Lease.objects.filter(tenant=applicant).count() == 1


def test_declining_passes_the_unit_to_the_next(client):
    _round, ordered, offers = offered_round(applicants=3, unit_count=2)
    offer = offers[0]
    login_verified(client, offer.application.applicant)
    response = client.post(reverse("apartments:offer_decline", args=[offer.pk]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    third = ordered[2]
    assert Offer.objects.filter(application=third, unit=offer.unit, status="pending").exists()


def test_an_expired_offer_can_no_longer_be_accepted(client):
    _round, _ordered, offers = offered_round(applicants=2, unit_count=1)
    offer = offers[0]
    Offer.objects.filter(pk=offer.pk).update(
        offered_at=timezone.now() - datetime.timedelta(days=8),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    login_verified(client, offer.application.applicant)
    page = client.get(reverse("apartments:offer", args=[offer.pk]))
    assert page.context["expired"] and not page.context["open"]
    response = client.post(reverse("apartments:offer_accept", args=[offer.pk]), follow=True)
    assert not Lease.objects.exists()
    assert any("expired" in str(m) or "失效" in str(m) for m in response.context["messages"])


def test_offers_are_only_for_their_applicant(client):
    _round, _ordered, offers = offered_round(applicants=2, unit_count=1)
    offer = offers[0]
    login_verified(client, other_talent())
    assert client.get(reverse("apartments:offer", args=[offer.pk])).status_code == 404
    assert client.post(reverse("apartments:offer_accept", args=[offer.pk])).status_code == 404
    assert client.post(reverse("apartments:offer_decline", args=[offer.pk])).status_code == 404
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_offer_replies_are_post_only(client):
    _round, _ordered, offers = offered_round(applicants=1, unit_count=1)
    login_verified(client, offers[0].application.applicant)
    assert client.get(reverse("apartments:offer_accept", args=[offers[0].pk])).status_code == 405


@pytest.mark.parametrize("who", ["other talent", "staff", "anonymous"])
def test_lease_page_is_the_tenants_only(client, who):
    _round, _ordered, offers = offered_round(applicants=1, unit_count=1)
    tenant = offers[0].application.applicant
    lease = services.offer_accept(offer=offers[0], by=tenant)
    url = reverse("apartments:lease", args=[lease.pk])

    login_verified(client, tenant)
    assert client.get(url).status_code == 200
    client.logout()
    if who == "anonymous":
        assert client.get(url).status_code == 302
    else:
        login_verified(client, other_talent() if who == "other talent" else superuser())
        assert client.get(url).status_code == 404


def test_my_apartment_lists_applications_offers_and_leases(client):
    _round, _ordered, offers = offered_round(applicants=2, unit_count=1)
    applicant = offers[0].application.applicant
    login_verified(client, applicant)
    response = client.get(reverse("apartments:mine"))
    assert response.context["offers"] == [offers[0]]
    assert [a.pk for a in response.context["applications"]] == [offers[0].application_id]


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "region=999999&layout=penthouse&rent_min=abc&rent_max=-5&sort=evil&page=zz&vacant=maybe",
        "rent_min=5000&rent_max=1000",
        "q=" + "长" * 500,
        "region=%00&facility=%00&q=%00",
        "page=999999",
        "facility=spa&layout=&layout=studio",
    ],
)
def test_community_list_never_fails_on_bad_query_strings(client, query):
    CommunityFactory()
    response = client.get(reverse("apartments:index") + "?" + query)
    assert response.status_code == 200


def test_bad_filters_are_reported_on_the_page(client):
    response = client.get(reverse("apartments:index"), {"rent_min": "abc", "region": "999999"})
    assert len(response.context["problems"]) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/apartments/999999/",
        "/apartments/rounds/999999/",
        "/apartments/rounds/999999/verify/",
        "/apartments/rounds/999999/verify/list.txt",
        "/apartments/leases/999999/",
        "/apartments/offers/999999/",
        "/apartments/applications/AA-0000-000000/",
        "/apartments/applications/" + "x" * 300 + "/",
    ],
)
def test_unknown_ids_are_404(client, url):
    login_verified(client, UserFactory())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("reference", ["\x00", "x" * 500, "<script>", "AA-2026-%"])
def test_verify_page_tolerates_any_reference(client, reference):
    round, _ordered = drawn_round(applicants=1, unit_count=1)
    response = verify(client, round, reference=reference)
    assert response.status_code == 200
    assert response.context["found"] is None


def test_qualify_form_tolerates_nonsense(client):
    community = CommunityFactory()
    response = client.get(
        community.get_absolute_url(),
        {"check": "1", "tier": "Z", "degree": "x", "household": "-3", "employed": "\x00"},
    )
    assert response.status_code == 200


def test_english_pages_render(client):
    round, _ordered = drawn_round(applicants=2, unit_count=1)
    for url in (
        "/en/apartments/",
        f"/en/apartments/{round.community_id}/",
        f"/en/apartments/rounds/{round.pk}/",
        f"/en/apartments/rounds/{round.pk}/verify/",
        "/en/apartments/occupancy/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="en"' in response.content.decode()


def test_apply_when_already_applied_under_an_old_round_state(client):
    """A submitted application and a form posted from a stale tab: nothing is created."""
    round = accepting_round()
    talent = UserFactory()
    login_verified(client, talent)
    url = reverse("apartments:round_apply", args=[round.pk])
    client.post(url, form_data())
    services_round = AllocationRound.objects.get(pk=round.pk)
    assert services_round.applications.count() == 1


def test_pages_are_in_chinese_by_default(client):
    from django.utils import translation

    round, _ordered = drawn_round(applicants=2, unit_count=1)
    translation.activate("zh-hans")  # an earlier request may have left English active
    pages = {
        reverse("apartments:index"): "按名称或地址搜索人才社区",
        round.community.get_absolute_url(): "我是否符合条件？",
        round.get_absolute_url(): "公示的承诺值",
        reverse("apartments:round_verify", args=[round.pk]): "与公布的结果一致",
        reverse("apartments:occupancy"): "人才公寓入住情况",
    }
    for url, text in pages.items():
        assert text in client.get(url).content.decode(), url


def test_the_my_applications_hook_shows_rank_totals_offers_and_lease(rf):
    from django.template.loader import render_to_string

    _round, _ordered, offers = offered_round(applicants=3, unit_count=1)
    application = offers[0].application
    html = render_to_string(
        "apartments/includes/me_application.html",
        {"application": application},
        request=rf.get("/"),
    )
    assert reverse("apartments:offer", args=[offers[0].pk]) in html
    assert reverse("apartments:round_verify", args=[application.round_id]) in html
    assert "3" in html  # the total the rank is among
