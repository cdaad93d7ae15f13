"""The `archgen` command: parse flags, call archgen.api, print, and decide the exit code.

Each command imports the API when it runs, so `--version` and `--help` start without
loading the spec model. `exit_code` is the one place that turns an outcome into an exit code.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from archgen import __version__
from archgen.errors import ArchgenError
from archgen.vocabulary import ESTIMATE_FORMATS, PICTURE_FORMATS, REPORT_FORMATS, SEVERITIES, ExitCode

if TYPE_CHECKING:
    from pathlib import Path

    from archgen.api import Settings, WriteRun
    from archgen.commands.estimate import DesignEstimate
    from archgen.model import Direction
    from archgen.vocabulary import Severity

F = TypeVar("F", bound=Callable[..., Any])


def exit_code(*, errors: bool, failing: bool = False) -> ExitCode:
    """Decide every command's exit code: 2 on errors, 1 when the outcome fails (findings, stale output), else 0."""
    return ExitCode.ERROR if errors else ExitCode.FINDINGS if failing else ExitCode.OK


def finish(errors: Sequence[ArchgenError] = (), *, failing: bool = False) -> NoReturn:
    """Print the errors on stderr, then exit with the code they and `failing` decide."""
    for error in errors:
        for line in error.lines():
            click.echo(line, err=True)
    sys.exit(exit_code(errors=bool(errors), failing=failing))


