"""Demo data of the core app: the demo accounts and a population of users.

`manage.py seed_demo` calls `seed()`. Three demo accounts share one documented password
(`DEMO_PASSWORD`): `demo-staff` (a superuser for the admin), `demo-talent` and `demo-enterprise`.
The other users are generated from a fixed random stream, so every run makes the same people:
user number *i* is the same person at every scale, and a small data set is the start of the
large one. Users are written with PostgreSQL COPY into a temporary table and then inserted with
ON CONFLICT DO NOTHING, so re-running adds only what is missing. They all share one password hash
(of `DEMO_PASSWORD`), computed once.

**The demo's own rows.** Every account the seed makes is marked `is_demo`, and every section's
seed picks its people (applicants, members, experts, tenants, ...) from `User.objects.demo()`
only: the accounts people make on the site or staff make in the admin are never given a
profile, an application or a membership, and nothing they made is changed. A username or
e-mail address a person took first is left to them; the seed does without that demo account.
Databases seeded before the mark existed are adopted on the next run: an unmarked account that
is exactly one the seed makes (same username, e-mail and, for generated people, the same
moment of joining) is marked.
"""

import random
import re
import time
import unicodedata
from base64 import b32encode
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentportal.models import AccountKind, Notification, User

DEMO_PASSWORD = "portal-demo-2026"
ADMIN_URL = "http://127.0.0.1:8000/admin/"
# The admin needs a second factor: demo-staff has an authenticator with this fixed, published
# key (a demo only: never in production). Add it to an authenticator app, or print the current
# code with `manage.py demo_totp`.
DEMO_TOTP_KEY = b"TalentPortal-demo-2F"
DEMO_TOTP_USERNAME = "demo-staff"

USER_COUNTS = {"small": 400, "large": 200_000}

# Share of each kind of account among the generated users.
KIND_WEIGHTS = {
    AccountKind.TALENT: 86,
    AccountKind.ENTERPRISE: 10,
    AccountKind.INVESTOR: 2,
    AccountKind.EXPERT: 2,
}
INTERNATIONAL_SHARE = 0.04  # talents from abroad, who use the English site

