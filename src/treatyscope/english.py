"""English grammar shared by every text treatyscope writes: lists, counts, and the article a name takes in a
sentence ('the Philippines', 'the Gulf of Thailand', 'Japan')."""

from __future__ import annotations

from collections.abc import Iterable


def join(items: Iterable[str], last: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    words = [w for w in items if w]
    if not words:
        raise ValueError("nothing to join")
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 error', '2 errors', '1,000 rows'."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


_THE_PREFIXES = (
    "United ",
    "Republic of",
    "Democratic Republic",
    "Dominican Republic",
    "Central African Republic",
    "Federated States",
    "German Democratic Republic",
    "Soviet Union",
    "Turkish Republic",
    "Sahrawi Arab",
    "British Indian Ocean Territory",
    "Caribbean Netherlands",
)
_THE_ENDINGS = ("Islands", "Netherlands", "Philippines", "Maldives", "Seychelles", "Comoros")


def the(name: str) -> str:
    """A name as it reads within a sentence: 'the United States', 'the Philippines', 'the Bahamas', 'Japan'."""
    if name.startswith("The "):
        return "the " + name[4:]
    if name.startswith(_THE_PREFIXES) or (name.split(" (")[0].endswith(_THE_ENDINGS) and " and " not in name):
        return "the " + name
    return name


def territorial_sea_of(territory: str) -> str:
    """How a territory's territorial sea is named ("The" reads as "the" within a sentence: see `the`)."""
    return f"The territorial sea of {the(territory)}"


def the_sea(name: str) -> str:
    """A named sea as it reads within a sentence: 'the Gulf of Thailand', 'the North Atlantic Ocean'."""
    return "the " + name[4:] if name.startswith("The ") else "the " + name


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """A clause as a sentence: capitalised, with one full stop at the end."""
    text = capitalised(text.strip())
    return text if text.endswith((".", "!", "?")) else text + "."
