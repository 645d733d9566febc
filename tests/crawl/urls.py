"""What the crawl requests: every URL pattern of the resolver with the seeded objects of the
world for its arguments (`SITE_ARGUMENTS`, `admin_urls`).

A pattern with arguments and no entry here fails the crawl (`missing_arguments`), so that a
new page cannot be skipped without anyone noticing.
"""

from collections.abc import Callable

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from ecosystem import statistics
from talentportal import downloads
from tests.crawl.world import BARE, FULL, VARIANTS, World
from tests.security.test_authorization_matrix import ADMIN, SIGNED_IN, SITE, Pattern

#: The site pages only a signed-in person sees.
SIGNED_IN_PAGES = SIGNED_IN


def _pks(key: str) -> Callable[[World], list[dict]]:
    """The full and the bare object of `key`."""
    return lambda w: [{"pk": obj.pk} for obj in w.both(key)]


def _pk(*keys) -> Callable[[World], list[dict]]:
    return lambda w: [{"pk": w[key].pk} for key in keys]


def _references(*keys: str) -> Callable[[World], list[dict]]:
    return lambda w: [{"reference": w[key].reference} for key in keys]


def _answers(key: str, *answers: str) -> Callable[[World], list[dict]]:
    return lambda w: [{"pk": w[key].pk, "answer": answer} for answer in answers]


def _downloads(w: World) -> list[dict]:
    """One file of each field the download view serves."""
    found = []
    for label, field in sorted(downloads._rules):
        obj = w[label.split(".")[1]]
        found.append({"label": label, "pk": obj.pk, "field": field})
    return found


def _talents(w: World) -> list[dict]:
    return [{"pk": talent.pk} for talent in w.both("talent")]


def _postings(w: World) -> list[dict]:
    return [
        {"kind": kind, "pk": w[kind, variant].pk}
        for kind in ("demand", "internship")
        for variant in VARIANTS
    ]


#: My applications, of every kind (the talent's, and the enterprise member's nominations and
#: feedback).
MY_APPLICATIONS = (
    "service_application",
    "service_draft",
    "service_needs_info",
    "demand_application",
    "internship_application",
    "program_application",
    "program_draft",
    "apartment_application",
    "financial_application",
    "evaluation",
    "feedback",
)

SITE_ARGUMENTS: dict[str, Callable[[World], list[dict]]] = {
    "download": _downloads,
    "accounts:password_reset_confirm": lambda w: [
        w["reset"],
        {"uidb64": w["reset"]["uidb64"], "token": "set-password"},
    ],
    "accounts:signup_confirm": lambda w: [
        w["confirm"],
        {"uidb64": "MQ", "token": "1-forged"},
    ],
    "me:application": _references(*MY_APPLICATIONS),
    "me:application_respond": _references("service_needs_info", "service_application"),
    "me:application_withdraw": _references("service_draft", "demand_application"),
    "me:application_check": _references("service_draft", "program_draft", "service_application"),
    "me:document": _pk("document"),
    "policies:detail": _pks("policy"),
    "policies:unfollow": _pk("follow"),
    "policies:service_detail": _pks("service"),
    "policies:service_apply": _pks("service"),
    "policies:service_applied": _references("service_application", "service_needs_info"),
    "talents:talent": _talents,
    "talents:shortlist_toggle": _talents,
    "talents:contact_request": _talents,
    "talents:contact_details": _talents,
    "talents:candidate_resume": _talents,
    "talents:nominate": _talents,
    "talents:card": lambda w: [{"number": w["card"].number}, {"number": "ZJ-2026-C-000000"}],
    "talents:consent_withdraw": _pk("consent"),
    "talents:contact_request_answer": _answers("contact_request", "accept", "decline"),
    "talents:enterprise_join_answer": _answers("join_request", "approve", "decline"),
    "talents:demand": _pks("demand"),
    "talents:demand_apply": _pks("demand"),
    "talents:internship": _pks("internship"),
    "talents:internship_apply": _pks("internship"),
    "talents:posting_create": lambda w: [{"kind": "demand"}, {"kind": "internship"}],
    "talents:posting_edit": _postings,
    "talents:posting_close": _postings,
    "talents:application_process": _references("demand_application", "internship_application"),
    "talents:enterprise": lambda w: [
        {"pk": w["enterprise", variant].pk} for variant in (FULL, BARE, "pending")
    ],
    "projects:project": lambda w: [
        {"pk": w["project", FULL].pk},
        {"pk": w["project", BARE].pk},
        {"pk": w["draft_project"].pk},
    ],
    "projects:project_edit": _pk("draft_project", ("project", FULL)),
    "projects:project_deck": _pks("project"),
    "projects:project_submit": _pk("draft_project"),
    "projects:interest_express": _pks("project"),
    "projects:interest_answer": _answers("interest", "accept", "decline"),
    "projects:investor": _pks("investor"),
    "projects:roadshow": lambda w: [
        {"pk": obj.pk} for obj in (*w.both("roadshow"), w["past_roadshow"], w["waitlist_roadshow"])
    ],
    "projects:roadshow_register": _pks("roadshow"),
    "projects:roadshow_cancel": _pks("roadshow"),
    "projects:roadshow_claim": _pk("waitlist_roadshow"),
    "projects:roadshow_watch": _pks("roadshow"),
    "projects:roadshow_ics": _pks("roadshow"),
    "projects:roadshow_checkin": _pks("roadshow"),
    "projects:program": _pks("program"),
    "projects:call": _pks("call"),
    "projects:call_draw": lambda w: [{"pk": obj.pk} for obj in (*w.both("call"), w["drawn_call"])],
    "projects:call_apply": _pks("call"),
    "projects:application": _references("program_application", "program_draft"),
    "projects:application_document": _references("program_draft"),
    "projects:application_submit": _references("program_draft"),
    "projects:endorsement_answer": lambda w: [
        {"reference": w["program_draft"].reference, "answer": answer}
        for answer in ("confirm", "decline")
    ],
    "projects:review": _pk("assignment", "submitted_assignment", "new_assignment"),
    "projects:review_declare": _pk("new_assignment"),
    "projects:review_decline": _pk("new_assignment"),
    "apartments:community": _pks("community"),
    "apartments:round": _pk("accepting_round", "drawn_round"),
    "apartments:round_apply": _pk("accepting_round", "drawn_round"),
    "apartments:round_verify": _pk("accepting_round", "drawn_round"),
    "apartments:round_frozen_list": _pk("drawn_round"),
    "apartments:round_published_result": _pk("drawn_round"),
    "apartments:application": _references("apartment_application"),
    "apartments:offer": _pk("offer"),
    "apartments:offer_accept": _pk("offer"),
    "apartments:offer_decline": _pk("offer"),
    "apartments:lease": _pk("lease"),
    "ecosystem:service_point": _pks("service_point"),
    "ecosystem:alliance": _pks("alliance"),
    "ecosystem:product": _pks("product"),
    "ecosystem:product_apply": _pks("product"),
    "ecosystem:feedback": _references("feedback", "published_feedback"),
    "ecosystem:feedback_rate": _references("feedback"),
    "ecosystem:feedback_unpublish": _references("published_feedback"),
    "ecosystem:statistics_csv": lambda w: [{"key": table.key} for table in statistics.tables()],
}


