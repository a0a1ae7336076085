"""The HTML report opened from disk in a real headless Chromium (Debian's, driven by Playwright).

Skips with its reason when /usr/bin/chromium or the playwright package is missing;
CI installs both. The screenshot lands in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citecheck.reports import render

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SAMPLE = Path(__file__).parent / "fixtures" / "report_sample.json"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


def hostile_report() -> Any:
    """The sample report with script-bearing strings wherever a document or source speaks."""
    report = json.loads(SAMPLE.read_text(encoding="utf-8"))
    img = '<img src=x onerror="window.__pwned = 1">'
    script = "<script>window.__pwned = 2</script>"
    doc = report["documents"][0]
    doc["title"] = f"Harbor {img}"
    doc["references"][0]["title"] = script
    doc["references"][0]["checks"] = [
        {"name": "fix", "level": "info", "message": f"{{{{cite web |title={script}}}}}"}
    ]
    doc["references"][1]["url"] = f"https://council.example/{img}"
    claim = doc["claims"][0]
    claim["text"] = f"The bridge opened {img} in August 2019."
    claim["verdicts"][0]["evidence"][0]["text"] += f" {script}"
    claim["verdicts"][0]["missing"] = [img]
    report["documents"][1]["source"] = f"docs/{img}.md"
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def opened(browser: Any, tmp_path: Path) -> Iterator[tuple[Any, list[str]]]:
    """The hostile report, written to disk and opened from file://; with its console errors."""
    path = tmp_path / "report.html"
    path.write_text(render(copy.deepcopy(hostile_report()), "html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    try:
        yield page, errors
    finally:
        page.close()


def visible_cards(page: Any) -> int:
    return int(page.locator("article.claim:visible").count())


def test_filters_show_only_matching_cards(opened: tuple[Any, list[str]]) -> None:
    page, errors = opened
    assert visible_cards(page) == 7
    page.select_option("#filter-verdict", "unverifiable")
    assert visible_cards(page) == 3
    page.select_option("#filter-link", "soft_404")
    assert visible_cards(page) == 1
    assert "Showing 1 of 7 claims" in page.inner_text("#filter-count")
    page.click("#filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('article.claim[hidden]').length === 0")
    page.select_option("#filter-domain", "data.example")
    assert visible_cards(page) == 1
    assert page.locator("#references tbody tr:visible").count() == 1
    assert errors == []


def test_no_injected_script_runs_and_the_text_is_shown(opened: tuple[Any, list[str]]) -> None:
    page, errors = opened
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1  # the report's own
    assert "<script>window.__pwned = 2</script>" in page.inner_text("#references")
    assert errors == []


def test_keyboard_reaches_the_filters_and_the_copy_button(
    opened: tuple[Any, list[str]],
) -> None:
    page, _ = opened
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement && document.activeElement.id"))
        if "filter-link" in reached:
            break
    assert "filter-link" in reached
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-verdict"
    copy_button = page.locator("#ref-ref-opening button.copy")
    assert copy_button.is_visible()
    copy_button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('#ref-ref-opening button.copy').textContent !== 'Copy fix'"
    )


def test_a_screenshot_is_written_as_a_test_artifact(opened: tuple[Any, list[str]]) -> None:
    page, errors = opened
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "report.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert errors == []
