"""Staff roles, least privilege: each role is a Group whose permissions are listed here and
nowhere else. `sync_roles()` creates the groups and sets their permissions to exactly these;
it runs after every `migrate` (post_migrate) and as `manage.py sync_roles`.

- content editor: curates the public content (policies and benefits, interpretations, the
  search thesaurus, the service catalogue, programs and calls, roadshows, apartment
  communities and units, the ecosystem's service points, alliances, financial products and
  key-enterprise lists). No applications, no logs.
- case officer: reads and decides applications of every section (services, demands and
  internships, evaluations, programs and expert reviews, roadshow registrations, apartments,
  financial products, feedback), runs draws and allocations, verifies enterprises; reads
  what a decision needs. Deletes nothing, no logs.
- security auditor: reads the audit trail (pghistory events), the security event log, the
  access trail of application documents (DocumentAccess), the admin log, who saw whose
  personal data (ProfileAccess) and login attempts. Edits nothing.
- system administrator: every permission, users and groups included.

Who has a role is decided in the admin (a user's groups); a staff member may also be scoped to
a region (`User.staff_region`), which the admin enforces separately.

A role's group name is its stable key (code and `sync_roles` look groups up by it, so it is
never translated); people read its label (`role_label`) in their language.
"""

from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_migrate
from django.utils.translation import pgettext_lazy

CONTENT_EDITOR = "content editor"
CASE_OFFICER = "case officer"
SECURITY_AUDITOR = "security auditor"
SYSTEM_ADMINISTRATOR = "system administrator"

LABELS = {
    CONTENT_EDITOR: pgettext_lazy("staff role", "content editor"),
    CASE_OFFICER: pgettext_lazy("staff role", "case officer"),
    SECURITY_AUDITOR: pgettext_lazy("staff role", "security auditor"),
    SYSTEM_ADMINISTRATOR: pgettext_lazy("staff role", "system administrator"),
}


def role_label(name: str) -> str:
    """What people read for the group `name`: a role's label in the active language, any
    other group's own name."""
    return str(LABELS.get(name, name))


ALL = ("add", "change", "delete", "view")
DECIDE = ("change", "view")
RUN = ("add", "change", "view")
VIEW = ("view",)

# app label -> model -> actions
CONTENT = {
    "policies": {
        "policy": ALL,
        "policyattachment": ALL,
        "benefit": ALL,
        "interpretation": ALL,
        "serviceitem": ALL,
        "servicematerial": ALL,
    },
    "projects": {
        "program": ALL,
        "call": ALL,
        "track": ALL,
        "criterion": ALL,
        "roadshow": ALL,
        "roadshowslot": ALL,
    },
    "apartments": {
        "community": ALL,
        "rentrule": ALL,
        "communityphoto": ALL,
        "unit": ALL,
    },
    "ecosystem": {
        "servicepoint": ALL,
        "servicepointdesignation": ALL,
        "servicepointevent": ALL,
        "alliance": ALL,
        "alliancemembership": ALL,
        "allianceactivity": ALL,
        "financialinstitution": ALL,
        "financialproduct": ALL,
        "keyenterpriselist": ALL,
        "keyenterprise": ALL,
        "department": ALL,
    },
    # Read-only catalogues the content points at (the admin's autocomplete needs them).
    "talentportal": {
        "region": VIEW,
        "industry": VIEW,
        "discipline": VIEW,
        # The search thesaurus is content: editors keep it in step with how people ask.
        "searchsynonym": ALL,
    },
    "talents": {"enterprise": VIEW},
}

APPLICATIONS = {
    "policies": {
        "serviceapplication": DECIDE,
        "policy": VIEW,
        "benefit": VIEW,
        "serviceitem": VIEW,
        "servicematerial": VIEW,
    },
    "talents": {
        "demandapplication": DECIDE,
        "internshipapplication": DECIDE,
        "evaluation": DECIDE,
        "talentcard": DECIDE,
        "enterprise": DECIDE,  # verification
        "enterprisejoinrequest": DECIDE,  # a second employee asks to join
        "talent": VIEW,
        "demand": VIEW,
        "internship": VIEW,
    },
    "projects": {
        "programapplication": DECIDE,
        "projectsubmission": DECIDE,
        "registration": DECIDE,
        "interest": DECIDE,
        "expertdraw": RUN,
        "reviewassignment": RUN,
        "review": VIEW,
        "score": VIEW,
        "conflict": VIEW,
        "expert": VIEW,
        "program": VIEW,
        "call": VIEW,
        "track": VIEW,
        "criterion": VIEW,
        "project": VIEW,
        "investor": VIEW,
        "roadshow": VIEW,
        "roadshowslot": VIEW,
    },
    "apartments": {
        "apartmentapplication": DECIDE,
        "allocationround": RUN,
        "roundunit": RUN,
        "preferencegroup": RUN,
        "offer": DECIDE,
        "lease": DECIDE,
        "community": VIEW,
        "unit": VIEW,
        "rentrule": VIEW,
    },
    "ecosystem": {
        "financialapplication": DECIDE,
        "feedback": DECIDE,
        "financialproduct": VIEW,
        "financialinstitution": VIEW,
        "department": VIEW,
    },
    "talentportal": {
        "applicationdocument": VIEW,
        "applicationevent": VIEW,
        "region": VIEW,
        "industry": VIEW,
        "discipline": VIEW,
    },
}

AUDIT = {
    "pghistory": {"events": VIEW, "context": VIEW, "middlewareevents": VIEW},
    "talentportal": {"securityevent": VIEW, "documentaccess": VIEW},
    "talents": {"profileaccess": VIEW},
    "admin": {"logentry": VIEW},
    "axes": {"accessattempt": VIEW, "accessfailurelog": VIEW, "accesslog": VIEW},
}

# None: every permission there is.
ROLES: dict[str, dict | None] = {
    CONTENT_EDITOR: CONTENT,
    CASE_OFFICER: APPLICATIONS,
    SECURITY_AUDITOR: AUDIT,
    SYSTEM_ADMINISTRATOR: None,
}


def codenames(role: str) -> set[tuple[str, str]]:
    """The role's permissions as (app label, codename) pairs."""
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in ROLES[role].items()
        for model, actions in models.items()
        for action in actions
    }


def permissions(role: str):
    if ROLES[role] is None:
        return Permission.objects.all()
    wanted = codenames(role)
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in wanted},
        codename__in={codename for _, codename in wanted},
    ).select_related("content_type")
    # A permission of the same codename in another app must not slip in.
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


@transaction.atomic
def sync_roles() -> dict[str, int]:
    """Create the role groups and set each one's permissions to exactly its list. Permissions
    of models not installed (yet) are skipped; return each role's permission count."""
    counts = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        granted = list(permissions(role))
        group.permissions.set(granted)
        counts[role] = len(granted)
    return counts


def sync_after_migrate(sender, **kwargs):
    """post_migrate receiver: sync once, after the last app's permissions exist."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if with_models and sender is with_models[-1]:
        # This receiver may run before auth's, which creates the last app's permissions:
        # create them first (it is idempotent), or a fresh database's roles would miss them.
        # (A flush, as after a transactional test, sends the signal without `apps`.)
        create_permissions(
            sender,
            verbosity=0,
            using=kwargs.get("using", DEFAULT_DB_ALIAS),
            apps=kwargs.get("apps", apps),
        )
        sync_roles()


post_migrate.connect(sync_after_migrate, dispatch_uid="talentportal_sync_roles")
