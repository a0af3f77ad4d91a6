"""`treatyscope show`: an article's text, what each version covers, its interpretations, examples and sources."""

from __future__ import annotations

import typer

from treatyscope.cli.app import RULES, TextOrJson, app


@app.command()
def show(
    article: str = typer.Argument(..., help="An article id such as nato-5 (see 'articles')."),
    rules: list[str] = RULES,
    output: TextOrJson = typer.Option("text", "--format", "-f", help="Output format."),  # type: ignore[valid-type]
) -> int:
    """An article: its text, what each version covers, its interpretations, examples and sources."""
    from treatyscope.report.console import printer

    out = printer()
    if output == "json":
        from treatyscope.api import article_detail

        out.json({"schema": "treatyscope.article/1", **article_detail(article, rules or None)})
        return 0
    from treatyscope.report.show import render_article
    from treatyscope.rules.load import rulebook

    book = rulebook(rules or None)
    treaty, art = book.article(article)
    render_article(book, treaty, art, out)
    return 0
