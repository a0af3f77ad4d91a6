"""Text rendering of `treatyscope show ARTICLE`."""

from __future__ import annotations

import json
from typing import Any

from treatyscope.report.console import Printer


def _wrap(text: str, out: Printer, indent: str = "  ") -> None:
    out.para(str(text), indent)


def _condition_lines(cond: Any, depth: int = 0) -> list[str]:
    pad = "    " * depth
    if not isinstance(cond, dict):
        return [pad + str(cond)]
    meta = cond.get("clause")
    body = {k: v for k, v in cond.items() if k not in ("clause", "quote", "note")}
    key = next(iter(body))
    if key in ("all", "any"):
        lines = [pad + (f"{meta}: " if meta else "") + ("all of" if key == "all" else "any of")]
        for c in body[key]:
            lines += _condition_lines(c, depth + 1)
        return lines
    value = json.dumps(body, ensure_ascii=False)
    return [pad + (f"{meta}: " if meta else "") + value]


def render_article(detail: dict[str, Any], out: Printer) -> None:
    t, a = detail["treaty"], detail["article"]
    out.para(f"{t['name']} — Article {a['number']}: {a['title']}  [{a['id']}]")
    out.para(f"  signed {t['signed']}, in force {t['in_force']}" + (f", ended {t['ended']}" if t["ended"] else ""))
    out.line()
    _wrap(f"“{a['text']}”", out)
    _wrap(
        f"— source: {a['source']}" + ("" if a.get("verified", True) else f" (unverified: {a.get('unverified_note')})"),
        out,
    )
    for v in a["versions"]:
        out.line()
        span = f"{v['from']} to {v['to']} (exclusive)" if v.get("to") else f"from {v['from']}"
        out.para(f"{v['label']} [{v['id']}], {span}")
        _wrap(f"“{v['text']}”", out)
        _wrap(
            f"— source: {v['source']}"
            + ("" if v.get("verified", True) else f" (UNVERIFIED: {v.get('unverified_note')})"),
            out,
        )
        for target, cond in v["targets"].items():
            out.para(f"  covers, for {target}:")
            for line in _condition_lines(cond, 1):
                out.para("  " + line)
    if detail["interpretations"]:
        out.line()
        out.line("Interpretations (evaluated under every reading; disagreement → contested):")
        for i in detail["interpretations"]:
            out.para(f"  {i['id']} — “{i['term']}”: {i['question']}")
            for r in i["readings"]:
                _wrap(f"{r['id']}: {r['summary']} (sources: {', '.join(r['sources'])})", out, "      ")
    if detail["examples"]:
        out.line()
        out.line(f"Examples ({len(detail['examples'])}):")
        for e in detail["examples"]:
            where = e.get("location") or e.get("at")
            out.para(f"{e['name']}: {where}, {e['target']}, {e['date']} → {e['expect']} [{e['source']}]", "  ")
    out.line()
    out.line("Sources:")
    for s in detail["sources"]:
        _wrap(
            f"[{s['id']}] {s.get('title', '')}"
            + (f" <{s['url']}>" if s.get("url") else "")
            + (f" ({s['quality']})" if s.get("quality") else ""),
            out,
            "  ",
        )
