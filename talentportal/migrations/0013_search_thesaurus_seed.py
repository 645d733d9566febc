"""Seed the search thesaurus (talentportal/data/thesaurus.csv) in every database; staff
maintain it in the admin afterwards."""

from django.db import migrations

from talentportal.catalogues import load_thesaurus


def load(apps, schema_editor):
    load_thesaurus(synonym_model=apps.get_model("talentportal", "SearchSynonym"))


class Migration(migrations.Migration):
    dependencies = [
        ("talentportal", "0012_search_synonyms"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
