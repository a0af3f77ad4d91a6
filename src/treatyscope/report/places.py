"""Text renderings of `places` and `where` facts (their JSON is the facts themselves)."""

from __future__ import annotations

from typing import Any

from treatyscope.report.console import Printer


def _status_lines(status: dict[str, Any], indent: str = "  ") -> list[str]:
    sov = status["sovereign_name"] or (
        "none recognised (disputed)" if status["claimed_by"] else "none (a trust territory, or unclaimed)"
    )
    lines = [f"{indent}sovereign: {sov}" + (f" ({status['sovereign']})" if status["sovereign"] else "")]
    adm = status["administered_by_name"] or "no single administrator"
    lines.append(
        f"{indent}administered by: {adm}" + (f" ({status['administered_by']})" if status["administered_by"] else "")
    )
    others = [c for c in status["claimed_by"] if c not in (status["sovereign"], status["administered_by"])]
    if status["claimed_by"] and (others or status["sovereign"] is None):
        lines.append(f"{indent}claimed by: {', '.join(status['claimed_by'])}")
    span = ""
    if status["since"] or status["until"]:
        span = f" ({status['since'] or '…'} to {status['until'] or 'now'})"
    if status["recorded"]:
        lines.append(
            f"{indent}recorded{span}"
            + (" — unverified" if status["unverified"] else "")
            + (f": {status['source']}" if status["source"] else "")
        )
    elif status["note"]:
        lines.append(f"{indent}{status['note']}")
    return lines


def render_location_text(facts: dict[str, Any], out: Printer, title: str = "") -> None:
    lines = [title or f"{facts['lat']:.5f}, {facts['lon']:.5f}"]
    setting = facts["setting"]
    if facts["territory"]:
        where = facts["territory"]["name"]
        if facts["country"]:
            where += f", part of {facts['country']['name']}"
        if setting == "coast":
            where += f" (point {facts['coast_km']:.1f} km off the simplified coast, taken as on land)"
        elif setting == "territorial-sea":
            where = f"territorial sea of {where} ({facts['coast_km']:.1f} km from its coast)"
        lines.append(f"  territory: {where}  [territory:{facts['territory']['id']}]")
        if facts["subdivision"]:
            sub = facts["subdivision"]
            lines.append(
                f"  subdivision: {sub['name']} ({sub['type'] or 'unit'}"
                + (f", {sub['iso_3166_2']}" if sub["iso_3166_2"] else "")
                + ")"
            )
        if facts["border_with"]:
            lines.append(f"  on the border with: {', '.join(facts['border_with'])}")
    if facts["feature"]:
        f = facts["feature"]
        lines.append(
            f"  feature: {f['name']} ({f['kind']}"
            + ("" if f["high_tide"] else ", low-tide elevation: not land")
            + f")  [feature:{f['id']}]"
        )
    if facts["sea"]:
        s = facts["sea"]
        gap = f" (nearest named water, {s['gap_km']:.0f} km away)" if s["gap_km"] else ""
        lines.append(f"  sea: {s['name']}{gap}  [sea:{s['id']}]")
        if s["families"]:
            lines.append(f"  part of: {', '.join(s['families'])}")
    if not facts["territory"] and not facts["sea"] and not facts["feature"]:
        lines.append("  at sea, in no named water")
    if facts["territory"] or facts["feature"]:
        lines.append(f"  continent: {facts['continent'] or 'none'}")
        lines.append(
            f"  island: {'yes' if facts['island'] else 'no'}"
            + (f" (adjoins {', '.join(s['name'] for s in facts['island_seas'])})" if facts["island_seas"] else "")
        )
    if facts["territory"] or facts["feature"]:
        lines.append(f"  status on {facts['date']}:")
        lines += _status_lines(facts["status"], "    ")
    for line in lines:
        out.para(line.strip(), line[: len(line) - len(line.lstrip())])


def _shares(continents: dict[str, float]) -> str:
    """'Asia 93%, Europe 7%', or the one continent's name."""
    text = ", ".join(f"{k} {v:.0%}" if len(continents) > 1 else k for k, v in continents.items())
    return text.replace("none", "none (open ocean)")


def render_place_text(facts: dict[str, Any], others: list[dict[str, str]], out: Printer) -> None:
    head = f"{facts['name']} [{facts['ref']}]"
    lines = [head, f"  kind: {facts['description']}"]
    if facts["aliases"]:
        shown = ", ".join(facts["aliases"][:8]) + (" …" if len(facts["aliases"]) > 8 else "")
        lines.append(f"  also known as: {shown}")
    if facts["codes"]:
        lines.append(f"  codes: {', '.join(facts['codes'][:12])}" + (" …" if len(facts["codes"]) > 12 else ""))
    kind = facts["kind"]
    if kind == "territory":
        if facts["parts"]:
            lines.append(f"  parts: {', '.join(p['name'] for p in facts['parts'])}")
        lines.append(f"  continent: {_shares(facts['continents'])}")
        lines.append(f"  island: {facts['island']}")
        lines.append(f"  area: {facts['area_km2']:,.0f} km²")
    elif kind == "subdivision":
        lines.append(f"  territory: {facts['territory']}; continent: {_shares(facts['continents'])}")
        if len(facts["continents"]) > 1:
            lines.append(f"  {facts['continent_reason']}")
        lines.append(f"  area: {facts['area_km2']:,.0f} km²")
    elif kind == "sea":
        lines.append(f"  area: {facts['area_km2']:,.0f} km²")
        if facts["families"]:
            lines.append(f"  part of: {', '.join(facts['families'])}")
    elif kind == "feature":
        if facts["members"]:
            lines.append(f"  members: {', '.join(facts['members'])}")
        if facts["note"]:
            lines.append(f"  note: {facts['note']}")
        if facts["source"]:
            lines.append(f"  source: {facts['source']}")
    else:
        if facts.get("population"):
            lines.append(f"  population: {facts['population']:,}")
    lines.append(f"  point: {facts['lat']:.5f}, {facts['lon']:.5f}")
    status = facts.get("status")
    if isinstance(status, dict) and "sovereign" in status:
        lines.append(f"  status on {facts['date']}:")
        lines += _status_lines(status, "    ")
    elif isinstance(status, dict):
        for part, st in status.items():
            lines.append(f"  status of {part} on {facts['date']}:")
            lines += _status_lines(st, "    ")
    for line in lines:
        out.para(line.strip(), line[: len(line) - len(line.lstrip())])
    if kind in ("place", "feature") and "location" in facts:
        loc = facts["location"]
        where = loc["territory"]["name"] if loc["territory"] else (loc["sea"]["name"] if loc["sea"] else "at sea")
        out.para(f"located in: {where}", "  ")
    if others:
        out.para("also matches: " + "; ".join(f"{o['label']} [{o['ref']}]" for o in others[:6]), "  ")