def reports_errors(command: F) -> F:
    """Turn archgen's errors, and the system's, into their messages on stderr and exit code 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ArchgenError as error:
            finish([error])
        except BrokenPipeError:  # the reader stopped reading (`archgen lint | head`): say nothing more
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(exit_code(errors=True))
        except OSError as error:  # the machine, not the input: a full disk, a folder that cannot be made
            finish([ArchgenError(f"{error.filename or 'archgen'}: {error.strerror or error}")])

    return wrapper  # type: ignore[return-value]


class PathParam(click.Path):
    """A path option or argument given to the command as a `pathlib.Path`.

    `click.Path(path_type=Path)` needs pathlib to build the options; this imports it only when
    a command runs with a path, so `--version` and `--help` start without it.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Check the path as click.Path does, then return it as a Path."""
        from pathlib import Path

        return Path(os.fsdecode(super().convert(value, param, ctx)))


def settings_for(paths: tuple[Path, ...], config: Path | None, **flags: Any) -> Settings:
    """Read the config that applies to the first path, then apply the flags that were given."""
    from pathlib import Path

    from archgen import api

    start = paths[0] if paths else Path.cwd()
    context = click.get_current_context(silent=True)
    plugins = context.meta.get("archgen.plugins") if context else None
    return api.load_settings(start, config).merged(plugins=plugins, **flags)


def against_baseline(run: Any, path: Path | None, output_format: str) -> tuple[list[Any], Any]:
    """Return the findings a baseline does not record, and the baseline applied (None without one).

    The text report says on stderr which entries are fixed; the other formats say it themselves.
    """
    if path is None:
        return run.findings, None
    from archgen import api

    applied = api.apply_baseline(run.findings, path, [file for file, _ in run.designs])
    for entry in applied.fixed if output_format == "text" else ():
        click.echo(f"{entry.file}: {entry.about}: fixed since the baseline", err=True)
    return applied.new, applied


def split_codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """Turn repeated and comma-separated code options into one tuple; None when not given."""
    codes = tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())
    return codes or None


def split_formats(context: click.Context, parameter: click.Parameter, value: str) -> tuple[str, ...]:
    """Turn `png,svg` into a tuple of known formats, or fail with the allowed ones."""
    from archgen.api import suggest

    formats = tuple(fmt.strip().lower() for fmt in value.split(",") if fmt.strip())
    unknown = [fmt for fmt in formats if fmt not in PICTURE_FORMATS]
    if unknown or not formats:
        hint = suggest(unknown[0], PICTURE_FORMATS) if unknown else ""
        raise click.BadParameter(
            f"{', '.join(unknown) or repr(value)}: choose from {', '.join(PICTURE_FORMATS)}{hint}", context, parameter
        )
    return formats


def echo_written(run: WriteRun) -> NoReturn:
    """Print what a run wrote and its warnings, then finish with its errors."""
    from archgen.api import display_path

    for path in run.written:
        click.echo(display_path(path))
    for warning in run.warnings:
        click.echo(f"warning: {warning}", err=True)
    finish(run.errors)


paths_argument = click.argument("paths", nargs=-1, type=PathParam())
config_option = click.option("--config", type=PathParam(exists=True, dir_okay=False), help="Config file to use.")
_python = click.option("--python/--no-python", "python", default=None, help="Allow Python specs (they run as code).")


def _remember_plugins(context: click.Context, parameter: click.Parameter, value: bool | None) -> None:
    if value is not None:
        context.meta["archgen.plugins"] = value


_plugins = click.option(
    "--plugins/--no-plugins",
    default=None,
    expose_value=False,
    callback=_remember_plugins,
    help="Run the rules of installed plugins (entry points `archgen.rules`; default: yes).",
)


def python_option(command: F) -> F:
    """Add `--python/--no-python` and `--plugins/--no-plugins`: what may run besides archgen itself."""
    return _python(_plugins(command))


templates_option = click.option(
    "--templates",
    type=PathParam(exists=True, file_okay=False),
    default=None,
    help="Folder of Jinja2 templates overriding the defaults (run sandboxed).",
)


def format_option(formats: Sequence[str], help: str) -> Callable[[F], F]:
    """Return the `--format` option of a command that reports in one of `formats` (text by default)."""
    return click.option(
        "--format", "output_format", type=click.Choice(formats), default="text", show_default=True, help=help
    )


def output_option(what: str) -> Callable[[F], F]:
    """Return the `-o/--output` option of a command that writes files named by each design's slug."""
    return click.option(
        "-o",
        "--output",
        type=PathParam(file_okay=False),
        default=".",
        show_default=True,
        help=f"Folder for {what}, named after each design's slug.",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archgen")
@click.pass_context
def main(context: click.Context) -> None:
    """System designs as code: validate, lint for single points of failure, render, document."""
    # A command runs once: its garbage is freed by reference counting, and the cyclic collector
    # would only walk the long-lived objects its imports build (the spec model's classes) again
    # and again. It is back on when the command ends (tests run many in one process) and in `serve`.
    if gc.isenabled():
        gc.disable()
        context.call_on_close(gc.enable)
    # archgen validates only its own spec models, which no pydantic plugin needs to see: skip the
    # plugin discovery that reads every installed distribution's entry points (unless set otherwise).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


@main.command()
@paths_argument
@config_option
@python_option
@reports_errors
def validate(paths: tuple[Path, ...], config: Path | None, python: bool | None) -> None:
    """Check specs only (exit 0 valid, 2 invalid)."""
    from archgen import api

    settings = settings_for(paths, config, python=python)
    run = api.validate(paths or settings.designs, settings)
    for error in run.errors:
        for line in error.lines():
            click.echo(line)
    total = len(run.designs) + len(run.errors)
    if not total:
        raise ArchgenError("no specs found (looked for .yaml, .yml and .py files)")
    click.echo(f"{len(run.designs)} of {total} specs valid", err=True)
    sys.exit(exit_code(errors=bool(run.errors)))


@main.command()
@click.option("--markdown", is_flag=True, help="Print the spec reference as Markdown (docs/spec.md).")
def schema(markdown: bool) -> None:
    """Print the JSON Schema of the spec."""
    from archgen import api

    if markdown:
        click.echo(api.spec_reference(), nl=False)
        return
    import json

    click.echo(json.dumps(api.json_schema(), indent=2, sort_keys=True))


@main.command()
@paths_argument
@format_option(
    REPORT_FORMATS,
    "text (file:line:col lines), json, sarif (code scanning), github (annotations) or markdown (a job summary).",
)
@click.option("--select", multiple=True, help="Rule codes or prefixes to run (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to skip (comma-separated).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that fails.")
@click.option("-v", "--verbose", is_flag=True, help="Also say which rules were skipped and why.")
@click.option("--no-cache", is_flag=True, help="Lint every spec afresh, without the result cache.")
@click.option(
    "--baseline",
    type=PathParam(dir_okay=False),
    default=None,
    help="Report only findings this baseline file does not record (and the ones it records that are fixed).",
)
@click.option(
    "--write-baseline",
    type=PathParam(dir_okay=False),
    default=None,
    help="Record today's findings in this file (over an existing one: only those still found), then exit 0.",
)
@config_option
@python_option
@reports_errors
def lint(
    paths: tuple[Path, ...],
    output_format: Any,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    verbose: bool,
    no_cache: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    config: Path | None,
    python: bool | None,
) -> None:
    """Check designs against the system-design checklist (exit 0 clean, 1 findings, 2 bad input)."""
    from archgen import api

    settings = settings_for(
        paths,
        config,
        select=split_codes(select),
        ignore=split_codes(ignore),
        fail_on=fail_on,
        python=python,
        baseline=baseline,
    )
    targets = paths or settings.designs
    wants_tables = verbose and output_format == "json"  # the failure tables need the model: never cached
    use_cache = not no_cache and not wants_tables
    run: Any = None
    if use_cache:
        run, warnings = api.lint_from_cache(targets, settings)
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
    if run is None:
        run = api.lint(targets, settings, cache=use_cache)
        for warning in dict.fromkeys(run.warnings):
            click.echo(f"warning: {warning}", err=True)
    if write_baseline is not None:
        recorded = api.write_baseline(write_baseline, run.findings)
        click.echo(f"{write_baseline}: {recorded} finding{'s' if recorded != 1 else ''} recorded", err=True)
        finish(run.errors)
    findings, applied = against_baseline(run, settings.baseline, output_format)
    tables = [(result.loaded.file, result.failure_table) for result in run.results] if wants_tables else []
    problems = [line for error in run.errors for line in error.lines()] if output_format == "markdown" else []
    report = api.format_report(
        output_format,
        findings,
        run.skipped,
        verbose=verbose,
        failure_tables=tables,
        designs=run.designs,
        problems=problems,
        rules_url=settings.rules_url,
        rules=api.rules(settings.plugins) if output_format == "sarif" else None,
        baseline=applied,
    )
    click.echo(report, nl=False)
    if verbose:
        for skip in run.skipped:
            click.echo(f"{skip.file}: {skip.code} skipped: {skip.reason}", err=True)
    if output_format == "text" and run.designs:
        click.echo(api.summary(findings), err=True)
    finish(run.errors, failing=bool(api.at_or_above(findings, settings.fail_on)))


@main.command()
@paths_argument
@format_option(ESTIMATE_FORMATS, "text (tables with the working) or json.")
@click.option("-v", "--verbose", is_flag=True, help="Also say where availability figures came from.")
@config_option
@python_option
@reports_errors
def estimate(
    paths: tuple[Path, ...], output_format: str, verbose: bool, config: Path | None, python: bool | None
) -> None:
    """Estimate capacity the back-of-the-envelope way, and availability in nines per entry point and flow."""
    from archgen import api

    settings = settings_for(paths, config, python=python)
    run = api.estimate_all(paths or settings.designs, settings)
    if output_format == "json":
        import json

        click.echo(json.dumps([item.as_dict() for item in run.estimates], indent=2, ensure_ascii=False))
    for item in run.estimates if output_format == "text" else ():
        click.echo(f"{item.loaded.design.name} ({item.loaded.file})")
        if not item.table:
            click.echo("  no capacity section: add one to get an estimate (see `archgen schema`)")
        width = max([17, *(len(row.quantity) for row in item.table)])
        values = max([34, *(len(row.value) for row in item.table)])
        for row in item.table:
            click.echo(f"  {row.quantity:<{width}} {row.value:<{values}} {row.working}")
        _echo_availability(item)
        click.echo()
    for item in run.estimates if verbose else ():
        for note in item.availability.notes:
            click.echo(f"{item.loaded.file}: {note}", err=True)
    finish(run.errors)


def _echo_availability(item: DesignEstimate) -> None:
    """Print a design's availability table under its capacity estimate."""
    if item.availability.skipped:
        click.echo(f"  availability: not computed, {item.availability.skipped}")
        return
    rows = item.availability_table
    if not rows:
        return
    width = max(len(row.what) for row in rows)
    up = max(len(row.percent) for row in rows)
    click.echo(f"\n  {'Availability':<{width}}  {'Up':<{up}}  {'Down a year':<11}  {'a month':<9}  Most of it from")
    for row in rows:
        click.echo(
            f"  {row.what:<{width}}  {row.percent:<{up}}  {row.per_year:<11}  {row.per_month:<9}  {row.contributors}"
        )


@main.command()
@paths_argument
@output_option("the files")
@click.option(
    "--format",
    "formats",
    default="png,svg",
    show_default=True,
    callback=split_formats,
    help="Comma-separated: png, svg, dot, mermaid, drawio, excalidraw, d2, likec4, structurizr.",
)
@click.option("--no-highlight", is_flag=True, help="Do not outline single points of failure.")
@click.option("--dpi", type=click.IntRange(1, 1200), default=None, help="PNG resolution; default 72.")
@click.option(
    "--view",
    "views",
    multiple=True,
    metavar="flow:NAME|group:TITLE",
    help="Draw only the part a flow or a group touches, as <slug>--<view>.<ext>; repeatable.",
)
@click.option(
    "--direction",
    "directions",
    multiple=True,
    type=click.Choice(["LR", "TB"], case_sensitive=False),
    help="Left to right or top to bottom, over the spec's layout; give both for <slug>--lr and <slug>--tb files.",
)
@click.option(
    "--check",
    "measuring",
    is_flag=True,
    help="Write nothing: lay each picture out and print its check (text over text, through text, cut off) and its "
    "layout's metrics (crossing calls, calls through other groups, aspect); exit 1 when a check fails.",
)
@config_option
@python_option
@reports_errors
def render(
    paths: tuple[Path, ...],
    output: Path,
    formats: Any,
    no_highlight: bool,
    dpi: int | None,
    views: tuple[str, ...],
    directions: tuple[str, ...],
    measuring: bool,
    config: Path | None,
    python: bool | None,
) -> None:
    """Draw designs as pictures or export them, single points of failure in red (exit 2 on bad input)."""
    from archgen import api

    settings = settings_for(paths, config, python=python)
    chosen = [cast("Direction", direction.upper()) for direction in directions]
    if measuring:
        echo_measured(*api.measure(paths or settings.designs, settings, views=views, directions=chosen))
    run = api.render(
        paths or settings.designs,
        output,
        formats,
        settings,
        highlight=not no_highlight,
        dpi=dpi,
        views=views,
        directions=chosen,
    )
    echo_written(run)


def echo_measured(found: list[Any], errors: list[Any]) -> NoReturn:
    """Print each picture's check and metrics, one line each; exit 1 when a check fails, 2 when a spec failed."""
    from archgen.api import display_path

    for item in found:
        check, metrics = item.check, item.metrics
        what = display_path(item.source) + (f" [{item.view}]" if item.view else "") + f" {item.direction}"
        click.echo(
            f"{what}: {metrics.calls} calls, {metrics.crossings} crossing, {len(metrics.through_groups)} through other "
            f"groups, {metrics.width:.0f} x {metrics.height:.0f} pt (aspect {metrics.aspect:.2f}); "
            f"text: {len(check.overlaps)} over text, {len(check.crossings)} under a call, {len(check.clipped)} cut off"
        )
        for line in [*check.overlaps, *check.crossings, *check.clipped, *metrics.through_groups]:
            click.echo(f"  {line}")
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        sys.exit(ExitCode.ERROR)
    sys.exit(ExitCode.FINDINGS if any(not item.check.clean for item in found) else ExitCode.OK)


@main.command()
@paths_argument
@output_option("the documents")
@templates_option
@config_option
@python_option
@reports_errors
def docs(
    paths: tuple[Path, ...], output: Path, templates: Path | None, config: Path | None, python: bool | None
) -> None:
    """Write each design's Markdown design document, its diagram inline as Mermaid."""
    from archgen import api

    settings = settings_for(paths, config, python=python, templates=templates)
    echo_written(api.docs(paths or settings.designs, output, settings))


class ProgressBar:
    """A progress bar on a terminal; nothing otherwise, so CI logs stay quiet."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        """Open the bar for `total` designs."""
        if total and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="Building", file=sys.stderr)
            self.bar.__enter__()

    def waiting(self) -> None:
        """Say that another build holds the output folder."""
        click.echo("waiting for another build into the output folder to finish", err=True)

    def advance(self, source: str) -> None:
        """Move the bar on by one design."""
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        """Close the bar."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command()
@paths_argument
@click.option(
    "-o",
    "--output",
    type=PathParam(file_okay=False),
    default=None,
    help="Folder to publish into (default output/).",
)
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Designs built at once (default: cores).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the output folder is stale.")
@click.option("--force", is_flag=True, help="Replace files in the output folder that archgen did not write.")
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Exit 1 when a design has findings at this severity or above (default: never).",
)
@templates_option
@config_option
@python_option
@reports_errors
def build(
    paths: tuple[Path, ...],
    output: Path | None,
    jobs: int | None,
    check: bool,
    force: bool,
    fail_on: str | None,
    templates: Path | None,
    config: Path | None,
    python: bool | None,
) -> None:
    """Lint, render and document every design into output/<slug>/, plus output/index.md."""
    from archgen import api

    settings = settings_for(paths, config, python=python, output=output, templates=templates)
    targets = paths or settings.designs
    # Decided from the manifest before the model, the renderers or Jinja2 are imported.
    run = api.unchanged(targets, settings.output, settings)
    if run is None:
        bar = ProgressBar()
        try:
            run = api.build(targets, settings.output, settings, jobs=jobs, check=check, force=force, progress=bar)
        finally:
            bar.close()
    for warning in run.warnings:
        click.echo(f"warning: {warning}", err=True)
    if check:
        for source in run.stale:
            click.echo(f"stale: {source}")
        click.echo(f"{settings.output} is {'stale' if run.stale else 'current'}", err=True)
        finish(run.errors, failing=bool(run.stale))
    for line in run.report(settings.output, fail_on):
        click.echo(line, err=True)
    finish(run.errors, failing=bool(run.at_or_above(fail_on)))


