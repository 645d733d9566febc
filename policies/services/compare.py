"""Side-by-side comparison of what regions offer a talent group."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from policies.models import Benefit, BenefitKind, PolicyStatus, TalentGroup, ancestor_codes
from talentportal.choices import Degree
from talentportal.models import Region

MAX_REGIONS = 4

#: A group that implies a degree sees only the benefits that degree can reach.
GROUP_DEGREE = {
    TalentGroup.DOCTORAL: Degree.DOCTORATE,
    TalentGroup.MASTERS: Degree.MASTER,
    TalentGroup.GRADUATES: Degree.BACHELOR,
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


@dataclass
class Cell:
    region: Region
    offers: list[Offer] = field(default_factory=list)
    best: bool = False

    @property
    def figure(self) -> int | None:
        """The largest comparable figure among the cell's offers (they are often
        alternatives, e.g. one amount for a PhD, another for a master, so not summed)."""
        figures = [o.figure for o in self.offers if o.figure is not None]
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
class ComparisonTable:
    regions: list[Region]
    group: str | None
    rows: list[Row]

    def csv_rows(self) -> list[list[str]]:
        """The table as rows of text for a CSV download: a header, then one line per kind
        with, per region, the offers and the best figure."""
        header = [_("Benefit")]
        for region in self.regions:
            header += [f"{region.name} ({region.code})", _("Yuan over 3 years")]
        lines = [header]
        for row in self.rows:
            line = [str(row.label)]
            for cell in row.cells:
                text = "; ".join(
                    f"{offer.benefit.title} — {offer.policy.title}" for offer in cell.offers
                )
                figure = "" if cell.figure is None else str(cell.figure)
                if cell.best:
                    figure += " *"
                line += [text, figure]
            lines.append(line)
        return lines


def comparison_benefits(*, regions, group=None):
    """The benefits of published policies that apply in any of the regions and concern the
    group (policies for that group or for everyone), in one query."""
    codes = {code for region in regions for code in ancestor_codes(region)}
    queryset = Benefit.objects.filter(
        policy__status=PolicyStatus.PUBLISHED, policy__region_id__in=codes
    )
    if group:
        queryset = queryset.filter(
            Q(policy__talent_groups__contains=[group]) | Q(policy__talent_groups=[])
        )
        if group in GROUP_DEGREE:
            queryset = queryset.filter(min_degree__lte=GROUP_DEGREE[group])
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
