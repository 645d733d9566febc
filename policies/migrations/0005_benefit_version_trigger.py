"""A benefit's version goes up whenever its amount or eligibility changes, on every write
path (save, queryset update, admin, import, raw SQL): a BEFORE UPDATE trigger compares the
columns. Industry changes (a many-to-many table) go through `policies.services.benefit_update`.
"""

from django.db import migrations

VERSIONED_COLUMNS = [
    "kind",
    "amount_min",
    "amount_max",
    "period",
    "period_count",
    "min_degree",
    "max_age",
    "tiers",
    "max_years_since_graduation",
    "overseas_required",
    "must_work_in_region",
    "must_live_in_region",
    "enterprise_types",
]


def _row(alias):
    return ", ".join(f"{alias}.{column}" for column in VERSIONED_COLUMNS)


CREATE = f"""
CREATE FUNCTION policies_benefit_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ROW({_row("OLD")}) IS DISTINCT FROM ROW({_row("NEW")}) THEN
        NEW.version := GREATEST(NEW.version, OLD.version + 1);
    ELSE
        NEW.version := GREATEST(NEW.version, OLD.version);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER policies_benefit_version BEFORE UPDATE ON policies_benefit
    FOR EACH ROW EXECUTE FUNCTION policies_benefit_version();
"""

DROP = """
DROP TRIGGER policies_benefit_version ON policies_benefit;
DROP FUNCTION policies_benefit_version();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0004_audit_trail"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