# Accounts are spread over the three years before this moment.
JOINED_BEFORE = datetime(2026, 10, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
JOINED_SPAN_SECONDS = 3 * 365 * 24 * 3600

DEMO_ACCOUNTS = [
    {
        "username": "demo-staff",
        "display_name": "省人才办演示账号",
        "first_name": "Demo",
        "last_name": "Staff",
        "kind": AccountKind.STAFF,
        "is_staff": True,
        "is_superuser": True,
    },
    {
        "username": "demo-talent",
        "display_name": "陈思远",
        "first_name": "Siyuan",
        "last_name": "Chen",
        "kind": AccountKind.TALENT,
    },
    {
        "username": "demo-enterprise",
        "display_name": "周海燕",
        "first_name": "Haiyan",
        "last_name": "Zhou",
        "kind": AccountKind.ENTERPRISE,
    },
]

# Common surnames with their pinyin and a rough relative frequency.
SURNAMES = [
    ("王", "Wang", 72), ("李", "Li", 71), ("张", "Zhang", 65), ("刘", "Liu", 54),
    ("陈", "Chen", 46), ("杨", "Yang", 32), ("黄", "Huang", 25), ("赵", "Zhao", 20),
    ("吴", "Wu", 20), ("周", "Zhou", 19),
    ("徐", "Xu", 15), ("孙", "Sun", 15), ("马", "Ma", 13), ("朱", "Zhu", 13), ("胡", "Hu", 12),
    ("郭", "Guo", 11), ("何", "He", 10), ("林", "Lin", 10), ("高", "Gao", 10), ("罗", "Luo", 10),
    ("郑", "Zheng", 9), ("梁", "Liang", 9), ("谢", "Xie", 7), ("宋", "Song", 7), ("唐", "Tang", 7),
    ("许", "Xu", 6), ("韩", "Han", 6), ("冯", "Feng", 6), ("邓", "Deng", 6), ("曹", "Cao", 6),
    ("彭", "Peng", 5), ("曾", "Zeng", 5), ("肖", "Xiao", 5), ("田", "Tian", 5), ("董", "Dong", 5),
    ("潘", "Pan", 5), ("袁", "Yuan", 5), ("蔡", "Cai", 4), ("蒋", "Jiang", 4), ("余", "Yu", 4),
    ("于", "Yu", 4), ("杜", "Du", 4), ("叶", "Ye", 4), ("程", "Cheng", 4), ("魏", "Wei", 4),
    ("苏", "Su", 4), ("吕", "Lyu", 4), ("丁", "Ding", 4), ("任", "Ren", 4), ("沈", "Shen", 4),
    ("姚", "Yao", 3), ("卢", "Lu", 3), ("钟", "Zhong", 3), ("姜", "Jiang", 3), ("崔", "Cui", 3),
    ("谭", "Tan", 3), ("陆", "Lu", 3), ("范", "Fan", 3), ("汪", "Wang", 3), ("金", "Jin", 3),
    ("钱", "Qian", 2), ("顾", "Gu", 2), ("戴", "Dai", 2), ("严", "Yan", 2), ("邵", "Shao", 2),
    ("方", "Fang", 2), ("夏", "Xia", 2), ("孟", "Meng", 2), ("秦", "Qin", 2), ("欧阳", "Ouyang", 1),
]  # fmt: skip

# Characters common in given names, each with its (unambiguous) pinyin.
GIVEN_CHARACTERS = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("磊", "lei"), ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"),
    ("娟", "juan"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"),
    ("平", "ping"), ("刚", "gang"), ("英", "ying"), ("华", "hua"), ("慧", "hui"), ("婷", "ting"),
    ("宇", "yu"), ("浩", "hao"), ("晨", "chen"), ("欣", "xin"), ("怡", "yi"), ("子", "zi"),
    ("涵", "han"), ("博", "bo"), ("文", "wen"), ("轩", "xuan"), ("思", "si"), ("雨", "yu"),
    ("佳", "jia"), ("琪", "qi"), ("梓", "zi"), ("睿", "rui"), ("泽", "ze"), ("鑫", "xin"),
    ("宁", "ning"), ("嘉", "jia"), ("晓", "xiao"), ("海", "hai"), ("建", "jian"), ("国", "guo"),
    ("志", "zhi"), ("永", "yong"), ("俊", "jun"), ("凯", "kai"), ("鹏", "peng"), ("帆", "fan"),
    ("琳", "lin"), ("颖", "ying"), ("雪", "xue"), ("倩", "qian"), ("然", "ran"), ("诗", "shi"),
    ("梦", "meng"), ("瑶", "yao"), ("航", "hang"), ("昊", "hao"), ("天", "tian"), ("逸", "yi"),
    ("辰", "chen"), ("安", "an"), ("东", "dong"), ("立", "li"), ("清", "qing"), ("雅", "ya"),
    ("峰", "feng"), ("林", "lin"), ("亮", "liang"), ("斌", "bin"), ("红", "hong"), ("玉", "yu"),
    ("兰", "lan"), ("萍", "ping"), ("远", "yuan"), ("一", "yi"), ("诚", "cheng"), ("毅", "yi"),
]  # fmt: skip

INTERNATIONAL_FIRST_NAMES = [
    "Emily", "James", "Sophie", "Daniel", "Anna", "Lukas", "Maria", "Thomas", "Olivia", "David",
    "Hannah", "Pierre", "Yuki", "Min-jun", "Elena", "Arjun", "Laura", "Mateo", "Sara", "Oliver",
]  # fmt: skip
INTERNATIONAL_LAST_NAMES = [
    "Smith", "Müller", "Martin", "Johnson", "Rossi", "Tanaka", "Kim", "Garcia", "Novak", "Brown",
    "Dubois", "Schneider", "Kowalski", "Silva", "Ivanova", "Patel", "Nielsen", "Wilson", "Sato",
]  # fmt: skip


def seed(*, scale: str, rng: random.Random, stdout) -> None:
    started = time.perf_counter()
    demo_accounts_ensure()
    created = users_bulk_ensure(count=USER_COUNTS[scale], rng=rng)
    stdout.write(
        f"  users: {created} new, {User.objects.count()} in all "
        f"({time.perf_counter() - started:.1f}s)"
    )


class DemoSeedError(Exception):
    """The demo seed cannot go on without changing what a person made; the message says what
    to do."""


def demo_accounts_ensure() -> list[User]:
    """Create the demo accounts, or put them back as documented: their kind, privileges and
    password (names are set when an account is made and then left as they are)."""
    accounts = []
    for account in DEMO_ACCOUNTS:
        fields = {"email": f"{account['username']}@example.com", **account}
        username = fields.pop("username")
        existing = User.objects.filter(username__iexact=username).first()
        adopted = existing is None or existing.is_demo or existing.email.lower() == fields["email"]
        if not adopted:
            raise DemoSeedError(
                f"The account {existing.username!r} was made on the site or in the admin, "
                f"not by the demo seed, and has the name of a demo account. Rename it in the "
                f"admin (/admin/talentportal/user/{existing.pk}/change/), then seed again."
            )
        documented = {
            key: fields.get(key, False) for key in ("kind", "is_staff", "is_superuser")
        } | {"is_demo": True}
        user, created = User.objects.update_or_create(
            username=existing.username if existing else username,
            defaults=documented,
            create_defaults=fields | documented,
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if username == DEMO_TOTP_USERNAME:
            demo_totp_device_ensure(user)
        accounts.append(user)
    return accounts


def demo_user(username: str) -> User | None:
    """The active demo account of that username, if there is one."""
    return User.objects.demo().filter(username=username, is_active=True).first()


def demo_user_ensure(username: str, *, email: str, password: str = "", **fields):
    """(account, created): the demo account `username`, made when missing (marked as demo;
    `password` a hash, else none usable). An unmarked account with this username and e-mail is
    the seed's from before accounts were marked, and is marked. (None, False) when a person
    has the username or the e-mail address: the seed does without this account."""
    user = User.objects.filter(username__iexact=username).first()
    if user is not None:
        if user.is_demo:
            return user, False
        if user.email.lower() != email.lower():
            return None, False
        User.objects.filter(pk=user.pk).update(is_demo=True)
        user.is_demo = True
        return user, False
    if email and User.objects.filter(email__iexact=email).exists():
        return None, False
    user = User(username=username, email=email, is_demo=True, **fields)
    if password:
        user.password = password
    else:
        user.set_unusable_password()
    user.save()
    return user, True


@contextmanager
def quietly():
    """Run services for the demo without telling anyone who is not part of it: the e-mails
    they would send when the transaction commits are dropped (the demo's people have made-up
    addresses), and so are the on-site notifications they leave for accounts that are not demo
    accounts (staff made in the admin are told of every new submission)."""
    with transaction.atomic():
        pending = transaction.get_connection().run_on_commit
        before = len(pending)
        last = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
        yield
        Notification.objects.filter(pk__gt=last, recipient__is_demo=False).delete()
        del pending[before:]


@contextmanager
def without_insert_events():
    """Rows inserted while this lasts (in the seed's transaction) get no "insert" event in the
    audit trail; updates and deletes stay audited. For the large demo data: the audit
    trigger's per-row insert grows slower with every row the transaction has written before
    (measured: the first 5,000 talent cards in 0.3 s, the eighth 5,000 in 1.3 s; 0.08 s each
    without it), and a million generated rows are nobody's action to trace."""
    pgids = [
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if trigger.name == "insert_insert"  # pghistory.InsertEvent's trigger (audit.py)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore', true)")
        before = cursor.fetchone()[0] or None
        ignored = set(before.strip("{}").split(",")) - {""} if before else set()
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)",
            ["{" + ",".join(sorted(ignored | set(pgids))) + "}"],
        )
    yield
    # Not in a `finally`: the setting is the transaction's own (ends with it), and after an
    # error the transaction can run nothing more (the query would hide the error).
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [before or "{}"])


