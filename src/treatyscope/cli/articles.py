"""`treatyscope articles`: every encoded article, its versions and their dates."""

from __future__ import annotations

import typer

from treatyscope.cli.app import RULES, TextOrJson, app


@app.command()
def articles(
    treaty: str = typer.Option(None, "--treaty", help="Only this treaty."),
    rules: list[str] = RULES,
    output: TextOrJson = typer.Option("text", "--format", "-f", help="Output format."),  # type: ignore[valid-type]
) -> int:
    """Every encoded article, its versions and their dates."""
    from treatyscope.api import article_listing
    from treatyscope.english import plural
    from treatyscope.report.console import printer

    listing = article_listing(treaty, rules or None)
    out = printer()
    if output == "json":
        out.json({"schema": "treatyscope.articles/1", "treaties": listing})
        return 0
    for t in listing:
        end = f", ended {t['ended']}" if t["ended"] else ""
        parties = plural(t["parties_now"], "party", "parties")
        out.para(f"{t['name']} [{t['id']}] — signed {t['signed']}, in force {t['in_force']}{end}; {parties} today")
        for a in t["articles"]:
            flag = "" if a["verified"] else " (text unverified)"
            out.para(f"{a['id']}: {a['called']} — {a['title']}; {plural(a['examples'], 'example')}{flag}", "  ")
            for v in a["versions"]:
                span = f"{v['from']} to {v['to']} (exclusive)" if v["to"] else f"from {v['from']}"
                flag = "" if v["verified"] else " — wording unverified"
                out.para(f"{v['id']}: {v['label']}, {span}{flag}", "    ")
    return 0
