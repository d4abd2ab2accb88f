"""The secretariat-inbox dataset of the benchmark and a signed-in clerk to read it.

``preload_inbox`` writes one agency with (by default) 1,000,000 items and as many requesters with
``INSERT … SELECT … FROM generate_series(…)`` inside the bench database; only two small lookup tables
(≈200,000 people, ≈50,000 subject/body texts) are made in Python, because national IDs need their
check digit and ``search_document`` must be exactly ``search_key(subject + "\\n" + body)``.

``verified_clerk_session`` creates a secretariat clerk with a confirmed authenticator and a session
row that looks like the one the two-step login leaves behind (password and second factor done), so
the load generator can open ``/staff/inbox/`` without typing a password or a code.

Bench data only: tracking codes are ``0000`` + the 8-digit series number + a valid Damm check digit
(unique and accepted by the search box, but not random like real ones; ``run.tracking_codes`` never
draws a code with that prefix, so the two datasets cannot collide).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

INBOX_AGENCY_CODE = "bench-inbox"
INBOX_TRACKING_PREFIX = "0000"  # + 8 digits of the series number + the Damm check digit
MAX_INBOX_ITEMS = 10**8 - 1
PEOPLE = 200_000  # distinct national IDs / mobiles shared by all requesters of the inbox
YEARS = 2
PAGE_SIZE = 50  # the inbox's page size (correspondence.staff_views.PAGE_SIZE)
DEEP_PAGES = 500
SEED = 1405

# (kind, weight, subject prefix): the subject reads "<prefix> <topic>".
CATEGORIES: tuple[tuple[str, int, str], ...] = (
    ("letter", 30, "پیگیری"),
    ("request", 25, "درخواست رسیدگی به"),
    ("complaint", 20, "شکایت درباره"),
    ("criticism", 5, "انتقاد از وضعیت"),
    ("suggestion", 8, "پیشنهاد برای بهبود"),
    ("report", 7, "گزارش تخلف در"),
    ("meeting_request", 5, "درخواست ملاقات حضوری برای"),
)
# Each topic is drawn uniformly: a word found in one topic only hits ≈1/len(TOPICS) of the rows (≈0.8 %).
TOPICS: tuple[str, ...] = (
    "پروانه ساختمانی", "حقوق بازنشستگی", "بیمه تکمیلی", "قبض آب", "انشعاب برق", "لوله‌کشی گاز",
    "عوارض نوسازی", "سند مالکیت", "یارانه نقدی", "کارت سوخت", "گواهینامه رانندگی", "پلاک خودرو",
    "جریمه رانندگی", "معاینه فنی", "پارک محله", "آسفالت معابر", "روشنایی خیابان", "جمع‌آوری زباله",
    "فضای سبز", "سگ‌های ولگرد", "نوبت‌دهی درمانگاه", "داروخانه شبانه‌روزی", "پرونده پزشکی", "اورژانس",
    "آمبولانس", "واکسیناسیون", "ثبت‌نام مدرسه", "شهریه دانشگاه", "سرویس مدارس", "کتابخانه عمومی",
    "استخر سرپوشیده", "ورزشگاه", "اتوبوس‌رانی", "تاکسی‌رانی", "مترو", "پایانه مسافربری", "فرودگاه",
    "بندر مسافری", "اسکله صیادی", "مجوز صید", "یارانه کشاورزی", "چاه کشاورزی", "سهمیه کود",
    "دام سبک", "دامپزشکی", "شیلات", "وام مسکن", "وام ازدواج", "تسهیلات اشتغال", "کارت بازرگانی",
    "مالیات بر ارزش افزوده", "اظهارنامه مالیاتی", "گمرک", "ترخیص کالا", "قاچاق سوخت", "حق بیمه کارگری",
    "مستمری از کارافتادگی", "کمیته امداد", "بهزیستی", "معلولان", "سالمندان", "مهدکودک", "اوقاف",
    "موقوفات", "ثبت شرکت", "علامت تجاری", "صنف نانوایی", "آرد یارانه‌ای", "قیمت نان", "گرانفروشی",
    "کم‌فروشی", "بازرسی اصناف", "میدان میوه", "سد معبر", "دست‌فروشان", "آلودگی صوتی", "آلودگی هوا",
    "فاضلاب شهری", "آب شرب", "قطعی برق", "تلفن ثابت", "اینترنت روستایی", "دکل مخابراتی",
    "پست پیشتاز", "گذرنامه", "کارت ملی هوشمند", "شناسنامه", "سربازی", "معافیت تحصیلی",
    "کارت پایان خدمت", "زمین شهری", "تغییر کاربری", "تخریب بنا", "ساخت‌وساز غیرمجاز", "میراث فرهنگی",
    "بافت تاریخی", "گردشگری", "هتل", "اقامتگاه بوم‌گردی", "صنایع دستی", "نمایشگاه کتاب",
)  # fmt: skip
CITIES: tuple[str, ...] = (
    "بندرعباس", "قشم", "کیش", "میناب", "بستک", "جاسک", "شیراز", "تبریز", "مشهد", "اصفهان", "کرمان",
    "یزد", "رشت", "ساری", "اهواز", "بوشهر", "زاهدان", "سنندج", "همدان", "قزوین", "اراک", "ارومیه",
    "کرمانشاه", "تهران",
)  # fmt: skip
# Bodies: "{topic}" and "{city}" are filled in.
BODIES: tuple[str, ...] = (
    "با سلام و احترام، اینجانب ساکن {city} هستم و درباره {topic} تقاضای رسیدگی دارم. پیشاپیش سپاسگزارم.",
    "احتراماً به استحضار می‌رساند مشکل {topic} در {city} چند ماه است که ادامه دارد و تاکنون اقدامی نشده است.",
    "خواهشمند است دستور فرمایید موضوع {topic} اینجانب در اداره {city} بررسی و نتیجه اعلام شود.",
    "سلام، چندین بار به دفتر {city} مراجعه کرده‌ام ولی پاسخ روشنی درباره {topic} نگرفته‌ام.",
)
FIRST_NAMES = (
    "محمد", "علی", "حسین", "رضا", "مهدی", "احمد", "امیر", "سعید", "حمید", "جواد",
    "فاطمه", "زهرا", "مریم", "معصومه", "زینب", "سمیه", "نرگس", "لیلا", "الهام", "مینا",
)  # fmt: skip
LAST_NAMES = (
    "محمدی", "حسینی", "احمدی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "نوری",
    "هاشمی", "قاسمی", "کاظمی", "عباسی", "زارعی", "بهرامی", "انصاری", "بندری", "دریانورد", "خلیجی",
)  # fmt: skip
UNITS = (
    "دبیرخانه مرکزی", "اداره حقوقی", "اداره امور مالی", "معاونت خدمات شهری", "معاونت فنی و عمرانی",
    "اداره ارتباطات مردمی", "حراست", "اداره بازرسی",
)  # fmt: skip
# (channel, weight), (priority, weight)
CHANNELS = (("online", 60), ("counter_office", 20), ("phone", 10), ("post", 5), ("in_person", 5))
PRIORITIES = (("normal", 90), ("urgent", 8), ("immediate", 2))


@dataclass(frozen=True)
class Inbox:
    items: int
    requesters: int
    people: int
    seconds: float
    phases: dict[str, float]  # seconds per step of the preload
    agency_id: int
    agency_code: str
    status_counts: dict[str, int]
    deep_cursor: str  # `after` of the inbox page DEEP_PAGES deep in ?status=closed
    words: list[str]  # single search words, each in ≈1/len(TOPICS) of the rows
    word_hits: dict[str, int]
    national_ids: list[str]  # of inbox requesters
    tracking_codes: list[str]  # of inbox items


def distinct_topic_words() -> list[str]:
    """Words of a topic that occur in no other topic, category, city or body text (after search_key),
    so a search for one finds its topic only."""
    from mokatebat.core.persian import search_key

    others = [search_key(text) for text in (*(c[2] for c in CATEGORIES), *CITIES, *BODIES)]
    keyed = [search_key(topic) for topic in TOPICS]
    words = []
    for index, topic in enumerate(keyed):
        for word in topic.split():
            if len(word) < 4:
                continue
            elsewhere = [*others, *(t for i, t in enumerate(keyed) if i != index)]
            if not any(word in text for text in elsewhere):
                words.append(word)
                break
    return words


def weighted_case(draw: str, choices: tuple[tuple[str, int], ...]) -> str:
    """SQL CASE picking a choice with its weight from a uniform [0, 1) draw."""
    total = sum(weight for _value, weight in choices)
    parts, cumulative = [], 0
    for value, weight in choices[:-1]:
        cumulative += weight
        parts.append(f"WHEN {draw} < {cumulative / total!r} THEN '{value}'")
    return f"(CASE {' '.join(parts)} ELSE '{choices[-1][0]}' END)"


def damm_sql(body: str, length: int) -> str:
    """A SQL expression: the Damm check digit of the ``length``-digit text ``body`` (inlined table)."""
    from stdnum import damm

    table = "'{" + ",".join(str(v) for row in damm._operation_table for v in row) + "}'::int[]"
    state = "0"
    for position in range(1, length + 1):
        state = f"({table})[{state} * 10 + substr({body}, {position}, 1)::int + 1]"
    return f"({state})::text"


def _copy_rows(cursor: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _people(rng: random.Random) -> list[tuple[int, str, str, str]]:
    """(number, national ID, mobile, full name) of PEOPLE citizens with valid, distinct national IDs."""
    from mokatebat.core.identifiers import generate_national_id

    ids: set[str] = set()
    people = []
    prefixes = ("0912", "0913", "0915", "0917", "0919", "0901", "0935", "0936", "0937", "0938", "0939", "0917")
    while len(people) < PEOPLE:
        national_id = generate_national_id(rng)
        if national_id in ids:
            continue
        ids.add(national_id)
        number = len(people)
        # (number × 7919) mod 10⁷ is one-to-one below 10⁷: every person has a mobile of their own.
        mobile = prefixes[number % len(prefixes)] + f"{number * 7919 % 10**7:07d}"
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        people.append((number, national_id, mobile, name))
    return people


def _texts() -> list[tuple[int, str, str, str]]:
    """(number, subject, body, search_document) for every category × topic × city × body template."""
    from mokatebat.core.persian import search_key

    rows = []
    for c, (_kind, _weight, prefix) in enumerate(CATEGORIES):
        for t, topic in enumerate(TOPICS):
            subject = f"{prefix} {topic}"
            for y, city in enumerate(CITIES):
                for b, template in enumerate(BODIES):
                    body = template.format(topic=topic, city=city)
                    number = ((c * len(TOPICS) + t) * len(CITIES) + y) * len(BODIES) + b
                    rows.append((number, subject, body, search_key(f"{subject}\n{body}")))
    return rows


def _kind_case(draw: str) -> str:
    """The category number (0…len(CATEGORIES)-1) for a uniform draw, by the categories' weights."""
    total = sum(weight for _k, weight, _p in CATEGORIES)
    parts, cumulative = [], 0
    for index, (_kind, weight, _prefix) in enumerate(CATEGORIES[:-1]):
        cumulative += weight
        parts.append(f"WHEN {draw} < {cumulative / total!r} THEN {index}")
    return f"(CASE {' '.join(parts)} ELSE {len(CATEGORIES) - 1} END)"


