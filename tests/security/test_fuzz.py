"""Fuzzing with hypothesis: no query string and no form input makes a server error.

Every list page of `tests/test_query_counts.py` (LIST_PAGES, reused here) gets query strings
made of its FilterSet's own parameters — read from the filter the view puts in its context,
i.e. from the view's `filterset_class` — plus junk names, with hostile values: huge and
negative numbers, unicode, NUL bytes, `%`, repeated names (`a=1&a=2`), very long strings,
impossible dates, SQL and HTML. Every public form (and the application forms a signed-in
talent fills in) gets the same values in its own fields. The answer must be one of
ALLOWED — never a 500.

The runs are deterministic (`derandomize=True`: the same examples on every machine and every
run, so CI cannot pass by luck one day and fail the next) and bounded: FUZZ_EXAMPLES
examples per page, no deadline (a first request fills caches).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import MultiWidget
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from policies.models import ServiceMaterial
from talentportal.models import AccountKind
from tests.apartments.factories import CommunityFactory, drawn_round
from tests.apartments.web import accepting_round
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import ProductFactory
from tests.policies.factories import PolicyFactory
from tests.policies.test_service_forms import SCHEMA
from tests.projects.program_factories import call_with
from tests.projects.roadshow_factories import RoadshowFactory
from tests.security.test_authorization_matrix import SITE
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory
from tests.talents.factories import DemandFactory, InternshipFactory, TalentFactory
from tests.test_query_counts import LIST_PAGES, ListPage

pytestmark = pytest.mark.django_db

ALLOWED = {200, 302, 400, 403, 404, 429}
FUZZ_EXAMPLES = 25

hypothesis_settings.register_profile(
    "security-fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,  # nothing remembered between runs: the same examples everywhere
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ = hypothesis_settings.get_profile("security-fuzz")

# Values ------------------------------------------------------------------------------------

PAYLOADS = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "-0",
    "9" * 40,
    str(2**63),
    str(-(2**63) - 1),
    "\x00",
    "a\x00b",
    "%",
    "%%",
    "%00",
    "_",
    "\\",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "2026-13-01",
    "31/12/2026",
    "330100",
    "999999",
    "330100,320400,x",
    "' OR 1=1 --",
    "1; DROP TABLE policies_policy; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "人才公寓",
    "🏠" * 20,
    "\u202e\ufeff\u200b",
    "x" * 5000,
    "true",
    "on",
    "submit",
    "save",
    "csv",
    "demand",
]

JUNK_NAMES = [
    "page",
    "sort",
    "q",
    "format",
    "action",
    "next",
    "regions",
    "region",
    "a",
    "%",
    "\x00",
    "region[]",
    "页",
    "x" * 300,
]

values = st.one_of(
    st.sampled_from(PAYLOADS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=30),  # any unicode, NUL included
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(str),
)

# Raw query strings that no urlencode() would make.
RAW_QUERIES = [
    "%",
    "%zz",
    "a=%00",
    "q=%FF%FE",
    "&&&=&=",
    "=x",
    "page=%2",
    "sort=%E4%BA",
    "q=" + "%41" * 3000,
]


def query_strings(names: list[str]):
    """A query string: 1–6 (name, value) pairs, names repeating (arrays), or a raw one."""
    pairs = st.lists(
        st.tuples(st.sampled_from(names + JUNK_NAMES), values), min_size=1, max_size=6
    ).map(lambda items: urlencode(items))
    return st.one_of(pairs, pairs, pairs, st.sampled_from(RAW_QUERIES))


#: Every parameter of a page gets each of these at once (twice: an array), before the fuzzing.
HOSTILE = [
    "\x00",
    "a\x00b",
    str(2**70),
    "-1",
    "%",
    "2026-02-30",
    "x" * 5000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "人才🏠\u202e",
]


def check(response, what: str) -> None:
    assert response.status_code in ALLOWED, f"{what}: {response.status_code}"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The views themselves are fuzzed, not the limiter in front of them (429 is allowed,
    but a page limited after a few examples would hide what the others do)."""
    settings.RATELIMIT_ENABLE = False


def signed_in(role: str | None, list_page: ListPage | None = None) -> Client:
    client = Client()
    if role is None:
        return client
    user = UserFactory(kind=role)
    for add_rows in list_page.rows if list_page else ():
        add_rows(1, user)  # the rows set the user up too (enterprise membership, expert)
    login_verified(client, user)
    return client


# List pages --------------------------------------------------------------------------------


def filter_parameters(client: Client, url: str) -> list[str]:
    """The query parameters of the page's FilterSet: the form of the filter the view puts in
    its context, built from its `filterset_class`."""
    response = client.get(url)
    assert response.status_code == 200, url
    view_class = getattr(resolve(url).func, "view_class", None)
    filterset_class = getattr(view_class, "filterset_class", None)
    if filterset_class is None:
        return []
    filterset = response.context["filter"]
    assert isinstance(filterset, filterset_class)
    return form_parameters(filterset.form)


