"""Static maps (matplotlib, no tiles, no network): land, the area an article covers for the target kind on the
date, contested parts hatched with the readings that cover them, the parallels the rule draws, the place, and —
when the article does not apply — the nearest covered place and its distance.

Longitude/latitude (plate carrée). Geometries are drawn three times, shifted by a whole turn either way, so an
extent may run past ±180 and areas across the antimeridian (the Aleutians, the Rio region's Pacific legs) stay whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from treatyscope.errors import UsageError, install_hint
from treatyscope.evaluation.coverage import CoveredArea, land_union
from treatyscope.paths import check_writable
from treatyscope.place.data import geodata
from treatyscope.report.areas import covered_if, note
from treatyscope.report.areas import label as area_label
from treatyscope.result import Nearest

SEA = "#eaf1f7"
LAND = "#d4d4d4"
COVERED = "#2f6fd0"
CONTESTED = "#f0a030"
PLACE = "#c0142c"
HATCHES = ("///", "\\\\\\", "xxx", "...", "---", "|||", "+++", "ooo")
ATTRIBUTION = "Land: Natural Earth (public domain). Seas: Natural Earth marine areas. Made with treatyscope."


@dataclass
class MapPlace:
    """What is marked: a point (lat, lon) or an area/line geometry, with a label."""

    label: str
    lat: float
    lon: float
    geometry: Any = None


def _figure(size: tuple[int, int], dpi: int) -> Any:
    """A matplotlib Figure on the Agg canvas (without pyplot, which costs half a second to import)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError("Maps need matplotlib, which is not installed.", install_hint("map")) from None
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def parse_extent(text: str | None) -> str | tuple[float, float, float, float]:
    """'auto', 'world', or 'LON0,LAT0,LON1,LAT1' (west, south, east, north; east may exceed 180)."""
    if text in (None, "", "auto"):
        return "auto"
    if text == "world":
        return "world"
    assert text is not None
    try:
        w, s, e, n = (float(x) for x in text.split(","))
    except ValueError:
        raise UsageError(f"--extent {text!r}: use auto, world, or LON0,LAT0,LON1,LAT1.") from None
    if not (-90 <= s < n <= 90 and -540 <= w < e <= 540 and e - w <= 360):
        raise UsageError(f"--extent {text!r}: south < north within ±90, west < east, at most 360° wide.")
    return (w, s, e, n)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size {text!r}: use WIDTHxHEIGHT in pixels, e.g. 1600x1000.") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise UsageError(f"--size {text!r}: each side between 200 and 8000 pixels.")
    return w, h


def auto_extent(place: MapPlace | None, nearest: Nearest | None) -> tuple[float, float, float, float]:
    """A box around the place and the nearest covered place (unwrapped across ±180), with a margin."""
    if place is None:
        return (-180.0, -90.0, 180.0, 90.0)
    lons, lats = [place.lon], [place.lat]
    if place.geometry is not None and not place.geometry.is_empty:
        x0, y0, x1, y1 = place.geometry.bounds
        lons += [x0, x1]
        lats += [y0, y1]
    if nearest:
        lon = nearest.lon
        lon += 360 if lon - place.lon < -180 else -360 if lon - place.lon > 180 else 0  # the short way round
        lons.append(lon)
        lats.append(nearest.lat)
    w, e, s, n = min(lons), max(lons), min(lats), max(lats)
    span = max(e - w, n - s, 12.0)
    pad = span * 0.35
    w, e, s, n = w - pad, e + pad, max(-90.0, s - pad), min(90.0, n + pad)
    if e - w > 360:
        return (-180.0, -90.0, 180.0, 90.0)
    return (w, s, e, n)


