"""Side-by-side comparison of what regions offer a talent group."""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from policies.models import (
    Benefit,
    BenefitKind,
    PolicyStatus,
    TalentCategory,
    TalentGroup,
    ancestor_codes,
)
from talentportal.choices import Degree
from talentportal.models import Region

MAX_REGIONS = 4

#: A group that implies a degree sees only the benefits that degree can reach.
GROUP_DEGREE = {
    TalentGroup.DOCTORAL: Degree.DOCTORATE,
    TalentGroup.MASTERS: Degree.MASTER,
    TalentGroup.GRADUATES: Degree.BACHELOR,
}
#: The talent categories a group's people belong to: a benefit only for skilled workers or
#: postdocs is compared only for the group it is for.
GROUP_CATEGORIES = {
    TalentGroup.SKILLED: [
        TalentCategory.SKILLED_WORKER,
        TalentCategory.SENIOR_TECHNICIAN,
        TalentCategory.SKILLS_MASTER,
    ],
    TalentGroup.RESEARCHERS: [TalentCategory.POSTDOC],
    TalentGroup.GRADUATES: [TalentCategory.STUDENT],
}


@dataclass
class Offer:
    """A benefit as one region offers it, with its comparable figures (yuan over 3 years)."""

    benefit: Benefit
    figure: int | None  # the most paid ("up to")
    figure_min: int | None  # the least paid, equal to figure for a fixed amount

    @property
    def policy(self):
        return self.benefit.policy

    @property
    def is_range(self) -> bool:
        return self.figure is not None and self.figure_min != self.figure

    @property
    def competitive(self) -> bool:
        """A selection or award: shown, never counted in a figure or a total."""
        return self.benefit.competitive


@dataclass
class Cell:
    region: Region
    offers: list[Offer] = field(default_factory=list)
    best: bool = False

    @property
    def figure(self) -> int | None:
        """The largest comparable figure among the cell's offers (they are often
        alternatives, e.g. one amount for a PhD, another for a master, so not summed)."""
        figures = [o.figure for o in self.offers if o.figure is not None and not o.competitive]
        return max(figures) if figures else None


@dataclass
class Row:
    kind: str
    cells: list[Cell]

    @property
    def label(self) -> str:
        return BenefitKind(self.kind).label

    @property
    def best_figure(self) -> int | None:
        figures = [c.figure for c in self.cells if c.figure is not None]
        return max(figures) if figures else None


@dataclass
class RegionTotal:
    region: Region
    total: int
    best: bool = False


@dataclass
class ComparisonTable:
    regions: list[Region]
    group: str | None
    rows: list[Row]

    @cached_property
    def totals(self) -> list[RegionTotal]:
        """Per region, the sum of its row figures (one per kind: alternatives of one kind are
        not added up; selections never count); the largest is marked best."""
        totals = [
            RegionTotal(region, sum(row.cells[i].figure or 0 for row in self.rows))
            for i, region in enumerate(self.regions)
        ]
        best = max((t.total for t in totals), default=0)
        for total in totals:
            total.best = best > 0 and total.total == best
        return totals

    def csv_rows(self) -> list[list]:
        """The table for a CSV download: a header, one line per kind and a total line. Per
        region three columns: the offers (text), the figure in yuan (a number, empty when
        non-monetary) and "best" (1 for the row's best figure, else empty)."""
        header = [_("Benefit")]
        for region in self.regions:
            name = f"{region.name} ({region.code})"
            header += [
                _("%(region)s: benefits") % {"region": name},
                _("%(region)s: yuan") % {"region": name},
                _("%(region)s: best") % {"region": name},
            ]
        lines = [header]
        for row in self.rows:
            line = [str(row.label)]
            for cell in row.cells:
                text = "; ".join(
                    f"{offer.benefit.title} — {offer.policy.title}" for offer in cell.offers
                )
                line += [text, "" if cell.figure is None else cell.figure, 1 if cell.best else ""]
            lines.append(line)
        total_line = [str(_("Total"))]
        for total in self.totals:
            total_line += ["", total.total, 1 if total.best else ""]
        lines.append(total_line)
        return lines


def comparison_benefits(*, regions, group=None):
    """The benefits of published policies that apply in any of the regions and are the
    group's (policies for that group or for everyone), in one query. A degree group does not
    see the lower rungs of a ladder (a master's subsidy beside the PhD's of the same policy
    and kind) nor benefits only for another talent category (a postdoc's, a skilled
    worker's)."""
    codes = {code for region in regions for code in ancestor_codes(region)}
    queryset = Benefit.objects.filter(
        policy__status=PolicyStatus.PUBLISHED, policy__region_id__in=codes
    )
    if group:
        queryset = queryset.filter(
            Q(policy__talent_groups__contains=[group]) | Q(policy__talent_groups=[])
        )
        categories = GROUP_CATEGORIES.get(group)
        if categories:
            queryset = queryset.filter(
                Q(talent_categories=[]) | Q(talent_categories__overlap=categories)
            )
        else:
            queryset = queryset.filter(talent_categories=[])
        if group in GROUP_DEGREE:
            degree = GROUP_DEGREE[group]
            higher_rung = Benefit.objects.filter(
                policy_id=OuterRef("policy_id"),
                kind=OuterRef("kind"),
                min_degree__gt=OuterRef("min_degree"),
                min_degree__lte=degree,
            )
            queryset = queryset.filter(min_degree__lte=degree).exclude(
                Q(min_degree__gt=Degree.NONE) & Q(Exists(higher_rung))
            )
    return queryset.select_related("policy", "policy__region").order_by(
        "kind", "-amount_max", "policy__region_id", "pk"
    )


def compare_regions(*, regions, group: str | None = None) -> ComparisonTable:
    """Rows are benefit kinds (in the order of `BenefitKind`), columns the regions; a cell
    holds the benefits the region offers the group, its own and its ancestors' (a province's
    policies apply in its cities). The cell with the highest comparable figure in each row
    is marked best (all of them on a tie); non-monetary benefits appear without a figure."""
    regions = list(dict.fromkeys(regions))
    if not 1 <= len(regions) <= MAX_REGIONS:
        raise ValidationError(
            _("Compare between one and %(max)s regions."), params={"max": MAX_REGIONS}
        )
    if group and group not in TalentGroup.values:
        raise ValidationError(_("Unknown talent group."))
    by_kind: dict[str, list[Benefit]] = {}
    for benefit in comparison_benefits(regions=regions, group=group):
        by_kind.setdefault(benefit.kind, []).append(benefit)
    ancestors = {region.code: set(ancestor_codes(region)) for region in regions}
    rows = []
    for kind in BenefitKind.values:
        if kind not in by_kind:
            continue
        cells = []
        for region in regions:
            offers = [
                Offer(b, b.comparable_figure, b.comparable_figure_min)
                for b in by_kind[kind]
                if b.policy.region_id in ancestors[region.code]
            ]
            offers.sort(key=lambda o: (o.figure is None, -(o.figure or 0)))
            cells.append(Cell(region, offers))
        row = Row(kind, cells)
        best = row.best_figure
        for cell in cells:
            cell.best = best is not None and cell.figure == best
        rows.append(row)
    return ComparisonTable(regions=regions, group=group, rows=rows)