@main.command()
@paths_argument
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the index in a web browser.")
@config_option
@python_option
@reports_errors
def serve(
    paths: tuple[Path, ...], host: str, port: int, open_browser: bool, config: Path | None, python: bool | None
) -> None:
    """Serve a page per design that redraws and re-lints on every save (Ctrl-C to stop)."""
    from archgen import api

    gc.enable()  # a server runs on: collect its cycles
    settings = settings_for(paths, config, python=python)

    def warn(text: str) -> None:
        click.echo(f"warning: {text}", err=True)

    def ready(url: str, designs: int) -> None:
        click.echo(f"serving {designs} design{'s' if designs != 1 else ''} at {url} (Ctrl-C to stop)", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    def reload() -> Settings:
        return settings_for(paths, config, python=python)

    api.serve(paths or settings.designs, settings, host=host, port=port, ready=ready, reload=reload, warn=warn)


@main.command()
@click.argument("name")
@click.option("--example", default=None, help="Start from a gallery design, by file name (e.g. tinyurl).")
@click.option(
    "-o",
    "--output",
    type=PathParam(file_okay=False),
    default=None,
    help="Folder for the new spec (default: the first designs folder).",
)
@config_option
@reports_errors
def new(name: str, example: str | None, output: Path | None, config: Path | None) -> None:
    """Start a new design NAME, blank or from the gallery, with the schema header editors read."""
    from archgen import api

    folder = output or settings_for((), config).designs[0]
    for path in api.new_design(name, folder, example):
        click.echo(api.display_path(path))


@main.command()
@click.argument("specs", nargs=-1, type=PathParam())
@click.option("--git", "ref", default=None, metavar="REF", help="Compare each spec under SPECS with it at REF.")
@format_option(("text", "markdown", "json"), "text, markdown (a pull-request comment) or json.")
@click.option(
    "--picture",
    type=PathParam(dir_okay=False),
    default=None,
    help="Also draw the new design, added in green, changed in amber, removed in grey (.svg or .png).",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Exit 1 when the change introduces a finding at this severity or above.",
)
@config_option
@python_option
@reports_errors
def diff(
    specs: tuple[Path, ...],
    ref: str | None,
    output_format: str,
    picture: Path | None,
    fail_on: str | None,
    config: Path | None,
    python: bool | None,
) -> None:
    """Say what a change does to designs: OLD NEW, or --git REF [PATH...] (each spec against REF)."""
    from archgen import api

    settings = settings_for(specs, config, python=python)
    if ref is not None:
        run = api.diff_git(ref, specs or settings.designs, settings)
    elif len(specs) == 2:
        run = api.diff(specs[0], specs[1], settings)
    else:
        raise click.UsageError("give OLD and NEW spec files, or --git REF [PATH...]")
    click.echo(api.format_diff(run, output_format, settings.rules_url), nl=False)
    if picture is not None and not run.errors:
        click.echo(api.display_path(api.write_diff_picture(picture, run)), err=True)
    finish(run.errors, failing=bool(run.introduced_at_or_above(cast("Severity | None", fail_on))))


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=PathParam())
@click.option(
    "-o", "--output", type=PathParam(dir_okay=False), default=None, help="Write the spec here (else to stdout)."
)
@click.option("--name", default=None, help="The design's name (else the deployment's folder name).")
@click.option(
    "--check",
    "design",
    type=PathParam(dir_okay=False),
    default=None,
    help="Instead, compare this written design with the deployment: exit 1 on any drift.",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    help="A Compose profile to start, as `docker compose --profile` does; repeatable.",
)
@format_option(("text", "json"), "text (a line per drift) or json; with --check.")
@reports_errors
def import_(
    paths: tuple[Path, ...],
    output: Path | None,
    name: str | None,
    design: Path | None,
    profiles: tuple[str, ...],
    output_format: str,
) -> None:
    """Write a spec from what is deployed (Compose, Kubernetes, Terraform), each part with its evidence; or --check."""
    from archgen import api

    if design is not None and output is not None:
        raise click.UsageError("--check compares with a written design and writes nothing: drop -o")
    if design is not None:
        written = api.load_design(design, allow_python=False, file=api.display_path(design))
        drifts = api.check_drift(written, paths, profiles)
        if output_format == "json":
            import json

            click.echo(json.dumps([drift.as_dict() for drift in drifts], indent=2, ensure_ascii=False))
        else:
            for drift in drifts:
                click.echo(str(drift))
            click.echo(f"{len(drifts)} drift{'s' if len(drifts) != 1 else ''} from the deployment", err=True)
        finish(failing=bool(drifts))
    text, loaded = api.import_spec(paths, name, output, profiles)
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {api.display_path(output)}: {len(loaded.design.components)} components", err=True)
    finish()


