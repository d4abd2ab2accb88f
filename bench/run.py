"""`make bench`: how fast the app serves its citizens' paths, relative to Django's own floor.

1. creates a separate database `mokatebat_bench` on the same PostgreSQL server and migrates it;
2. preloads 100,000 letters (requesters, items with real tracking codes, a few timeline events) with COPY;
3. starts gunicorn (2 sync workers) with production settings on a free loopback port;
4. drives it with a bounded, threaded load generator and prints requests/s, p50 and p99 for
   (a) a minimal view, (b) one indexed SELECT, (c) submitting a letter, (d) tracking a letter;
   and, on a second dataset of 1,000,000 items in one agency written by the database itself
   (bench/inbox.py), the secretariat inbox as a signed-in clerk with a verified second factor:
   (e) its first page, (f) a page 500 pages deep through the keyset cursor, (g) a search by a word,
   (h) by national ID, (i) by tracking code;
5. writes the figures to var/bench/results.json.

The figures are for comparing runs and paths on one machine; nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

try:  # `python bench/run.py` puts bench/ on the path; `import bench.run` needs the package name
    import inbox as inbox_data
except ImportError:  # pragma: no cover
    from bench import inbox as inbox_data

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
BENCH_DB = "mokatebat_bench"
UNLIMITED_RATE = "1000000/h"
AGENCY_CODE = "bench"
SEED = 1405

# --- The database -------------------------------------------------------------------------------


def base_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    # The owner: the bench creates and migrates its own database.
    url_file = ROOT / "var" / "database-owner-url"
    if not url_file.exists():
        sys.exit("No database: set DATABASE_URL or start the embedded PostgreSQL with `make db`.")
    return url_file.read_text().strip()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(base_url: str) -> None:
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_database(base_url: str) -> None:
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def server_environment(database_url: str) -> dict[str, str]:
    """Production settings, loopback only, rate limits lifted so they measure cost, not refusals."""
    env = dict(os.environ)
    env.update(
        {
            "MOKATEBAT_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "mokatebat.settings",
            "DJANGO_ROOT_URLCONF": "bench.benchurls",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(64),
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "MOKATEBAT_VAR_DIR": str(OUT_DIR / "var"),
            "TRACKING_RATE_PER_CLIENT": UNLIMITED_RATE,
            "TRACKING_RATE_PER_NATIONAL_ID": UNLIMITED_RATE,
            "TRACKING_RATE_PER_CODE": UNLIMITED_RATE,
            "SUBMIT_RATE_PER_CLIENT": UNLIMITED_RATE,
            "SUBMIT_RATE_PER_NATIONAL_ID": UNLIMITED_RATE,
            "SUBMIT_RATE_PER_MOBILE": UNLIMITED_RATE,
            "SUBMIT_BURST_PER_CLIENT": UNLIMITED_RATE,
            "SMS_PROVIDER": "console",
            "SMS_ALLOW_CONSOLE": "true",  # no worker runs in the bench; SMS rows just queue
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    shim_missing_source_maps()
    call_command("collectstatic", interactive=False, verbosity=0)


def shim_missing_source_maps() -> None:
    """Production's manifest storage refuses a CSS/JS file whose sourceMappingURL names a missing file.

    If the vendored files reference maps that were not copied, give collectstatic empty stand-ins from a
    bench-only directory (and say so) instead of failing: the bench measures views, not static files.
    """
    from django.conf import settings

    shim = OUT_DIR / "static-shim"
    missing = []
    for directory in map(Path, settings.STATICFILES_DIRS):
        for source in [*directory.rglob("*.css"), *directory.rglob("*.js")]:
            for target in _SOURCE_MAP.findall(source.read_text(errors="replace")):
                if not (source.parent / target).exists():
                    stand_in = shim / source.parent.relative_to(directory) / target
                    stand_in.parent.mkdir(parents=True, exist_ok=True)
                    stand_in.write_text("{}")
                    missing.append(str(source.relative_to(directory).parent / target))
    if missing:
        print(f"  warning: source maps missing from static files, stand-ins used: {', '.join(missing)}")
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, shim]


_SOURCE_MAP = re.compile(r"sourceMappingURL=([^\s*]+)")


# --- Preloading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preloaded:
    letters: int
    events: int
    seconds: float
    agency_code: str
    pairs: list[tuple[str, str]]  # (national ID, tracking code) of preloaded letters


def copy_objects(model: Any, objects: Iterable[Any], *, with_pk: bool = True) -> int:
    """COPY model instances into their table: every concrete column, defaults filled by Django;
    without ``with_pk`` the database numbers the rows."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
            count += 1
    return count