def form_parameters(form, *, files: bool = True) -> list[str]:
    names = []
    for bound in form:
        if not files and isinstance(bound.field, forms.FileField):
            continue
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):
            names += [bound.html_name + suffix for suffix in widget.widgets_names]
        else:
            names.append(bound.html_name)
    return names


@pytest.mark.parametrize("list_page", LIST_PAGES, ids=str)
def test_list_pages_survive_any_query_string(list_page):
    role = list_page.roles[0]
    client = signed_in(role, list_page)
    url = reverse(list_page.url_name, kwargs=list_page.kwargs)
    if role is None:
        for add_rows in list_page.rows:
            add_rows(1, None)
    names = filter_parameters(client, url)
    for value in HOSTILE:
        query = urlencode([(name, value) for name in names * 2])
        check(client.get(url, QUERY_STRING=query), f"{url}?{query[:200]}")

    @FUZZ
    @given(query=query_strings(names))
    def fuzz(query):
        check(client.get(url, QUERY_STRING=query), f"{url}?{query[:200]}")

    fuzz()


def test_list_pages_are_fuzzed_with_their_filterset_parameters():
    """The filter parameters are really found (else the fuzzing would be junk names only)."""
    client = Client()
    assert {"q", "region", "sort"} <= set(filter_parameters(client, reverse("policies:index")))


# Forms -------------------------------------------------------------------------------------


@dataclass
class FormPage:
    """A page with a form: fetched with GET to find the form's fields, then sent fuzzed
    values with `method`."""

    url_name: str
    objects: Callable[[], dict] = dict  # URL kwargs, from factories
    role: str | None = None  # None: anonymous
    method: str = "post"
    context_name: str = "form"
    fields: list[str] = field(default_factory=list)  # when no form is in the context

    def __str__(self) -> str:
        return self.url_name


def _service():
    """An online service with questions of every kind and a required material."""
    service = ServiceItemFactory(form_schema=SCHEMA)
    ServiceMaterial.objects.create(service=service, name_zh="身份证", name_en="ID card")
    return {"pk": service.pk}


def _demand():
    return {"pk": DemandFactory().pk}


def _internship():
    return {"pk": InternshipFactory().pk}


def _call():
    return {"pk": call_with().pk}


def _round():
    return {"pk": accepting_round().pk}


def _community():
    return {"pk": CommunityFactory().pk}


def _drawn_round():
    return {"pk": drawn_round(applicants=2, unit_count=1)[0].pk}


def _product():
    return {"pk": ProductFactory().pk}


def _roadshow():
    return {"pk": RoadshowFactory(starts_at=timezone.now() + datetime.timedelta(days=3)).pk}


FORM_PAGES = [
    FormPage("accounts:signup"),
    FormPage("accounts:login"),
    FormPage("accounts:password_reset"),
    FormPage("accounts:signup_resend"),
    FormPage("policies:calculator", method="get"),
    FormPage("policies:calculator", role=AccountKind.TALENT),
    FormPage("policies:compare", method="get"),
    FormPage("policies:following", role=AccountKind.TALENT, fields=["region", "category", "next"]),
    FormPage("talents:card_lookup", method="get"),
    FormPage("apartments:occupancy", method="get"),
    FormPage("policies:service_apply", _service, role=AccountKind.TALENT),
    FormPage("talents:demand_apply", _demand, role=AccountKind.TALENT),
    FormPage("talents:internship_apply", _internship, role=AccountKind.TALENT),
    FormPage("projects:call_apply", _call, role=AccountKind.TALENT),
    FormPage("apartments:round_apply", _round, role=AccountKind.TALENT),
    FormPage("projects:roadshow_register", _roadshow, role=AccountKind.TALENT, fields=["note"]),
    FormPage("ecosystem:feedback_new", role=AccountKind.TALENT),
    FormPage("apartments:community", _community, method="get", context_name="qualify_form"),
    FormPage("apartments:round_verify", _drawn_round, method="get", context_name="find_form"),
    FormPage(
        "ecosystem:product_apply",
        _product,
        role=AccountKind.TALENT,
        fields=["amount", "purpose", "enterprise_type", "action"],
    ),
]


def form_values(names: list[str]):
    """Fuzzed values for some of the form's fields (absent ones test `required`), and now
    and then junk names."""
    return st.dictionaries(
        st.sampled_from([*names, "action", "declaration", "next", "x"]),
        st.one_of(values, st.lists(values, min_size=2, max_size=3)),  # a list: a=1&a=2
        max_size=len(names) + 2,
    )


def _drop_nul_names(data: dict) -> dict:
    return {name: value for name, value in data.items() if "\x00" not in name}


