"""The allocation order of a round, computed so that anyone can check it.

Published, step by step (everything below is shown on the round's verify page):

1. **Commitment (at opening).** Staff generate a secret seed (64 hex digits from the operating
   system's random source) and publish only its SHA-256: ``commitment = sha256(seed)``, the seed
   encoded as UTF-8, the digest in lower-case hex. The seed is shown to staff once.

2. **Frozen list (at closing).** Once duplicates are resolved and every application decided, the
   approved applications are frozen as a canonical text: one line per application, sorted by
   reference number, each line ``reference|pool|score|submitted`` followed by a newline, where
   *pool* is the code of the application's preference group or ``general``, *score* the
   published priority score, and *submitted* the submission time in UTC
   (``2026-05-01T08:00:00.000000Z``). Its SHA-256 is published: ``list_hash = sha256(text)``.

3. **Draw.** Staff reveal the seed; anyone can check ``sha256(seed) == commitment``. Staff also
   enter the **public random value** announced at opening (``beacon_source``, e.g. the winning
   numbers of a named public lottery draw held after the freeze), exactly as its source
   published it, with runs of white space made one space (``beacon``): no one, staff
   included, can know it while the list can still change, so no one can know the order before
   the freeze. The key is ``key = seed + ":" + beacon`` (just ``seed`` for a round opened
   without a public value, as before this step existed). Each pool is ordered separately:

   - *lottery*: the pool's references sorted by ``sha256(key + ":" + pool + ":" + reference)``
     (lower-case hex, compared as text; the reference breaks the — astronomically unlikely — tie);
   - *queue*: by score, highest first, then submission time, earliest first, then reference.

   Every application is in the ``general`` pool; a preference group's members are also in their
   group's pool. An application's *rank* is its position (from 1) in its own pool (its group, or
   ``general``), its *general rank* its position in ``general``.

4. **Allocation** (`apartments.services.allocation_plan`): each preference group's units go to
   the group's members in group order; then all remaining units — the general ones and whatever
   the groups left — go down the general order. Each applicant gets the first unit that fits:
   their preferred layouts in their order (any layout if none), big enough for the household,
   accessible if they need it; among equals the lowest building, floor and number. An offer
   declined or expired passes the unit on the same way, to the next in order who has not had
   an offer yet.

Nothing here uses Python's `random` or `hash()`: the order depends only on the published seed,
the published public value and the published list, in any language with SHA-256.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Q
from django.utils.translation import gettext as _

GENERAL = "general"
SUBMITTED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def seed_new() -> str:
    """A fresh secret seed: 256 bits from the OS, as 64 lower-case hex digits."""
    return secrets.token_hex(32)


def beacon_normal(text: str) -> str:
    """The public random value as it enters the key: runs of white space made one space."""
    return " ".join((text or "").split())


def draw_seed(seed: str, beacon: str) -> str:
    """The key of the draw: the seed, with the public value mixed in when there is one."""
    beacon = beacon_normal(beacon)
    return f"{seed}:{beacon}" if beacon else seed


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def commitment(seed: str) -> str:
    """What is published at opening: the SHA-256 of the seed."""
    return sha256_hex(seed)


@dataclass(frozen=True)
class Line:
    """One application in the frozen list."""

    reference: str
    pool: str
    score: int
    submitted: str  # UTC, SUBMITTED_FORMAT

    def __str__(self):
        return f"{self.reference}|{self.pool}|{self.score}|{self.submitted}"

    @classmethod
    def parse(cls, text: str) -> "Line":
        reference, pool, score, submitted = text.split("|")
        return cls(reference, pool, int(score), submitted)


def submitted_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(SUBMITTED_FORMAT)


def canonical_text(lines: list[Line]) -> str:
    """The frozen list as published: sorted by reference, one newline-terminated line each."""
    return "".join(f"{line}\n" for line in sorted(lines, key=lambda line: line.reference))


def parse_text(text: str) -> list[Line]:
    return [Line.parse(row) for row in text.splitlines() if row]


def list_hash(text: str) -> str:
    return sha256_hex(text)


def draw_key(seed: str, pool: str, reference: str) -> str:
    """The sort key of `reference` in `pool`'s lottery."""
    return sha256_hex(f"{seed}:{pool}:{reference}")


def lottery_order(seed: str, pool: str, lines: list[Line]) -> list[Line]:
    return sorted(lines, key=lambda line: (draw_key(seed, pool, line.reference), line.reference))


