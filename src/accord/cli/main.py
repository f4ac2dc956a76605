"""`accord`: decide, explain, screen, import, and read the catalogues.

Every command is thin: parse, call the library, print. An InputError becomes
one line on stderr and exit status 2, a SetupError (a setting, a registry not
ready) one line and exit status 4; nothing prints a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from accord.agreements import bundled_agreements, get_agreement
from accord.cli import render
from accord.cli.audit_checkpoints import register_audit_checkpoints
from accord.cli.backup import backup_command, restore_command
from accord.cli.billing import billing_app
from accord.cli.decisions import decide_in_registry, decisions_app
from accord.cli.docket import open_docket
from accord.cli.impact import impact_command
from accord.cli.incident_observations import register_incident_observations
from accord.cli.law import court_orders_app
from accord.cli.law_due import register_law_due
from accord.cli.law_entries import law_app
from accord.cli.login import login_command, logout_command, register_credential_commands
from accord.cli.operations import incidents_app, register_operations
from accord.cli.publish import publish_command
from accord.cli.registry import (
    audit_app,
    init_command,
    registry_app,
    remember_acting_user,
    users_app,
)
from accord.cli.rules import rules_app
from accord.cli.serve import serve_command
from accord.cli.simulate import simulate_command
from accord.cli.synthetic import docket_app
from accord.engine import DecisionRequest, decide_all, decide_person, screen_docket
from accord.engine.screen import ScreenSummary
from accord.errors import AccordError, InputError, SetupError
from accord.law.catalogue import RULES
from accord.law.framework import FacilityCounts
from accord.law.parameters import NOTICE_PROFILES

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
agreements_app = typer.Typer(no_args_is_help=True, help="The bundled agreements.")
import_app = typer.Typer(no_args_is_help=True, help="Importers for real-world exports.")
app.add_typer(agreements_app, name="agreements")
app.add_typer(rules_app, name="rules")
app.add_typer(court_orders_app, name="court-orders")
app.add_typer(law_app, name="law")
register_law_due(law_app)
app.add_typer(import_app, name="import")
app.add_typer(registry_app, name="registry")
app.add_typer(users_app, name="users")
register_credential_commands(users_app)
app.add_typer(audit_app, name="audit")
app.add_typer(decisions_app, name="decisions")
app.add_typer(billing_app, name="billing")
app.add_typer(docket_app, name="docket")
app.command("simulate")(simulate_command)
app.command("serve")(serve_command)
app.command("init")(init_command)
app.command("login")(login_command)
app.command("logout")(logout_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("impact")(impact_command)
app.command("publish")(publish_command)
register_operations(app)
register_incident_observations(incidents_app)
register_audit_checkpoints(audit_app)

out = Console()
err = Console(stderr=True, soft_wrap=True)  # an error stays on one line

Agreement = Annotated[
    str, typer.Option("--agreement", help="Agreement id (accord agreements list)")
]
Pathway = Annotated[str, typer.Option("--pathway", help="Pathway, e.g. custody_placement")]
Destination = Annotated[str, typer.Option("--destination", help="ISO 3166 alpha-2 code")]
Facility = Annotated[str | None, typer.Option("--facility", help="Facility id, e.g. CECOT")]
AsOf = Annotated[str, typer.Option("--as-of", help="Decision date, YYYY-MM-DD")]
Profile = Annotated[
    str,
    typer.Option(
        "--notice-profile", help=f"Third-country notice profile: {', '.join(NOTICE_PROFILES)}"
    ),
]
FacilityCount = Annotated[
    str | None,
    typer.Option(
        "--facility-count",
        help="Places taken at the facility, HELD or HELD/UNDER_AGREEMENT (from a census or the "
        "registry): without it, a file cannot decide the capacity and quota terms (unknown)",
    ),
]
Cases = Annotated[Path, typer.Argument(help="Case files (JSON Lines) or a docket snapshot folder")]
SkipInvalid = Annotated[
    bool,
    typer.Option("--skip-invalid", help="Skip invalid records; write each reject to a side file"),
]


@app.callback()
def _global_options(
    ctx: typer.Context,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="The registry user to act as (default: ACCORD_USER); needs their own token, "
            "from ACCORD_TOKEN or `accord login`",
        ),
    ] = None,
) -> None:
    remember_acting_user(ctx, as_user)


def _facility_counts(given: str | None) -> FacilityCounts | None:
    """--facility-count HELD or HELD/UNDER_AGREEMENT (under the request's agreement)."""
    if given is None:
        return None
    held, _, under = given.partition("/")
    try:
        counts = (int(held), int(under or held))
    except ValueError:
        raise InputError(
            f"--facility-count '{given}' is not HELD or HELD/UNDER_AGREEMENT (whole numbers)"
        ) from None
    return FacilityCounts(*counts, source=f"the count given with the request ({given})")


def _request(
    agreement: str,
    pathway: str,
    destination: str,
    facility: str | None,
    as_of: str,
    profile: str,
    facility_count: str | None = None,
) -> DecisionRequest:
    return DecisionRequest.build(
        agreement=agreement,
        pathway=pathway,
        destination=destination,
        facility=facility,
        as_of=as_of,
        notice_profile=profile,
        facility_counts=_facility_counts(facility_count),
    )


@app.command()
def decide(
    ctx: typer.Context,
    agreement: Agreement,
    pathway: Pathway,
    destination: Destination,
    as_of: AsOf,
    cases: Annotated[
        Path | None,
        typer.Argument(help="Case files (JSON Lines); none: --person from the registry"),
    ] = None,
    facility: Facility = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Decide for this person only")
    ] = None,
    as_known_on: Annotated[
        str | None,
        typer.Option(
            "--as-known-on", help="Registry only: the facts as known on this day or at this time"
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json (JSON Lines) or table")] = "table",
    notice_profile: Profile = "most_protective",
    skip_invalid: SkipInvalid = False,
    facility_count: FacilityCount = None,
) -> None:
    """One decision per person, with every failed and unknown rule and its citation.

    With CASES, from that file. Without it, for --person from the registry, as the
    acting user; the decision is kept as a decision record that can be replayed.
    """
    if fmt not in ("json", "table"):
        raise InputError(f"--format '{fmt}' is not one of: json, table")
    request = _request(
        agreement, pathway, destination, facility, as_of, notice_profile, facility_count
    )
    if cases is None:
        if person is None:
            raise InputError("give CASES (JSON Lines), or --person to decide from the registry")
        if facility_count is not None:
            raise InputError("--facility-count is for case files: the registry counts itself")
        decide_in_registry(ctx, request=request, person_id=person, as_known_on=as_known_on, fmt=fmt)
        return
    if as_known_on is not None:
        raise InputError("--as-known-on reads the registry: leave out CASES to use it")
    store = open_docket(cases, skip_invalid=skip_invalid, console=err)
    if person is not None:
        decisions = [decide_person(store=store, request=request, person_id=person)]
    else:
        decisions = decide_all(store=store, request=request)
    if fmt == "json":
        for d in decisions:
            sys.stdout.write(json.dumps(d.as_dict()) + "\n")
    else:
        render.print_table(out, render.decisions_table(decisions))


@app.command()
def explain(
    cases: Cases,
    person: Annotated[str, typer.Option("--person", help="The person to explain")],
    agreement: Agreement,
    pathway: Pathway,
    destination: Destination,
    as_of: AsOf,
    facility: Facility = None,
    notice_profile: Profile = "most_protective",
    facility_count: FacilityCount = None,
) -> None:
    """A readable explanation for one person: reasons first, each with its citation and facts."""
    request = _request(
        agreement, pathway, destination, facility, as_of, notice_profile, facility_count
    )
    store = open_docket(cases, console=err)
    render.explain(
        out, decide_person(store=store, request=request, person_id=person, all_facts=True)
    )


def print_summary(summary: ScreenSummary, *, title: str = "Screen") -> None:
    table = Table(title=f"{title}: {summary.persons:,} persons in {summary.seconds:.2f} s")
    table.add_column("outcome")
    table.add_column("persons", justify="right")
    table.add_column("share", justify="right")
    for outcome, n in summary.outcomes.items():
        style = render.OUTCOME_STYLE[outcome]
        share = n / summary.persons if summary.persons else 0.0
        table.add_row(f"[{style}]{outcome}[/{style}]", f"{n:,}", f"{share:.1%}")
    render.print_table(out, table)
    rules = Table(title="Most frequent failing rules")
    rules.add_column("rule")
    rules.add_column("persons", justify="right")
    rules.add_column("citation")
    for rule_id, n in summary.failing_rules[:10]:
        rules.add_row(rule_id, f"{n:,}", "; ".join(RULES[rule_id].citations) or "agreement term")
    render.print_table(out, rules)


def run_screen(
    cases: Path,
    request: DecisionRequest,
    target: Path,
    *,
    skip_invalid: bool = False,
    evaluator: str = "duckdb",
) -> ScreenSummary:
    store = open_docket(cases, skip_invalid=skip_invalid, load=False, console=err)
    with Progress(
        TextColumn("[bold]screening[/bold] {task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(f"{store.count():,} persons", total=100)
        return screen_docket(
            store=store,
            request=request,
            out=target,
            progress=lambda pct: progress.update(task, completed=pct),
            evaluator=evaluator,
        )


@app.command()
def screen(
    docket: Annotated[
        str,
        typer.Argument(
            help="Case files (JSON Lines) or a docket snapshot folder (with --engine spark, "
            "also a snapshot URL: s3a://, hdfs://, file://)"
        ),
    ],
    agreement: Agreement,
    pathway: Pathway,
    destination: Destination,
    as_of: AsOf,
    target: Annotated[Path, typer.Option("--out", help="Decisions Parquet file to write")],
    facility: Facility = None,
    notice_profile: Profile = "most_protective",
    skip_invalid: SkipInvalid = False,
    facility_count: FacilityCount = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="duckdb (one machine), columnar (one machine, a docket held in memory) or "
            "spark (docs/scale.md)",
        ),
    ] = "duckdb",
    spark_master: Annotated[
        str, typer.Option("--spark-master", help="Spark master URL: local[N], spark://HOST:PORT")
    ] = "local[2]",
    spark_timeout: Annotated[
        float, typer.Option("--spark-timeout", help="Seconds the Spark master has to answer")
    ] = 60.0,
    spark_staging: Annotated[
        str | None,
        typer.Option(
            "--spark-staging",
            help="Folder for Spark's parts (default: beside --out); on a cluster, shared",
        ),
    ] = None,
) -> None:
    """Screen a whole docket: one row per person with the outcome and one column per rule."""
    from accord.atomic_output import check_file_target
    from accord.cli.docket import check_engine, run_spark_screen

    check_engine(engine, docket)
    check_file_target(target)
    request = _request(
        agreement, pathway, destination, facility, as_of, notice_profile, facility_count
    )
    if engine == "spark":
        summary = run_spark_screen(
            docket,
            request,
            target,
            master=spark_master,
            timeout=spark_timeout,
            staging=spark_staging,
            console=err,
        )
    else:
        summary = run_screen(
            Path(docket), request, target, skip_invalid=skip_invalid, evaluator=engine
        )
    print_summary(summary)
    out.print(f"Decisions written to {target}")


@agreements_app.command("list")
def agreements_list(fmt: render.FormatOption = render.OutputFormat.TABLE) -> None:
    """Every bundled agreement, with status and effective dates."""
    rows = []
    for a in bundled_agreements().values():
        span = f"{a.effective.from_} to {a.effective.to or 'open'}"
        if not a.entered_into_force:
            span += " (never in force)"
        rows.append((a.id, str(a.version), a.status, span, ", ".join(a.pathways), a.title))
    columns = ("id", "version", "status", "in force", "pathways", "title")
    render.print_listing(out, render.Listing("Agreements", columns, rows), fmt)


@agreements_app.command("show")
def agreements_show(agreement_id: Annotated[str, typer.Argument(help="Agreement id")]) -> None:
    """Every term of one agreement, with its source."""
    a = get_agreement(agreement_id)
    data = a.model_dump(mode="json", by_alias=True)
    data["digest"] = a.digest
    out.print_json(json.dumps(data))


@import_app.command("ice-ero")
def import_ice_ero(
    source: Annotated[Path, typer.Argument(help="ICE ERO removals export (CSV)")],
    target: Annotated[Path, typer.Option("--out", help="Case files to write (JSON Lines)")],
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import every row that can be; write each refused row, with its line and "
            "reason, to <out>.rejects.jsonl (default: all or nothing)",
        ),
    ] = False,
) -> None:
    """Import an ICE ERO removals export into case files, with a documented mapping."""
    from accord.atomic_output import check_file_target
    from accord.importers import (
        read_ice_ero,
        reject_record,
        rejects_path,
        write_case_files,
        write_json_lines,
    )

    rejected_to = rejects_path(target)
    check_file_target(target)
    if skip_invalid:
        check_file_target(rejected_to)
    result = read_ice_ero(source, skip_invalid=skip_invalid)
    write_case_files(result.cases, target)
    if skip_invalid:  # written even when empty, so no earlier run's rejects stand beside it
        write_json_lines([reject_record(r) for r in result.rejects], rejected_to)
    table = Table(title=f"{len(result.cases):,} case files from {source.name}")
    table.add_column("ICE case category")
    table.add_column("rows", justify="right")
    for category, n in sorted(result.categories.items()):
        table.add_row(category, f"{n:,}")
    render.print_table(out, table)
    if result.ignored_columns:
        out.print(f"Columns ignored: {', '.join(result.ignored_columns)}", highlight=False)
    if skip_invalid:
        counts = ", ".join(f"{kind}: {n:,}" for kind, n in result.reject_counts().items())
        out.print(
            f"{len(result.rejects):,} of {result.rows:,} rows refused"
            + (f" ({counts})" if counts else "")
            + f"; each with its line and reason in {rejected_to}",
            highlight=False,
        )
    out.print(f"Written to {target}")


