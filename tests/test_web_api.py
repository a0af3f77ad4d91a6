"""`treatyscope serve`'s HTTP API, over real HTTP on this machine: the CLI's answers and schemas, the CLI's one-line
messages as HTTP 400, and a server that survives every bad request."""

from __future__ import annotations

import contextlib
import io
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from treatyscope.cli import app, main

SCHEMAS = Path(__file__).resolve().parents[1] / "src" / "treatyscope" / "schemas"
STATIC = Path(__file__).resolve().parents[1] / "src" / "treatyscope" / "web" / "static"


def get(base: str, path: str, **params: Any) -> tuple[int, Any, dict[str, str]]:
    query = urllib.parse.urlencode(params, doseq=True)
    return _send(urllib.request.Request(f"{base}{path}?{query}"))


def post(base: str, path: str, body: bytes | dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, headers={"Content-Type": "application/json"})
    return _send(request)


def _send(request: urllib.request.Request) -> tuple[int, Any, dict[str, str]]:
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            raw, status, headers = r.read(), r.status, dict(r.headers)
    except urllib.error.HTTPError as e:
        raw, status, headers = e.read(), e.code, dict(e.headers)
    kind = headers.get("content-type", "")
    return status, json.loads(raw) if "json" in kind else raw.decode(), headers


