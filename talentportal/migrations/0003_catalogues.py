"""Load the reference catalogues (regions, industries, disciplines) into every database."""

from django.db import migrations

from talentportal.catalogues import load_catalogues


def load(apps, schema_editor):
    load_catalogues(
        region_model=apps.get_model("talentportal", "Region"),
        industry_model=apps.get_model("talentportal", "Industry"),
        discipline_model=apps.get_model("talentportal", "Discipline"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("talentportal", "0002_staff_region_notifications"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