def _secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint (PK and UNIQUE stay)."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [table],
    )
    return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def preload_inbox(count: int) -> Inbox:
    """``count`` items (and requesters) in one new agency, written by the database itself."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from mokatebat.citizens.models import Requester
    from mokatebat.correspondence.models import Item
    from mokatebat.organization.models import Organization, Unit

    if not 0 < count <= MAX_INBOX_ITEMS:
        raise ValueError(f"--inbox-items must be between 1 and {MAX_INBOX_ITEMS:,}")
    started = time.monotonic()
    rng = random.Random(SEED)
    words = distinct_topic_words()
    with transaction.atomic(), connection.cursor() as cursor:
        agency = Organization.objects.create(
            name="اداره کل آزمون کارتابل دبیرخانه", short_name="کارتابل", code=INBOX_AGENCY_CODE
        )
        units = [Unit.objects.create(organization=agency, name=name) for name in UNITS]
        unit_ids = "ARRAY[" + ",".join(str(u.pk) for u in units) + "]"

        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("CREATE TEMP TABLE bench_people (n int PRIMARY KEY, national_id text, mobile text, name text)")
        cursor.execute("CREATE TEMP TABLE bench_texts (n int PRIMARY KEY, subject text, body text, document text)")
        _copy_rows(cursor, "COPY bench_people FROM STDIN", list(_people(rng)))
        _copy_rows(cursor, "COPY bench_texts FROM STDIN", list(_texts()))
        cursor.execute("ANALYZE bench_people")
        cursor.execute("ANALYZE bench_texts")
        phases = {"lookup tables": time.monotonic() - started}

        # Secondary indexes are built once at the end (faster than maintaining them row by row, above
        # all the trigram GIN index); PK and UNIQUE indexes stay and check uniqueness while we insert.
        dropped = [
            *_secondary_indexes(cursor, "citizens_requester"),
            *_secondary_indexes(cursor, "correspondence_item"),
        ]
        for name, _definition in dropped:
            cursor.execute(f"DROP INDEX {name}")
        # Foreign-key triggers off for this transaction: every key below is made consistent by
        # construction (and counted afterwards); checking 3 million references one by one is most of the time.
        cursor.execute("SET LOCAL session_replication_role = replica")

        cursor.execute("SELECT coalesce(max(id), 0) FROM citizens_requester")
        requester_base = int(cursor.fetchone()[0])
        cursor.execute("SELECT coalesce(max(id), 0) FROM correspondence_item")
        item_base = int(cursor.fetchone()[0])
        cursor.execute("SELECT setseed(%s)", [SEED / 10_000])
        # One row of draws per item, materialised so that each random() is taken once.
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_draws AS
            SELECT n,
                   floor(random() * {PEOPLE})::int AS person,
                   now() - random() * interval '{YEARS * 365} days' AS submitted_at,
                   random() AS r_status, random() AS r_kind, random() AS r_channel, random() AS r_priority,
                   random() AS r_unit, random() AS r_legal,
                   floor(random() * {len(TOPICS)})::int AS topic,
                   floor(random() * {len(CITIES)})::int AS city,
                   floor(random() * {len(BODIES)})::int AS body
            FROM generate_series(1, %s) AS n
            """,  # noqa: S608 - constants only
            [count],
        )
        cursor.execute(
            f"""
            INSERT INTO citizens_requester (id, public_id, kind, full_name, national_id, mobile, email, address,
                                            legal_name, legal_national_id, created_at)
            SELECT {requester_base} + d.n, gen_random_uuid(),
                   CASE WHEN d.r_legal < 0.05 THEN 'legal' ELSE 'natural' END,
                   p.name, p.national_id, p.mobile, '', 'بندرعباس، خیابان ' || p.n % 97,
                   CASE WHEN d.r_legal < 0.05 THEN 'شرکت خدماتی ' || p.name ELSE '' END,
                   CASE WHEN d.r_legal < 0.05 THEN '1010' || lpad((p.n % 10000000)::text, 7, '0') ELSE '' END,
                   d.submitted_at
            FROM bench_draws d JOIN bench_people p ON p.n = d.person
            """  # noqa: S608 - constants and integers only
        )
        # Recent items are still open; older ones are mostly answered or closed (≈2 % submitted overall).
        recent = "d.submitted_at > now() - interval '60 days'"
        status = (
            f"CASE WHEN {recent} THEN "
            + weighted_case(
                "d.r_status",
                (("submitted", 12), ("registered", 10), ("referred", 25), ("answered", 23), ("closed", 30)),
            )
            + " ELSE "
            + weighted_case(
                "d.r_status",
                (("submitted", 9), ("registered", 10), ("referred", 30), ("answered", 200), ("closed", 751)),
            )
            + " END"
        )
        body = "lpad(d.n::text, 8, '0')"
        cursor.execute(
            f"""
            INSERT INTO correspondence_item (
                id, public_id, tracking_code, agency_id, addressed_unit_id, kind, channel, subject, body,
                requester_id, status, resolution, registration_number, registered_at, submitted_at,
                created_by_id, counter_office_id, category_id, priority, confidentiality, bundle_id, version,
                idempotency_key, idempotency_fingerprint, search_document, updated_at)
            SELECT {item_base} + s.n, gen_random_uuid(),
                   '{INBOX_TRACKING_PREFIX}' || s.code8 || {damm_sql(f"'{INBOX_TRACKING_PREFIX}' || s.code8", 12)},
                   {agency.pk},
                   CASE WHEN s.r_unit < 0.66 THEN ({unit_ids})[1 + floor(s.r_unit / 0.66 * {len(units)})::int] END,
                   (ARRAY[{", ".join(f"'{c[0]}'" for c in CATEGORIES)}])[s.category + 1],
                   {weighted_case("s.r_channel", CHANNELS)},
                   t.subject, t.body,
                   {requester_base} + s.n, s.status,
                   CASE s.status WHEN 'answered' THEN 'answered'
                                 WHEN 'closed' THEN CASE WHEN s.r_unit < 0.85 THEN 'answered'
                                                         WHEN s.r_unit < 0.93 THEN 'out_of_scope'
                                                         ELSE 'duplicate' END
                                 ELSE '' END,
                   CASE WHEN s.status <> 'submitted' THEN
                       CASE WHEN s.submitted_at < '2025-03-21' THEN '1403/' ELSE '1404/' END || s.n
                   ELSE '' END,
                   CASE WHEN s.status <> 'submitted' THEN s.submitted_at + interval '3 hours' END,
                   s.submitted_at, NULL, NULL, NULL,
                   {weighted_case("s.r_priority", PRIORITIES)}, 'normal', NULL, 1, NULL, '', t.document,
                   s.submitted_at + interval '1 day'
            FROM (
                SELECT d.*, {body} AS code8, {status} AS status, {_kind_case("d.r_kind")} AS category
                FROM bench_draws d
            ) s
            JOIN bench_texts t
              ON t.n = ((s.category * {len(TOPICS)} + s.topic) * {len(CITIES)} + s.city) * {len(BODIES)} + s.body
            """  # noqa: S608 - constants and integers only
        )
        cursor.execute("RESET session_replication_role")
        phases["insert"] = time.monotonic() - started - sum(phases.values())
        for _name, definition in dropped:
            cursor.execute(definition)
        for sql in connection.ops.sequence_reset_sql(no_style(), [Requester, Item]):
            cursor.execute(sql)
        phases["indexes"] = time.monotonic() - started - sum(phases.values())
        _check_references(cursor, agency.pk)
        cursor.execute("ANALYZE citizens_requester")
        cursor.execute("ANALYZE correspondence_item")
        cursor.execute("DROP TABLE bench_draws, bench_people, bench_texts")
    seconds = time.monotonic() - started
    phases["check+analyze"] = seconds - sum(phases.values())
    return _describe(agency.pk, count, seconds, {k: round(v, 1) for k, v in phases.items()}, words)


