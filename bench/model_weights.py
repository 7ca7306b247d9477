"""How the region weight and the weight of unplaced words move the development figures.

Runs the development vignettes (tests/vignettes.toml and tests/vignettes_body.toml, never the
held-out ones) on the default knowledge base in memory, for each combination of weights given, and
prints top-1, top-3, the share of complaints outside the base with no candidate above 0.2, the
accuracy of leaders scored 0.8 or more, the Brier score and the confident wrong leaders.

    .venv/bin/python bench/model_weights.py --region 0.001,0.004,0.01,0.03 --unplaced 0.6 \
        --also-named 0.004,0.05,0.2
"""

import argparse
import itertools

from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.core.config import PROJECT_ROOT, Settings
from app.core.db import create_db_engine, upgrade_to_head
from app.ranking import model
from app.services.evaluation import evaluate, read_vignettes
from app.services.importing import load_default_knowledge

DEVELOPMENT = ("vignettes.toml", "vignettes_body.toml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default=str(model.REGION_AGAINST))
    parser.add_argument("--unplaced", default=str(model.UNPLACED))
    parser.add_argument("--also-named", default=str(model.REGION_ALSO_NAMED))
    arguments = parser.parse_args()
    settings = Settings(database_url="sqlite://")
    sets = {name: read_vignettes(PROJECT_ROOT / "tests" / name) for name in DEVELOPMENT}
    engine = create_db_engine(settings.database_url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        load_default_knowledge(session, settings.data_dir)
        session.commit()
        for region in (float(value) for value in arguments.region.split(",")):
            for unplaced, also in itertools.product(
                (float(value) for value in arguments.unplaced.split(",")),
                (float(value) for value in arguments.also_named.split(",")),
            ):
                # The weights are the model's constants; a benchmark may set them, the
                # service never does.
                model.REGION_AGAINST, model.UNPLACED = region, unplaced
                model.REGION_ALSO_NAMED = also
                for name, vignettes in sets.items():
                    result = evaluate(session, KnowledgeCache(settings), vignettes)
                    top = result.calibration()[-1]
                    print(
                        f"region {region:<6} unplaced {unplaced:<4} also named {also:<5} "
                        f"{name:<22} "
                        f"top-1 {result.share_within(1):6.1%} top-3 {result.share_within(3):6.1%} "
                        f"out of base <= 0.2 {result.honest_out_of_coverage or 0:6.1%} "
                        f"leader >= 0.8 right {top.accuracy or 0:6.1%} of {top.count:<3} "
                        f"Brier {result.brier or 0:.3f} "
                        f"confident wrong {len(result.confident_wrong)}"
                    )
    engine.dispose()


if __name__ == "__main__":
    main()
