"""Text output: plain lines, wrapped to the terminal (80 columns when piped), coloured by rich on a terminal.

Piped output and NO_COLOR get plain text without importing rich's console at all (it is a third of a check's
start-up time); on a terminal, rich prints the same lines with the verdict in colour.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import Any

STYLES = {
    "applies": "bold green",
    "does not apply": "bold red",
    "partly applies": "bold yellow",
    "contested": "bold magenta",
}


class Printer:
    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdout
        tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.colour = tty and not os.environ.get("NO_COLOR")
        self.width = max(60, shutil.get_terminal_size((80, 24)).columns) if tty else 80
        self._rich: Any = None
        if self.colour:
            from rich.console import Console

            self._rich = Console(file=self.stream, highlight=False, soft_wrap=True, emoji=False)

    def line(self, text: str = "", style: str | None = None, prefix_style: tuple[str, str] | None = None) -> None:
        """One line as is. `prefix_style` colours a leading word (e.g. the verdict) on a terminal."""
        if self._rich is None:
            self.stream.write(text + "\n")
            return
        from rich.markup import escape

        if prefix_style and text.startswith(prefix_style[0]):
            word, rest = prefix_style
            self._rich.print(f"[{rest}]{escape(word)}[/]" + escape(text[len(word) :]))
        elif style:
            self._rich.print(f"[{style}]{escape(text)}[/]")
        else:
            self._rich.print(escape(text))

    def raw(self, text: str) -> None:
        """Text as it is (Markdown, say), without wrapping or colour."""
        self.stream.write(text)

    def json(self, data: Any) -> None:
        import json

        self.stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def para(self, text: str, indent: str = "", style: str | None = None) -> None:
        """A paragraph wrapped to the width, with a hanging indent."""
        wrapped = textwrap.wrap(
            " ".join(text.split()),
            width=self.width,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_on_hyphens=False,
            break_long_words=True,
        )
        for w in wrapped or [indent]:
            self.line(w, style)

    def tree(self, label: str, children: list[tuple[str, list[Any]]], indent: str = "") -> None:
        """A tree of (text, children) with box-drawing branches, each line wrapped under its branch."""
        self.para(label, indent)
        self._branches(children, indent)

    def _branches(self, children: list[tuple[str, list[Any]]], indent: str) -> None:
        for i, (text, sub) in enumerate(children):
            last = i == len(children) - 1
            head, cont = ("└─ ", "   ") if last else ("├─ ", "│  ")
            lines = textwrap.wrap(
                " ".join(text.split()), width=max(30, self.width - len(indent) - 3), break_on_hyphens=False
            ) or [""]
            self.line(indent + head + lines[0])
            for more in lines[1:]:
                self.line(indent + cont + more)
            self._branches(sub, indent + cont)


def printer() -> Printer:
    return Printer()
