"""R12: the service installs on a phone and says something useful when the connection drops."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from playwright.sync_api import Page, expect

from mokatebat.testing.browser import screenshot


@pytest.mark.django_db
def test_the_manifest_names_the_service_in_persian_with_icons(client: Client) -> None:
    response = client.get("/manifest.webmanifest")

    manifest = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert (manifest["lang"], manifest["dir"], manifest["display"]) == ("fa", "rtl", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL))


@pytest.mark.django_db
def test_the_service_worker_never_caches_pages(client: Client) -> None:
    script = client.get("/sw.js")

    assert script["Content-Type"].startswith("application/javascript")
    assert 'request.mode === "navigate"' in script.content.decode()
    assert "/offline/" in script.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_phone_that_loses_its_connection_sees_the_offline_page(live_server: Any, phone_page: Page) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()  # now controlled by the service worker

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/track/")

    expect(page.locator("h1")).to_contain_text("اتصال به اینترنت برقرار نیست")
    screenshot(page, "offline-phone")
    page.context.set_offline(False)
