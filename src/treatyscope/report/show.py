"""Text rendering of `treatyscope show ARTICLE`: the text, what each version covers (in words), the
interpretations, the examples and the sources."""

from __future__ import annotations

from treatyscope.place.data import geodata
from treatyscope.report.console import Printer
from treatyscope.report.words import Names, article_called, describe
from treatyscope.rules.language import Article, RuleBook, Treaty
from treatyscope.rules.reach import terms_used


def _span(start: object, end: object) -> str:
    return f"{start} to {end} (exclusive)" if end else f"from {start}"


def render_article(book: RuleBook, treaty: Treaty, art: Article, out: Printer) -> None:
    names = Names(book, geodata())
    out.para(f"{treaty.name} — {article_called(art, start=True)}: {art.title}  [{art.id}]")
    ended = f", ended {treaty.ended}" if treaty.ended else ""
    out.para(f"  signed {treaty.signed}, in force {treaty.in_force}{ended}")
    out.line()
    out.para(f"“{art.text}”", "  ")
    caveat = "" if art.verified else f" (unverified: {art.unverified_note})"
    out.para(f"— source: [{art.source}]{caveat}", "  ")
    terms: dict[str, None] = {}
    for v in art.versions:
        out.line()
        out.para(f"{v.label} [{v.id}], {_span(v.period.start, v.period.end)}")
        out.para(f"“{v.text}”", "  ")
        caveat = "" if v.verified else f" (UNVERIFIED: {v.unverified_note})"
        out.para(f"— source: [{v.source}]{caveat}", "  ")
        for target, cond in v.targets.items():
            out.para(f"  covers, for {target}:")
            for depth, text in describe(cond, names):
                out.para(text, "    " + "  " * depth)
        for cond in v.targets.values():
            terms.update(dict.fromkeys(sorted(terms_used(cond, book))))
    if terms:
        out.line()
        out.line("Interpretations (evaluated under every reading; disagreement → contested):")
        for term in sorted(terms):
            i = book.interpretations[term]
            out.para(f"“{i.term}” [{i.id}]: {i.question}", "  ")
            for r in i.readings:
                out.para(f"{r.label} [{r.id}]: {r.summary} ({', '.join(f'[{s}]' for s in r.sources)})", "      ")
    if art.examples:
        out.line()
        out.line(f"Examples ({len(art.examples)}):")
        for e in art.examples:
            where = e.location or e.at
            out.para(f"{e.name}: {where}, {e.target}, {e.date} → {e.expect} [{e.source}]", "  ")
    out.line()
    out.line("Sources:")
    used = {art.source, *(v.source for v in art.versions), *(e.source for e in art.examples)}
    used |= {s for t in terms for r in book.interpretations[t].readings for s in r.sources}
    for sid in sorted(used):
        s = book.source(sid)
        quality = f" ({s.quality})" if s.quality else ""
        out.para(f"[{s.id}] {s.title}" + (f" <{s.url}>" if s.url else "") + quality, "  ")
