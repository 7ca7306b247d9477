"""The command line: ``python -m app`` or ``kb``."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from app.core.config import PROJECT_ROOT, get_settings
from app.core.db import create_db_engine, upgrade_to_head
from app.knowledge.document import DocumentError
from app.knowledge.store import (
    import_condition_documents,
    load_default_knowledge,
    load_vocabulary_file,
    read_source,
)
from app.services.conditions import get_condition
from app.services.evaluation import evaluate, read_vignettes

cli = typer.Typer(
    help="The condition knowledge service.", no_args_is_help=True, pretty_exceptions_enable=False
)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Start the API (upgrading the database and loading the default knowledge if empty)."""
    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
    )


@cli.command("import")
def import_documents(
    paths: Annotated[list[Path], typer.Argument(help="Condition pages to import.")],
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
    """Import condition pages in one transaction: one bad page and nothing is written."""
    if name is not None and len(paths) != 1:
        raise typer.BadParameter("--name names one condition; give one file with it.")
    try:
        reviewed_on = date.fromisoformat(reviewed) if reviewed else None
    except ValueError as error:
        raise typer.BadParameter(f"--reviewed must be YYYY-MM-DD, not {reviewed!r}.") from error
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    upgrade_to_head(engine)
    try:
        with Session(engine) as session:
            load_vocabulary_file(session, settings.data_dir)
            sources = [
                read_source(
                    path,
                    provenance=provenance or f"Imported from {path.name}",
                    reviewed_on=reviewed_on,
                    name=name,
                )
                for path in paths
            ]
            outcomes = import_condition_documents(session, sources)
            if dry_run:
                for outcome in outcomes:
                    condition = get_condition(session, outcome.slug)
                    console.print_json(condition.model_dump_json(exclude={"disclaimer"}))
                session.rollback()
            else:
                session.commit()
    except DocumentError as error:
        errors.print(f"[red]error[/red] {error}", highlight=False)
        raise typer.Exit(code=1) from error
    except OSError as error:
        errors.print(f"[red]error[/red] {error.filename}: {error.strerror}", highlight=False)
        raise typer.Exit(code=1) from error
    finally:
        engine.dispose()
    for outcome in outcomes:
        console.print(
            f"{outcome.file_name}: {outcome.status.value} {outcome.slug} "
            f"({outcome.symptoms} symptoms, {outcome.causes} causes and factors, "
            f"{outcome.differentials} differentials, {outcome.advice} advice items)",
            highlight=False,
        )


@cli.command("evaluate")
def evaluate_vignettes(
    vignettes: Annotated[Path, typer.Option(help="The vignette file (TOML).")] = PROJECT_ROOT
    / "tests"
    / "vignettes.toml",
) -> None:
    """Run every vignette through the lookup on the default knowledge base (in memory) and
    print top-1 and top-3 with the misses."""
    settings = get_settings()
    engine = create_db_engine("sqlite://")
    upgrade_to_head(engine)
    with Session(engine) as session:
        load_default_knowledge(session, settings.data_dir)
        evaluation = evaluate(session, read_vignettes(vignettes))
    engine.dispose()
    table = Table(title="Vignettes the right condition did not lead")
    for column in ("vignette", "expected", "rank", "leaders"):
        table.add_column(column, overflow="fold")
    for result in evaluation.misses:
        rank = str(result.rank) if result.rank else "-"
        table.add_row(result.vignette.id, result.vignette.expected, rank, ", ".join(result.leaders))
    console.print(table)
    count = len(evaluation.results)
    console.print(
        f"{count} vignettes: top-1 {evaluation.share_within(1):.1%}, "
        f"top-3 {evaluation.share_within(3):.1%}",
        highlight=False,
    )


def main() -> None:
    cli()