def _check_references(cursor: Any, agency_id: int) -> None:
    """The references written with the foreign-key triggers off all point somewhere."""
    cursor.execute(
        """
        SELECT count(*) FILTER (WHERE r.id IS NULL),
               count(*) FILTER (WHERE u.id IS NULL AND i.addressed_unit_id IS NOT NULL)
        FROM correspondence_item i
        LEFT JOIN citizens_requester r ON r.id = i.requester_id
        LEFT JOIN organization_unit u ON u.id = i.addressed_unit_id
        WHERE i.agency_id = %s
        """,
        [agency_id],
    )
    missing_requesters, missing_units = cursor.fetchone()
    if missing_requesters or missing_units:
        raise RuntimeError(f"inbox preload: {missing_requesters} items without requester, {missing_units} without unit")


def _describe(agency_id: int, count: int, seconds: float, phases: dict[str, float], words: list[str]) -> Inbox:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, count(*) FROM correspondence_item WHERE agency_id = %s GROUP BY status", [agency_id]
        )
        status_counts = {str(s): int(n) for s, n in cursor.fetchall()}
        offset = DEEP_PAGES * PAGE_SIZE - 1  # the last row of page DEEP_PAGES: its cursor opens page DEEP_PAGES + 1
        cursor.execute(
            """
            SELECT submitted_at, id FROM correspondence_item
            WHERE agency_id = %s AND status = 'closed'
            ORDER BY submitted_at DESC, id DESC OFFSET %s LIMIT 1
            """,
            [agency_id, min(offset, max(0, status_counts.get("closed", 1) - 1))],
        )
        row = cursor.fetchone()
        deep_cursor = f"{row[0].isoformat()}_{row[1]}" if row else ""
        chosen = words[:8]
        counts = ", ".join("count(*) FILTER (WHERE search_document LIKE %s)" for _ in chosen)
        cursor.execute(
            f"SELECT {counts} FROM correspondence_item WHERE agency_id = %s",  # noqa: S608 - placeholders only
            [*(f"%{word}%" for word in chosen), agency_id],
        )
        word_hits = dict(zip(chosen, map(int, cursor.fetchone()), strict=True))
        step = max(1, count // 1000)
        cursor.execute(
            """
            SELECT r.national_id, i.tracking_code FROM correspondence_item i
            JOIN citizens_requester r ON r.id = i.requester_id
            WHERE i.agency_id = %s AND i.id %% %s = 0 ORDER BY i.id LIMIT 1000
            """,
            [agency_id, step],
        )
        sample = cursor.fetchall()
        cursor.execute(
            "SELECT count(DISTINCT r.national_id) FROM citizens_requester r "
            "JOIN correspondence_item i ON i.requester_id = r.id WHERE i.agency_id = %s",
            [agency_id],
        )
        people = int(cursor.fetchone()[0])
    connection.close()
    rng = random.Random(SEED)
    rng.shuffle(sample)
    return Inbox(
        items=count,
        requesters=count,
        people=people,
        seconds=seconds,
        phases=phases,
        agency_id=agency_id,
        agency_code=INBOX_AGENCY_CODE,
        status_counts=status_counts,
        deep_cursor=deep_cursor,
        words=chosen,
        word_hits=word_hits,
        national_ids=[str(n) for n, _c in sample],
        tracking_codes=[str(c) for _n, c in sample],
    )


# --- A clerk, signed in with both factors ------------------------------------------------------


def verified_clerk_session(agency_id: int) -> str:
    """The key of a session row as the two-step login leaves it: password and second factor done.

    The clerk has a SECRETARIAT_CLERK membership in the inbox agency and a confirmed authenticator;
    the session holds Django's auth keys and django-otp's verified device (what ``django_otp.login``
    stores), so ``staff_required`` lets it in. No password or code is ever typed.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mokatebat.organization.middleware import LAST_SEEN_SESSION_KEY
    from mokatebat.organization.models import Membership, Role, User

    user = User.objects.create_user(username="bench.clerk", first_name="کارشناس", last_name="دبیرخانه")
    Membership.objects.create(user=user, organization_id=agency_id, role=Role.SECRETARIAT_CLERK)
    device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # Seen just now: the idle-timeout middleware then writes the session once a minute, as for a clerk at work.
    session[LAST_SEEN_SESSION_KEY] = int(time.time())
    session.create()
    key = session.session_key
    connection.close()
    if not key:
        raise RuntimeError("no session key")
    return key


def session_cookie_name() -> str:
    from django.conf import settings

    return str(settings.SESSION_COOKIE_NAME)
