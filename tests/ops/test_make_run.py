"""`make run` on one database again and again, with people using the site in between (issue 23).

The real `make run` (the Makefile's target: migrations, the demo seed, gunicorn) runs against
this test's database, and is stopped once the portal answers. Before the first run people have
signed up already (as after `SEED=0 make run`); between the runs they use the demo through the
site — sign up, consent without a profile, register an enterprise, start, submit and withdraw
applications, register for a roadshow, delete an account — and staff delete some demo records
in the admin, which the second run puts back. Each run must start the portal, change no row
that was there before it (anybody's, the demo's included), and add nothing that points at a row
people made on the site.
"""

import datetime
import os
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from apartments.models import AllocationRound, ApartmentApplication, CommunityPhoto
from policies.models import ServiceApplication, ServiceItem
from projects.models import Call, ProgramApplication, Registration, Roadshow
from talentportal.demo import DEMO_PASSWORD
from talentportal.models import Discipline, ReferenceCounter, Region, User
from talents.models import Consent, Enterprise, EnterpriseMember, Talent
from talents.services import enterprise_verify
from tests.apartments.web import form_data as apartment_form
from tests.auth_helpers import sign_up as sign_up_and_confirm
from tests.perf.loadkit import free_port, http_get
from tests.talentportal.factories import StaffFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "harbour-lights-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STARTED = "TalentPortal is running at"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # make run collects the static files into the checkout's staticfiles/, as the fault test
    # does: one xdist worker runs them all, so that two never write there at once.
    pytest.mark.xdist_group("staticfiles"),
]