def tracking_codes(count: int) -> list[str]:
    """Real random codes, minus the prefix reserved for the inbox dataset's serial codes."""
    from mokatebat.core.tracking import new_tracking_code

    codes: set[str] = set()
    while len(codes) < count:
        code = new_tracking_code()
        if not code.startswith(inbox_data.INBOX_TRACKING_PREFIX):
            codes.add(code)
    return list(codes)


SUBJECTS = (
    ("letter", "پیگیری پرونده درمانی", "با سلام، خواهشمند است پرونده درمانی اینجانب بررسی و نتیجه اعلام شود."),
    ("complaint", "شکایت از تأخیر در پاسخگویی", "با وجود گذشت یک ماه، پاسخی به درخواست اینجانب داده نشده است."),
    ("request", "درخواست صدور گواهی", "خواهشمند است گواهی اشتغال به تحصیل فرزندم صادر شود."),
    ("suggestion", "پیشنهاد نوبت‌دهی اینترنتی", "پیشنهاد می‌کنم نوبت‌دهی درمانگاه‌ها اینترنتی شود."),
)


def preload(letters: int) -> Preloaded:
    from django.db import connection, transaction
    from django.utils import timezone

    from mokatebat.citizens.models import Requester
    from mokatebat.core.identifiers import generate_national_id
    from mokatebat.core.persian import search_key
    from mokatebat.correspondence.models import EventKind, Item, ItemEvent, Status
    from mokatebat.organization.models import Organization, Unit

    started = time.monotonic()
    rng = random.Random(SEED)
    now = timezone.now()
    with transaction.atomic():
        agency = Organization.objects.create(name="سازمان آزمون کارایی", short_name="آزمون", code=AGENCY_CODE)
        unit = Unit.objects.create(organization=agency, name="اداره کل رسیدگی به شکایات")
        people = [(generate_national_id(rng), "09" + f"{rng.randrange(10**9):09d}") for _ in range(letters)]
        codes = tracking_codes(letters)
        documents = [search_key(f"{subject}\n{body}") for _kind, subject, body in SUBJECTS]
        copy_objects(
            Requester,
            (
                Requester(pk=i + 1, full_name=f"متقاضی {i + 1}", national_id=national_id, mobile=mobile, created_at=now)
                for i, (national_id, mobile) in enumerate(people)
            ),
        )

        def item(i: int) -> Item:
            kind, subject, body = SUBJECTS[i % len(SUBJECTS)]
            submitted = now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
            registered = i % 2 == 0
            return Item(
                pk=i + 1,
                tracking_code=codes[i],
                agency=agency,
                addressed_unit=unit if i % 3 == 0 else None,
                kind=kind,
                subject=subject,
                body=body,
                requester_id=i + 1,
                status=Status.REGISTERED if registered else Status.SUBMITTED,
                registration_number=f"1405/{i // 2 + 1}" if registered else "",
                registered_at=submitted + datetime.timedelta(hours=3) if registered else None,
                submitted_at=submitted,
                search_document=documents[i % len(SUBJECTS)],
                updated_at=now,
            )

        copy_objects(Item, (item(i) for i in range(letters)))

        def events() -> Iterator[ItemEvent]:
            for i in range(letters):
                yield ItemEvent(item_id=i + 1, kind=EventKind.SUBMITTED, occurred_at=now, data={"channel": "online"})
                if i % 2 == 0:
                    yield ItemEvent(
                        item_id=i + 1,
                        kind=EventKind.REGISTERED,
                        occurred_at=now,
                        data={"registration_number": "1405/1"},
                    )

        event_count = copy_objects(ItemEvent, events(), with_pk=False)
        with connection.cursor() as cursor:
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(no_style(), [Requester, Item, ItemEvent]):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    pairs = [(people[i][0], codes[i]) for i in range(0, letters, max(1, letters // 5000))]
    connection.close()
    return Preloaded(letters, event_count, time.monotonic() - started, AGENCY_CODE, pairs)


# --- The server ---------------------------------------------------------------------------------


def create_insert_table() -> None:
    """The table of the INSERT+COMMIT reference view: an id, a letter-sized text and a time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_insert (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "body text NOT NULL, created_at timestamptz NOT NULL)"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "mokatebat.wsgi:application",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=60",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with code {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/bench/minimal/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(server)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- The load generator -------------------------------------------------------------------------


class Browser:
    """One client: a keep-alive connection and a cookie jar that, like a browser on a trusted
    loopback, sends the Secure and __Host- cookies that httpx's jar withholds from plain http.
    ``cookies`` start the jar, e.g. a signed-in session's ``__Host-sessionid``."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False)
        self.cookies: dict[str, str] = dict(cookies or {})

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        response = self.http.request(method, url, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def close(self) -> None:
        self.http.close()


_INPUT = re.compile(r"<input\b[^>]*>")
_VALUE = re.compile(r'\bvalue="([^"]*)"')


def hidden_value(html: str, name: str) -> str:
    for tag in _INPUT.findall(html):
        if f'name="{name}"' in tag:
            found = _VALUE.search(tag)
            if found:
                return found.group(1)
    raise ValueError(f"no {name} field in the page")


# An operation returns the named phases it timed, or None when it failed.
Operation = Callable[[Browser, int], dict[str, float] | None]


@dataclass
class Result:
    name: str
    description: str
    requests: int
    clients: int
    errors: int = 0
    seconds: float = 0.0
    per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    phases: dict[str, dict[str, float]] = field(default_factory=dict)
    rate_vs_minimal: float = 0.0
    p50_vs_minimal: float = 0.0
    reference: str = ""
    ratio_to_reference: float | None = None
    goal: str = ""
    goal_met: bool | None = None


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_load(
    base_url: str,
    name: str,
    description: str,
    op: Operation,
    total: int,
    clients: int,
    cookies: dict[str, str] | None = None,
) -> Result:
    """``total`` operations by ``clients`` threads, each with its own keep-alive client (and ``cookies``)."""
    counter = itertools.count()
    lock = threading.Lock()
    timings: list[float] = []
    phases: dict[str, list[float]] = {}
    errors = 0

    def client() -> None:
        nonlocal errors
        browser = Browser(base_url, cookies)
        try:
            while (index := next(counter)) < total:
                started = time.perf_counter()
                try:
                    timed = op(browser, index)
                except (httpx.HTTPError, ValueError):
                    timed = None
                elapsed = time.perf_counter() - started
                with lock:
                    if timed is None:
                        errors += 1
                        continue
                    timings.append(elapsed)
                    for phase, seconds in timed.items():
                        phases.setdefault(phase, []).append(seconds)
        finally:
            browser.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    wall = time.perf_counter() - started
    return Result(
        name=name,
        description=description,
        requests=total,
        clients=clients,
        errors=errors,
        seconds=round(wall, 3),
        per_second=round(len(timings) / wall, 1) if wall else 0.0,
        p50_ms=round(percentile(timings, 0.50) * 1000, 2),
        p99_ms=round(percentile(timings, 0.99) * 1000, 2),
        phases={
            phase: {"p50_ms": round(percentile(v, 0.5) * 1000, 2), "p99_ms": round(percentile(v, 0.99) * 1000, 2)}
            for phase, v in phases.items()
        },
    )


def timed(call: Callable[[], httpx.Response], expected: int) -> tuple[httpx.Response, float] | None:
    started = time.perf_counter()
    response = call()
    return (response, time.perf_counter() - started) if response.status_code == expected else None


_failures_reported: set[str] = set()


def report_first_failure(path: str, what: str) -> None:
    """One line per path, so a refused request shows why instead of only counting as an error."""
    if path not in _failures_reported:
        _failures_reported.add(path)
        print(f"  {path}: first failure: {what}", flush=True)


def op_minimal(browser: Browser, _index: int) -> dict[str, float] | None:
    result = timed(lambda: browser.request("GET", "/bench/minimal/"), 200)
    return None if result is None else {}


def make_op_select(pairs: Sequence[tuple[str, str]]) -> Operation:
    def op(browser: Browser, index: int) -> dict[str, float] | None:
        code = pairs[index % len(pairs)][1]
        result = timed(lambda: browser.request("GET", "/bench/select/", params={"code": code}), 200)
        return None if result is None else {}

    return op


def op_insert(browser: Browser, index: int) -> dict[str, float] | None:
    body = "با سلام و احترام، درخواست اینجانب پس از یک ماه هنوز بی‌پاسخ مانده است. " * 5
    result = timed(lambda: browser.request("GET", "/bench/insert/", params={"body": f"{index} {body}"}), 200)
    return None if result is None else {}


def make_op_submit(agency_code: str) -> Operation:
    from mokatebat.core.identifiers import generate_national_id

    def op(browser: Browser, index: int) -> dict[str, float] | None:
        form = timed(lambda: browser.request("GET", "/letters/new/", params={"agency": agency_code}), 200)
        if form is None:
            return None
        page, get_seconds = form
        data = {
            "csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken"),
            "nonce": hidden_value(page.text, "nonce"),
            "agency": agency_code,
            "unit": "",
            "kind": "complaint",
            "subject": f"شکایت از تأخیر در رسیدگی شماره {index}",
            "body": "با سلام و احترام، درخواست اینجانب پس از یک ماه هنوز بی‌پاسخ مانده است. " * 5,
            "requester_kind": "natural",
            "full_name": "مریم رضایی",
            "national_id": generate_national_id(random.Random(index)),
            "mobile": "09121234567",
            "email": "",
            "address": "بندرعباس، خیابان امام",
        }
        # A browser sends an empty file part when no file is chosen; so do we (multipart, like the form).
        files = {"attachments": ("", b"", "application/octet-stream")}
        started = time.perf_counter()
        response = browser.request("POST", "/letters/new/", data=data, files=files)
        post_seconds = time.perf_counter() - started
        location = response.headers.get("location", "")
        if response.status_code != 302 or "/letters/receipt/" not in location:
            report_first_failure("submit", f"{response.status_code} {location}")
            return None
        return {"GET form": get_seconds, "POST letter": post_seconds}

    return op


def make_op_track(pairs: Sequence[tuple[str, str]]) -> Operation:
    tokens: dict[int, str] = {}

    def op(browser: Browser, index: int) -> dict[str, float] | None:
        key = id(browser)
        if key not in tokens:  # once per client, as a citizen would open the page once
            tokens[key] = hidden_value(browser.request("GET", "/track/").text, "csrfmiddlewaretoken")
        national_id, code = pairs[(index * 7919) % len(pairs)]
        data = {"csrfmiddlewaretoken": tokens[key], "national_id": national_id, "tracking_code": code}
        result = timed(lambda: browser.request("POST", "/track/", data=data), 302)
        return None if result is None else {}

    return op


def make_op_track_result(pairs: Sequence[tuple[str, str]]) -> Operation:
    """GET the tracking result page, as a citizen reloads it; each client proves one pair first."""
    pages: dict[int, str] = {}

    def op(browser: Browser, index: int) -> dict[str, float] | None:
        key = id(browser)
        if key not in pages:
            token = hidden_value(browser.request("GET", "/track/").text, "csrfmiddlewaretoken")
            national_id, code = pairs[(index * 7919) % len(pairs)]
            data = {"csrfmiddlewaretoken": token, "national_id": national_id, "tracking_code": code}
            pages[key] = browser.request("POST", "/track/", data=data).headers.get("location", "")
        result = timed(lambda: browser.request("GET", pages[key]), 200)
        return None if result is None else {}

    return op


_EMPTY_INBOX = "نامه‌ای با این شرایط نیست."


def make_op_inbox(params: Callable[[int], dict[str, str]]) -> Operation:
    """GET /staff/inbox/ with ``params(index)``; only a 200 listing at least one item counts (a
    redirect to the login or code step, or an empty result, is an error)."""

    def op(browser: Browser, index: int) -> dict[str, float] | None:
        query = params(index)
        result = timed(lambda: browser.request("GET", "/staff/inbox/", params=query), 200)
        if result is None or _EMPTY_INBOX in result[0].text or "/staff/item" not in result[0].text:
            return None
        return {}

    return op


def inbox_plans(inbox: inbox_data.Inbox, total: int, searches: int) -> list[tuple[str, str, Operation, int]]:
    def rotate(values: Sequence[str], key: str, extra: dict[str, str]) -> Callable[[int], dict[str, str]]:
        return lambda index: {key: values[index % len(values)], **extra}

    deep = {"status": "closed", "after": inbox.deep_cursor}
    return [
        ("inbox", "(e) secretariat inbox, first page (default filter: submitted)", make_op_inbox(lambda _i: {}),
         total),
        ("inbox-deep", f"(f) inbox ?status=closed, page {inbox_data.DEEP_PAGES + 1} via the keyset cursor",
         make_op_inbox(lambda _i: deep), total),
        ("q-word", "(g) inbox search by one word of subject/body (?q=<word>&status=)",
         make_op_inbox(rotate(inbox.words, "q", {"status": ""})), searches),
        ("q-nid", "(h) inbox search by national ID", make_op_inbox(rotate(inbox.national_ids, "q", {"status": ""})),
         searches),
        ("q-code", "(i) inbox search by tracking code",
         make_op_inbox(rotate(inbox.tracking_codes, "q", {"status": ""})), searches),
    ]  # fmt: skip


INBOX_PATHS = frozenset({"inbox", "inbox-deep", "q-word", "q-nid", "q-code"})


# --- Reporting ----------------------------------------------------------------------------------


def print_table(results: list[Result]) -> None:
    header = ("requests", "errors", "req/s", "p50 ms", "p99 ms")
    print(f"\n{'path':<10} " + " ".join(f"{h:>8}" for h in header) + f" {'×rate':>7} {'×p50':>7}")
    for r in results:
        print(
            f"{r.name:<10} {r.requests:>8} {r.errors:>8} {r.per_second:>8.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f}"
            f" {r.rate_vs_minimal:>7.3f} {r.p50_vs_minimal:>7.1f}"
        )
        for phase, figures in r.phases.items():
            print(f"  {phase:<20} p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms")
    print("×rate: req/s relative to the minimal view; ×p50: median latency relative to the minimal view.")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=100_000, help="letters to preload")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--requests", type=int, default=2000, help="requests for (a) and (b)")
    parser.add_argument("--tracks", type=int, default=1000, help="tracking lookups for (d)")
    parser.add_argument("--submits", type=int, default=300, help="letters to submit for (c)")
    parser.add_argument(
        "--inbox-items", type=int, default=1_000_000, help="items of the secretariat-inbox dataset (e)-(i)"
    )
    parser.add_argument("--skip-inbox", action="store_true", help="no inbox dataset, no (e)-(i)")
    parser.add_argument("--inbox-requests", type=int, default=500, help="requests for (e) and (f)")
    parser.add_argument("--inbox-searches", type=int, default=200, help="requests for each of (g), (h), (i)")
    parser.add_argument("--keep-db", action="store_true", help=f"keep {BENCH_DB} afterwards for inspection")
    args = parser.parse_args()
    if not args.skip_inbox and not 0 < args.inbox_items <= inbox_data.MAX_INBOX_ITEMS:
        parser.error(f"--inbox-items must be between 1 and {inbox_data.MAX_INBOX_ITEMS:,}")
    return args


def measure(
    base_url: str, args: argparse.Namespace, preloaded: Preloaded, inbox: inbox_data.Inbox | None, session: str
) -> list[Result]:
    """Each plan warmed up (20 requests, not counted), then measured; inbox plans as the signed-in clerk."""
    plans: list[tuple[str, str, Operation, int]] = [
        ("minimal", "(a) minimal Django view, full middleware, no database", op_minimal, args.requests),
        ("select", "(b) one indexed SELECT by tracking code", make_op_select(preloaded.pairs), args.requests),
        ("insert", "(b2) BEGIN, one INSERT, COMMIT", op_insert, args.requests),
        ("submit", "(c) submit a letter: GET form + POST multipart → 302", make_op_submit(preloaded.agency_code),
         args.submits),
        ("track", "(d) track: POST national ID + code → 302", make_op_track(preloaded.pairs), args.tracks),
        ("result", "(d2) tracking result page, GET", make_op_track_result(preloaded.pairs), args.tracks),
    ]  # fmt: skip
    staff = {inbox_data.session_cookie_name(): session} if inbox else None
    if inbox is not None:
        plans += inbox_plans(inbox, args.inbox_requests, args.inbox_searches)
    results = []
    for name, description, op, total in plans:
        cookies = staff if name in INBOX_PATHS else None
        run_load(base_url, name, description, op, min(total, 20), args.clients, cookies)  # warm-up, not counted
        result = run_load(base_url, name, description, op, total, args.clients, cookies)
        print(f"  {name}: {result.per_second:.1f} req/s, {result.errors} errors", flush=True)
        results.append(result)
    floor = results[0]
    for result in results:
        result.rate_vs_minimal = round(result.per_second / floor.per_second, 3) if floor.per_second else 0.0
        result.p50_vs_minimal = round(result.p50_ms / floor.p50_ms, 1) if floor.p50_ms else 0.0
    judge(results)
    return results


# Issue 15's goals: path → (reference, minimum ratio) or (None, p99 ceiling in ms at 1M / 10M items).
RATIO_GOALS = {"track": ("select", 0.6), "result": ("select", 0.6), "submit": ("insert", 0.5)}
P99_GOALS_MS = {"inbox": (100.0, 150.0), "q-word": (300.0, 500.0)}


def judge(results: list[Result]) -> None:
    """Each path's ratio to its reference (same run, so the shared machine's noise mostly cancels)."""
    by_name = {result.name: result for result in results}
    for result in results:
        if result.name in RATIO_GOALS:
            reference, minimum = RATIO_GOALS[result.name]
            ref = by_name.get(reference)
            if ref is None:
                continue
            result.reference = reference
            if result.name == "submit":
                # The POST half against the INSERT+COMMIT view, by median latency: with the same
                # clients and workers, throughput is inversely proportional to it.
                post_p50 = result.phases.get("POST letter", {}).get("p50_ms", 0.0)
                result.ratio_to_reference = round(ref.p50_ms / post_p50, 3) if post_p50 else None
                result.goal = f"POST ≥ {minimum}× {reference} (by p50)"
            else:
                result.ratio_to_reference = round(result.per_second / ref.per_second, 3) if ref.per_second else None
                result.goal = f"≥ {minimum}× {reference}"
            result.goal_met = result.ratio_to_reference is not None and result.ratio_to_reference >= minimum
        elif result.name in ("select", "insert", "minimal"):
            result.reference = "minimal"
            result.ratio_to_reference = result.rate_vs_minimal
        if result.name in P99_GOALS_MS:
            at_1m, at_10m = P99_GOALS_MS[result.name]
            ceiling = at_10m if INBOX_ITEMS_SEEN[0] > 1_000_000 else at_1m
            result.goal = f"p99 < {ceiling:.0f} ms"
            result.goal_met = result.p99_ms < ceiling


INBOX_ITEMS_SEEN = [0]


def print_goals(results: list[Result]) -> None:
    print(f"\n{'path':<10} {'reference':<10} {'ratio':>7}  {'goal':<28} met")
    for r in results:
        ratio = "" if r.ratio_to_reference is None else f"{r.ratio_to_reference:.3f}"
        met = "" if r.goal_met is None else ("yes" if r.goal_met else "NO")
        print(f"{r.name:<10} {r.reference:<10} {ratio:>7}  {r.goal:<28} {met}")
    print("ratio: req/s relative to the reference path in this same run (submit: POST p50 vs insert p50).")


def describe_inbox(inbox: inbox_data.Inbox) -> str:
    statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(inbox.status_counts.items()))
    hits = ", ".join(f"{word} {count:,} ({count / inbox.items:.2%})" for word, count in inbox.word_hits.items())
    phases = ", ".join(f"{phase} {seconds} s" for phase, seconds in inbox.phases.items())
    return (
        f"  {inbox.items:,} items and {inbox.requesters:,} requesters ({inbox.people:,} distinct national IDs) "
        f"in {inbox.seconds:.1f} s ({phases})\n  statuses: {statuses}\n  search words: {hits}\n"
        f"  deep cursor (page {inbox_data.DEEP_PAGES + 1} of ?status=closed): {inbox.deep_cursor}"
    )


def inbox_setup(inbox: inbox_data.Inbox) -> dict[str, Any]:
    return {
        "items": inbox.items,
        "requesters": inbox.requesters,
        "distinct_national_ids": inbox.people,
        "preload_seconds": round(inbox.seconds, 1),
        "preload_phases_seconds": inbox.phases,
        "agency": inbox.agency_code,
        "statuses": inbox.status_counts,
        "search_words": inbox.word_hits,
        "deep_cursor": inbox.deep_cursor,
        "deep_page": inbox_data.DEEP_PAGES + 1,
        "login": "clerk session row made in the bench process (auth keys + django-otp verified device)",
    }


def main() -> None:
    args = parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    base_url = base_database_url()
    env = server_environment(with_database(base_url, BENCH_DB))
    print(f"Creating database {BENCH_DB} and migrating it…", flush=True)
    recreate_database(base_url)
    setup_django(env)
    migrate()
    create_insert_table()
    print(f"Preloading {args.letters:,} letters…", flush=True)
    preloaded = preload(args.letters)
    print(f"  {preloaded.letters:,} letters and {preloaded.events:,} events in {preloaded.seconds:.1f} s", flush=True)
    inbox, session = None, ""
    if not args.skip_inbox:
        print(f"Preloading the secretariat inbox: {args.inbox_items:,} items with INSERT … SELECT…", flush=True)
        inbox = inbox_data.preload_inbox(args.inbox_items)
        INBOX_ITEMS_SEEN[0] = inbox.items
        session = inbox_data.verified_clerk_session(inbox.agency_id)
        print(describe_inbox(inbox), flush=True)
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        print(
            f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}; {args.clients} concurrent clients; "
            f"MOKATEBAT_ENV=production, DEBUG off; tracking and submission rate limits lifted "
            f"to {UNLIMITED_RATE} (TRACKING_RATE_PER_*, SUBMIT_RATE_PER_*) so they cost but never refuse.",
            flush=True,
        )
        results = measure(f"http://127.0.0.1:{port}", args, preloaded, inbox, session)
    finally:
        stop_server(server)
        if not args.keep_db:
            drop_database(base_url)
    print_table(results)
    print_goals(results)
    report = {
        "run_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "setup": {
            "letters_preloaded": preloaded.letters,
            "events_preloaded": preloaded.events,
            "gunicorn_workers": args.workers,
            "clients": args.clients,
            "settings": "MOKATEBAT_ENV=production, DEBUG=False, SECURE_SSL_REDIRECT=false",
            "tracking_rate_limits": UNLIMITED_RATE,
            "cache": "redis" if env.get("REDIS_URL") else "database (cache_entries)",
            "inbox": None if inbox is None else inbox_setup(inbox),
        },
        "results": [asdict(result) for result in results],
    }
    path = OUT_DIR / "results.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"Written to {path.relative_to(ROOT)}")
    # SMS dispatch (its own database, worker processes and fake gateway); adds its key to results.json.
    # The server URL it started from: this process's own DATABASE_URL now names the bench database.
    dispatch_env = {**os.environ, "DATABASE_URL": base_url}
    subprocess.run([sys.executable, str(ROOT / "bench" / "sms_dispatch.py")], check=True, env=dispatch_env)


if __name__ == "__main__":
    main()
