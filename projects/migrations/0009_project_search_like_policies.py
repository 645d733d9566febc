"""Projects are searched as policies are: the `english` configuration (English stemmed) over
tokens with sub-words and, in titles, single characters (`talentportal.search.index_tokens`)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from talentportal.search import index_tokens


def reindex(apps, schema_editor):
    from projects.models.roadshows import PROJECT_SEARCH_SOURCES

    Project = apps.get_model("projects", "Project")
    batch = []
    for project in Project.objects.order_by("pk").iterator(chunk_size=500):
        for column, fields in PROJECT_SEARCH_SOURCES.items():
            text = " ".join(getattr(project, f) or "" for f in fields)
            setattr(project, column, index_tokens(text, characters=column == "search_title"))
        batch.append(project)
        if len(batch) >= 500:
            Project.objects.bulk_update(batch, list(PROJECT_SEARCH_SOURCES))
            batch = []
    Project.objects.bulk_update(batch, list(PROJECT_SEARCH_SOURCES))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_waitlist_seat_offers"),
    ]

    operations = [
        # A generated column cannot be altered: dropped (with its index) and added again.
        migrations.RemoveIndex(model_name="project", name="project_search_vector"),
        migrations.RemoveField(model_name="project", name="search_vector"),
        migrations.AddField(
            model_name="project",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "search_title", config="english", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "search_body", config="english", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="project_search_vector"
            ),
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop, elidable=False),
    ]
