"""Where a search matched a policy (title, summary, benefits and Q&A, full text), as one SQL
function. Declared costly (and in PL/pgSQL, which the planner never inlines), so that PostgreSQL
computes it after ORDER BY … LIMIT, for the rows of the page only, like the headlines."""

from django.db import migrations

CREATE = """
CREATE FUNCTION policies_search_matched_in(vector tsvector, query tsquery) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
BEGIN
    RETURN array_remove(ARRAY[
        CASE WHEN ts_filter(vector, '{a}') @@ query THEN 'a' END,
        CASE WHEN ts_filter(vector, '{b}') @@ query THEN 'b' END,
        CASE WHEN ts_filter(vector, '{c}') @@ query THEN 'c' END,
        CASE WHEN ts_filter(vector, '{d}') @@ query THEN 'd' END
    ], NULL);
END
$$;
"""

DROP = "DROP FUNCTION policies_search_matched_in(tsvector, tsquery);"


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0011_search_related"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