def demo_totp_device_ensure(user: User) -> TOTPDevice:
    device, _created = TOTPDevice.objects.update_or_create(
        user=user, name="demo", defaults={"key": DEMO_TOTP_KEY.hex(), "confirmed": True}
    )
    return device


def demo_totp_secret() -> str:
    """The demo key as authenticator apps take it (base32)."""
    return b32encode(DEMO_TOTP_KEY).decode()


def user_rows(count: int, rng: random.Random):
    """The first `count` generated users, as dicts of User field values."""
    surnames = [(chinese, pinyin) for chinese, pinyin, _ in SURNAMES]
    surname_weights = list(accumulate(weight for _, _, weight in SURNAMES))
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(accumulate(KIND_WEIGHTS.values()))
    for i in range(1, count + 1):
        kind = rng.choices(kinds, cum_weights=kind_weights)[0]
        joined = JOINED_BEFORE - timedelta(seconds=rng.randrange(JOINED_SPAN_SECONDS))
        if kind == AccountKind.TALENT and rng.random() < INTERNATIONAL_SHARE:
            first_name = rng.choice(INTERNATIONAL_FIRST_NAMES)
            last_name = rng.choice(INTERNATIONAL_LAST_NAMES)
            display_name = f"{first_name} {last_name}"
            handle = f"{first_name}{last_name}"
            language = "en"
        else:
            surname, last_name = rng.choices(surnames, cum_weights=surname_weights)[0]
            given = rng.sample(GIVEN_CHARACTERS, rng.choice((1, 2, 2, 2)))
            display_name = surname + "".join(character for character, _ in given)
            first_name = _join_pinyin([syllable for _, syllable in given])
            handle = f"{last_name}{first_name}"
            language = "zh-hans"
        username = _ascii_letters(handle) + str(i)
        yield {
            "username": username,
            "email": f"{username}@example.com",
            "display_name": display_name,
            "first_name": first_name,
            "last_name": last_name,
            "kind": kind,
            "preferred_language": language,
            "date_joined": joined,
        }


