"""Reference catalogues shipped with the portal: regions, industries and disciplines.

The CSV files in `talentportal/data/` are the source:

- `regions.csv` — GB/T 2260 administrative divisions: all 34 provincial-level divisions, the
  prefecture-level divisions of the 31 mainland provinces (municipalities have none), and every
  county-level division of Zhejiang, Jiangsu and Tianjin (Tianjin's districts sit directly under
  the municipality, level 3). English names: provinces and cities plain ("Zhejiang",
  "Hangzhou"), other prefecture-level divisions with their type ("Kashgar Prefecture"),
  county-level divisions with their type ("Xihu District", "Chun'an County", "Jiande City").
- `industries.csv` — the 20 sections of GB/T 4754-2017, strategic emerging industries and the
  future industries talent programs name.
- `disciplines.csv` — the 14 categories of the 2022 catalogue of degree-granting disciplines and
  their four-digit entries: first-level disciplines and, coded x51 and up, professional-degree
  categories.

`load_catalogues()` upserts them. It is idempotent: it inserts what is missing and brings the
names (and the tree) of existing rows in line with the files. An industry's `position` and
`is_active` are set on insert only, since staff curate them. Rows absent from the files are left
alone: other records may point at them.
"""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_catalogues(*, region_model=None, industry_model=None, discipline_model=None) -> dict:
    """Upsert the three catalogues; returns how many rows each file holds.

    The models default to the current ones; a data migration passes its historical models.
    """
    from talentportal import models

    region_model = region_model or models.Region
    industry_model = industry_model or models.Industry
    discipline_model = discipline_model or models.Discipline

    return {
        "regions": _upsert_tree(region_model, read_csv("regions.csv")),
        "industries": _upsert_industries(industry_model, read_csv("industries.csv")),
        "disciplines": _upsert_tree(discipline_model, read_csv("disciplines.csv")),
    }


def _upsert_tree(model, rows: list[dict[str, str]]) -> int:
    """Rows keyed by `code` with a `parent_code`: each level is written before the next."""
    for level in sorted({int(row["level"]) for row in rows}):
        model.objects.bulk_create(
            [
                model(
                    code=row["code"],
                    parent_id=row["parent_code"] or None,
                    level=level,
                    name_zh=row["name_zh"],
                    name_en=row["name_en"],
                )
                for row in rows
                if int(row["level"]) == level
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["parent", "level", "name_zh", "name_en"],
        )
    return len(rows)


def _upsert_industries(model, rows: list[dict[str, str]]) -> int:
    model.objects.bulk_create(
        [
            model(
                code=row["code"],
                kind=row["kind"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                position=int(row["position"]),
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["kind", "name_zh", "name_en"],
    )
    return len(rows)


def load_thesaurus(*, synonym_model=None) -> int:
    """Insert the search thesaurus of `thesaurus.csv` (the field's common synonyms and broader
    terms, Chinese and English) where the term is missing; staff edit it in the admin
    afterwards, so existing terms are left as they are. Returns how many were added."""
    from talentportal import models

    synonym_model = synonym_model or models.SearchSynonym
    normalise_term = models.normalise_term
    existing = set(synonym_model.objects.values_list("term", flat=True))
    new = []
    for row in read_csv("thesaurus.csv"):
        term = normalise_term(row["term"])
        if term in existing:
            continue
        existing.add(term)
        alternatives = [normalise_term(a) for a in row["alternatives"].split("|")]
        new.append(
            synonym_model(
                term=term,
                alternatives=[a for a in dict.fromkeys(alternatives) if a and a != term],
                mutual=row["mutual"] == "1",
                language=row["language"],
                note=row["note"],
            )
        )
    synonym_model.objects.bulk_create(new)
    return len(new)
