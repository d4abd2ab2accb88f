"""The API documentation renders in a real browser under the site's Content-Security-Policy."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from mokatebat.testing.browser import screenshot


def test_swagger_ui_renders_from_our_static_files_under_the_csp(desktop_page: Page, live_server: Any) -> None:
    blocked: list[str] = []
    desktop_page.on("console", lambda message: blocked.append(message.text) if message.type == "error" else None)
    outside: list[str] = []
    desktop_page.on(
        "request", lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url)
    )
    desktop_page.goto(f"{live_server.url}/api/v1/docs/")
    desktop_page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)
    assert desktop_page.locator(".swagger-ui .info .title").inner_text().startswith("Mokatebat API")
    assert desktop_page.locator(".opblock-summary-path", has_text="/api/v1/track/").count() == 1
    assert outside == []  # no CDN, no third-party host
    screenshot(desktop_page, "api-docs-desktop")
    assert not [text for text in blocked if "Content Security Policy" in text and "script" in text], blocked
