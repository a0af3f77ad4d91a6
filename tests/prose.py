"""A lint for the sentences treatyscope writes: template defects a reader would notice.

Each rule is a pattern of a defect, found in rendered text (text, Markdown, or the strings of the JSON output):
an empty slot (": .", "by ;"), a verdict word used as a verb or adjective ("would be applies"), a clause number run
into the words after it ("covered by V armed forces"), an internal id where a label exists, JSON in human output,
a doubled word, a sentence that contradicts itself ("is not in Europe or North America (it is in North America)"),
a number that disagrees with its noun ("1 errors"), and a named sea without its article ("not part of Mediterranean
Sea").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

SEA_WORDS = r"(?:Sea|Ocean|Strait|Gulf|Bay|Channel|Sound|Straits|Passage|Basin)"
RULES: list[tuple[str, re.Pattern[str]]] = [
    ("empty slot", re.compile(r"[:;,]\s*[.;,:]|\(\s*\)|\[\s*\]")),
    ("empty slot", re.compile(r"\b(?:by|of|in|to|from|at|the|with)\s*[.;:,)]")),
    ("empty slot", re.compile(r"\b(?:None|nan|null)\b")),
    (
        "verdict word as a verb or adjective",
        re.compile(r"\b(?:be|is|was|were|are|been)\s+(?:applies|does-not-apply|partial)\b"),
    ),
    ("verdict id in prose", re.compile(r"(?<![\w\[-])(?:does-not-apply)(?![\w\]-])")),
    (
        "clause number run into words",
        re.compile(
            # not after "Article(s)", "II and", or in a citation ("vol. XIII doc.", "FRUS 1952-54 XII doc.")
            r"(?<![\w(-])(?<!Article )(?<!Articles )(?<! and )(?<!vol\. )(?<!\d )"
            r"(?:[IVX]{2,4}|V|X|\d{1,3}(?:\([a-z0-9]+\))+)\s+(?!of\b|and\b|or\b)[a-z]"
        ),
    ),
    ("JSON in human output", re.compile(r"[{\[]\s*\"\w+\"\s*:|\{'\w+':")),
    ("doubled word", re.compile(r"\b([A-Za-z]{2,}) +\1\b", re.IGNORECASE)),
    ("a place after 'covered by'", re.compile(r"\b[Cc]overed by (?:in|on|at|within|over|inside)\b")),
    ("a clause named by its answer", re.compile(r"\b(?:covered|not covered) by (?:covered|not covered|true|false)\b")),
    (
        "number and noun disagree",
        re.compile(r"(?<![\d.,])1 (?:errors|warnings|parties|examples|parts|points|rows|files|vertices)\b"),
    ),
    (
        "number and noun disagree",
        re.compile(
            r"(?<![\d.,])(?:0|[2-9]|\d{2,}|\d{1,3}(?:,\d{3})+) (?:error|warning|party|example|point|row|file)\b(?!s)"
        ),
    ),
    (
        "sea without its article",
        re.compile(
            rf"\b(?:in|of|is|to|from|adjoining|not)\s+(?:(?:North|South|East|West|Central)\s+)?(?:[A-Z][\w'-]+\s+){{1,3}}{SEA_WORDS}\b"
        ),
    ),
    ("sea without its article", re.compile(rf"\b(?:in|of|is|to|from|adjoining|not)\s+{SEA_WORDS}\s+of\b")),
]


def contradictions(text: str) -> Iterable[str]:
    for m in re.finditer(r"is not in ([^();]+?) \(it is in ([^)]+)\)", text):
        if m.group(2).strip() in m.group(1):
            yield m.group(0)
    for m in re.finditer(r"the ([^()]+?) \(part of the \1\b", text):
        yield m.group(0)
    for m in re.finditer(r"\bis in ([^,;]+), not in \1\b", text):
        yield m.group(0)


def defects(text: str, ids: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(rule, the text around the defect) for every defect in a text."""
    text = re.sub(r"<[^>]*>|https?://\S+", " ", text)  # addresses are not prose
    found = []
    for name, pattern in RULES:
        for m in pattern.finditer(text):
            found.append((name, text[max(0, m.start() - 40) : m.end() + 40]))
    for c in contradictions(text):
        found.append(("contradiction", c))
    # Internal ids (hyphenated ones: plain words cannot be told from English) outside brackets, quotes of
    # options (--assume FACT) and addresses.
    prose = re.sub(r"\[[^\]]*\]|--[\w-]+(?:\s+[\w=-]+)?", " ", text)
    words = set(re.findall(r"(?<![\w/.])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w/])", prose))
    for word in sorted(words & set(ids)):
        found.append(("internal id", word))
    return found


def internal_ids(book: Any) -> set[str]:
    """The hyphenated ids of the rule book and the data, which prose must never show."""
    from treatyscope.place.data import geodata

    data = geodata()
    ids = set(book.interpretations) | set(book.regions) | set(book.conditions) | set(book.parallels)
    ids |= {r.id for i in book.interpretations.values() for r in i.readings}
    ids |= {v.id for t in book.treaties.values() for a in t.articles for v in a.versions}
    ids |= set(data.territories) | set(data.seas) | set(data.features) | set(data.sea_families)
    return {i for i in ids if "-" in i}