@app.command()
def demo(
    target: Annotated[Path, typer.Option("--out", help="Folder for the demo's outputs")] = Path(
        "build/demo"
    ),
    as_of: AsOf = "2025-03-16",
) -> None:
    """The main job on the embedded default: import, screen, report."""
    from accord.atomic_output import check_folder_target
    from accord.demo.job import run_demo

    # the demo makes its own registry file there (replacing accord.db): never in a user's folder
    check_folder_target(target, is_own=_is_demo_output, what="an earlier demo's output")
    run_demo(out_dir=target, as_of=as_of, console=out)


def _is_demo_output(folder: Path) -> bool:
    """An earlier `accord demo` wrote here: the case files it imports first are there."""
    return (folder / "ice-ero-cases.jsonl").is_file()


def run() -> None:
    """Entry point: AccordError -> one line and exit 2 (input), 4 (setup) or 3; no traceback."""
    try:
        # Without standalone mode, click returns the code of a typer.Exit rather than raising it.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputError as exc:
        err.print(f"accord: error: {exc}", highlight=False, markup=False)
        sys.exit(2)
    except SetupError as exc:  # the operator must act (a setting, `accord init`), not the input
        err.print(f"accord: error: {exc}", highlight=False, markup=False)
        sys.exit(4)
    except AccordError as exc:
        err.print(f"accord: internal data error: {exc}", highlight=False, markup=False)
        sys.exit(3)
    except (typer.Exit, SystemExit) as exc:
        code = exc.exit_code if isinstance(exc, typer.Exit) else exc.code
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Abort:
        err.print("accord: aborted")
        sys.exit(130)
    except Exception as exc:  # usage errors and anything unexpected: one line, no traceback
        message = getattr(exc, "format_message", None)
        if callable(message):  # Typer's (vendored click's) usage errors
            err.print(f"accord: error: {message()}", highlight=False, markup=False)
            sys.exit(2)
        err.print(
            f"accord: unexpected error: {type(exc).__name__}: {exc}", highlight=False, markup=False
        )
        sys.exit(1)