def missing_arguments() -> list[str]:
    """Site patterns with arguments the crawl cannot fill."""
    return [f"{p.name} (/{p.route})" for p in SITE if p.params and p.name not in SITE_ARGUMENTS]


def site_urls(w: World) -> list[tuple[Pattern, str]]:
    """(pattern, URL) for every site pattern and each of its argument sets, in the active
    language."""
    urls = []
    for pattern in SITE:
        for kwargs in SITE_ARGUMENTS[pattern.name](w) if pattern.params else [{}]:
            urls.append((pattern, reverse(pattern.name, kwargs=kwargs)))
    return urls


# The admin ---------------------------------------------------------------------------------

#: The custom admin views' own arguments, besides the object's pk.
OBJECT_PARAMS = {"pk", "object_id", "id"}
ADMIN_EXTRA = {"to": ("in_review", "needs_info", "approved")}


def _admin_objects(model) -> list:
    """The objects of `model` the admin crawl opens: the first and the last (full and bare,
    as the world builds the full one first), or none when there are none."""
    manager = model._default_manager
    if not manager.exists():  # pghistory's events: an empty default manager
        manager = model.objects
    first, last = manager.order_by("pk").first(), manager.order_by("-pk").first()
    return [obj for obj in dict.fromkeys([first, last]) if obj is not None]


def admin_objects() -> dict:
    """The objects the admin crawl opens, by model (the same for every test of the module:
    looked up once, as some, the audit trail's events above all, are slow to find)."""
    return {model: _admin_objects(model) for model in admin.site._registry}


def admin_urls(objects: dict) -> tuple[list[tuple[Pattern, str]], list[str]]:
    """(pattern, URL) for every admin pattern in the active language, and the patterns it
    cannot fill (a model of the admin with no object in the world)."""
    urls, missing = [], []
    site = admin.site
    models_by_route = {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/": model
        for model in site._registry
    }
    for pattern in ADMIN:
        params = set(pattern.params)
        if not params:
            urls.append((pattern, reverse(pattern.name)))
            continue
        if pattern.name == "admin:app_list":
            labels = {model._meta.app_label for model in site._registry}
            urls += [(pattern, reverse(pattern.name, args=[label])) for label in sorted(labels)]
            continue
        if pattern.name == "admin:view_on_site":
            for model in site._registry:
                if hasattr(model, "get_absolute_url"):
                    for obj in objects[model][:1]:
                        kwargs = {
                            "content_type_id": ContentType.objects.get_for_model(model).pk,
                            "object_id": obj.pk,
                        }
                        urls.append((pattern, reverse(pattern.name, kwargs=kwargs)))
            continue
        if params == {"url"}:  # the catch-all: an unknown admin page
            urls.append((pattern, reverse("admin:index") + "nowhere/"))
            continue
        model = next(
            (m for route, m in models_by_route.items() if pattern.route.startswith(route)), None
        )
        found = objects[model] if model else []
        if not found:
            missing.append(f"{pattern.name} (/{pattern.route})")
            continue
        if not pattern.name.endswith("_change"):
            found = found[:1]  # a change form shows both; history and delete, the first
        for obj in found:
            extra = [{}]
            (key,) = params & OBJECT_PARAMS
            for param in params - OBJECT_PARAMS:
                extra = [{**e, param: value} for e in extra for value in ADMIN_EXTRA[param]]
            for more in extra:
                kwargs = {key: obj.pk, **more}
                try:
                    url = reverse(pattern.name, kwargs=kwargs)
                except NoReverseMatch:  # unnamed: the admin's redirect to the change page
                    route = pattern.route.removeprefix("admin/")
                    url = reverse("admin:index") + route.replace("<path:object_id>", str(obj.pk))
                urls.append((pattern, url))
    return urls, missing
