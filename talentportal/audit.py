"""The audit trail of every section: PostgreSQL triggers (django-pghistory) write an event row
for each insert, update and delete of the content and application models, whatever the write
path (forms, services, `QuerySet.update()`, admin bulk actions, imports, raw SQL). The event
tables are append-only (a trigger refuses UPDATE and DELETE); each event links to the request
context (user and URL) that `pghistory.middleware.HistoryMiddleware` records.

Each app lists its tracked models in its own `audit.py`, imported at the end of its
`models.py` (`policies/audit.py` was the first). `track()` below is the one way to do it:

- an update event is written only when a tracked column changes; machine-maintained columns
  (search vectors, `updated_at`, counters) are never tracked;
- personal data stays out of the event rows: names, ID numbers, phone numbers, e-mail
  addresses, résumés, free-form answers and check-in codes are excluded per model (`exclude`),
  and so is every column the retention run anonymises (`ANONYMISED_FIELDS` of the model), so
  the trail shows *that* and *when* they changed, by whom, but not their values;
- for the largest tables (a million accounts and talent profiles) inserts are not copied: the
  row itself is its first state, and every later change is recorded.

This module also tracks the core app's models: users (privilege columns only), the reference
catalogues and application documents.
"""

import pghistory
from django.db import models

from talentportal.models import (
    ApplicationDocument,
    Discipline,
    Industry,
    Region,
    SearchSynonym,
    User,
)

# Never copied, whatever the model: derived or machine-maintained columns.
MACHINE_COLUMNS = {"updated_at", "search_vector", "search_tokens", "search_title", "search_body"}


def track(model, *, exclude=(), fields=None, inserts=True, model_name=None, related_name=None):
    """Create the append-only event model of `model` (named `<Model>Event` unless given; its
    events are `obj.events` unless `related_name` says otherwise)."""
    trackers = [pghistory.UpdateEvent(), pghistory.DeleteEvent()]
    if inserts:
        trackers.insert(0, pghistory.InsertEvent())
    columns = {f.name for f in model._meta.concrete_fields}
    # What the retention run erases from an application must not live on in its trail.
    exclude = {*exclude, *getattr(model, "ANONYMISED_FIELDS", {})}
    if fields is None:
        excluded = sorted((MACHINE_COLUMNS | set(exclude)) & columns)
        options = {"exclude": excluded} if excluded else {}
    else:
        options = {"fields": list(fields)}
    name = model_name or f"{model.__name__}Event"
    # A file is recorded as its stored path: plain text, without the upload function and
    # validators of the live field (an event row is a record, never a form).
    paths = {
        f.name: models.CharField(f.verbose_name, max_length=f.max_length, blank=True)
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
        and (f.name in fields if fields is not None else f.name not in exclude)
    }
    return pghistory.track(
        *trackers,
        **options,
        append_only=True,
        model_name=name,
        attrs=paths,
        **(
            {"obj_field": pghistory.ObjForeignKey(related_name=related_name)}
            if related_name
            else {}
        ),
        meta={
            "verbose_name": f"{model._meta.verbose_name} event",
            "verbose_name_plural": f"{model._meta.verbose_name} events",
        },
    )(model)


# Users: who holds which privileges, and account closing; no names, contacts or passwords
# (and not last_login: a login is in the security event log, not a change).
track(
    User,
    fields=[
        "is_active",
        "is_staff",
        "is_superuser",
        "kind",
        "staff_region",
        "closed_at",
        "anonymised_at",
    ],
    inserts=False,
)
track(Region)
track(Industry)
track(Discipline)
track(SearchSynonym)
# The uploaded file's original name may be a person's name.
track(ApplicationDocument, exclude=["original_name"])
