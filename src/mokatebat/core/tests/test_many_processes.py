"""Many processes on one database (issue 15): two gunicorn nodes and two worker processes.

A burst of submissions spread over both nodes, some of them retried on the other node as a client
does after a load balancer drops its answer, then every item registered through the API over both
nodes at once. At the end: no letter lost, none stored twice, registration numbers 1..n without a
gap, and each SMS handed to the (real, local) gateway exactly once.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from django.db import connection

from mokatebat.api.models import Scope
from mokatebat.api.tests.conftest import make_client
from mokatebat.correspondence.models import Item
from mokatebat.notifications.models import OutboxMessage, SmsState
from mokatebat.notifications.tests.fake_gateway import FakeGateway
from mokatebat.organization.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 40
RETRIED = 10  # of them, POSTed again on the other node with the same form
ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    host = quote(str(db["HOST"] or db["OPTIONS"].get("host", "")), safe="")
    port = f"&port={db['PORT']}" if db["PORT"] else ""
    password = quote(str(db["PASSWORD"] or ""), safe="")
    return f"postgresql://{db['USER']}:{password}@/{db['NAME']}?host={host}{port}"


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway(protocol="kavenegar")
    fake.honour_localid = False  # a second copy must be prevented by us, not by the gateway
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def cluster(gateway: FakeGateway) -> Iterator[list[str]]:
    """Two gunicorn nodes (2 workers each) and two `run_worker` processes, as separate processes."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mokatebat.settings.test",
        "DATABASE_URL": _database_url(),
        "SMS_PROVIDER": gateway.protocol,
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_API_KEY": gateway.api_key,
        "SMS_SENDER": "40401234",
        # Every applicant of this burst comes from 127.0.0.1; behind a load balancer they would not.
        "SUBMIT_BURST_PER_CLIENT": "10000/m",
        "SUBMIT_RATE_PER_CLIENT": "10000/h",
        "PYTHONPATH": str(ROOT / "src"),
    }
    ports = [_free_port(), _free_port()]
    python = sys.executable
    processes = [
        subprocess.Popen(
            [python, "-m", "gunicorn", "mokatebat.wsgi:application", "--workers=2", f"--bind=127.0.0.1:{port}"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for port in ports
    ] + [
        subprocess.Popen(
            [python, "manage.py", "run_worker", "--poll", "0.2"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]  # fmt: skip
    nodes = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for node in nodes:
            for _ in range(300):
                try:
                    if httpx.get(f"{node}/track/", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                pytest.fail(f"gunicorn node {node} did not start")
        yield nodes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match is not None, f"no {name} in the form"
    return match.group(1)


def _submit(nodes: list[str], agency: Organization, index: int) -> list[str]:
    """One citizen's letter on node index % 2; the first RETRIED are posted again on the other node."""
    from mokatebat.core.identifiers import generate_national_id

    first, other = nodes[index % 2], nodes[(index + 1) % 2]
    with httpx.Client(timeout=60) as browser:
        form = browser.get(f"{first}/letters/new/", params={"agency": agency.code})
        data = {
            "csrfmiddlewaretoken": _hidden(form.text, "csrfmiddlewaretoken"),
            "nonce": _hidden(form.text, "nonce"),
            "agency": agency.code,
            "unit": "",
            "kind": "letter",
            "subject": f"درخواست شماره {index}",
            "body": "با سلام، خواهشمند است به درخواست اینجانب رسیدگی شود.",
            "requester_kind": "natural",
            "full_name": "مریم رضایی",
            "national_id": generate_national_id(__import__("random").Random(index)),
            "mobile": f"0912{index:07d}",
        }
        receipts = [browser.post(f"{first}/letters/new/", data=data).headers.get("location", "")]
        if index < RETRIED:
            receipts.append(browser.post(f"{other}/letters/new/", data=data).headers.get("location", ""))
    return receipts


def test_a_burst_over_two_nodes_and_two_workers_loses_nothing_and_sends_each_sms_once(
    cluster: list[str], gateway: FakeGateway, agency: Organization
) -> None:
    _client, token = make_client(agency, "اتوماسیون اداری", [Scope.ITEMS_READ, Scope.ITEMS_WRITE], rate="1000/h")

    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(pool.map(lambda i: _submit(cluster, agency, i), range(SUBMISSIONS)))

    assert all(r and all("/letters/receipt/" in url for url in r) for r in receipts), receipts
    assert all(len(set(r)) == 1 for r in receipts), "a retried form made a second letter"
    items = list(Item.objects.order_by("pk"))
    assert len(items) == SUBMISSIONS
    assert len({item.subject for item in items}) == SUBMISSIONS

    def register(n: int, item: Item) -> int:
        node = cluster[n % 2]
        url = f"{node}/api/v1/client/items/{item.public_id}/register/"
        answer = httpx.post(
            url, json={"version": item.version}, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        return answer.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda pair: register(*pair), enumerate(items)))

    assert set(statuses) == {200}, statuses
    numbers = sorted(int(re.findall(r"\d+", item.registration_number)[-1]) for item in Item.objects.all())
    assert numbers == list(range(1, SUBMISSIONS + 1))
    deadline = time.monotonic() + 90
    while OutboxMessage.objects.exclude(state=SmsState.SENT).exists() and time.monotonic() < deadline:
        time.sleep(0.3)
    messages = list(OutboxMessage.objects.all())
    assert all(m.state == SmsState.SENT for m in messages)
    reached = gateway.phone_counts()
    assert len(reached) == len(messages) >= SUBMISSIONS
    assert set(reached.values()) == {1}, "an SMS reached the phone twice"
