"""The audit trail of the policy library: every change to a policy or a benefit.

PostgreSQL triggers (django-pghistory on django-pgtrigger) write an event row for each insert,
update and delete of `Policy` and `Benefit` — whether the change comes from a form, a service,
`QuerySet.update()`, a bulk operation, an import or raw SQL. The event tables are append-only:
a trigger refuses UPDATE and DELETE on them. Each event links to the context of the request
that caused it: `pghistory.middleware.HistoryMiddleware` records the user and the URL of every
POST (admin edits, actions, imports); commands can add their own with `pghistory.context()`.

An update event is written only when a tracked field changes. Not tracked: the search columns
derived from the text, the `updated_at` stamp, and the link checker's `source_checked_at` /
`source_ok` (a nightly check of 10,000 links is not an edit).

The event models are declared here and imported at the end of `policies.models`, so that they
belong to the `policies` app; `policies/migrations/0004_audit_trail.py` creates their tables and
the triggers.
"""

import pghistory
from django.db import models

from policies.models import (
    Benefit,
    Interpretation,
    Policy,
    PolicyAttachment,
    ServiceApplication,
    ServiceItem,
    ServiceMaterial,
)
from talentportal.audit import track


def trackers():
    """Fresh trackers for each model: pghistory narrows an update tracker's condition to the
    fields of the model it is set up for, so instances cannot be shared."""
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


POLICY_UNTRACKED = [
    "search_title",
    "search_summary",
    "search_body",
    "search_related",
    "title_segmented",
    "summary_segmented",
    "search_vector",
    "updated_at",
    "source_checked_at",
    "source_ok",
]
BENEFIT_UNTRACKED = ["updated_at", "search_tokens"]


class PolicyEvent(
    pghistory.create_event_model(
        Policy,
        *trackers(),
        exclude=POLICY_UNTRACKED,
        append_only=True,
        model_name="PolicyEvent",
        # Through `meta`, not a Meta class of our own, which would drop the append-only trigger.
        meta={
            "verbose_name": "policy event",
            "verbose_name_plural": "policy events",
            "indexes": [
                models.Index(fields=["pgh_obj", "-pgh_created_at"], name="policyevent_obj")
            ],
        },
    )
):
    """A policy as it was after an insert or update, or before a delete."""


class BenefitEvent(
    pghistory.create_event_model(
        Benefit,
        *trackers(),
        exclude=BENEFIT_UNTRACKED,
        append_only=True,
        model_name="BenefitEvent",
        meta={
            "verbose_name": "benefit event",
            "verbose_name_plural": "benefit events",
            "indexes": [
                models.Index(fields=["pgh_obj", "-pgh_created_at"], name="benefitevent_obj"),
                models.Index(fields=["policy", "-pgh_created_at"], name="benefitevent_policy"),
            ],
        },
    )
):
    """A benefit as it was after an insert or update, or before a delete."""


# The rest of the policy library and the public-service catalogue (talentportal.audit.track).
track(PolicyAttachment)
track(Interpretation)
track(ServiceItem)
track(ServiceMaterial)
# Answers to a service's form may hold ID numbers and phone numbers: not copied.
track(ServiceApplication, exclude=["answers"])
