"""The HPO import and the hierarchy-aware ranking, on a miniature release written for the tests
(tests/fixtures/hpo: HPO's file formats, made-up content)."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import Settings
from app.core.db import begin_writing, create_db_engine, upgrade_to_head
from app.ingest.document import DocumentError
from app.ingest.hpo_release import read_release
from app.main import create_app
from app.models import Condition, ConditionSymptom, Frequency, Source, Symptom, SymptomParent
from app.ranking.model import Evidence, Relation, next_question, rank_candidates
from app.ranking.profiles import ConditionProfile, ConditionProfiles, ListedSymptom
from app.ranking.scoring import Hierarchy, Listing, ScoringIndex
from app.store import search_index
from app.store.hpo import fingerprint, import_hpo
from tests.conftest import client_session, import_text, issue_key

FIXTURES = Path(__file__).parents[1] / "fixtures" / "hpo"
HPOA = FIXTURES / "phenotype.hpoa"
OBO = FIXTURES / "hp.obo"
FIRST_ROW = 4  # the line of the first annotation in phenotype.hpoa


def _import(session: Session, hpoa: Path = HPOA, obo: Path = OBO) -> None:
    begin_writing(session)
    import_hpo(
        session, read_release(hpoa, obo), sha256=fingerprint(hpoa.read_bytes(), obo.read_bytes())
    )
    session.commit()


# --- reading a release -----------------------------------------------------------------------


def test_the_reader_keeps_every_fact_the_service_uses() -> None:
    release = read_release(HPOA, OBO)
    assert (release.ontology.release, release.annotations.release) == ("2099-01-01",) * 2
    terms = release.ontology.terms
    seizure = terms["HP:9000011"]
    # The broad synonym names another, wider idea, so only exact ones are kept.
    assert seizure.synonyms == ("Seizures", "Fits")
    assert seizure.alt_ids == ("HP:9000099",)
    assert seizure.parents == ("HP:9000010",)
    assert "HP:9000098" not in terms
    assert release.ontology.replaced_by["HP:9000098"] == "HP:9000031"

    diseases = release.annotations.diseases
    assert set(diseases) == {"OMIM:900001", "OMIM:900002", "ORPHA:900003"}  # no DECIPHER
    alpha = diseases["OMIM:900001"]
    assert alpha.name == "Alpha syndrome"
    # Two reports of one feature: the larger frequency. An obsolete id: its replacement.
    assert alpha.annotations["HP:9000012"].frequency == pytest.approx(0.895)
    assert alpha.annotations["HP:9000021"].frequency == 0.5
    assert alpha.annotations["HP:9000031"].frequency == pytest.approx(0.17)
    assert "HP:0000006" not in alpha.annotations  # a mode of inheritance is not a symptom
    beta = diseases["OMIM:900002"].annotations
    assert beta["HP:9000011"].frequency is None  # named by its earlier id
    assert beta["HP:9000022"].frequency == 0.8
    assert beta["HP:9000021"].excluded


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (7, "7/5", "frequency '7/5' is not a proportion"),
        (7, "often", "cannot read frequency 'often'"),
        (3, "HP:9999999", "unknown HPO term 'HP:9999999'"),
        (2, "MAYBE", "unknown qualifier 'MAYBE'"),
    ],
)
def test_a_bad_annotation_names_file_and_line(
    tmp_path: Path, column: int, value: str, message: str
) -> None:
    lines = HPOA.read_text().splitlines()
    cells = lines[FIRST_ROW].split("\t")
    cells[column] = value
    lines[FIRST_ROW] = "\t".join(cells)
    broken = tmp_path / "phenotype.hpoa"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(DocumentError) as raised:
        read_release(broken, OBO)
    assert str(raised.value) == f"phenotype.hpoa:{FIRST_ROW + 1}: {message}"


def test_a_bad_ontology_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "hp.obo"
    broken.write_text(OBO.read_text().replace('synonym: "Fits" EXACT', "synonym: Fits EXACT"))
    with pytest.raises(DocumentError, match=r"^hp\.obo:\d+: cannot read synonym 'Fits EXACT"):
        read_release(HPOA, broken)
    broken.write_text(OBO.read_text().replace("is_a: HP:9000002", "is_a: HP:9000777"))
    with pytest.raises(DocumentError, match="has unknown parent HP:9000777"):
        read_release(HPOA, broken)
    # Phenotypic abnormality under Seizure, which is under it: a cycle.
    cyclic = OBO.read_text().replace("is_a: HP:9000001 ! All", "is_a: HP:9000011 ! Seizure")
    broken.write_text(cyclic)
    with pytest.raises(DocumentError, match="is its own ancestor"):
        read_release(HPOA, broken)


# --- importing -------------------------------------------------------------------------------


def _count(url: str, model: type[Condition] | type[Symptom] | type[SymptomParent]) -> int:
    engine = create_db_engine(url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(model)).one()
    engine.dispose()
    return count


def test_import_hpo_loads_a_release_once(database: str) -> None:
    arguments = ["import-hpo", "--hpoa", str(HPOA), "--obo", str(OBO)]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert "HPO release 2099-01-01: 13 terms; conditions 3 created" in result.output
    assert (_count(database, Condition), _count(database, Symptom)) == (3, 13)
    assert _count(database, SymptomParent) == 12  # every live term but the root has one

    again = CliRunner().invoke(cli, arguments)
    assert again.exit_code == 0
    assert "already imported: nothing changed (3 conditions)" in again.output


def test_import_hpo_refuses_a_bad_file_and_writes_nothing(database: str, tmp_path: Path) -> None:
    upgrade_to_head(create_db_engine(database))
    broken = tmp_path / "phenotype.hpoa"
    broken.write_text(HPOA.read_text().replace("\t5/10\t", "\t11/10\t"))
    result = CliRunner().invoke(cli, ["import-hpo", "--hpoa", str(broken), "--obo", str(OBO)])
    assert result.exit_code == 1
    assert "phenotype.hpoa:6: frequency '11/10' is not a proportion" in result.output
    assert _count(database, Condition) == 0
    missing = CliRunner().invoke(cli, ["import-hpo", "--hpoa", str(tmp_path / "no.hpoa")])
    assert missing.exit_code == 1


def test_a_new_release_changes_only_what_changed(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        _import(session)
    # Beta syndrome is gone; Gamma disease's headache now has a frequency; Alpha is as it was.
    newer = tmp_path / "phenotype.hpoa"
    kept = [line for line in HPOA.read_text().splitlines() if not line.startswith("OMIM:900002")]
    newer.write_text(
        "\n".join(kept).replace("HP:9000014\tPMID:1\tPCS\t\t\t", "HP:9000014\tPMID:1\tPCS\t\t1/3\t")
        + "\n"
    )
    with Session(engine) as session:
        begin_writing(session)
        outcome = import_hpo(session, read_release(newer, OBO), sha256="newer")
        session.commit()
        assert (outcome.conditions_updated, outcome.conditions_removed) == (1, 1)
        assert outcome.conditions_unchanged == 1
        versions = dict(session.exec(select(Condition.source_id, Condition.version)).all())
        frequency = session.exec(
            select(ConditionSymptom.frequency_value)
            .join(Symptom, col(Symptom.id) == col(ConditionSymptom.symptom_id))
            .where(Symptom.source_id == "HP:9000014")
        ).one()
        connection = session.connection()
        query = search_index.search(connection.dialect.name, ["scoliosis"], limit=5, after=None)
        found = connection.execute(query).all()
    assert versions == {"OMIM:900001": 1, "ORPHA:900003": 2}
    assert frequency == pytest.approx(1 / 3)
    assert found == []  # Beta syndrome's search row went with it


def _release_with(tmp_path: Path, old: str, new: str) -> Path:
    changed = tmp_path / "hp.obo"
    changed.write_text(OBO.read_text().replace(old, new))
    return changed


def test_a_renamed_term_is_renamed_everywhere(hpo_client: TestClient, tmp_path: Path) -> None:
    renamed = _release_with(tmp_path, "name: Headache", "name: Cephalalgia")
    with client_session(hpo_client) as session:
        _import(session, HPOA, renamed)
    answer = hpo_client.post("/v1/lookup", json={"symptoms": ["Cephalalgia"]}).json()
    assert [item["symptom"]["slug"] for item in answer["recognized"]] == ["hp-9000014"]
    gamma = hpo_client.get("/v1/conditions/ORPHA:900003").json()
    assert gamma["version"] == 2
    assert "Cephalalgia" in [item["text"] for item in gamma["symptoms"]]
    found = hpo_client.get("/v1/conditions", params={"q": "cephalalgia"}).json()["items"]
    assert [item["slug"] for item in found] == ["orpha-900003"]


def test_a_retired_term_hands_its_id_to_its_replacement(
    hpo_client: TestClient, tmp_path: Path
) -> None:
    # The next release merges Absence seizure into Focal seizure.
    retired = _release_with(
        tmp_path,
        "id: HP:9000013\nname: Absence seizure\nis_a: HP:9000011 ! Seizure",
        "id: HP:9000013\nname: obsolete Absence seizure\nis_obsolete: true\n"
        "replaced_by: HP:9000012",
    )
    with client_session(hpo_client) as session:
        _import(session, HPOA, retired)
    assert hpo_client.get("/v1/symptoms/HP:9000013").json()["slug"] == "hp-9000012"
    assert hpo_client.get("/v1/symptoms/hp-9000013").status_code == 404
    answer = hpo_client.post("/v1/lookup", json={"symptoms": ["HP:9000013"]}).json()
    assert {c["condition"]["slug"] for c in answer["candidates"]} == {"omim-900001", "orpha-900003"}


def test_an_edit_after_a_new_release_continues_its_versions(
    settings: Settings, tmp_path: Path
) -> None:
    # The release comes in as a command would bring it, from outside the service's units of
    # work; a service that trusts its version snapshot for no time at all sees it at once.
    eager = settings.model_copy(update={"version_recheck_seconds": 0.0})
    with TestClient(create_app(eager)) as hpo_client:
        with client_session(hpo_client) as session:
            _import(session)
        before = hpo_client.get("/v1/conditions/orpha-900003")
        renamed = _release_with(tmp_path, "name: Headache", "name: Cephalalgia")
        with client_session(hpo_client) as session:
            _import(session, HPOA, renamed)
        writer = issue_key(hpo_client, "write")
        patch = {"summary": "A made-up disease of the test release."}
        headers = writer | {"Content-Type": "application/merge-patch+json"}
        stale = hpo_client.patch(
            "/v1/conditions/orpha-900003",
            json=patch,
            headers=headers | {"If-Match": before.headers["etag"]},
        )
        assert stale.status_code == 412
        current = hpo_client.get("/v1/conditions/orpha-900003")
        edited = hpo_client.patch(
            "/v1/conditions/orpha-900003",
            json=patch,
            headers=headers | {"If-Match": current.headers["etag"]},
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["version"] == 3


def test_an_import_that_fails_halfway_leaves_the_base_as_it_was(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_arguments: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(search_index, "write_row", fail)
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(Symptom)).one()
    with Session(engine) as session:
        with pytest.raises(RuntimeError):
            _import(session)
        session.rollback()
        assert session.exec(select(func.count()).select_from(Symptom)).one() == before
        assert session.exec(select(Source)).first() is None
        assert (
            session.exec(select(Condition).where(col(Condition.source_id).is_not(None))).all() == []
        )


# --- serving it ------------------------------------------------------------------------------


@pytest.fixture
def hpo_client(client: TestClient) -> TestClient:
    """The default knowledge base with the miniature HPO release beside it."""
    with client_session(client) as session:
        _import(session)
    return client


def test_ids_name_symptoms_and_conditions_anywhere(hpo_client: TestClient) -> None:
    seizure = hpo_client.get("/v1/symptoms/HP:9000011").json()
    assert (seizure["slug"], seizure["source_id"]) == ("hp-9000011", "HP:9000011")
    # "Seizures" is the name again once plurals are read as one word, so it is not repeated.
    assert seizure["synonyms"] == ["Fits"]
    assert seizure["parents"] == ["hp-9000010"]
    assert seizure["conditions"] == ["omim-900002"]
    assert hpo_client.get("/v1/symptoms/HP:9000099").json()["slug"] == "hp-9000011"

    alpha = hpo_client.get("/v1/conditions/OMIM:900001").json()
    assert (alpha["slug"], alpha["source_id"], alpha["name"]) == (
        "omim-900001",
        "OMIM:900001",
        "Alpha syndrome",
    )
    focal = next(s for s in alpha["symptoms"] if s["source_id"] == "HP:9000012")
    assert (focal["frequency"], focal["frequency_value"]) == ("common", pytest.approx(0.895))
    assert "release 2099-01-01" in alpha["source"]["provenance"]

    [source] = hpo_client.get("/v1/sources").json()["items"]
    assert (source["key"], source["release"], source["conditions"]) == ("hpo", "2099-01-01", 3)
    assert "release 2099-01-01" in source["acknowledgement"]
    assert "hpo.jax.org/license" in source["license"]


def test_a_broad_term_finds_conditions_that_list_a_narrower_one(hpo_client: TestClient) -> None:
    answer = hpo_client.post("/v1/lookup", json={"symptoms": ["HP:9000011"]}).json()
    candidates = answer["candidates"]
    # Focal seizures in most (0.9), absence seizures in half, seizures of no stated frequency.
    assert [c["condition"]["source_id"] for c in candidates] == [
        "OMIM:900001",
        "ORPHA:900003",
        "OMIM:900002",
    ]
    [alpha_match] = candidates[0]["matched"]
    assert (alpha_match["slug"], alpha_match["reported"], alpha_match["relation"]) == (
        "hp-9000012",
        "hp-9000011",
        "more_specific",
    )
    assert candidates[2]["matched"][0]["relation"] == "exact"
    assert "a form of what you reported" in candidates[0]["explanation"]


def test_lay_names_earlier_ids_and_exclusions(hpo_client: TestClient) -> None:
    answer = hpo_client.post(
        "/v1/lookup",
        json={"symptoms": ["Fits", "HP:9000098", "HP:1234567"], "absent": ["HP:9000021"]},
    ).json()
    recognized = {item["input"]: item["symptom"]["slug"] for item in answer["recognized"]}
    assert recognized == {
        "Fits": "hp-9000011",
        "HP:9000098": "hp-9000031",
        "HP:9000021": "hp-9000021",
    }
    # An id this base does not hold is said so, with no look-alike spellings.
    assert answer["unrecognized"] == [
        {"input": "HP:1234567", "suggestions": [], "start": None, "end": None}
    ]
    alpha = next(c for c in answer["candidates"] if c["condition"]["slug"] == "omim-900001")
    assert [item["slug"] for item in alpha["against"]] == ["hp-9000021"]


def test_the_sports_lookup_is_unchanged_by_a_large_base_beside_it(client: TestClient) -> None:
    request = {"symptoms": ["buttock pain", "pain when sitting", "pain when sprinting"]}
    before = client.post("/v1/lookup", json=request).json()
    with client_session(client) as session:
        _import(session)
    after = client.post("/v1/lookup", json=request).json()
    assert [c["condition"]["slug"] for c in after["candidates"]] == [
        c["condition"]["slug"] for c in before["candidates"]
    ]
    assert after["next_question"] == before["next_question"]


def test_a_release_file_can_be_imported_from_anywhere(engine: Engine, tmp_path: Path) -> None:
    hpoa, obo = tmp_path / "annotations.tsv", tmp_path / "ontology.obo"
    shutil.copy(HPOA, hpoa)
    shutil.copy(OBO, obo)
    with Session(engine) as session:
        _import(session, hpoa, obo)
        assert (
            len(session.exec(select(Condition).where(col(Condition.source_id).is_not(None))).all())
            == 3
        )


# --- the ranking over a hierarchy ------------------------------------------------------------

PARENTS: dict[str, tuple[str, ...]] = {
    "focal-seizure": ("seizure",),
    "absence-seizure": ("seizure",),
    "seizure": ("nervous-system",),
    "headache": ("nervous-system",),
    "nervous-system": ("phenotype",),
    "other-finding": ("phenotype",),
}
FILLERS = 200  # conditions with nothing nervous, so the nervous findings are specific


def _profiles(listings: dict[str, dict[str, float]], *, ontology: bool = True) -> ConditionProfiles:
    ordered: list[ConditionProfile] = []
    rows: list[Listing] = []
    for number, (slug, symptoms) in enumerate(listings.items()):
        profile = ConditionProfile(slug=slug, name=slug.title())
        for symptom, probability in symptoms.items():
            frequency = Frequency.absent if probability == 0 else Frequency.common
            profile.symptoms[symptom] = ListedSymptom(symptom, symptom, frequency, probability)
            rows.append(Listing(number, symptom, max(probability, 0.01), probability == 0))
        ordered.append(profile)
    terms = frozenset(PARENTS) | {"phenotype"} if ontology else frozenset()
    scoring = ScoringIndex([p.slug for p in ordered], rows, Hierarchy(PARENTS), terms)
    return ConditionProfiles(ordered, scoring)


def _base(**listings: dict[str, float]) -> dict[str, dict[str, float]]:
    fillers = {f"filler-{n:03}": {"other-finding": 0.5} for n in range(FILLERS)}
    return listings | fillers


def _evidence(present: set[str], absent: set[str] = frozenset()) -> Evidence:  # type: ignore[assignment]
    return Evidence(present=frozenset(present), absent=frozenset(absent), red_flags=frozenset())


def test_partial_credit_follows_how_close_the_listing_is() -> None:
    profiles = _profiles(
        _base(
            focal={"focal-seizure": 0.9},
            absence={"absence-seizure": 0.9},
            headache={"headache": 0.9},
        )
    )
    ranking = rank_candidates(profiles, _evidence({"focal-seizure"}), limit=10)
    order = [item.profile.slug for item in ranking.candidates]
    # Exact, then a sibling seizure, then a cousin under the nervous system; no filler.
    assert order == ["focal", "absence", "headache"]
    relations = [item.matched[0].relation for item in ranking.candidates]
    assert relations == [Relation.exact, Relation.related, Relation.related]
    scores = [item.score for item in ranking.candidates]
    assert scores[0] > 10 * scores[1] > 10 * scores[2] > 0


def test_a_broader_report_is_explained_in_full_by_a_narrower_listing() -> None:
    profiles = _profiles(_base(focal={"focal-seizure": 0.9}, vague={"seizure": 0.9}))
    ranking = rank_candidates(profiles, _evidence({"seizure"}), limit=10)
    by_slug = {item.profile.slug: item for item in ranking.candidates}
    assert by_slug["focal"].matched[0].relation is Relation.more_specific
    assert by_slug["focal"].score == pytest.approx(by_slug["vague"].score)


def test_a_known_absence_rules_a_condition_down() -> None:
    profiles = _profiles(
        _base(lacks={"focal-seizure": 0.9, "headache": 0.0}, has={"focal-seizure": 0.9})
    )
    ranking = rank_candidates(profiles, _evidence({"focal-seizure", "headache"}), limit=10)
    assert [item.profile.slug for item in ranking.candidates][:2] == ["has", "lacks"]
    assert [s.slug for s in ranking.candidates[1].unexpected] == ["headache"]


@pytest.mark.parametrize(("ontology", "least", "most"), [(False, 5.0, 100.0), (True, 1.0, 1.5)])
def test_an_excluded_term_counts_less_than_a_persons_own_no(
    ontology: bool, least: float, most: float
) -> None:
    # A recorded exclusion is weak evidence (clinicians record what they suspected); a
    # person's "no" to a question is believed in full.
    profiles = _profiles(
        _base(
            usual={"focal-seizure": 0.9, "headache": 0.9},
            rare={"focal-seizure": 0.9, "headache": 0.1},
        ),
        ontology=ontology,
    )
    ranking = rank_candidates(profiles, _evidence({"focal-seizure"}, {"headache"}), limit=10)
    scores = {item.profile.slug: item.score for item in ranking.candidates}
    assert least < scores["rare"] / scores["usual"] < most


def test_the_vocabulary_can_give_its_symptoms_parents(bare_client: TestClient) -> None:
    admin = issue_key(bare_client, "admin", name="admin")
    for entry in (
        {"slug": "hip-ache", "name": "Hip ache"},
        {"slug": "sitting-twinge", "name": "Sitting twinge", "parents": ["hip-ache"]},
    ):
        response = bare_client.put(f"/v1/symptoms/{entry['slug']}", json=entry, headers=admin)
        assert response.status_code in (200, 201), response.text
    assert bare_client.get("/v1/symptoms/sitting-twinge").json()["parents"] == ["hip-ache"]
    with client_session(bare_client) as session:
        import_text(session, "# Deep gluteal strain\nSymptoms\n1. Sitting twinge\n")

    answer = bare_client.post("/v1/lookup", json={"symptoms": ["hip-ache"]}).json()
    [candidate] = answer["candidates"]
    assert candidate["condition"]["slug"] == "deep-gluteal-strain"
    assert candidate["matched"][0]["relation"] == "more_specific"

    cycle = {"slug": "hip-ache", "name": "Hip ache", "parents": ["sitting-twinge"]}
    refused = bare_client.put("/v1/symptoms/hip-ache", json=cycle, headers=admin)
    assert refused.status_code == 422
    assert "would be its own ancestor" in refused.json()["detail"]
    assert bare_client.get("/v1/symptoms/hip-ache").json()["parents"] == []
    unknown = {"slug": "hip-ache", "name": "Hip ache", "parents": ["no-such-symptom"]}
    assert bare_client.put("/v1/symptoms/hip-ache", json=unknown, headers=admin).status_code == 422


def test_many_unmatched_terms_do_not_scramble_the_order() -> None:
    # 400 reported terms that only fillers have: every score rounds to 0, and the order must
    # still follow the evidence (three matches beat two), not the alphabet.
    rare = {f"rare-{n:03}": ("phenotype",) for n in range(400)}
    PARENTS.update(rare)
    try:
        listings = {
            "zeta": {"focal-seizure": 0.9, "headache": 0.9, "absence-seizure": 0.9},
            "alpha": {"focal-seizure": 0.9, "headache": 0.9},
        } | {f"filler-{n:04}": {f"rare-{n % 400:03}": 0.5} for n in range(2000)}
        ranking = rank_candidates(
            _profiles(listings),
            _evidence({"focal-seizure", "headache", "absence-seizure", *rare}),
            limit=10,
        )
    finally:
        for slug in rare:
            del PARENTS[slug]
    assert max(ranking.scores) == 0.0
    assert [item.profile.slug for item in ranking.candidates[:2]] == ["zeta", "alpha"]


def test_the_next_question_does_not_ask_about_a_form_of_a_denied_symptom() -> None:
    profiles = _profiles(
        _base(
            focal={"focal-seizure": 0.9, "headache": 0.5},
            other={"headache": 0.5, "other-finding": 0.9},
        )
    )
    evidence = _evidence({"headache"}, {"seizure"})
    ranking = rank_candidates(profiles, evidence, limit=10)
    question = next_question(profiles, ranking, evidence)
    assert question is not None and question.symptom == "other-finding"
    focal = next(item for item in ranking.candidates if item.profile.slug == "focal")
    assert [item.slug for item in focal.against] == ["focal-seizure"]
    assert focal.not_mentioned == []


def test_an_edit_can_name_symptoms_by_their_ontology_ids(hpo_client: TestClient) -> None:
    writer = issue_key(hpo_client, "write")
    seizures = {"slug": "HP:9000011", "text": "Seizures in childhood"}
    earlier_id = {"slug": "HP:9000099", "frequency": "rare", "text": "Named by an earlier id"}
    page = {"name": "Made-up seizure disorder", "symptoms": [seizures, earlier_id]}
    repeated = hpo_client.post("/v1/conditions", json=page, headers=writer)
    assert repeated.status_code == 409  # the earlier id names the same symptom
    page["symptoms"] = [seizures, {"slug": "HP:9000014", "text": "Headaches"}]
    created = hpo_client.post("/v1/conditions", json=page, headers=writer)
    assert created.status_code == 201, created.text
    symptoms = created.json()["symptoms"]
    assert [(s["slug"], s["source_id"]) for s in symptoms] == [
        ("hp-9000011", "HP:9000011"),
        ("hp-9000014", "HP:9000014"),
    ]
    unknown = page | {"name": "Another", "symptoms": [{"slug": "HP:1234567", "text": "x"}]}
    refused = hpo_client.post("/v1/conditions", json=unknown, headers=writer)
    assert refused.status_code == 422
    assert "no symptom has the id 'HP:1234567'" in refused.json()["detail"]


def test_autocomplete_finds_ontology_terms_after_the_vocabulary(hpo_client: TestClient) -> None:
    def suggested(q: str) -> list[tuple[str, str]]:
        items = hpo_client.get("/v1/symptoms", params={"q": q}).json()["items"]
        return [(item["slug"], item["matched"]) for item in items]

    # The vocabulary's own words first (a calf that "seized"), then the ontology's: names that
    # start with it, then names with a word that does, shortest first.
    assert [hit for hit in suggested("seiz") if hit[0].startswith("hp-")] == [
        ("hp-9000011", "Seizure"),
        ("hp-9000012", "Focal seizure"),
        ("hp-9000013", "Absence seizure"),
    ]
    assert suggested("fit") == [("hp-9000011", "Fits")]
    assert suggested("bum")[0][0] == "buttock-pain"  # the vocabulary's own words come first


def test_an_emergency_is_an_emergency_on_the_hpo_base_too(hpo_client: TestClient) -> None:
    answer = hpo_client.post(
        "/v1/lookup", json={"text": "crushing chest pain going down my left arm"}
    ).json()
    assert answer["triage"]["level"] == "emergency"
    assert all(candidate["score"] <= 0.2 for candidate in answer["candidates"])
