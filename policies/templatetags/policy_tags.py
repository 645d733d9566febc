"""Template helpers of the policy pages: highlighted search results, amounts, conditions."""

import nh3
from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from policies.models import (
    MATCH_PLACES,
    EnterpriseType,
    Period,
    TalentCategory,
    sanitize_body,
    visible_text,
)
from talentportal.choices import Degree, TalentTier

register = template.Library()


@register.filter
def highlight(value) -> str:
    """A search headline as HTML: only the <mark> elements PostgreSQL inserted survive,
    everything else is escaped text. The headline is built from escaped text already; this is
    the second line of defence, so that nothing staff typed is ever output as markup."""
    if not value:
        return ""
    # The zero-width spaces between words (see `segmented_text`) must not reach the page:
    # copied, they make dirty text.
    return mark_safe(visible_text(nh3.clean(str(value), tags={"mark"}, attributes={})))


@register.filter
def matched_places(codes) -> list[str]:
    """The parts of a policy a search matched ("a", "c" → title, benefits and Q&A)."""
    return [str(MATCH_PLACES[code][1]) for code in codes or () if code in MATCH_PLACES]


@register.filter
def policy_body(value) -> str:
    """A policy's rich text as HTML. It is sanitised when saved; it is sanitised again here,
    so that text written past `save()` (a queryset update, raw SQL) cannot inject markup."""
    return mark_safe(sanitize_body(value or ""))


@register.filter
def yuan(amount) -> str:
    """`300000` → `300,000 yuan` / `300,000 元`; empty for None."""
    if amount is None or amount == "":
        return ""
    return _("%(amount)s yuan") % {"amount": intcomma(int(amount), use_l10n=False)}


def _period(benefit) -> str:
    count = benefit.period_count
    if benefit.period == Period.MONTHLY:
        if count:
            return _("per month, for %(count)s months") % {"count": count}
        return _("per month")
    if benefit.period == Period.YEARLY:
        if count:
            return _("per year, for %(count)s years") % {"count": count}
        return _("per year")
    if benefit.period == Period.TOTAL:
        return _("in total, over %(count)s years") % {"count": count}
    return _("once")


@register.simple_tag
def benefit_amount(benefit) -> str:
    """What the benefit pays, in words: `up to 300,000 yuan once`, `2,000–5,000 yuan per
    month, for 36 months`, or "non-monetary"."""
    if benefit.amount_max is None:
        return _("Non-monetary")
    if benefit.amount_min is not None and benefit.amount_min != benefit.amount_max:
        amount = _("%(low)s–%(high)s") % {
            "low": intcomma(benefit.amount_min, use_l10n=False),
            "high": yuan(benefit.amount_max),
        }
    elif benefit.amount_min is None:
        amount = _("up to %(amount)s") % {"amount": yuan(benefit.amount_max)}
    else:
        amount = yuan(benefit.amount_max)
    return f"{amount} {_period(benefit)}"


@register.simple_tag
def benefit_conditions(benefit) -> list[str]:
    """Who qualifies, one short phrase per condition the benefit sets; empty for everyone.
    Reads `benefit.industries.all()`: prefetch it."""
    conditions = []
    if benefit.min_degree > Degree.NONE:
        conditions.append(_("%(degree)s or higher") % {"degree": Degree(benefit.min_degree).label})
    if benefit.max_age is not None:
        conditions.append(_("aged %(age)s or younger") % {"age": benefit.max_age})
    if benefit.tiers:
        conditions.append(
            _("talent tier %(tiers)s")
            % {"tiers": _(", ").join(str(TalentTier(t).value) for t in benefit.tiers)}
        )
    if benefit.max_years_since_graduation is not None:
        conditions.append(
            _("graduated at most %(years)s years ago")
            % {"years": benefit.max_years_since_graduation}
        )
    if benefit.overseas_required:
        conditions.append(_("overseas study or work experience"))
    industries = list(benefit.industries.all())
    if industries:
        conditions.append(
            _("industries: %(industries)s")
            % {"industries": _(", ").join(i.name for i in industries)}
        )
    if benefit.must_work_in_region:
        conditions.append(_("works in the region"))
    if benefit.must_live_in_region:
        conditions.append(_("lives in the region"))
    if benefit.enterprise_types:
        conditions.append(
            _("employed by: %(types)s")
            % {
                "types": _(", ").join(
                    str(EnterpriseType(t).label) for t in benefit.enterprise_types
                )
            }
        )
    if benefit.talent_categories:
        conditions.append(
            _("only for: %(categories)s")
            % {
                "categories": _(", ").join(
                    str(TalentCategory(c).label) for c in benefit.talent_categories
                )
            }
        )
    if benefit.competitive:
        conditions.append(_("awarded by selection: applying does not guarantee it"))
    return conditions
