"""Demo data of the talent library (filled in below)."""

import random

from stdnum.cn import uscc

ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code(body: str) -> str:
    """A GB 11714 organization code: eight characters and their check character."""
    total = sum(ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, region_code: str) -> str:
    """A well-formed unified social credit code of a company registered in `region_code`:
    registration authority 9 (market regulation), type 1 (enterprise), the division code, an
    organization code with its check character, and the GB 32100 check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region_code + organization_code(body)
    return first17 + uscc.calc_check_digit(first17)


def seed(*, scale: str, rng: random.Random, stdout) -> None:
    """Filled in by the next commit: talents, enterprises, demands, internships, cards."""
