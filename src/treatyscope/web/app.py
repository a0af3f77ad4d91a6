"""`treatyscope serve`'s web app: the map page, and the HTTP API behind it — the CLI's answers as the same JSON,
checked the same way, with the CLI's one-line messages as HTTP 400.

The engine is not thread-safe (prepared GEOS geometries, compiled loops, in-process memos), so each process has one
engine and runs one request on it at a time, under `ENGINE`; `treatyscope serve --workers N` runs N processes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sys
import threading
import typing
from collections.abc import AsyncIterator, Callable
from importlib import resources
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from treatyscope import __version__, cache
from treatyscope.errors import TreatyscopeError, UsageError
from treatyscope.input.geojson import limit
from treatyscope.web.questions import CheckQuery, ObligationsQuery, Question, TimelineQuery

T = TypeVar("T")
Q = TypeVar("Q", bound=Question)
Many = Annotated[list[str] | None, Query()]  # a repeatable query parameter: ?treaty=nato&treaty=rio

ENGINE = threading.Lock()
MAX_BODY = ("TREATYSCOPE_WEB_MAX_BYTES", 4 * 1024 * 1024)  # a drawn shape; a file's worth goes to the CLI
# The date control's first day (the issue asks for 1948 onwards): the oldest encoded treaty, Rio, was signed in
# 1947 and entered into force on 1948-12-03.
FIRST_DAY = "1948-01-01"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PUBLIC = "TREATYSCOPE_SERVE_PUBLIC"  # set by `serve --host` other than this machine's loopback: any Host name
MARKDOWN = "text/markdown; charset=utf-8"
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
STATIC = resources.files("treatyscope.web") / "static"
_AREAS = cache.memo(limit=64)  # an area, as sent
_LAND = cache.memo(limit=256)  # the land for a level and box, as sent


class ClientGone(Exception):
    """The client left while its request waited for the engine (a page that has asked something else since)."""


def engine(work: Callable[..., T], *args: Any, asked_by: Request | None = None) -> T:
    """Run `work` on this process's engine, one request at a time; not at all if the client that asked (in a
    worker thread) has gone by the time its turn comes."""
    with ENGINE:
        if asked_by is not None and anyio.from_thread.run(asked_by.is_disconnected):
            raise ClientGone
        return work(*args)


def create_app(warm: bool = True) -> FastAPI:
    """The app; with `warm`, each process loads the data and the rules (and draws the page's first overlay)
    before it answers anyone."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            await run_in_threadpool(warm_up, True)
            sys.stderr.write(f"treatyscope: ready (process {os.getpid()})\n")
        yield

    app = FastAPI(
        lifespan=lifespan,
        dependencies=[Depends(_known_parameters)],
        title="treatyscope",
        version=__version__,
        summary="Would a treaty's collective-defence clause cover an armed attack here, on this date?",
        description="The answers of the `treatyscope` command line, as JSON (the same schemas, e.g. "
        "treatyscope.check/1, published at /api/schemas/check). Errors are HTTP 400 (413 for an oversize body) "
        'with `{"error": message}`, the command line\'s one-line message.',
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: the page must work with no network
        redoc_url=None,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)  # 9, the default, is 4 times slower
    if os.environ.get(PUBLIC) != "1":
        # Served on this machine only: refuse other Host names, so that a web page elsewhere cannot reach the API
        # through a name of its own that resolves to 127.0.0.1 (DNS rebinding).
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        response.headers.update(HEADERS)
        return response

    _errors(app)
    _routes(app)
    _history_and_duties(app)
    _lookups(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _known_parameters(request: Request) -> None:
    """A parameter the endpoint does not take is refused, not ignored (`?treaties=nato` would answer for every
    treaty)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = {p.alias for p in dependant.query_params}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        raise UsageError(f"Unknown parameter {unknown[0]!r} for {request.url.path}.", f"It takes: {takes}.")
    # One value where the endpoint takes one: the last of several would be answered silently.
    for p in dependant.query_params:
        given = request.query_params.getlist(p.alias)
        if len(given) > 1 and not _repeatable(p.field_info.annotation):
            raise UsageError(f"{p.alias} is given {len(given)} times ({', '.join(given)}).", f"Give {p.alias} once.")


def _repeatable(annotation: Any) -> bool:
    """A `Many` parameter (`list[str] | None`): `?treaty=nato&treaty=rio`."""
    return typing.get_origin(annotation) is list or any(_repeatable(a) for a in typing.get_args(annotation))


def _errors(app: FastAPI) -> None:
    @app.exception_handler(TreatyscopeError)
    async def treatyscope_error(_: Request, e: TreatyscopeError) -> JSONResponse:
        return _error(400 if isinstance(e, UsageError) else 500, str(e))

    @app.exception_handler(ClientGone)
    async def client_gone(_: Request, e: ClientGone) -> Response:
        return Response(status_code=499)  # nobody reads it: nginx's code for a client that closed the request

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, e: RequestValidationError) -> JSONResponse:
        return _error(400, _one_line(e.errors()))

    @app.exception_handler(ValidationError)
    async def bad_question(_: Request, e: ValidationError) -> JSONResponse:
        return _error(400, _one_line(e.errors()))  # a query the endpoint's model refuses (two target kinds)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, e: HTTPException) -> JSONResponse:
        return _error(e.status_code, str(e.detail))

    @app.exception_handler(Exception)
    async def internal(_: Request, e: Exception) -> JSONResponse:
        # One request failed; the server goes on. The message is what the CLI would print for exit code 1.
        return _error(500, f"internal error: {type(e).__name__}: {e} (please report it)")


def _error(status: int, message: str) -> JSONResponse:
    """One line, whatever the message was made of; with the page's headers (an internal error is answered
    outside the middleware that adds them)."""
    return JSONResponse({"error": " ".join(message.split())}, status_code=status, headers=HEADERS)


def _one_line(errors: Any) -> str:
    first = errors[0] if errors else {}
    where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "body"))
    given = f" (got {json.dumps(first['input'])[:60]})" if "input" in first and first["input"] is not None else ""
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")  # pydantic's prefix for our own checks
    return f"{where or 'request'}: {message}{given}."


def _routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"), media_type="text/html")

    @app.get("/api/meta", summary="The treaties, target kinds, readings and facts the page offers")
    def meta() -> dict[str, Any]:
        return engine(_meta)

    @app.get("/api/check", summary="Would the articles cover an attack at a point or a named place?")
    def check_get(
        request: Request,
        location: str | None = None,
        lat: str | None = None,
        lon: str | None = None,
        date: str | None = None,
        treaty: Many = None,
        target: Many = None,
        party: str | None = None,
        assume_member: Many = None,
        assume: Many = None,
        interpretation: Many = None,
        territorial_sea: bool = True,
        nearest: bool = False,
        brief: bool = False,
        format: Literal["json", "markdown"] = "json",
    ) -> Response:
        asked = {k: v for k, v in locals().items() if k != "request" and v not in (None, [])}
        return engine(_check, CheckQuery.model_validate(asked), asked_by=request)

    @app.post("/api/check", summary="The same for a drawn line or area (GeoJSON in the body's `geometry`)")
    async def check_post(request: Request) -> Response:
        return await _posted(request, CheckQuery, _check)

    @app.get("/api/area", summary="The area an article covers, as GeoJSON (covered, and contested by reading)")
    def area(
        request: Request,
        treaty: str,
        article: str | None = None,
        target: str = "territory",
        date: str | None = None,
        party: str | None = None,
        interpretation: Many = None,
        assume_member: Many = None,
        assume: Many = None,
        territorial_sea: bool = True,
    ) -> Response:
        asked = (treaty, article, target, date or dt.date.today().isoformat(), party or None)
        given = (tuple(interpretation or ()), tuple(assume_member or ()), tuple(assume or ()), territorial_sea)
        return Response(engine(_area_sent, *asked, *given, asked_by=request), media_type="application/geo+json")

    @app.get("/api/land", summary="The land to draw: level 0 the whole world; 1 and 2 finer, for a box")
    def land(level: int = 0, bbox: str | None = None) -> Response:
        from treatyscope.web.basemap import parse_box

        return Response(engine(_land_sent, level, parse_box(bbox)), media_type="application/geo+json")


def _history_and_duties(app: FastAPI) -> None:
    """The questions after "does it apply here today?": since when and until when, and who is bound to act."""

    @app.get("/api/timeline", summary="The verdict over time: intervals, each boundary with what changed")
    def timeline_get(
        request: Request,
        location: str | None = None,
        lat: str | None = None,
        lon: str | None = None,
        start: Annotated[str | None, Query(alias="from")] = None,
        end: Annotated[str | None, Query(alias="to")] = None,
        treaty: Many = None,
        target: Many = None,
        party: str | None = None,
        assume_member: Many = None,
        assume: Many = None,
        interpretation: Many = None,
        territorial_sea: bool = True,
        format: Literal["json", "markdown"] = "json",
    ) -> Response:
        asked = {k: v for k, v in locals().items() if k != "request" and v not in (None, [])}
        return engine(_timeline, TimelineQuery.model_validate(asked), asked_by=request)

    @app.post("/api/timeline", summary="The same for a drawn line or area (GeoJSON in the body's `geometry`)")
    async def timeline_post(request: Request) -> Response:
        return await _posted(request, TimelineQuery, _timeline)

    @app.get("/api/obligations", summary="Who is bound to assist the attacked state, under which treaty, how strongly")
    def obligations_get(
        request: Request,
        location: str | None = None,
        lat: str | None = None,
        lon: str | None = None,
        date: str | None = None,
        treaty: Many = None,
        target: Many = None,
        party: str | None = None,
        assume_member: Many = None,
        assume: Many = None,
        interpretation: Many = None,
        territorial_sea: bool = True,
        format: Literal["json", "markdown"] = "json",
    ) -> Response:
        asked = {k: v for k, v in locals().items() if k != "request" and v not in (None, [])}
        return engine(_obligations, ObligationsQuery.model_validate(asked), asked_by=request)

    @app.post("/api/obligations", summary="The same for a drawn line or area (GeoJSON in the body's `geometry`)")
    async def obligations_post(request: Request) -> Response:
        return await _posted(request, ObligationsQuery, _obligations)


def _lookups(app: FastAPI) -> None:
    """What the page and scripts look up besides the answers: places, articles, the schemas."""

    @app.get("/api/suggest", summary="Places whose names begin with what was typed")
    def suggest(q: str, limit: Annotated[int, Query(ge=1, le=20)] = 8) -> list[dict[str, Any]]:
        return engine(_suggest, q, limit)

    @app.get("/api/where", summary="The territory or sea a point is in, and its facts (as `treatyscope where`)")
    def where(lat: str, lon: str, date: str | None = None, territorial_sea: bool = True) -> dict[str, Any]:
        from treatyscope.api import where_document

        return engine(where_document, f"{lat},{lon}", date, territorial_sea)

    @app.get("/api/places", summary="What and where a place is, and whose (as `treatyscope places`)")
    def places(q: str, date: str | None = None) -> dict[str, Any]:
        from treatyscope.api import places_document

        return engine(places_document, q, date)

    @app.get("/api/articles", summary="The encoded articles (as `treatyscope articles --format json`)")
    def articles(treaty: str | None = None) -> dict[str, Any]:
        from treatyscope.api import article_listing

        return {"schema": "treatyscope.articles/1", "treaties": engine(article_listing, treaty)}

    @app.get("/api/show/{ref}", summary="An article as written (as `treatyscope show REF --format json`)")
    def show(ref: str) -> dict[str, Any]:
        from treatyscope.api import article_detail

        return {"schema": "treatyscope.article/1", **engine(article_detail, ref)}

    @app.get("/api/schemas/{name}", summary="The JSON Schemas of the answers (check, timeline, obligations, rules)")
    def schema(name: str) -> Response:
        return Response(_schema(name), media_type="application/schema+json")

    @app.get("/api/{rest:path}", include_in_schema=False)
    def unknown(rest: str) -> None:
        raise HTTPException(404, f"/api/{rest}: no such endpoint; see /api/openapi.json.")


async def _body(request: Request) -> bytes:
    """The request's body, refused (413) past the cap before it is all read."""
    most = limit(MAX_BODY)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= most:
            chunks.append(chunk)
        elif size > 4 * most:
            break  # stop reading: the client sees the connection close rather than the message
    if size > most:
        # Read (and dropped) to the end where it is not huge, so that the client is still listening for the answer.
        raise HTTPException(413, f"the body is more than the limit of {most:,} bytes.")
    return b"".join(chunks)


async def _posted(request: Request, model: type[Q], answer: Callable[[Q], Response]) -> Response:
    """A POST's JSON body, read within the cap and validated as `model`, answered on the engine."""
    raw = await _body(request)
    try:
        body = json.loads(raw)
    except RecursionError:
        raise UsageError("the body is nested deeper than the JSON reader allows.") from None
    except ValueError as e:
        raise UsageError(f"the body is not JSON ({e}).") from None
    q = model.model_validate(body)  # refused: a 400 from the ValidationError handler
    return await run_in_threadpool(lambda: engine(answer, q, asked_by=request))


def _check(q: CheckQuery) -> Response:
    from treatyscope.api import run_check
    from treatyscope.report.check import check_document, comparison_rows, render_markdown

    scenarios, location = q.scenarios(q.date, q.nearest)
    results = run_check(scenarios, treaties=q.treaty or None)
    if q.format == "markdown":
        return PlainTextResponse(render_markdown(location, results), media_type=MARKDOWN)
    doc = check_document(location, scenarios[0].date.isoformat(), results, q.brief)
    names = {r.treaty.id: r.treaty.short_name for r in results}
    doc["table"] = [row._asdict() | {"treaty_name": names[row.treaty]} for row in comparison_rows(results)]
    return JSONResponse(doc)


def _timeline(q: TimelineQuery) -> Response:
    from treatyscope.api import run_timeline, timeline_span
    from treatyscope.report.timeline import render_markdown, timeline_document

    first, last = timeline_span(q.start, q.end)
    scenarios, location = q.scenarios(first)
    found = run_timeline(scenarios, first, last, q.treaty or None)
    if q.format == "markdown":
        return PlainTextResponse(render_markdown(location, first, last, found), media_type=MARKDOWN)
    return JSONResponse(timeline_document(location, first, last, found))


def _obligations(q: ObligationsQuery) -> Response:
    from treatyscope.api import run_check
    from treatyscope.evaluation.bound import who_is_bound
    from treatyscope.report.bound import document, render_markdown

    scenarios, location = q.scenarios(q.date)
    found = who_is_bound(run_check(scenarios, treaties=q.treaty or None))
    if q.format == "markdown":
        return PlainTextResponse(render_markdown(location, found), media_type=MARKDOWN)
    return JSONResponse(document(location, found, ask="name the attacked party"))


def _land_sent(level: int, box: tuple[float, float, float, float] | None) -> bytes:
    """The land as sent, made once per level and box."""
    from treatyscope.web.basemap import land_geojson

    return _LAND.remember((level, box), lambda: json.dumps(land_geojson(level, box)).encode())  # type: ignore[no-any-return]


def _area_sent(*asked: Any) -> bytes:
    """The area as sent (`_area`'s arguments), made once per question."""
    return _AREAS.remember(asked, lambda: _area(*asked))  # type: ignore[no-any-return]


def _area(
    treaty: str,
    article: str | None,
    target: str,
    date: str,
    party: str | None,
    interpretation: tuple[str, ...],
    assume_member: tuple[str, ...],
    assume: tuple[str, ...],
    territorial_sea: bool,
) -> bytes:
    import shapely

    from treatyscope.api import covered_area
    from treatyscope.evaluation.subjects import measure
    from treatyscope.report.areas import label, to_geojson

    area = covered_area(
        treaty,
        target,
        date=date,
        party=party,
        interpretations=interpretation,
        assume_member=assume_member,
        assume=assume,
        article=article,
        territorial_sea=territorial_sea,
    )
    # For the screen: about 1 km of detail, 100 m of precision (the full area is `treatyscope area`'s job).
    screen = dataclasses.replace(
        area,
        covered=shapely.simplify(area.covered, 0.01),
        contested=[(c, shapely.simplify(g, 0.01)) for c, g in area.contested],
    )
    doc = to_geojson(screen, precision=3)
    doc["properties"] |= {
        "label": label(area),
        "parallels": sorted(set(area.parallels)),
        "covered_km2": round(measure(area.covered)),
        "contested_km2": round(sum(measure(g) for _, g in area.contested)),
    }
    return json.dumps(doc, ensure_ascii=False).encode()


SCHEMAS = ("check", "timeline", "obligations", "rules")


def _schema(name: str) -> bytes:
    if name == "rules":
        from treatyscope.rules.model import rule_file_json_schema

        return json.dumps(rule_file_json_schema(), ensure_ascii=False).encode()
    if name not in SCHEMAS:
        raise HTTPException(404, f"No schema {name!r}; there are: {', '.join(SCHEMAS)}.")
    return (resources.files("treatyscope") / "schemas" / f"{name}.schema.json").read_bytes()


def _meta() -> dict[str, Any]:
    from treatyscope.report.explain import VERDICT_WORDS
    from treatyscope.report.words import article_called
    from treatyscope.rules.kinds import TARGETS
    from treatyscope.rules.load import rulebook
    from treatyscope.rules.reach import assumable_facts

    book = rulebook()
    return {
        "version": __version__,
        "today": dt.date.today().isoformat(),
        "first_day": FIRST_DAY,
        "targets": list(TARGETS),
        "verdicts": {str(v): words.lower() for v, words in VERDICT_WORDS.items()},
        "treaties": [
            {
                "id": t.id,
                "short_name": t.short_name,
                "name": t.name,
                "in_force": str(t.in_force),
                "ended": str(t.ended) if t.ended else None,
                "articles": [
                    {"id": a.id, "number": a.number, "title": a.title, "label": article_called(a, t.short_name)}
                    for a in t.articles
                ],
            }
            for t in book.treaties.values()
        ],
        "interpretations": [
            {
                "id": i.id,
                "term": i.term,
                "question": i.question,
                "readings": [{"id": r.id, "label": r.label, "summary": r.summary} for r in i.readings],
            }
            for i in book.interpretations.values()
        ],
        "assumptions": sorted(assumable_facts(book)),
    }


def _suggest(q: str, limit: int) -> list[dict[str, Any]]:
    from treatyscope.place.gazetteer import completions, label

    return [
        {"ref": p.ref, "name": p.name, "label": label(p), "lat": p.lat, "lon": p.lon, "is_area": p.is_area}
        for p in completions(q, limit)
    ]


def warm_up(overlay: bool = False) -> None:
    """Load the data and the rules, and make the world's land as sent, before the first visitor waits for them;
    with `overlay`, also the page's first overlay as sent (NATO Article 5 today, as the page asks for it: a minute
    on a new install, kept on disk)."""
    engine(_meta)
    engine(_land_sent, 0, None)
    engine(_check, CheckQuery(lat=0.0, lon=0.0))
    if overlay:
        today = dt.date.today().isoformat()
        engine(_area_sent, "nato", "nato-5", "territory", today, None, (), (), (), True)