def cli_error(*args: str) -> str:
    """The one-line message the command line prints for the same mistake."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(list(args)) == 2
    return err.getvalue().strip().removeprefix("treatyscope: error: ")


def row(doc: dict[str, Any], treaty: str, target: str) -> dict[str, Any]:
    [found] = [r for r in doc["results"] if r["treaty"] == treaty and r["target"] == target]
    return found


# ------------------------------------------------------------------------------------------------ the answers


def test_taiwan_is_outside_nato_article_5_with_the_cli_schema(web_url: str) -> None:
    status, doc, _ = get(web_url, "/api/check", lat=23.7, lon=121.0)
    assert status == 200
    jsonschema.validate(doc, json.loads((SCHEMAS / "check.schema.json").read_text()))
    nato = row(doc, "nato", "territory")
    assert nato["verdict"] == "does-not-apply"
    assert any(r["treaty"] == "nato" and r["verdict"] == "does not apply" for r in doc["table"])
    assert nato["nearest_covered"] is None  # only searched when asked


def test_brief_answers_leave_out_the_traces(web_url: str) -> None:
    _, doc, _ = get(web_url, "/api/check", lat=23.7, lon=121.0, brief="true")
    jsonschema.validate(doc, json.loads((SCHEMAS / "check.schema.json").read_text()))
    assert doc["brief"] is True
    assert all("trace" not in r and "facts" not in r and r["reasons"] for r in doc["results"])


def test_a_named_place_and_the_nearest_covered_place_when_asked(web_url: str) -> None:
    _, honolulu, _ = get(web_url, "/api/check", location="Honolulu", treaty="nato", target="territory", nearest="true")
    [result] = honolulu["results"]
    assert result["verdict"] == "does-not-apply"
    assert result["nearest_covered"]["km"] > 1000
    _, las_palmas, _ = get(web_url, "/api/check", location="Las Palmas", treaty="nato", target="territory")
    assert las_palmas["results"][0]["verdict"] == "applies"


def test_algiers_was_covered_until_1962(web_url: str) -> None:
    def verdict(date: str) -> str:
        _, doc, _ = get(web_url, "/api/check", lat=36.75, lon=3.06, date=date, treaty="nato", target="territory")
        return str(doc["results"][0]["verdict"])

    assert verdict("1960-01-01") == "applies"
    assert verdict("1963-01-01") == "does-not-apply"


def test_a_drawn_area_across_the_tropic_is_answered_part_by_part(web_url: str) -> None:
    square = {"type": "Polygon", "coordinates": [[[-40, 20], [-35, 20], [-35, 27], [-40, 27], [-40, 20]]]}
    status, doc, _ = post(web_url, "/api/check", {"geometry": square, "treaty": ["nato"], "target": ["vessel"]})
    assert status == 200
    [vessel] = doc["results"]
    assert vessel["verdict"] == "partial"
    assert 0 < sum(p["covered_share"] for p in vessel["parts"]) < 1


def test_a_what_if_member_is_marked_in_the_answer(web_url: str) -> None:
    _, doc, _ = get(web_url, "/api/check", location="Kyiv", treaty="nato", target="territory", assume_member="UKR")
    [result] = doc["results"]
    assert result["verdict"] == "applies" and "assumption" in result
    assert doc["table"][0]["verdict"].endswith("*")


def test_markdown_is_the_cli_markdown(web_url: str) -> None:
    status, text, headers = get(
        web_url, "/api/check", location="Taiwan", treaty="nato", format="markdown", nearest="true"
    )
    assert status == 200 and headers["content-type"].startswith("text/markdown")
    cli = CliRunner().invoke(app, ["check", "--location", "Taiwan", "--treaty", "nato", "--format", "markdown"])
    assert text.strip() == cli.output.strip()


def test_the_timeline_of_algiers_under_nato_as_the_cli_gives_it(web_url: str) -> None:
    status, doc, _ = get(web_url, "/api/timeline", location="Algiers", treaty="nato", target="territory")
    assert status == 200
    jsonschema.validate(doc, json.loads((SCHEMAS / "timeline.schema.json").read_text()))
    [nato] = doc["timelines"]
    spans = [(i["first_day"], i["last_day"], i["verdict"]) for i in nato["intervals"]]
    applies = [(a, b) for a, b, v in spans if v == "applies"]  # two: the amended Article 6 from 1952-02-18
    assert (applies[0][0], applies[-1][1]) == ("1949-08-24", "1962-07-02")
    assert spans[-1][0] == "1962-07-03" and spans[-1][2] == "does-not-apply"
    cli = CliRunner().invoke(
        app, ["timeline", "--location", "Algiers", "--treaty", "nato", "--target", "territory", "--format", "json"]
    )
    assert doc == json.loads(cli.output)


def test_a_drawn_point_has_the_timeline_of_the_same_point_asked_by_coordinates(web_url: str) -> None:
    asked = {"treaty": ["us-japan"], "target": ["territory"], "from": "1960-01-01", "to": "1980-12-31"}
    status, drawn, _ = post(
        web_url, "/api/timeline", {"geometry": {"type": "Point", "coordinates": [127.68, 26.21]}, **asked}
    )
    assert status == 200
    _, typed, _ = get(web_url, "/api/timeline", lat=26.21, lon=127.68, **asked)
    [okinawa] = drawn["timelines"]
    assert okinawa["intervals"][-1]["first_day"] == "1972-05-15"  # the reversion
    assert okinawa["intervals"][-1]["verdict"] == "applies"

    def spans(doc: dict[str, Any]) -> list[tuple[str, str, str, str]]:
        return [
            (i["first_day"], i["last_day"], i["verdict"], i["explanation"]) for i in doc["timelines"][0]["intervals"]
        ]

    assert spans(drawn) == spans(typed)  # the changes name the place as given ("the shape given", "26.21, 127.68")


def test_who_is_bound_when_poland_is_attacked(web_url: str) -> None:
    status, doc, _ = get(web_url, "/api/obligations", location="Warsaw", date="2026-01-01")
    assert status == 200
    jsonschema.validate(doc, json.loads((SCHEMAS / "obligations.schema.json").read_text()))
    assert doc["attacked"] == "POL" and doc["summary"].endswith("under 2 treaties:")
    germany = next(b for b in doc["bound"] if b["state"] == "DEU")
    assert [d["text"] for d in germany["duties"]] == [
        "TEU Article 42(7) (all means in their power)",
        "NATO Article 5 (action it deems necessary)",
    ]
    ireland = next(b for b in doc["bound"] if b["state"] == "IRL")
    assert [d["treaty"] for d in ireland["duties"]] == ["eu"]


def test_a_contested_duty_says_why_and_names_its_readings(web_url: str) -> None:
    _, doc, _ = get(web_url, "/api/obligations", location="Sevastopol", date="2026-01-01", party="RUS")
    uncertain = [d for b in doc["bound"] for d in b["duties"] if not d["certain"]]
    assert uncertain and all(d["why"] for d in uncertain)
    contested = [d for d in uncertain if d["verdict"] == "contested"]
    assert contested and all(r["sources"] for d in contested for t in d["readings"] for r in t["readings"])
    assert doc["notes"]


def test_no_single_attacked_state_asks_for_the_party(web_url: str) -> None:
    _, doc, _ = get(web_url, "/api/obligations", location="Warsaw", target="vessel")
    assert doc["attacked"] is None and doc["bound"] == []
    assert "name the attacked party" in doc["summary"] and "--party" not in doc["summary"]


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/api/obligations", {"location": "Warsaw", "target": ["forces", "vessel"]}, r"^target: give one target kind"),
        ("/api/timeline", {"location": "Algiers", "from": "1960-01-01", "to": "1950-01-01"}, r"is after --to"),
        ("/api/timeline", {"location": "Algiers", "form": "1960-01-01"}, r"^Unknown parameter 'form'"),
    ],
)
def test_bad_timeline_and_obligations_requests(web_url: str, path: str, params: dict[str, Any], expected: str) -> None:
    status, doc, _ = get(web_url, path, **params)
    assert status == 400 and re.search(expected, doc["error"])


@pytest.mark.parametrize(
    ("path", "params", "command"),
    [
        (
            "/api/where",
            {"lat": 36.75, "lon": 3.06, "date": "1960-01-01"},
            ["where", "--at", "36.75,3.06", "--date", "1960-01-01"],
        ),
        ("/api/places", {"q": "Honolulu", "date": "2020-01-01"}, ["places", "Honolulu", "--date", "2020-01-01"]),
        ("/api/articles", {}, ["articles"]),
        ("/api/show/nato-5", {}, ["show", "nato-5"]),
    ],
)
def test_the_other_endpoints_answer_as_the_cli(
    web_url: str, path: str, params: dict[str, Any], command: list[str]
) -> None:
    status, doc, _ = get(web_url, path, **params)
    cli = CliRunner().invoke(app, [*command, "--format", "json"])
    assert status == 200 and cli.exit_code == 0
    assert doc == json.loads(cli.output)


def test_the_area_overlay_names_its_parallels_and_contested_parts(web_url: str) -> None:
    # The day test_area.py draws: the drawing is then on disk already, in a whole run.
    status, doc, headers = get(web_url, "/api/area", treaty="nato", date="2026-11-28")
    assert status == 200 and headers["content-type"] == "application/geo+json"
    statuses = {f["properties"]["status"] for f in doc["features"]}
    assert "covered" in statuses
    assert all(f["properties"]["covered_if"] for f in doc["features"] if f["properties"]["status"] == "contested")
    assert any(23.4 < lat < 23.5 for lat in doc["properties"]["parallels"])  # the Tropic of Cancer


def test_search_suggests_countries_before_towns(web_url: str) -> None:
    _, found, _ = get(web_url, "/api/suggest", q="Tai")
    assert found[0]["ref"] == "territory:taiwan"
    _, found, _ = get(web_url, "/api/suggest", q="alg")
    assert [f["name"] for f in found[:2]] == ["Algeria", "Algiers"]


def test_land_for_the_screen(web_url: str) -> None:
    _, world, _ = get(web_url, "/api/land")
    _, box, _ = get(web_url, "/api/land", level=2, bbox="-10,35,5,45")
    [w], [b] = world["features"], box["features"]
    assert w["geometry"]["type"] == b["geometry"]["type"] == "MultiPolygon"
    xs = [x for poly in b["geometry"]["coordinates"] for ring in poly for x, _ in ring]
    assert min(xs) >= -10 and max(xs) <= 5


# --------------------------------------------------------------------------------------- bad requests, safely


@pytest.mark.parametrize(
    ("params", "command"),
    [
        ({"lat": 95, "lon": 121}, ["check", "--at", "95.0,121.0"]),
        ({"lat": "abc", "lon": 121}, ["check", "--at", "abc,121"]),
        ({"location": "Atlantisxx"}, ["check", "--location", "Atlantisxx"]),
        ({"location": "Taiwan", "treaty": "natox"}, ["check", "--location", "Taiwan", "--treaty", "natox"]),
        ({"location": "Taiwan", "date": "1990-02-30"}, ["check", "--location", "Taiwan", "--date", "1990-02-30"]),
        ({"location": "Taiwan", "interpretation": "x=y"}, ["check", "--location", "Taiwan", "-i", "x=y"]),
    ],
)
def test_a_bad_request_gets_400_with_the_cli_message(web_url: str, params: dict[str, Any], command: list[str]) -> None:
    status, doc, _ = get(web_url, "/api/check", **params)
    assert status == 400
    assert doc["error"] == cli_error(*command)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", r"^the body is not JSON"),
        (
            {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0]]]}},
            r"^the shape given: feature 0 is not a valid",
        ),
        ({"geometry": {"type": "Point", "coordinates": [200, 20]}}, r"out of range"),
        (
            {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}},
            r"not a valid geometry",
        ),
        ({"geometry": {"type": "Point", "coordinates": [0, 0]}, "treaty": "nato", "bogus": 1}, r"^bogus: Extra inputs"),
        ({"lat": 1}, r"^Give both lat and lon"),
    ],
)
def test_a_bad_body_gets_400_with_one_line(web_url: str, body: bytes | dict[str, Any], expected: str) -> None:
    status, doc, _ = post(web_url, "/api/check", body)
    assert status == 400
    assert re.search(expected, doc["error"]) and "\n" not in doc["error"]


def test_deeply_nested_json_is_a_bad_body_not_an_internal_error(web_url: str) -> None:
    status, doc, _ = post(web_url, "/api/check", b"[" * 100_000 + b"]" * 100_000)
    assert status == 400 and "nested deeper" in doc["error"]


def test_a_parameter_the_endpoint_does_not_take_is_refused(web_url: str) -> None:
    status, doc, _ = get(web_url, "/api/check", location="Taiwan", treaties="nato")
    assert status == 400 and doc["error"].startswith("Unknown parameter 'treaties' for /api/check.")
    status, doc, _ = post(web_url, "/api/check", {"lat": True, "lon": 5})
    assert status == 400


def test_a_shape_too_large_for_the_page_is_refused_before_any_work(web_url: str) -> None:
    world = {"type": "Polygon", "coordinates": [[[-170, -80], [170, -80], [170, 80], [-170, 80], [-170, -80]]]}
    status, doc, _ = post(web_url, "/api/check", {"geometry": world})
    assert status == 400
    assert "land units" in doc["error"] and "treatyscope check --geojson FILE" in doc["error"]
    ocean = {"type": "LineString", "coordinates": [[-74.0, 40.7], [-0.1, 51.5]]}  # a flight: few units on its way
    assert post(web_url, "/api/check", {"geometry": ocean, "treaty": "nato", "brief": True})[0] == 200


def test_a_drawn_shapes_history_has_a_smaller_budget(web_url: str) -> None:
    """Each of the hundreds of days a timeline asks is a full answer for the shape."""
    square = {"type": "Polygon", "coordinates": [[[0, 40], [10, 40], [10, 50], [0, 50], [0, 40]]]}
    assert post(web_url, "/api/check", {"geometry": square, "treaty": "nato", "brief": True})[0] == 200
    status, doc, _ = post(web_url, "/api/timeline", {"geometry": square, "treaty": "nato"})
    assert status == 400 and "draws the history of shapes" in doc["error"]
    assert "treatyscope timeline --geojson FILE" in doc["error"]


def test_a_parameter_given_twice_where_one_is_taken_is_refused(web_url: str) -> None:
    status, doc, _ = get(web_url, "/api/obligations", location="Warsaw", date=["2020-01-01", "2021-01-01"])
    assert status == 400 and doc["error"].startswith("date is given 2 times")
    status, doc, _ = get(web_url, "/api/timeline", location=["Warsaw", "Kyiv"])
    assert status == 400 and "Give location once" in doc["error"]
    assert get(web_url, "/api/check", location="Warsaw", treaty=["nato", "eu"], target="territory")[0] == 200


def test_other_host_names_are_refused(web_url: str) -> None:
    """A page elsewhere whose name resolves to 127.0.0.1 (DNS rebinding) cannot read the API."""
    request = urllib.request.Request(f"{web_url}/api/meta", headers={"Host": "attacker.example"})
    status, _, _ = _send(request)
    assert status == 400


def test_an_oversize_body_gets_413_and_the_server_goes_on(web_url: str) -> None:
    status, doc, _ = post(web_url, "/api/check", b"[" + b"0," * (3 * 1024 * 1024))
    assert status == 413 and "limit" in doc["error"]
    assert get(web_url, "/api/meta")[0] == 200


def test_unknown_endpoints_and_articles(web_url: str) -> None:
    assert get(web_url, "/api/nothing")[0] == 404
    status, doc, _ = get(web_url, "/api/show/nato-99")
    assert status == 400 and doc["error"].startswith("Unknown article 'nato-99'")
    assert get(web_url, "/api/land", level=2, bbox="0,0,90,40")[0] == 400


def test_every_response_forbids_other_origins(web_url: str) -> None:
    for path in ("/", "/api/meta", "/static/app.js"):
        status, _, headers = get(web_url, path)
        assert status == 200, path
        assert "default-src 'self'" in headers["content-security-policy"], path


def test_the_page_loads_nothing_from_elsewhere() -> None:
    """Nothing the page loads comes from outside this machine: no script, style, image or font from another
    address in its files (links a reader may follow, such as a source's page, are not loads)."""
    loads = re.compile(
        r"""(\bsrc\s*=\s*["']?|<link[^>]*\bhref\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)(https?:)?//"""
    )
    for path in STATIC.rglob("*"):
        if path.suffix in (".html", ".js", ".css"):
            assert not loads.search(path.read_text(encoding="utf-8")), path


def test_concurrent_clients_are_all_answered(web_url: str) -> None:
    errors: list[str] = []

    def client(i: int) -> None:
        for j in range(3):
            status, doc, _ = get(web_url, "/api/check", lat=-40 + 7 * i, lon=-170 + 13 * j, target="territory")
            if status != 200:
                errors.append(f"{status} {doc}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_serve_says_when_the_port_is_taken_before_loading_anything() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        message = cli_error("serve", "--port", str(port))
    assert message.startswith(f"--host 127.0.0.1 --port {port}: cannot listen there")
    assert "choose another with --port" in message


def test_the_api_is_described_with_its_schemas(web_url: str) -> None:
    from treatyscope.rules.model import rule_file_json_schema

    _, openapi, _ = get(web_url, "/api/openapi.json")
    for path in ("/api/check", "/api/area", "/api/places", "/api/where", "/api/articles", "/api/show/{ref}"):
        assert path in openapi["paths"], path
    _, check_schema, _ = get(web_url, "/api/schemas/check")
    assert check_schema == json.loads((SCHEMAS / "check.schema.json").read_text())
    assert get(web_url, "/api/schemas/rules")[1] == rule_file_json_schema()
    status, doc, _ = get(web_url, "/api/schemas/nope")
    assert status == 404 and "check, timeline, obligations, rules" in doc["error"]
