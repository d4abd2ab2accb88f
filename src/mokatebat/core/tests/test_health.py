"""/healthz, /readyz and /metrics as a load balancer and Prometheus see them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mokatebat.core.heartbeat import EXPECTED_LOOPS, Heartbeat
from mokatebat.core.metrics import GaugeSamples, register_gauge, unregister_gauge
from mokatebat.core.models import WorkerHeartbeat
from mokatebat.notifications.models import GatewayPause, OutboxMessage


@pytest.fixture
def beating(db: Any) -> None:
    WorkerHeartbeat.objects.all().delete()
    for loop in EXPECTED_LOOPS:
        Heartbeat(loop, worker="test:1").beat()


def test_healthz_answers_without_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_passes_when_the_worker_beats(client: Client, beating: None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert all(check["ok"] for check in checks.values())
    assert set(checks) == {"database", "migrations", "worker_heartbeats", "sms_backlog", "sms_gateway"}


def test_readyz_fails_when_a_loop_went_silent(client: Client, beating: None, settings: Any) -> None:
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 30
    WorkerHeartbeat.objects.filter(loop="sms").update(beat_at=timezone.now() - datetime.timedelta(seconds=31))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker_heartbeats"]["stale"] == ["sms"]
    assert body["checks"]["database"]["ok"] is True


def test_readyz_fails_when_no_worker_ever_ran(client: Client, db: Any) -> None:
    WorkerHeartbeat.objects.all().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker_heartbeats"]["stale"] == sorted(EXPECTED_LOOPS)


def test_readyz_fails_when_an_sms_waits_too_long(client: Client, beating: None, settings: Any) -> None:
    settings.SMS_PENDING_MAX_AGE_SECONDS = 600
    OutboxMessage.objects.create(
        dedup_key="x:1",
        template="t",
        mobile="09120000000",
        body="…",
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["sms_backlog"]
    assert check["ok"] is False
    assert check["oldest_pending_age_seconds"] >= 3600


def test_metrics_list_the_gauges_from_loopback(client: Client, beating: None) -> None:
    OutboxMessage.objects.create(dedup_key="x:2", template="t", mobile="09120000000", body="…")
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'mokatebat_sms_outbox_messages{state="created"} 1.0' in text
    assert "mokatebat_sms_outbox_oldest_pending_age_seconds" in text
    assert 'mokatebat_inquiries{state="pending"}' in text
    assert 'mokatebat_items_received{channel="online"}' in text
    assert 'mokatebat_worker_heartbeat_age_seconds{loop="sms"}' in text
    assert 'mokatebat_http_request_duration_seconds_count{method="GET",status="200",view="healthz"}' in text
    assert "09120000000" not in text


def test_metrics_need_loopback_or_the_token(client: Client, db: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")
    assert right.status_code == 200


def test_another_app_adds_a_gauge(client: Client, db: Any) -> None:
    @register_gauge("mokatebat_test_overdue_items", "Items past their deadline (test).", ["agency"])
    def overdue() -> GaugeSamples:
        yield ("moh",), 3

    try:
        text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    finally:
        unregister_gauge("mokatebat_test_overdue_items")
    assert 'mokatebat_test_overdue_items{agency="moh"} 3.0' in text


def test_a_broken_gauge_does_not_break_the_scrape(client: Client, db: Any) -> None:
    @register_gauge("mokatebat_test_broken", "Always fails.")
    def broken() -> GaugeSamples:
        raise RuntimeError("boom")

    try:
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    finally:
        unregister_gauge("mokatebat_test_broken")
    assert response.status_code == 200
    assert "mokatebat_test_broken" not in response.content.decode()
    assert "mokatebat_sms_outbox_messages" in response.content.decode()


def test_readyz_fails_while_the_gateway_has_paused_sending(client: Client, beating: None, settings: Any) -> None:
    settings.SMS_PROVIDER = "kavenegar"
    settings.SMS_GATEWAY_API_KEY = "a-key"
    settings.SMS_SENDER = "40401234"
    GatewayPause.objects.create(provider="kavenegar", paused_at=timezone.now(), reason="401: invalid API key")
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["sms_gateway"]
    assert check["ok"] is False
    assert "invalid API key" in check["problems"][0]
    GatewayPause.objects.filter(provider="kavenegar").update(paused_at=None)  # a later account check passed
    assert client.get("/readyz").status_code == 200


def test_metrics_count_overdue_items_per_agency(client: Client, beating: None, submit: Any) -> None:
    late = submit(at=timezone.now() - datetime.timedelta(days=80))  # a letter's 30 working days are long gone
    submit()
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert f'mokatebat_items_overdue{{agency="{late.agency.code}"}} 1.0' in text