# The runs -----------------------------------------------------------------------------------


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{s['USER']}{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def make_run(tmp_path: Path, name: str, **variables: str) -> tuple[bool, str]:
    """`make run` until the portal answers its home page (then stopped): (started, output)."""
    port = free_port()
    log = tmp_path / f"{name}.log"
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    env.update(
        DATABASE_URL=database_url(),
        PORT=str(port),
        WEB_CONCURRENCY="1",
        MAIL_DIR=str(tmp_path / "mail"),
        **variables,
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started = False
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            if STARTED in log.read_text(errors="replace"):
                status, _body = http_get(f"http://127.0.0.1:{port}/", timeout=30)
                started = status == 200
                break
            time.sleep(0.5)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return started, log.read_text(errors="replace")


# What is in the database --------------------------------------------------------------------


def tables():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            yield model


def snapshot() -> dict:
    """Every row of every table: {model: {primary key: values}}."""
    rows = {}
    for model in tables():
        names = [field.attname for field in model._meta.concrete_fields]
        key = names.index(model._meta.pk.attname)
        rows[model] = {values[key]: values for values in model._base_manager.values_list(*names)}
    return rows


def added(before: dict, after: dict) -> set:
    """(model, primary key) of the rows in `after` that `before` does not have."""
    return {
        (model._meta.concrete_model, pk)
        for model, rows in after.items()
        for pk in rows.keys() - before[model].keys()
    }


def changed(before: dict, after: dict) -> list[str]:
    """Rows of `before` that are gone or different in `after` (but for the shared reference
    counters, which move on whenever anything is given a number)."""
    return [
        f"{model._meta.label} {pk}: {values} -> {after[model].get(pk)}"
        for model, rows in before.items()
        if model is not ReferenceCounter
        for pk, values in rows.items()
        if after[model].get(pk) != values
    ]


def pointing_at(rows: set, before: dict, after: dict) -> Counter:
    """Rows new in `after` with a foreign key to one of `rows`, counted by the foreign key."""
    found = Counter()
    for model, now in after.items():
        relations = [
            (index, field, field.related_model._meta.concrete_model)
            for index, field in enumerate(model._meta.concrete_fields)
            if field.is_relation and field.related_model is not None
        ]
        for pk in now.keys() - before[model].keys():
            for index, field, target in relations:
                if (target, now[pk][index]) in rows:
                    found[f"{field} -> {target._meta.label}"] += 1
    return found


# People on the site -------------------------------------------------------------------------


def sign_up(username: str, kind: str = "talent") -> Client:
    client = Client()
    data = {
        "kind": kind,
        "username": username,
        "email": f"{username}@example.com",
        "display_name": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_privacy": "on",
    }
    response = sign_up_and_confirm(client, data)  # signed in by the mail's link
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def consent(client: Client, purpose: str = "profile_search") -> None:
    response = client.post("/me/profile/consents/give/", {"purpose": purpose})
    assert response.status_code == 302


def register_enterprise(client: Client, name: str) -> None:
    response = client.post(
        "/enterprise/register/",
        {
            "name": name,
            "name_en": "",
            "credit_code": "91330106MA27XL1U8W",
            "region": "330106",
            "industry": "",
            "size": "small",
            "description": "",
            "website": "",
            "evidence": SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def service_answers(client: Client, service: ServiceItem) -> dict:
    """The apply form filled in, every material attached, with the page's hidden fields."""
    url = f"/services/{service.pk}/apply/"
    page = client.get(url).content.decode()
    data = {"started": re.search(r'name="started" value="([^"]*)"', page)[1]}
    values = {"number": "3", "date": "2024-03-01", "yes_no": "yes"}
    for item in service.form_schema:
        kind = item["kind"]
        value = item["choices"][0] if kind == "choice" else values.get(kind, "浙江大学")
        data[f"answer_{item['name']}"] = value
    for material in service.materials.all():
        data[f"material_{material.pk}"] = SimpleUploadedFile(
            "scan.pdf", PDF, content_type="application/pdf"
        )
    return data


def apply_for_service(client: Client, service: ServiceItem, action: str) -> ServiceApplication:
    response = client.post(
        f"/services/{service.pk}/apply/", {**service_answers(client, service), "action": action}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ServiceApplication.objects.filter(applicant=response.wsgi_request.user).latest("pk")


def withdraw(client: Client, reference: str) -> None:
    response = client.post(f"/me/applications/{reference}/withdraw/", {"confirm": "yes"})
    assert response.status_code == 302


def apply_to_program(client: Client, call: Call) -> ProgramApplication:
    response = client.post(
        f"/programs/calls/{call.pk}/apply/",
        {
            "track": call.tracks.filter(needs_endorsement=False).first().pk,
            "full_name": "李四",
            "employer": "天津大学",
            "highest_degree": 4,
            "birth_year": 1987,
            "discipline": Discipline.objects.get(code="0805").pk,
            "industry": "",
            "project_title": "合成生物",
            "summary": "成果",
            "endorser_code": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = ProgramApplication.objects.get(call=call, applicant=response.wsgi_request.user)
    client.post(f"/programs/applications/{application.reference}/submit/")
    return application


def apply_for_apartment(client: Client, round: AllocationRound) -> None:
    response = client.post(f"/apartments/rounds/{round.pk}/apply/", apartment_form())
    assert response.status_code == 302, response.content.decode()[:2000]


def register_for(client: Client, roadshow: Roadshow) -> None:
    assert client.post(f"/roadshows/{roadshow.pk}/register/").status_code == 302


def delete_account(client: Client) -> None:
    response = client.post("/me/profile/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200


# The test -----------------------------------------------------------------------------------


@pytest.fixture
def _pictures_removed(transactional_db):
    """The community photos the seed stored where `make run` keeps uploads go again (before
    the flush that ends the test, pass or fail)."""
    yield
    for name in CommunityPhoto.objects.values_list("image", flat=True):
        (ROOT / "media" / name).unlink(missing_ok=True)


@pytest.mark.usefixtures("_pictures_removed")
def test_make_run_starts_every_time_and_never_touches_what_people_made(tmp_path):
    # Before the demo is seeded (as after `SEED=0 make run`): people sign up; one consents to
    # the search before making a profile (the account of the issue), one enterprise member
    # has no enterprise yet, another registers one (with the demo enterprise's name, even),
    # which staff verify. The staff account is a superuser made outside the seed.
    empty = snapshot()
    racer = sign_up("sp-racer")
    consent(racer)
    leaver = sign_up("leaving-soon")
    consent(leaver)
    sign_up("firm-member", kind="enterprise")
    founder = sign_up("firm-founder", kind="enterprise")
    register_enterprise(founder, "杭州云澜智能科技有限公司")
    staff = StaffFactory(username="office-admin")
    enterprise_verify(enterprise=Enterprise.objects.get(), by=staff)
    before = snapshot()
    theirs = added(empty, before)

    started, first = make_run(tmp_path, "first")
    assert started, first
    seeded = snapshot()
    assert changed(before, seeded) == []
    assert pointing_at(theirs, before, seeded) == {}
    assert User.objects.demo().count() > 400

    # People use the demo through the site.
    newcomer = sign_up("newcomer")
    services = list(ServiceItem.objects.filter(is_online=True).order_by("pk")[:3])
    draft = apply_for_service(newcomer, services[0], "save")
    submitted = apply_for_service(newcomer, services[1], "submit")
    withdrawn = apply_for_service(newcomer, services[2], "submit")
    withdraw(newcomer, withdrawn.reference)
    call = Call.objects.filter(year=2026, program__name_zh="浙江省“万人计划”").get()
    apply_to_program(newcomer, call)
    open_round = AllocationRound.objects.get(title_zh="2026年第四批人才公寓配租")
    apply_for_apartment(newcomer, open_round)
    upcoming = Roadshow.objects.filter(starts_at__gt=timezone.now() + datetime.timedelta(days=3))
    event = upcoming.exclude(title_zh__contains="尚贤会").order_by("starts_at").first()
    register_for(newcomer, event)
    register_for(leaver, event)
    apply_for_service(leaver, services[0], "submit")
    delete_account(leaver)
    consent(racer, "contact_sharing")
    theirs |= added(seeded, snapshot())
    # Staff delete demo records in the admin; the next run puts them back.
    gone_event = (
        Roadshow.objects.filter(title_zh__startswith="科创项目路演·")
        .exclude(registrations__user__is_demo=False)
        .order_by("-pk")
        .first()
    )
    gone_event.delete()
    gone_round = AllocationRound.objects.get(title_zh="2026年冬季积分排队配租")
    gone_round.applications.all().delete()
    gone_round.delete()
    demo_applications = ServiceApplication.objects.filter(applicant__is_demo=True)
    ServiceApplication.objects.filter(
        pk__in=demo_applications.order_by("-pk").values("pk")[:5]
    ).delete()
    before = snapshot()

    started, second = make_run(tmp_path, "second")
    assert started, second
    after = snapshot()
    assert changed(before, after) == []
    assert pointing_at(theirs, before, after) == {}
    # What the issue saw: the account that consented without a profile still has none, and
    # its consents are as it gave them.
    racer_user = User.objects.get(username="sp-racer")
    assert not Talent.objects.filter(user=racer_user).exists()
    assert Consent.objects.filter(user=racer_user).count() == 2
    assert not EnterpriseMember.objects.filter(user__username="firm-member").exists()
    assert not Enterprise.objects.get(credit_code="91330106MA27XL1U8W").is_demo
    applications = ServiceApplication.objects.filter(applicant__username="newcomer")
    assert {a.pk: a.status for a in applications} == {
        draft.pk: "draft",
        submitted.pk: "submitted",
        withdrawn.pk: "withdrawn",
    }
    assert Registration.objects.filter(roadshow=event, user__username="newcomer").exists()
    # The demo records staff deleted are back, made for demo people only.
    assert Roadshow.objects.filter(title_zh=gone_event.title_zh).exists()
    back = AllocationRound.objects.get(title_zh="2026年冬季积分排队配租")
    assert ApartmentApplication.objects.filter(round=back).exists()
    assert not ApartmentApplication.objects.filter(round=back, applicant__is_demo=False).exists()
    assert demo_applications.count() == 50

    # Readable output: no e-mail bodies, and it ends with the accounts and the address.
    for output in (first, second):
        assert "Content-Transfer-Encoding" not in output
        tail = output[output.index("Demo accounts:") :]
        assert DEMO_PASSWORD in tail and STARTED in tail
        assert "The mail it sends is written to" in tail
    assert "Traceback" not in first + second

    # SEED=0 starts the portal on the same database without seeding.
    started, unseeded = make_run(tmp_path, "unseeded", SEED="0")
    assert started, unseeded
    assert "SEED=0" in unseeded and "seeding (small)" not in unseeded
    assert changed(after, snapshot()) == []


def test_a_failed_seed_says_what_to_do_and_starts_nothing(tmp_path):
    started, output = make_run(tmp_path, "failed", SCALE="enormous")
    assert not started
    assert "make run: the demo seed failed" in output
    assert "SEED=0 make run" in output
    assert STARTED not in output
    assert Region.objects.exists()  # the database is as it was
