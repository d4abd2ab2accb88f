"""Pytest plugin for browser tests: headless Debian Chromium driven by Playwright against ``live_server``.

Enable it with ``pytest_plugins = ["mokatebat.testing.browser"]`` in ``src/conftest.py`` and mark the
tests with ``@pytest.mark.browser``. It provides:

* ``browser`` (session): Chromium from ``$CHROMIUM_PATH`` or ``chromium`` on ``PATH``. A missing browser
  FAILS the test with instructions; it never skips silently.
* ``phone_page`` (360×780, touch, ``fa-IR``) and ``desktop_page`` (1280×900): a fresh context per test.
* ``assert_accessible(page, name)``: axe-core with the WCAG 2.1 A/AA rules; serious/critical violations fail
  (``accessibility_problems`` returns them instead, to check several pages and fail once).
* ``assert_no_horizontal_scroll(page)``: the page is no wider than its viewport.
* ``screenshot(page, name)``: a full-page PNG in ``var/screenshots/<name>.png``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Playwright's sync API runs an asyncio event loop in the test's thread; Django then refuses ORM
# calls from "async context" although the test itself is plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parents[3]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = REPO_ROOT / "var" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
DEFAULT_TIMEOUT_MS = 10_000

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


class AxeNode(TypedDict):
    target: list[Any]
    html: str
    failureSummary: str


class AxeViolation(TypedDict):
    id: str
    impact: str | None
    help: str
    helpUrl: str
    nodes: list[AxeNode]


def chromium_path() -> str | None:
    """``$CHROMIUM_PATH`` if set, else the ``chromium`` on ``PATH`` (Debian's package), else None."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        pytest.fail(
            "Browser tests need Chromium, and none was found "
            f"(CHROMIUM_PATH={os.environ.get('CHROMIUM_PATH', '<unset>')!r}, no 'chromium' on PATH). "
            "Install Debian's package (`make browser` or `apt-get install chromium`) or set CHROMIUM_PATH; "
            "`playwright install` is not used by this project.",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - depends on the environment
        pytest.fail(f"Browser tests need the 'playwright' Python package: {error}", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def _page_in_new_context(browser: Browser, **options: Any) -> Iterator[Page]:
    # Reduced motion switches off Bootstrap's colour transitions, so axe never measures contrast
    # half-way through a hover or focus fade (a real user setting, not a test-only style).
    options.setdefault("reduced_motion", "reduce")
    context: BrowserContext = browser.new_context(**options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A small Android phone: 360 CSS px wide, touch, Persian locale."""
    yield from _page_in_new_context(
        browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="fa-IR"
    )


@pytest.fixture
def desktop_page(browser: Browser) -> Iterator[Page]:
    """A laptop screen, Persian locale."""
    yield from _page_in_new_context(browser, viewport=DESKTOP, locale="fa-IR")


def _format_violation(violation: AxeViolation) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"]
    for node in violation["nodes"][:10]:
        target = " ".join(str(part) for part in node["target"])
        summary = " ".join(node["failureSummary"].split())
        lines.append(f"    {target}\n      {node['html'][:200]}\n      {summary[:400]}")
    if len(violation["nodes"]) > 10:
        lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[AxeViolation]:
    """Run axe-core (WCAG 2.1 A/AA) on the page and return every violation, whatever its impact."""
    if not AXE_PATH.is_file():
        pytest.fail(f"axe-core is missing at {AXE_PATH}; run `npm ci` in the repository root.", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluate() is not subject to the page's Content-Security-Policy, unlike an inline <script>.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    violations: list[AxeViolation] = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
            return result.violations;
        }""",
        WCAG_TAGS,
    )
    return violations


def accessibility_problems(page: Page, name: str) -> list[str]:
    """Serious and critical WCAG 2.1 A/AA violations on the page, one readable entry per rule.

    For tests that check several pages and fail once, listing them all.
    """
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    return [f"{name} <{page.url}>:\n{_format_violation(violation)}" for violation in blocking]


def assert_accessible(page: Page, name: str) -> None:
    """Fail listing every serious or critical WCAG 2.1 A/AA violation axe finds on the page."""
    problems = accessibility_problems(page, name)
    if problems:
        pytest.fail("axe found serious/critical accessibility violations on " + "\n".join(problems), pytrace=False)


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page is no wider than the viewport: nothing makes a phone user scroll sideways."""
    viewport = page.viewport_size
    assert viewport is not None, "the page has no fixed viewport"
    scroll_width: int = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > viewport["width"]:
        culprits: list[str] = page.evaluate(
            """(limit) => Array.from(document.querySelectorAll("body *"))
                .filter((el) => el.getBoundingClientRect().right > limit + 1 || el.getBoundingClientRect().left < -1)
                .slice(0, 5)
                .map((el) => el.outerHTML.slice(0, 160))""",
            viewport["width"],
        )
        pytest.fail(
            f"{page.url} scrolls sideways: scrollWidth {scroll_width}px > viewport {viewport['width']}px. "
            "Widest elements:\n" + "\n".join(culprits)
        )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as ``var/screenshots/<name>.png`` and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_menu(page: Page) -> None:
    """On a phone the site's links fold behind «منو»: open it (nothing to do where they are shown)."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
