"""Row locks for the services of every app: read a row again under a lock, and let the
caller's instance show what the service changed.

A service that changes a row takes it again inside its transaction (`row_lock`), so that two
requests deciding at once are serialised and the second sees what the first wrote; it changes
the locked copy, and then puts the new values on the instance its caller handed in
(`copy_state`), so that a view or an admin action that goes on with that instance sees them::

    with transaction.atomic():
        locked = row_lock(round, "community")
        ...
        locked.save(update_fields=[...])
    copy_state(round, locked, ROUND_FIELDS)
"""

from collections.abc import Iterable

from django.db.models import Model


def row_lock(instance: Model, *related: str) -> Model:
    """`instance`'s row read again and locked until the end of the transaction, with the
    `related` rows read in the same query (`SELECT … FOR UPDATE OF` the row's own table: the
    related rows are not locked)."""
    rows = type(instance).objects.select_for_update(of=("self",))
    if related:
        rows = rows.select_related(*related)
    return rows.get(pk=instance.pk)


def copy_state(instance: Model, locked: Model, fields: Iterable[str]) -> None:
    """Give `instance` the values of `fields` on `locked`, its locked copy."""
    for name in fields:
        setattr(instance, name, getattr(locked, name))
