"""How names are compared: case-, diacritics- and punctuation-insensitive.

`fold("Saint-Martin")`, `fold("St. Martin")` and `fold("saint martin")` are all "saint martin"; `fold("Åland")`
is "aland"; `fold("Türkiye")` is "turkiye". Non-Latin scripts keep their letters (`fold("台灣")` is "台灣").
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/.,;:'’‘`´\"“”()\[\]]+")
_ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "mt": "mount",
    "is": "island",
    "i": "island",
    "isl": "island",
    "is.": "island",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "rep": "republic",
    "dem": "democratic",
    "fr": "french",
    "br": "british",
}
# Letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ʻ": "",
        "ʼ": "",
    }
)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = [w for w in _SEPARATORS.split(stripped) if w]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)