def queue_order(lines: list[Line]) -> list[Line]:
    return sorted(lines, key=lambda line: (-line.score, line.submitted, line.reference))


def pools_of(lines: list[Line]) -> list[str]:
    """The pools of a list: each group that has members (by code), then general."""
    return [*sorted({line.pool for line in lines} - {GENERAL}), GENERAL]


@dataclass
class Draw:
    """The order of every pool, and each reference's (rank, general rank)."""

    orders: dict[str, list[Line]]

    def ranks(self) -> dict[str, tuple[int, int]]:
        general = {line.reference: i for i, line in enumerate(self.orders[GENERAL], start=1)}
        ranks = {}
        for pool, order in self.orders.items():
            for position, line in enumerate(order, start=1):
                if line.pool == pool:
                    ranks[line.reference] = (position, general[line.reference])
        return ranks


def draw(lines: list[Line], *, seed: str | None) -> Draw:
    """Order every pool of the frozen list: by lottery with `seed`, or as a queue (no seed)."""
    orders = {}
    for pool in pools_of(lines):
        members = lines if pool == GENERAL else [line for line in lines if line.pool == pool]
        orders[pool] = (
            lottery_order(seed, pool, members) if seed is not None else queue_order(members)
        )
    return Draw(orders)


# --- checking a round --------------------------------------------------------------------------


def lines_of(round, *, listed: Iterable[str] = ()) -> list[Line]:
    """The round's list as the records say now: the approved applications that are not
    duplicates, plus the applications with a reference in `listed` whatever their status."""
    applications = (
        round.applications.filter(
            Q(status="approved", duplicate_of__isnull=True) | Q(reference__in=list(listed))
        )
        .select_related("preference_group")
        .only("reference", "priority_score", "submitted_at", "preference_group__code")
        .order_by("reference")
    )
    return [
        Line(
            application.reference,
            application.preference_group.code if application.preference_group else GENERAL,
            application.priority_score,
            submitted_text(application.submitted_at),
        )
        for application in applications
    ]


def records_match(round) -> bool:
    """Whether the records still give the frozen list: no application approved since, none
    re-scored, moved to another group or re-dated, none deleted. An application withdrawn or
    rejected after the freeze keeps its line (and its place in the draw: the order of the
    others does not depend on it); it is simply not offered a unit."""
    listed = [line.reference for line in parse_text(round.frozen_list)]
    return canonical_text(lines_of(round, listed=listed)) == round.frozen_list


@dataclass
class Verification:
    """What anyone can check about a round. Each check is True, False (a problem) or None
    (not possible yet: before the freeze, before the draw, or no seed in a queue)."""

    commitment_matches: bool | None = None
    list_hash_matches: bool | None = None
    records_match_list: bool | None = None
    order_matches: bool | None = None
    draw: Draw | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def lines(self) -> list[Line]:
        return self.draw.orders[GENERAL] if self.draw else []


def verify(round) -> Verification:
    """Recompute a round's order from its published commitments, seed and frozen list.

    Detects a revealed seed that does not match the commitment, a published list that does not
    match its hash, records changed after the freeze (an application added, removed, re-scored
    or moved to another group), and stored ranks that differ from the recomputed order."""
    result = Verification()
    if not round.frozen_list_hash:
        return result

    result.list_hash_matches = list_hash(round.frozen_list) == round.frozen_list_hash
    if not result.list_hash_matches:
        result.problems.append(_("The published list does not match its published hash."))
    result.records_match_list = records_match(round)
    if not result.records_match_list:
        result.problems.append(_("The applications were changed after the list was frozen."))

    seed = None
    if round.is_lottery:
        if not round.revealed_seed:
            return result
        seed = round.revealed_seed
        result.commitment_matches = commitment(seed) == round.seed_commitment
        if not result.commitment_matches:
            result.problems.append(_("The revealed seed does not match the published commitment."))
        if round.beacon_source and not beacon_normal(round.beacon_value):
            result.problems.append(_("The public random value announced at opening is missing."))
        seed = draw_seed(seed, round.beacon_value)
    elif round.drawn_at is None:
        return result

    result.draw = draw(parse_text(round.frozen_list), seed=seed)
    stored = {
        reference: (rank, general_rank)
        for reference, rank, general_rank in round.applications.filter(
            rank__isnull=False
        ).values_list("reference", "rank", "general_rank")
    }
    result.order_matches = stored == result.draw.ranks()
    if not result.order_matches:
        result.problems.append(_("The stored ranks differ from the order recomputed here."))
    return result
