"""The `archgen` command: a thin layer over archgen.api."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from archgen import __version__, api
from archgen.config import Settings, load_settings
from archgen.errors import ArchgenError, SpecError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def reports_errors(command: F) -> F:
    """Turn archgen's errors into their messages on stderr and exit code 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ArchgenError as error:
            for line in error.lines():
                click.echo(line, err=True)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def settings_for(paths: tuple[Path, ...], config: Path | None, **flags: Any) -> Settings:
    """Read the config that applies to the first path, then apply the flags that were given."""
    start = paths[0] if paths else Path.cwd()
    return load_settings(start, config).merged(**flags)


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
config_option = click.option(
    "--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Config file to use."
)
python_option = click.option(
    "--python/--no-python", "python", default=None, help="Allow Python specs (they run as code)."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archgen")
def main() -> None:
    """System designs as code: validate, lint for single points of failure, render, document."""


@main.command()
@paths_argument
@config_option
@python_option
@reports_errors
def validate(paths: tuple[Path, ...], config: Path | None, python: bool | None) -> None:
    """Check specs only (exit 0 valid, 2 invalid)."""
    settings = settings_for(paths, config, python=python)
    results = list(api.load_all(paths or settings.designs, settings))
    problems = [result for result in results if isinstance(result, SpecError)]
    for error in problems:
        for line in error.lines():
            click.echo(line)
    if not results:
        raise ArchgenError("no specs found (looked for .yaml, .yml and .py files)")
    click.echo(f"{len(results) - len(problems)} of {len(results)} specs valid", err=True)
    sys.exit(EXIT_ERROR if problems else EXIT_OK)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the spec."""
    from archgen.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


def split_codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """Turn repeated and comma-separated code options into one tuple; None when not given."""
    codes = tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())
    return codes or None


@main.command()
@paths_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), default="text")
@click.option("--select", multiple=True, help="Rule codes or prefixes to run (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to skip (comma-separated).")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info"]), default=None, help="Lowest severity that fails."
)
@click.option("-v", "--verbose", is_flag=True, help="Also say which rules were skipped and why.")
@config_option
@python_option
@reports_errors
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    verbose: bool,
    config: Path | None,
    python: bool | None,
) -> None:
    """Check designs against the system-design checklist (exit 0 clean, 1 findings, 2 bad input)."""
    from archgen.report import render_report, summary
    from archgen.rules.base import all_rules

    settings = settings_for(
        paths, config, select=split_codes(select), ignore=split_codes(ignore), fail_on=fail_on, python=python
    )
    run = api.lint(paths or settings.designs, settings)
    for error in run.errors:
        for line in error.lines():
            click.echo(line, err=True)
    click.echo(render_report(output_format, run.findings, all_rules(), run.skipped, verbose=verbose), nl=False)
    if verbose:
        for skip in run.skipped:
            click.echo(f"{skip.file}: {skip.code} skipped: {skip.reason}", err=True)
    if output_format == "text" and run.results:
        click.echo(summary(run.findings), err=True)
    sys.exit(run.exit_code(settings.fail_on))


def split_formats(context: click.Context, parameter: click.Parameter, value: str) -> tuple[str, ...]:
    """Turn `png,svg` into a tuple of known formats, or fail with the allowed ones."""
    from archgen.render import FORMATS

    formats = tuple(fmt.strip().lower() for fmt in value.split(",") if fmt.strip())
    unknown = ", ".join(fmt for fmt in formats if fmt not in FORMATS)
    if unknown or not formats:
        raise click.BadParameter(f"{unknown or repr(value)}: choose from {', '.join(FORMATS)}", context, parameter)
    return formats


@main.command()
@paths_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder for the files, named after each design's slug.",
)
@click.option(
    "--format",
    "formats",
    default="png,svg",
    show_default=True,
    callback=split_formats,
    help="Comma-separated: png, svg, dot, mermaid.",
)
@click.option("--no-highlight", is_flag=True, help="Do not outline single points of failure.")
@click.option("--dpi", type=click.IntRange(1, 1200), default=None, help="PNG resolution; default 72.")
@config_option
@python_option
@reports_errors
def render(
    paths: tuple[Path, ...],
    output: Path,
    formats: tuple[str, ...],
    no_highlight: bool,
    dpi: int | None,
    config: Path | None,
    python: bool | None,
) -> None:
    """Draw designs as PNG, SVG, DOT or Mermaid, single points of failure in red (exit 2 on bad input)."""
    settings = settings_for(paths, config, python=python)
    run = api.render(paths or settings.designs, settings, output, formats, highlight=not no_highlight, dpi=dpi)
    for path in run.written:
        click.echo(api.display_path(path))
    for warning in run.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in run.errors:
        for line in error.lines():
            click.echo(line, err=True)
    sys.exit(EXIT_ERROR if run.errors else EXIT_OK)


@main.command("rules")
@click.option("--markdown", is_flag=True, help="Print the whole catalogue as Markdown (docs/rules.md).")
def list_rules(markdown: bool) -> None:
    """List every rule: code, name, default severity, summary."""
    from archgen.rules.base import all_rules, catalogue_markdown

    if markdown:
        click.echo(catalogue_markdown(), nl=False)
        return
    for code, rule in all_rules().items():
        click.echo(f"{code}  {rule.name:<30} {rule.severity:<8} {rule.summary}")


@main.command()
@click.argument("code")
@reports_errors
def explain(code: str) -> None:
    """Print a rule's page: why, how to fix, an example."""
    from archgen.loader.checks import suggest
    from archgen.rules.base import all_rules

    rules = all_rules()
    rule = rules.get(code.upper())
    if rule is None:
        raise ArchgenError(f"no rule {code!r}{suggest(code.upper(), rules)}")
    click.echo(rule.page, nl=False)
