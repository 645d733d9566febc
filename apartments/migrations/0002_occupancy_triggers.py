"""Occupancy summary (apartments_occupancy) kept current by statement-level triggers.

Every INSERT, UPDATE or DELETE of units or leases — through the services, the admin, a bulk
import, COPY or raw SQL — adds its net change per (community, layout) to the summary in the
same transaction: units by status from `apartments_unit`, residents (the household sizes of
active leases) from `apartments_lease`. The triggers read the statement's transition tables,
so a bulk insert of 450,000 units costs one grouped upsert, not 450,000. Rows are upserted in
(community, layout) order, so concurrent transactions lock them in the same order.
"""

from django.db import migrations

UNIT_COLUMNS = """
    count(*) FILTER (WHERE status = 'available') * {sign} AS available,
    count(*) FILTER (WHERE status = 'offered') * {sign} AS offered,
    count(*) FILTER (WHERE status = 'let') * {sign} AS let,
    count(*) FILTER (WHERE status = 'maintenance') * {sign} AS maintenance,
    count(*) * {sign} AS units
"""


def _unit_changes(table, sign):
    return (
        f"SELECT community_id, layout, {UNIT_COLUMNS.format(sign=sign)}, 0 AS residents "
        f"FROM {table} GROUP BY community_id, layout"
    )


def _lease_changes(table, sign):
    return (
        f"SELECT u.community_id, u.layout, 0, 0, 0, 0, 0, "
        f"sum(l.residents) * {sign} AS residents "
        f"FROM {table} l JOIN apartments_unit u ON u.id = l.unit_id "
        f"WHERE l.status = 'active' GROUP BY u.community_id, u.layout"
    )


UPSERT = """
    INSERT INTO apartments_occupancy
        (community_id, layout, available, offered, let, maintenance, units, residents)
    SELECT community_id, layout, sum(available), sum(offered), sum(let), sum(maintenance),
           sum(units), sum(residents)
    FROM ({changes}) AS change (community_id, layout, available, offered, let, maintenance,
                                 units, residents)
    GROUP BY community_id, layout
    HAVING (sum(available), sum(offered), sum(let), sum(maintenance), sum(units),
            sum(residents)) <> (0, 0, 0, 0, 0, 0)
    ORDER BY community_id, layout
    ON CONFLICT (community_id, layout) DO UPDATE SET
        available = apartments_occupancy.available + EXCLUDED.available,
        offered = apartments_occupancy.offered + EXCLUDED.offered,
        let = apartments_occupancy.let + EXCLUDED.let,
        maintenance = apartments_occupancy.maintenance + EXCLUDED.maintenance,
        units = apartments_occupancy.units + EXCLUDED.units,
        residents = apartments_occupancy.residents + EXCLUDED.residents;
"""


def _function(name, changes):
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(changes=changes)}
    RETURN NULL;
END
$$;
"""


def _trigger(name, table, event, referencing, function):
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    )


TRIGGERS = [
    # (trigger/function name, table, event, referencing, changes)
    (
        "apartments_unit_occupancy_insert",
        "apartments_unit",
        "INSERT",
        "NEW TABLE AS new_rows",
        _unit_changes("new_rows", 1),
    ),
    (
        "apartments_unit_occupancy_update",
        "apartments_unit",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _unit_changes("old_rows", -1) + " UNION ALL " + _unit_changes("new_rows", 1),
    ),
    (
        "apartments_unit_occupancy_delete",
        "apartments_unit",
        "DELETE",
        "OLD TABLE AS old_rows",
        _unit_changes("old_rows", -1),
    ),
    (
        "apartments_lease_occupancy_insert",
        "apartments_lease",
        "INSERT",
        "NEW TABLE AS new_rows",
        _lease_changes("new_rows", 1),
    ),
    (
        "apartments_lease_occupancy_update",
        "apartments_lease",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _lease_changes("old_rows", -1) + " UNION ALL " + _lease_changes("new_rows", 1),
    ),
    (
        "apartments_lease_occupancy_delete",
        "apartments_lease",
        "DELETE",
        "OLD TABLE AS old_rows",
        _lease_changes("old_rows", -1),
    ),
]

CREATE = "\n".join(
    _function(name, changes) + _trigger(name, table, event, referencing, name)
    for name, table, event, referencing, changes in TRIGGERS
)
DROP = "\n".join(
    f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();"
    for name, table, *_ in TRIGGERS
)


class Migration(migrations.Migration):
    dependencies = [
        ("apartments", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
