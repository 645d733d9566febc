"""Does a public service say the same amounts as the policy it implements?

Staff write a service's description by hand; the policy's benefits hold the amounts. When the
service names an amount none of the policy's benefits has (`/services/16/` saying a PhD gets
50,000 where its basis policy says 100,000), the admin shows a warning.
"""

import re
from decimal import Decimal

#: "5万元", "5万至20万元", "1.5万" (ten thousands); "50,000元", "50,000 yuan", "3000元".
WAN = re.compile(r"(\d+(?:\.\d+)?)\s*万")
YUAN = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)\s*(?:元|yuan)")
#: Amounts below this are fees or rents per month in passing, not what a benefit pays.
SMALLEST = 1_000


def amounts_in(text: str) -> set[int]:
    """The yuan amounts a text names."""
    found = {int(Decimal(number) * 10_000) for number in WAN.findall(text or "")}
    # "5万元" must not also count as "5元".
    rest = WAN.sub(" ", text or "")
    found |= {int(number.replace(",", "")) for number in YUAN.findall(rest)}
    return {amount for amount in found if amount >= SMALLEST}


def benefit_amounts(benefits) -> set[int]:
    """Every amount the benefits state: the least, the most, and the whole over the term."""
    amounts = set()
    for benefit in benefits:
        for amount in (benefit.amount_min, benefit.amount_max, benefit.comparable_figure):
            if amount is not None:
                amounts.add(amount)
    return amounts


def service_amount_mismatches(service) -> list[int]:
    """The amounts the service's text names that its basis policy's benefits (and the
    benefits linked to the service) do not, smallest first; empty when they agree or there is
    nothing to compare. Reads `service.policy.benefits.all()` and `service.benefits.all()`:
    prefetch them for a list."""
    if service.policy_id is None:
        return []
    texts = (
        service.description_zh,
        service.description_en,
        service.audience_zh,
        service.audience_en,
    )
    named = set().union(*(amounts_in(text) for text in texts))
    if not named:
        return []
    known = benefit_amounts([*service.policy.benefits.all(), *service.benefits.all()])
    if not known:
        return []
    return sorted(named - known)