def draw(
    area: CoveredArea,
    place: MapPlace | None,
    title: str,
    nearest: Nearest | None = None,
    extent: str | tuple[float, float, float, float] = "auto",
    size: tuple[int, int] = (1600, 1000),
) -> Any:
    """A matplotlib Figure of the article's area; `figure.treatyscope_to_pixel(lat, lon)` gives pixel coordinates
    (x from the left, y from the top) in the saved image, for checking what was drawn where."""
    fig = _figure(size, dpi=100)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    box: tuple[float, float, float, float]
    if extent == "auto":
        box = _fit(auto_extent(place, nearest), (0.94 * size[0]) / (0.82 * size[1]))
    else:
        assert extent == "world" or isinstance(extent, tuple)
        box = (-180.0, -90.0, 180.0, 90.0) if isinstance(extent, str) else extent
    w, s, e, n = box
    ax = fig.add_axes((0.03, 0.09, 0.94, 0.82))
    ax.set_facecolor(SEA)
    clip = shapely.box(w, s, e, n)
    _fill(ax, land_union(geodata()), clip, facecolor=LAND, edgecolor="#9a9a9a", linewidth=0.3, zorder=1)
    _fill(ax, area.covered, clip, facecolor=COVERED, edgecolor="none", alpha=0.72, zorder=2)
    handles: list[Any] = [Patch(facecolor=COVERED, alpha=0.72, label=f"covered ({area.target})")]
    shown = [(covered_if(c, area), g) for c, g in area.contested if any(p.intersects(clip) for p in _shifted(g, clip))]
    for k, (legend, g) in enumerate(shown):
        hatch = HATCHES[k % len(HATCHES)]
        _fill(ax, g, clip, facecolor=CONTESTED, edgecolor="#a05a00", alpha=0.55, hatch=hatch, linewidth=0.0, zorder=3)
        handles.append(Patch(facecolor=CONTESTED, alpha=0.55, hatch=hatch, edgecolor="#a05a00", label=_short(legend)))
    _parallels(ax, area, box)
    if place is not None:
        place = _mark_place(ax, place, box)
        handles.append(Line2D([], [], marker="*", color=PLACE, linestyle="none", markersize=12, label=place.label))
        if nearest:
            _mark_nearest(ax, nearest, place)
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    # Equirectangular, with a degree of longitude shortened by the cosine of the middle latitude on regional maps;
    # the axes box shrinks to keep the requested extent exactly.
    ax.set_aspect(1 / max(0.2, math.cos(math.radians((s + n) / 2))) if e - w < 200 else 1.0, adjustable="box")
    ax.tick_params(labelsize=7)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _degrees(x, "E", "W", wrap=True)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _degrees(y, "N", "S")))
    ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    fig.suptitle(_wrap(title, max(40, size[0] // 11)), fontsize=12, y=0.985)
    version = area.version.label if area.version else "no text in force"
    fig.text(
        0.03,
        0.02,
        _wrap(
            f"{area_label(area)} — {version} — {area.target} — {area.date}. "
            f"{'' if area.in_force else note(area) + '. '}{ATTRIBUTION}",
            180,
        ),
        fontsize=7.5,
        color="#333333",
    )
    ax.apply_aspect()  # settle the axes box, so that data coordinates map to pixels

    def to_pixel(lat: float, lon: float) -> tuple[int, int]:
        x, y = ax.transData.transform((lon, lat))
        return math.floor(x + 0.5), math.floor(size[1] - y + 0.5)

    fig.treatyscope_to_pixel = to_pixel
    return fig


def _parallels(ax: Any, area: CoveredArea, box: tuple[float, float, float, float]) -> None:
    """The parallels the rule draws, a pair where readings put the line at different latitudes."""
    w, s, e, n = box
    for low, high in _parallel_groups([lat for lat in area.parallels if s < lat < n]):
        for lat in {low, high}:
            ax.axhline(lat, color="#444444", linestyle=(0, (6, 4)), linewidth=0.9, zorder=4)
        hemi = "N" if low >= 0 else "S"
        text = f"{low:.4f}° {hemi}" if low == high else f"{low:.4f}°–{high:.4f}° {hemi} (by reading)"
        ax.annotate(text, (w + (e - w) * 0.005, high), fontsize=8, color="#333333", va="bottom", zorder=6)


def _mark_place(ax: Any, place: MapPlace, box: tuple[float, float, float, float]) -> MapPlace:
    """The place, marked where the view shows it (the view may run past ±180); returned as marked."""
    w, s, e, n = box
    place_lon = place.lon + (360 if place.lon < w else -360 if place.lon > e else 0)
    place = MapPlace(place.label, place.lat, place_lon, place.geometry)
    if place.geometry is not None and place.geometry.geom_type not in ("Point", "MultiPoint"):
        _outline(ax, place.geometry, shapely.box(w, s, e, n))
    ax.plot([place.lon], [place.lat], marker="*", markersize=16, color=PLACE, markeredgecolor="white", zorder=7)
    ax.annotate(
        place.label,
        (place.lon, place.lat),
        xytext=(8, 8),
        textcoords="offset points",
        fontsize=10,
        color=PLACE,
        weight="bold",
        zorder=8,
    )
    return place


def _mark_nearest(ax: Any, nearest: Nearest, place: MapPlace) -> None:
    """The nearest covered place, joined to the place the short way round."""
    lon = nearest.lon
    lon += 360 if lon - place.lon < -180 else -360 if lon - place.lon > 180 else 0
    ax.plot([place.lon, lon], [place.lat, nearest.lat], color="#222222", linestyle=":", linewidth=1.2, zorder=6)
    ax.plot([lon], [nearest.lat], marker="o", markersize=7, color=COVERED, markeredgecolor="white", zorder=7)
    ax.annotate(
        f"nearest covered: {nearest.name}, {nearest.km:,.0f} km",
        (lon, nearest.lat),
        xytext=(8, -14),
        textcoords="offset points",
        fontsize=9,
        zorder=8,
    )


def check_path(path: str, option: str = "-o") -> None:
    """What can be told before the work: the file type, and whether matplotlib is there to draw it."""
    if not path.lower().endswith((".png", ".svg")):
        raise UsageError(f"{option} {path}: the map is written as .png or .svg.")
    check_writable(path)
    _figure((1, 1), dpi=1)


def save(fig: Any, path: str) -> None:
    check_path(path)
    try:
        fig.savefig(path, dpi=100, format=path.rsplit(".", 1)[1].lower())
    except OSError as err:
        raise UsageError(f"Cannot write {path}: {err.strerror}.") from None


def _fit(box: tuple[float, float, float, float], ratio: float) -> tuple[float, float, float, float]:
    """Widen or heighten an automatic extent to the shape of the map (width/height `ratio`), within ±90°."""
    w, s, e, n = box
    cos = max(0.2, math.cos(math.radians((s + n) / 2)))
    wide, high = (e - w) * cos, n - s
    if wide / high < ratio:
        grow = (high * ratio / cos - (e - w)) / 2
        w, e = w - grow, e + grow
    else:
        grow = (wide / ratio - high) / 2
        s, n = max(-90.0, s - grow), min(90.0, n + grow)
    if e - w > 360:
        mid = (w + e) / 2
        w, e = mid - 180, mid + 180
    return (w, s, e, n)


def _parallel_groups(lats: list[float]) -> list[tuple[float, float]]:
    """Parallels within 0.1° of each other (one line under different readings) as one labelled band."""
    groups: list[list[float]] = []
    for lat in sorted(lats):
        if groups and lat - groups[-1][-1] < 0.1:
            groups[-1].append(lat)
        else:
            groups.append([lat])
    return [(g[0], g[-1]) for g in groups]


def _degrees(value: float, positive: str, negative: str, wrap: bool = False) -> str:
    """Axis labels in degrees with a hemisphere (longitudes past ±180 shown as the meridian they are)."""
    if wrap:
        value = (value + 180) % 360 - 180
        if value == -180:
            value = 180
    return f"{abs(value):g}°{'' if value == 0 or abs(value) == 180 else positive if value > 0 else negative}"


def _short(label: str) -> str:
    return "contested: " + (label if len(label) <= 90 else label[:87] + "…")


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _shifted(g: Any, clip: Any) -> list[Any]:
    """The geometry and its copies a whole turn east and west, each cut to the view (by rectangle: fast, and
    good enough for drawing)."""
    w, s, e, n = clip.bounds
    gx0, _, gx1, _ = g.bounds
    out = []
    for dx in (-360.0, 0.0, 360.0):
        if gx0 + dx >= e or gx1 + dx <= w:
            continue  # this copy is out of view (or only touches its edge)
        moved = shapely.transform(g, lambda c, dx=dx: c + np.array([dx, 0.0])) if dx else g
        out.append(moved if w <= gx0 + dx and gx1 + dx <= e else shapely.clip_by_rect(moved, w, s, e, n))
    return out


def _fill(ax: Any, g: Any, clip: Any, **style: Any) -> None:
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path

    if g is None or g.is_empty:
        return
    verts: list[Any] = []
    codes: list[Any] = []
    for part in _shifted(g, clip):
        polys = [p for p in shapely.get_parts(part) if p.geom_type == "Polygon"]
        rings = shapely.get_rings(polys) if polys else []
        for ring in rings:
            coords = shapely.get_coordinates(ring)
            if len(coords) < 3:
                continue
            code = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
            code[0], code[-1] = Path.MOVETO, Path.CLOSEPOLY
            verts.append(coords)
            codes.append(code)
    if verts:
        verts, codes = [np.concatenate(verts)], [np.concatenate(codes)]
        # A collection without updating the data limits: the extent is set explicitly, and computing limits
        # from a path of a million vertices takes seconds.
        style = {
            (
                "facecolors"
                if k == "facecolor"
                else "edgecolors"
                if k == "edgecolor"
                else "linewidths"
                if k == "linewidth"
                else k
            ): v
            for k, v in style.items()
        }
        ax.add_collection(PathCollection([Path(verts[0], codes[0])], **style), autolim=False)


def _outline(ax: Any, g: Any, clip: Any) -> None:
    for part in _shifted(g, clip):
        for line in shapely.get_parts(part.boundary if part.geom_type.endswith("Polygon") else part):
            coords = shapely.get_coordinates(line)
            ax.plot(coords[:, 0], coords[:, 1], color=PLACE, linewidth=1.2, zorder=6)
