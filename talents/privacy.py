"""What of a talent may be shown where no personal data may appear: search results, shortlists,
the public card check.

A masked summary names the person by surname only ("张**", "E. S."), followed by the highest
degree, the discipline, the years of experience and the city. It never contains the full name,
phone number, e-mail address, ID number, year of birth or employer. To show several summaries
without a query each, select `current_region__parent` and `main_discipline` with the talents
(`SUMMARY_SELECT_RELATED`).
"""

from dataclasses import dataclass

from django.utils.translation import ngettext

from talentportal.choices import Degree
from talentportal.models import RegionLevel

SUMMARY_SELECT_RELATED = ("current_region__parent", "main_discipline")
SEPARATOR = " · "
MASK = "**"

# Two-character surnames: the mask keeps the whole surname ("欧阳**").
COMPOUND_SURNAMES = frozenset([
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "南宫", "西门", "独孤",
    "呼延", "申屠", "太史", "澹台", "公冶", "宗政", "濮阳", "单于", "闻人", "万俟",
])  # fmt: skip


def mask_name(name: str) -> str:
    """The surname and a fixed mask (which hides the length of the given name too).

    张三丰 -> 张**, 欧阳娜娜 -> 欧阳**, Emily Smith -> E. S., "" -> **"""
    name = " ".join((name or "").split())
    if not name:
        return MASK
    if _is_latin(name):
        return " ".join(f"{word[0].upper()}." for word in name.split())
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]
    return surname + MASK


def _is_latin(text: str) -> bool:
    return all(ord(character) < 0x2E80 for character in text)


@dataclass(frozen=True)
class MaskedSummary:
    """The parts of a masked summary, for templates that lay them out themselves."""

    name: str
    degree: str
    discipline: str
    years: str
    city: str
    tier: str

    def __str__(self):
        return SEPARATOR.join(
            part
            for part in (self.name, self.degree, self.discipline, self.years, self.city)
            if part
        )


def masked_parts(talent) -> MaskedSummary:
    degree = talent.highest_degree
    years = talent.years_experience
    return MaskedSummary(
        name=mask_name(talent.name),
        degree=str(Degree(degree).label) if degree else "",
        discipline=talent.main_discipline.name if talent.main_discipline_id else "",
        years=ngettext("%(years)d year", "%(years)d years", years) % {"years": years},
        city=_city_name(talent.current_region) if talent.current_region_id else "",
        tier=talent.tier,
    )


def masked_summary(talent) -> str:
    """E.g. "张** · Doctorate · Materials Science and Engineering · 6 years · Hangzhou"."""
    return str(masked_parts(talent))


def _city_name(region) -> str:
    """A county is shown by its city (a district is too precise to be anonymous); counties
    directly under a municipality by the municipality."""
    if region.level == RegionLevel.COUNTY and region.parent_id:
        return region.parent.name
    return region.name