def users_bulk_ensure(*, count: int, rng: random.Random) -> int:
    """Insert the first `count` generated users that are not there yet; returns how many.
    A username or e-mail address someone took on the site stays theirs (ON CONFLICT DO
    NOTHING); an unmarked account identical to a generated one is marked as demo."""
    template = User(password=make_password(DEMO_PASSWORD), is_active=True, is_demo=True)
    fields = [f for f in User._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(User._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE seed_user ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY seed_user ({columns}) FROM STDIN") as copy:
            for row in user_rows(count, rng):
                copy.write_row([row.get(f.attname, getattr(template, f.attname)) for f in fields])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM seed_user "
            f"ORDER BY date_joined ON CONFLICT DO NOTHING"
        )
        created = cursor.rowcount
        demo_users_adopt(cursor, "seed_user")
        cursor.execute("DROP TABLE seed_user")
    return created


def demo_users_adopt(cursor, planned: str) -> None:
    """Mark as demo the unmarked accounts that are exactly the planned ones of the temporary
    table `planned` (same username, e-mail and joining moment): the seed made them before
    accounts were marked. A person's account never matches all three."""
    table = connection.ops.quote_name(User._meta.db_table)
    cursor.execute(
        f"UPDATE {table} AS u SET is_demo = true FROM {planned} AS p "
        f"WHERE NOT u.is_demo AND u.username = p.username AND u.email = p.email "
        f"AND u.date_joined = p.date_joined"
    )


def _join_pinyin(syllables: list[str]) -> str:
    """Pinyin syllables as one capitalised word: an apostrophe before a, o, e ("Xi'an")."""
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[0] in "aoe" else "") + syllable
    return word.capitalize()


def _ascii_letters(text: str) -> str:
    """Lower-case ASCII letters only: "Müller" -> "muller", "Min-jun" -> "minjun"."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).lower())
