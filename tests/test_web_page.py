"""`treatyscope serve`'s page in a real browser: Debian's chromium driven by Playwright, against the real server.

Skipped when chromium or playwright is missing, unless TREATYSCOPE_BROWSER_TESTS=1 (CI sets it): then they fail.
The page keeps hooks for this: `window.treatyscopeMap` (the Leaflet map), `body[data-ready]`, `#answer[data-state]`
and `#answer[data-seq]` (bumped on each answer drawn), `#legend[data-state]`, table rows with `data-treaty`,
`data-article`, `data-targets` and `data-verdict`.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM} (apt-get install chromium)"
    return None


if (_why := _missing()) is not None:
    if os.environ.get("TREATYSCOPE_BROWSER_TESTS") == "1":
        pytest.fail(f"TREATYSCOPE_BROWSER_TESTS=1, but {_why}", pytrace=False)
    pytest.skip(f"browser tests: {_why}", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

WAIT_MS = 60_000  # an area drawn cold takes seconds; a check once warm well under one
HISTORY_SHOWN = "#answer tr.detail:not([hidden]) section.timeline[data-state=done]"  # an opened row's history


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=120) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def base(web_url: str) -> str:
    """The server (conftest's `web_url`), with the engine and NATO's overlay of today warmed up."""
    fetch_json(f"{web_url}/api/check?lat=48.85&lon=2.35&treaty=nato")
    fetch_json(f"{web_url}/api/area?treaty=nato&target=territory")
    return f"{web_url}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


class Recorded:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


@pytest.fixture
def page(browser: Browser, recorded: Recorded) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.on("request", lambda r: recorded.requests.append(r.url))
    pg.on("console", lambda m: recorded.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: recorded.errors.append(str(e)))
    yield pg
    context.close()


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#legend[data-state=done], #legend[data-state=none]")


def map_point(page: Page, lat: float, lon: float) -> tuple[float, float]:
    """Where (lat, lon) is drawn, in the map element's own pixels (its border included, as in its screenshot)."""
    x, y = page.evaluate(
        """([lat, lon]) => {
            const map = window.treatyscopeMap, box = map.getContainer();
            const p = map.latLngToContainerPoint([lat, lon]);
            return [box.clientLeft + p.x, box.clientTop + p.y];
        }""",
        [lat, lon],
    )
    return x, y


def show(page: Page, lat: float, lon: float, zoom: float) -> None:
    # braces: return nothing, or Playwright would serialise the whole map
    page.evaluate(
        "([lat, lon, z]) => { window.treatyscopeMap.setView([lat, lon], z, {animate: false}); }", [lat, lon, zoom]
    )


def answer_seq(page: Page) -> str:
    return page.get_attribute("#answer", "data-seq") or ""


def wait_answer(page: Page, before: str) -> None:
    page.wait_for_selector(f"#answer[data-state=done][data-seq]:not([data-seq='{before}'])")


def click_map(page: Page, lat: float, lon: float) -> None:
    box = page.locator("#map").bounding_box()
    assert box is not None
    x, y = map_point(page, lat, lon)
    page.mouse.click(box["x"] + x, box["y"] + y)


def check_at(page: Page, lat: float, lon: float, zoom: float = 3) -> None:
    # Below zoom 4 the page keeps the coarse land (finer land is computed on first use: seconds, cold); at zoom 3 a
    # pixel is 0.09 degrees.
    show(page, lat, lon, zoom)
    before = answer_seq(page)
    click_map(page, lat, lon)
    wait_answer(page, before)


def rows(page: Page, treaty: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = page.eval_on_selector_all(
        f"#answer tr.row[data-treaty='{treaty}']",
        "trs => trs.map(tr => ({targets: tr.dataset.targets, verdict: tr.dataset.verdict, text: tr.innerText}))",
    )
    return found


def the_row(page: Page, treaty: str, target: str) -> dict[str, str]:
    [found] = [r for r in rows(page, treaty) if target in r["targets"].split(", ") or r["targets"] == "all"]
    return found


def test_loads_offline_without_errors(page: Page, base: str, recorded: Recorded) -> None:
    open_page(page, base)
    assert recorded.requests
    for url in recorded.requests:
        parsed = urllib.parse.urlsplit(url)
        assert parsed.scheme in ("data", "blob") or parsed.hostname == "127.0.0.1", url
    assert not recorded.errors, recorded.errors
    # the overlay came from the API, and is the NATO article today
    assert "NATO Article 5" in page.inner_text("#legend")
    assert page.locator("svg pattern#hatch").count() == 1
    assert page.locator(".parallel-label").count() >= 1


def test_taiwan_nato_does_not_apply(page: Page, base: str, recorded: Recorded) -> None:
    open_page(page, base)
    check_at(page, 23.7, 121.0)
    assert "Taiwan" in page.inner_text("#location")
    territory = the_row(page, "nato", "territory")
    assert territory["verdict"] == "does-not-apply"
    assert "does not apply" in territory["text"]
    forces = the_row(page, "nato", "forces")
    assert forces["verdict"] == "does-not-apply"
    assert "✗ does not apply" in forces["text"]
    # the row's details: the reasons name Article 6's area; the nearest covered place is looked up and drawn
    row = page.locator("#answer tr.row[data-treaty=nato][data-targets*=forces]")
    row.locator("button.expand").click()
    assert row.locator("button.expand").get_attribute("aria-expanded") == "true"
    detail = page.locator("#answer tr.detail:not([hidden])")
    reasons = detail.locator("ul.reasons").inner_text()
    assert "Europe or North America" in reasons
    assert "North Atlantic" in reasons
    page.wait_for_selector("#answer .nearest[data-lat]")
    assert page.inner_text("#answer .nearest").startswith("nearest covered:")
    assert "km" in page.inner_text("#answer .nearest")
    assert "The text" in detail.inner_text()
    assert "open=nato" in page.url
    assert not recorded.errors, recorded.errors


def test_algiers_1960_nato_applies(page: Page, base: str) -> None:
    open_page(page, base)
    # No overlay: NATO's area of 1960 takes seconds to draw cold, and the server answers one request at a time.
    page.select_option("#treaty", "")
    page.wait_for_selector("#legend[data-state=none]")
    page.fill("#date", "1960-01-01")
    check_at(page, 36.75, 3.06)
    assert "1960-01-01" in page.inner_text("#answer-summary")
    row = the_row(page, "nato", "territory")
    assert row["verdict"] == "applies"
    assert "✓ applies" in row["text"]
    assert "date=1960-01-01" in page.url


def test_pacific_high_seas_anzus_forces(page: Page, base: str) -> None:
    open_page(page, base)
    check_at(page, 10.0, -150.0)
    # ANZUS Article V: "its armed forces, public vessels or aircraft in the Pacific" -- not a territory there
    for target in ("forces", "vessel", "aircraft"):
        assert the_row(page, "anzus", target)["verdict"] == "applies"
    assert the_row(page, "anzus", "territory")["verdict"] == "does-not-apply"
    row = page.locator("#answer tr.row[data-treaty=anzus][data-verdict=applies]").first
    row.locator("button.expand").click()
    assert "Pacific" in page.locator("#answer tr.detail:not([hidden]) ul.reasons").inner_text()


def test_drawn_area_across_the_tropic_is_partial(page: Page, base: str, recorded: Recorded) -> None:
    open_page(page, base)
    show(page, 23.5, -37.5, 3.5)
    page.click("#draw-area")
    assert page.get_attribute("#draw-area", "aria-pressed") == "true"
    for lat, lon in ((20, -40), (20, -35), (27, -35), (27, -40)):
        click_map(page, lat, lon)
    before = answer_seq(page)
    page.click("#draw-finish")
    wait_answer(page, before)
    assert "geom=a%3A" in page.url
    # NATO Article 6(ii): forces, vessels and aircraft in the North Atlantic area north of the Tropic of Cancer;
    # territory is not at issue in the open sea
    for target in ("forces", "vessel", "aircraft"):
        assert the_row(page, "nato", target)["verdict"] == "partial"
    assert the_row(page, "nato", "territory")["verdict"] == "does-not-apply"
    parts = page.locator("#answer tr.row[data-treaty=nato][data-verdict=partial] ul.parts").first.inner_text()
    assert "North Atlantic Ocean" in parts
    assert "% covered" in parts
    assert not recorded.errors, recorded.errors


def test_escape_cancels_a_drawing(page: Page, base: str) -> None:
    open_page(page, base)
    page.click("#draw-line")
    click_map(page, 10, 10)
    page.keyboard.press("Escape")
    assert page.get_attribute("#draw-line", "aria-pressed") == "false"
    assert page.locator("#answer tr.row").count() == 0


def test_a_shared_link_restores_the_answer(page: Page, base: str, browser: Browser) -> None:
    open_page(page, base)
    page.select_option("#treaty", "")  # no overlay: the vessel area of NATO takes seconds to draw cold
    page.select_option("#target", "vessel")
    check_at(page, 23.7, 121.0)
    page.locator("#answer tr.row[data-treaty=anzus][data-targets*=vessel] button.expand").first.click()
    page.wait_for_selector(HISTORY_SHOWN)
    table = page.inner_text("#answer-table")
    url = page.url
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        other.set_default_timeout(WAIT_MS)
        open_page(other, url)
        other.wait_for_selector("#answer[data-state=done]")
        other.wait_for_selector(HISTORY_SHOWN)
        assert other.input_value("#target") == "vessel"
        assert other.input_value("#treaty") == ""
        assert other.locator("#answer tr.row[data-treaty=anzus] button.expand[aria-expanded=true]").count() == 1
        assert other.inner_text("#answer-table") == table
        assert other.inner_text("#location") == page.inner_text("#location")
    finally:
        other.close()


def test_downloads_the_answer(page: Page, base: str) -> None:
    open_page(page, base)
    check_at(page, 23.7, 121.0)
    with page.expect_download() as got:
        page.click("#download-json")
    doc = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert doc["schema"] == "treatyscope.check/1"
    assert any(r["treaty"] == "nato" for r in doc["results"])
    assert all("trace" in r for r in doc["results"])  # the answer in full, though the page's is brief
    with page.expect_download() as got:
        page.click("#download-md")
    assert got.value.suggested_filename.endswith(".md")
    markdown = Path(got.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("# ")
    assert "| NATO | 5 |" in markdown


def test_an_api_error_is_shown(page: Page, base: str) -> None:
    open_page(page, base)
    page.fill("#search", "Qqxzzy Nowhere")
    page.press("#search", "Enter")
    page.wait_for_selector("#status .error")
    assert "Qqxzzy" in page.inner_text("#status")
    assert page.get_attribute("#answer", "data-state") == "error"


def test_an_error_replaces_the_earlier_answer(page: Page, base: str) -> None:
    """The answer to the question before must not stand as the answer to one the server refused."""
    open_page(page, base)
    check_at(page, 48.85, 2.35)
    assert rows(page, "nato")
    page.fill("#party", "Atlantis")
    page.click("#apply")
    page.wait_for_selector("#answer[data-state=error]")
    assert "Atlantis" in page.inner_text("#status")
    assert rows(page, "nato") == [] and page.inner_text("#location") == ""


def test_a_table_for_one_treaty_with_no_treaty_on_the_map(page: Page, base: str, recorded: Recorded) -> None:
    open_page(page, f"{base}#only=1&art=none&at=48.85,2.35&date=2020-01-01")
    page.wait_for_selector("#answer[data-state=done]")
    assert not page.is_checked("#only")
    assert len({r["verdict"] for r in rows(page, "nato")}) >= 1 and rows(page, "anzus")  # every treaty
    assert not recorded.errors, recorded.errors


def _colour(image: Any, x: float, y: float) -> tuple[int, int, int]:
    r, g, b = image.getpixel((round(x), round(y)))[:3]
    return r, g, b


def test_the_overlay_colours(page: Page, base: str) -> None:
    from PIL import Image
    from shapely.geometry import shape

    open_page(page, base)
    shot = Image.open(io.BytesIO(page.locator("#map").screenshot())).convert("RGB")
    r, g, b = _colour(shot, *map_point(page, 47.0, 2.5))  # inland France: covered, blue over the land
    assert b > r + 60 and b > 150, (r, g, b)
    r, g, b = _colour(shot, *map_point(page, -10.0, -55.0))  # central Brazil: land, not covered, grey
    assert abs(r - g) < 8 and abs(g - b) < 8 and 180 < r < 235, (r, g, b)

    area = fetch_json(f"{base}api/area?treaty=nato&target=territory")
    contested = [shape(f["geometry"]) for f in area["features"] if f["properties"]["status"] == "contested"]
    assert contested, "NATO Article 5 today has contested territory (Ceuta and Melilla, Cyprus)"
    spot = max(contested, key=lambda g: g.area).representative_point()
    show(page, spot.y, spot.x, 3.75)  # below zoom 4: no finer land to compute
    page.wait_for_timeout(200)
    shot = Image.open(io.BytesIO(page.locator("#map").screenshot())).convert("RGB")
    x0, y0 = map_point(page, spot.y, spot.x)
    window = [
        _colour(shot, x, y) for x in range(round(x0) - 7, round(x0) + 8) for y in range(round(y0) - 7, round(y0) + 8)
    ]
    orange = [c for c in window if c[0] > 200 and 120 < c[1] < 190 and c[2] < 80]
    assert len(orange) > 20, window[:10]
    assert len(orange) < len(window) - 20  # hatched, not a solid fill


def test_an_opened_row_shows_its_history(page: Page, base: str, recorded: Recorded) -> None:
    """Algiers: NATO Article 5 covered the Algerian departments of France from the treaty's entry into force to
    Algeria's independence (Article 6(i), until 3 July 1962)."""
    # No overlay (NATO's area of 1960 takes seconds to draw cold); the table for that day.
    open_page(page, f"{base}#place=Algiers&date=1960-01-01&art=none")
    page.wait_for_selector("#answer[data-state=done]")
    row = page.locator("#answer tr.row[data-treaty=nato]:is([data-targets*=territory], [data-targets=all])")
    row.locator("button.expand").click()
    section = page.locator("#answer tr.detail:not([hidden]) section.timeline")
    assert "Over time (1945 to today)" in section.locator("h3").inner_text()
    page.wait_for_selector(HISTORY_SHOWN)
    intervals: list[dict[str, str]] = section.locator("ol.tl-list > li").evaluate_all(
        "lis => lis.map(li => ({...li.dataset, text: li.innerText}))"
    )
    # The days from the treaty's entry into force to independence apply (the server splits them where Article 6's
    # amended text took effect, 1952-02-18), with no gap; the day after does not.
    applies = [i for i in intervals if i["verdict"] == "applies"]
    assert applies[0]["first"] == "1949-08-24" and applies[-1]["last"] == "1962-07-02"
    for a, b in pairwise(applies):
        assert dt.date.fromisoformat(b["first"]) - dt.date.fromisoformat(a["last"]) == dt.timedelta(days=1)
    last = intervals[-1]
    assert last["first"] == "1962-07-03" and last["verdict"] == "does-not-apply"
    assert applies[0]["text"].startswith(f"1949-08-24 – {applies[0]['last']}: ✓ applies — ")
    assert last["text"].startswith(f"1962-07-03 – {last['last']}: ✗ does not apply — ")
    assert "Algeria" in last["text"]  # what changed: who holds Algiers
    # the bar: one segment per interval, a mark at the date asked; the list says it in words
    assert section.locator(".tl-bar .tl-seg").count() == len(intervals)
    assert section.locator(".tl-figure").get_attribute("aria-hidden") == "true"
    assert section.locator(".tl-bar .tl-now").count() == 1
    assert section.locator("ol.tl-list > li.is-asked").get_attribute("data-first") == applies[-1]["first"]

    before = answer_seq(page)
    section.locator("ol.tl-list > li").last.get_by_role("button", name="Show on 1962-07-03").click()
    wait_answer(page, before)
    assert page.input_value("#date") == "1962-07-03"
    assert "date=1962-07-03" in page.url
    assert "1962-07-03" in page.inner_text("#answer-summary")
    assert the_row(page, "nato", "territory")["verdict"] == "does-not-apply"
    # the row stays open, its history marked at the new day, the focus on its button
    page.wait_for_selector(HISTORY_SHOWN)
    marked = page.locator("#answer tr.detail:not([hidden]) ol.tl-list > li.is-asked")
    assert marked.get_attribute("data-first") == "1962-07-03"
    assert page.evaluate("document.activeElement.classList.contains('expand')")
    assert not recorded.errors, recorded.errors


def test_who_is_bound_to_act(page: Page, base: str, recorded: Recorded) -> None:
    open_page(page, f"{base}#place=Warsaw")
    page.wait_for_selector("#answer[data-state=done]")
    bound = page.locator("#bound")
    assert bound.is_visible()
    summary = bound.locator("summary")
    assert summary.inner_text() == "Who is bound to act if territory is attacked"
    summary.click()  # fetched when opened
    page.wait_for_selector("#bound[data-state=done]")
    assert "bound=1" in page.url
    text = bound.inner_text()
    assert "Poland" in text and "Warsaw" in text  # the question, in the server's words
    germany = bound.locator("table.bound-table tbody tr[data-state=DEU]")
    assert "Germany" in germany.locator("th").inner_text()
    duties = germany.locator("td").inner_text()
    assert "NATO Article 5" in duties and "TEU Article 42(7)" in duties
    assert bound.locator("table.bound-table th[scope=col]").all_inner_texts() == ["State", "Bound by"]
    obliges = bound.locator("section.obliges[data-treaty=nato]").inner_text()
    assert "What each article obliges" in text
    assert "such action as it deems necessary" in obliges
    assert bound.locator("section.obliges").count() == 2  # the binding articles only: NATO and the TEU

    # Another target is another question: asked again while the section is open.
    page.select_option("#target", "forces")
    assert summary.inner_text() == "Who is bound to act if forces is attacked"
    page.wait_for_selector("#bound[data-state=done] >> text=armed forces")
    assert not recorded.errors, recorded.errors