@pytest.mark.parametrize("form_page", FORM_PAGES, ids=lambda p: f"{p}-{p.method}")
def test_forms_survive_any_input(form_page):
    client = Client()
    if form_page.role:
        TalentFactory(user=login_verified(client, UserFactory(kind=form_page.role)))
    url = reverse(form_page.url_name, kwargs=form_page.objects())
    names, file_fields = list(form_page.fields), set()
    if not names:
        response = client.get(url)
        assert response.status_code == 200, url
        form = response.context[form_page.context_name]
        names = form_parameters(form)
        file_fields = set(names) - set(form_parameters(form, files=False))
    assert names, f"{url}: no fields to fuzz"
    send = client.get if form_page.method == "get" else client.post
    for value in HOSTILE:
        data = {name: [value, value] for name in names if name not in file_fields}
        check(send(url, data), f"{form_page.method.upper()} {url} all fields {value[:20]!r}")

    @FUZZ
    @given(data=form_values(names), upload=st.binary(max_size=64))
    def fuzz(data, upload):
        data = _drop_nul_names(data)
        if form_page.method == "get":
            response = client.get(url, data)
        else:
            for name in file_fields & set(data):
                data[name] = SimpleUploadedFile("x.pdf", upload, "application/pdf")
            response = client.post(url, data)
        check(response, f"{form_page.method.upper()} {url} {str(data)[:300]}")

    fuzz()


#: Text in a URL's own segments (references, card numbers, answers, kinds, CSV keys).
PATH_VALUES = ["\x00", "a\x00b", "x" * 300, "%", "AA-2026-%", "人才", "<script>", "' OR 1=1 --"]


@pytest.mark.parametrize("role", [None, AccountKind.TALENT, AccountKind.ENTERPRISE])
def test_text_in_url_segments_is_never_a_500(role):
    """Every site pattern with a text segment, each segment given hostile text (numbers stay
    numbers: the converter refuses anything else before a view runs)."""
    client = signed_in(role)
    failures = []
    for pattern in SITE:
        if set(pattern.params) <= set(pattern.int_params):
            continue
        for value in PATH_VALUES:
            kwargs = {p: "1" if p in pattern.int_params else value for p in pattern.params}
            try:
                url = reverse(pattern.name, kwargs=kwargs)
            except NoReverseMatch:
                continue  # a converter with its own pattern (program references) refuses it
            try:
                response = client.get(url)
                if response.status_code == 405:
                    response = client.post(url)
                status = response.status_code
            except Exception as error:
                status = f"{type(error).__name__}: {error}"
            if status not in ALLOWED:
                failures.append(f"{url}: {status}")
    assert not failures, f"as {role or 'anonymous'}:\n" + "\n".join(failures)


def test_a_policy_page_survives_junk_ids(client):
    """Ids that are not numbers never reach the database: the URL converter refuses them."""
    policy = PolicyFactory()
    for path in (f"/policies/{policy.pk}9999999999999999999/", "/policies/-1/", "/policies/%00/"):
        check(client.get(path), path)


# Admin changelists -------------------------------------------------------------------------

ADMIN_CHANGELISTS = sorted(
    f"{model._meta.app_label}_{model._meta.model_name}" for model in admin.site._registry
)
ADMIN_EXAMPLES = 5  # the fuzz above with fewer examples: there are dozens of changelists
#: Each parameter of a changelist gets each of these alone (the admin answers the first lookup it
#: cannot use with ?e=1, so values given together would test only one parameter).
ADMIN_HOSTILE = ["\x00", "a\x00b", str(2**70), "2026-02-30", "x" * 5000]


def changelist_parameters(response) -> list[str]:
    """What the changelist reads from its query string: search, ordering, page and every
    list filter's own parameters."""
    changelist = response.context["cl"]
    names = ["q", "o", "p", "all", "_facets"]
    for spec in changelist.filter_specs:
        names += spec.expected_parameters()
    return names


@pytest.mark.parametrize("changelist", ADMIN_CHANGELISTS)
# A date typed into a date-time filter by hand (`created_at__gte=2026-01-01`) is taken in the
# local time zone with Django's warning: a warning in production, an error under pytest.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
def test_admin_changelists_survive_any_query_string(changelist, admin_client):
    url = reverse(f"admin:{changelist}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200, url
    names = changelist_parameters(response)
    for value in ADMIN_HOSTILE:
        for name in names:
            query = urlencode([(name, value)])
            check(admin_client.get(url, QUERY_STRING=query), f"{url}?{query[:200]}")

    @hypothesis_settings(FUZZ, max_examples=ADMIN_EXAMPLES)
    @given(query=query_strings(names))
    def fuzz(query):
        check(admin_client.get(url, QUERY_STRING=query), f"{url}?{query[:200]}")

    fuzz()


def test_a_nul_in_an_admin_list_filter_is_the_admin_s_invalid_lookup_page(admin_client):
    url = reverse("admin:ecosystem_feedback_changelist")
    response = admin_client.get(url, QUERY_STRING="status__exact=%00")
    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")
    assert admin_client.get(f"{url}?e=1").status_code == 200
