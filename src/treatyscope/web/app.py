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
from collections.abc import AsyncIterator, Callable
from importlib import resources
from typing import Annotated, Any, Literal, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware

from treatyscope import __version__, cache
from treatyscope.errors import TreatyscopeError, UsageError
from treatyscope.input.geojson import limit

T = TypeVar("T")
Many = Annotated[list[str] | None, Query()]  # a repeatable query parameter: ?treaty=nato&treaty=rio

ENGINE = threading.Lock()
MAX_BODY = ("TREATYSCOPE_WEB_MAX_BYTES", 4 * 1024 * 1024)  # a drawn shape; a file's worth goes to the CLI
FIRST_DAY = "1948-01-01"  # the date control's first day: the oldest encoded treaty (Rio, 1947) in force
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
STATIC = resources.files("treatyscope.web") / "static"
_AREAS = cache.memo(limit=64)


def engine(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `work` on this process's engine, one request at a time."""
    with ENGINE:
        return work(*args, **kwargs)


class CheckQuery(BaseModel):
    """What `/api/check` is asked: the options of `treatyscope check`, with a drawn GeoJSON shape for --geojson."""

    model_config = ConfigDict(extra="forbid")

    location: str | None = None
    lat: str | float | None = None
    lon: str | float | None = None
    geometry: dict[str, Any] | None = None
    date: str | None = None
    treaty: list[str] = []
    target: list[str] = []
    party: str | None = None
    assume_member: list[str] = []
    assume: list[str] = []
    interpretation: list[str] = []
    territorial_sea: bool = True
    nearest: bool = False
    brief: bool = False
    format: Literal["json", "markdown"] = "json"

    @field_validator("treaty", "target", "assume_member", "assume", "interpretation", mode="before")
    @classmethod
    def one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


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
        title="treatyscope",
        version=__version__,
        summary="Would a treaty's collective-defence clause cover an armed attack here, on this date?",
        description="The answers of the `treatyscope` command line, as JSON (the same schemas, e.g. "
        'treatyscope.check/1). Errors are HTTP 400 (413 for an oversize body) with `{"error": message}`, the '
        "command line's one-line message.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: the page must work with no network
        redoc_url=None,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1024)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    _errors(app)
    _routes(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(TreatyscopeError)
    async def treatyscope_error(_: Request, e: TreatyscopeError) -> JSONResponse:
        status = 400 if isinstance(e, UsageError) else 500
        return JSONResponse({"error": str(e)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, e: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": _one_line(e.errors())}, status_code=400)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, e: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(e.detail)}, status_code=e.status_code)

    @app.exception_handler(Exception)
    async def internal(_: Request, e: Exception) -> JSONResponse:
        # One request failed; the server goes on. The message is what the CLI would print for exit code 1.
        return JSONResponse({"error": f"internal error: {type(e).__name__}: {e}"}, status_code=500)


def _one_line(errors: Any) -> str:
    first = errors[0] if errors else {}
    where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "body"))
    given = f" (got {json.dumps(first['input'])[:60]})" if "input" in first and first["input"] is not None else ""
    return f"{where or 'request'}: {first.get('msg', 'invalid')}{given}."


def _routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"), media_type="text/html")

    @app.get("/api/meta", summary="The treaties, target kinds, readings and facts the page offers")
    def meta() -> dict[str, Any]:
        return engine(_meta)

    @app.get("/api/check", summary="Would the articles cover an attack at a point or a named place?")
    def check_get(
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
        q = CheckQuery.model_validate({k: v for k, v in locals().items() if v not in (None, [])})
        return engine(_check, q)

    @app.post("/api/check", summary="The same for a drawn line or area (GeoJSON in the body's `geometry`)")
    async def check_post(request: Request) -> Response:
        raw = await _body(request)
        try:
            q = CheckQuery.model_validate(json.loads(raw))
        except ValueError as e:
            message = _one_line(e.errors()) if isinstance(e, ValidationError) else f"the body is not JSON ({e})."
            raise UsageError(message) from None
        return await run_in_threadpool(engine, _check, q)

    @app.get("/api/area", summary="The area an article covers, as GeoJSON (covered, and contested by reading)")
    def area(
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
        body = engine(lambda: _AREAS.remember((*asked, *given), lambda: _area(*asked, *given)))
        return Response(body, media_type="application/geo+json")

    @app.get("/api/land", summary="The land to draw: level 0 the whole world; 1 and 2 finer, for a box")
    def land(level: int = 0, bbox: str | None = None) -> dict[str, Any]:
        from treatyscope.web.basemap import land_geojson, parse_box

        return engine(land_geojson, level, parse_box(bbox))

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


def _check(q: CheckQuery) -> Response:
    from treatyscope.api import run_check
    from treatyscope.input.scenario import build_scenarios
    from treatyscope.report.check import check_document, comparison_rows, render_markdown

    if (q.lat is None) != (q.lon is None):
        raise UsageError("Give both lat and lon.")
    scenarios, location = build_scenarios(
        location=q.location,
        at=f"{q.lat},{q.lon}" if q.lat is not None else None,
        geojson=q.geometry,
        targets=q.target,
        party=q.party or None,
        date=q.date or None,
        assume_member=q.assume_member,
        assume=q.assume,
        interpretation=q.interpretation,
        territorial_sea=q.territorial_sea,
        nearest=q.nearest,
    )
    results = run_check(scenarios, treaties=q.treaty or None)
    if q.format == "markdown":
        return PlainTextResponse(render_markdown(location, results), media_type="text/markdown; charset=utf-8")
    doc = check_document(location, scenarios[0].date.isoformat(), results, q.brief)
    names = {r.treaty.id: r.treaty.short_name for r in results}
    keys = ("treaty", "article", "targets", "verdict", "obligation", "reason")
    doc["table"] = [
        dict(zip(keys, row, strict=True)) | {"treaty_name": names[row[0]]} for row in comparison_rows(results)
    ]
    return JSONResponse(doc)


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
    from treatyscope.input.selection import check_treaties
    from treatyscope.report.areas import label, to_geojson
    from treatyscope.rules.load import rulebook

    check_treaties([treaty], rulebook())
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


def _meta() -> dict[str, Any]:
    from treatyscope.rules.kinds import TARGETS
    from treatyscope.rules.load import rulebook
    from treatyscope.rules.reach import assumable_facts

    book = rulebook()
    return {
        "version": __version__,
        "today": dt.date.today().isoformat(),
        "first_day": FIRST_DAY,
        "targets": list(TARGETS),
        "treaties": [
            {
                "id": t.id,
                "short_name": t.short_name,
                "name": t.name,
                "in_force": str(t.in_force),
                "ended": str(t.ended) if t.ended else None,
                "articles": [{"id": a.id, "number": a.number, "title": a.title} for a in t.articles],
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
    """Load the data and the rules, and draw the world's land, before the first visitor waits for them; with
    `overlay`, also the page's first overlay (NATO Article 5 today: a minute on a new install, kept on disk)."""
    from treatyscope.web.basemap import level

    engine(_meta)
    engine(level, 0)
    engine(_check, CheckQuery(lat=0.0, lon=0.0))
    if overlay:
        today = dt.date.today().isoformat()
        engine(_area, "nato", None, "territory", today, None, (), (), (), True)
