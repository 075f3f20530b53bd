"""Generate the CLI and configuration reference pages at build time, so neither can go stale.

`mkdocs.yml` names this file under `hooks:`; `cli.md` comes from the Typer app
itself and `configuration.md` from the template `transflow init` writes. The
functions are plain so the tests can call them too.
"""

from __future__ import annotations

import re

CLI_PAGE = "cli.md"
CONFIGURATION_PAGE = "configuration.md"


def _context(command, path: list[str]):
    return command.context_class(command, info_name=" ".join(path))


def _walk(command, path: list[str]):
    """Every command of the app, depth first, in the order `--help` lists them."""
    yield path, command
    if hasattr(command, "list_commands"):
        ctx = _context(command, path)
        for name in command.list_commands(ctx):
            yield from _walk(command.get_command(ctx, name), [*path, name])


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def cli_reference() -> str:
    """The page: one section per command, with its help, usage line and every argument and option."""
    import typer

    from transflow.cli import app

    root = typer.main.get_command(app)
    lines = [
        "# CLI reference",
        "",
        "<!-- Generated from the Typer app by docs/hooks/reference.py at build time; edit the help texts in src/transflow/cli.py. -->",
        "",
        "Every command, as `transflow COMMAND --help` describes it. Every command",
        "takes `--config FILE` (default `./transflow.toml`) before or after its",
        "name. Exit codes: 0 done, 1 the work failed, 2 a usage problem (bad",
        "argument, unknown language, missing model).",
        "",
    ]
    for path, command in _walk(root, ["transflow"]):
        ctx = _context(command, path)
        depth = min(len(path), 3)
        lines += [f"{'#' * (depth + 1)} `{' '.join(path)}`", ""]
        if command.help:
            lines += [command.help.strip(), ""]
        usage = " ".join([" ".join(path), *command.collect_usage_pieces(ctx)])
        lines += ["```", usage, "```", ""]
        if hasattr(command, "help_records"):  # a command: its values in words, as --help shows them
            records = command.help_records(ctx)
        else:
            records = [r for r in (p.get_help_record(ctx) for p in command.get_params(ctx)) if r]
        if records:
            lines += ["| argument or option | what it does |", "|---|---|"]
            lines += [f"| `{_cell(name)}` | {_cell(help_text)} |" for name, help_text in records]
            lines.append("")
        if hasattr(command, "list_commands"):
            lines += ["| command | what it does |", "|---|---|"]
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                lines.append(f"| `{name}` | {_cell(sub.get_short_help_str(limit=300))} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_TABLE = re.compile(r"^\[\[?([^\]]+)\]\]?\s*$")


def configuration_reference() -> str:
    """The page: `transflow init`'s template, one section per table, comments and defaults as written."""
    from transflow.config import CONFIG_NAME, TEMPLATE

    sections: list[tuple[str, list[str]]] = [("", [])]
    pending: list[str] = []  # comment lines just above a table header belong to it
    for line in TEMPLATE.splitlines():
        match = _TABLE.match(line)
        if match:
            name = match.group(1).split(".")[0] if match.group(1).startswith("glossary") else match.group(1)
            if sections[-1][0] != name:
                sections.append((name, []))
            sections[-1][1].extend(pending)
            pending = []
            sections[-1][1].append(line)
        elif line.startswith("#") and sections[-1][1] and not sections[-1][1][-1].strip():
            pending.append(line)
        elif pending and line.startswith("#"):
            pending.append(line)
        else:
            if pending:
                sections[-1][1].extend(pending)
                pending = []
            sections[-1][1].append(line)
    lines = [
        f"# Configuration reference (`{CONFIG_NAME}`)",
        "",
        "<!-- Generated from transflow init's template (TEMPLATE in src/transflow/config.py) by docs/hooks/reference.py at build time. -->",
        "",
        f"`transflow init` writes this file, with these defaults and comments, into",
        f"the current folder; the folder holding `{CONFIG_NAME}` is the project.",
        "A setting missing from the file takes the default shown here, and",
        "command-line flags override the file. A misspelt setting is a one-line",
        "error naming the file.",
        "",
    ]
    for name, body in sections:
        text = "\n".join(body).strip("\n")
        if not text:
            continue
        lines += [f"## `[{name}]`" if name else "## Languages", "", "```toml", text, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def on_files(files, config):
    """Add the two generated pages to the site (mkdocs hook)."""
    from mkdocs.structure.files import File

    for page, make in ((CLI_PAGE, cli_reference), (CONFIGURATION_PAGE, configuration_reference)):
        existing = files.get_file_from_path(page)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, page, content=make()))
    return files