@main.command("rules")
@click.option("--markdown", is_flag=True, help="Print archgen's own catalogue as Markdown (docs/rules.md).")
@config_option
@_plugins
@reports_errors
def list_rules(markdown: bool, config: Path | None) -> None:
    """List every rule: code, name, severity (the config's, when it changes it), summary, plugin."""
    from archgen import api

    if markdown:
        click.echo(api.catalogue_markdown(), nl=False)
        return
    settings = settings_for((), config)
    for code, rule in api.rules(settings.plugins).items():
        severity = settings.severity.get(code, rule.severity)
        shown = severity if severity == rule.severity else f"{severity} (default {rule.severity})"
        origin = f"  [{rule.origin}]" if rule.origin else ""
        click.echo(f"{code}  {rule.name:<30} {shown:<8} {rule.summary}{origin}")


@main.command()
@click.argument("code")
@_plugins
@reports_errors
def explain(code: str) -> None:
    """Print a rule's page: why, how to fix, an example."""
    from archgen import api

    context = click.get_current_context()
    click.echo(api.explain(code, context.meta.get("archgen.plugins", True)).page, nl=False)


def run() -> None:
    """Run the `archgen` program: one command, then exit.

    Python's shutdown walks every object left for a last collection; `gc.freeze()` moves them
    all out of its reach first (the process is ending: nothing is left to free).
    """
    try:
        main()
    finally:
        gc.freeze()
