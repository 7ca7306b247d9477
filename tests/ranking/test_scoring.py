"""The ranking's symptom hierarchy, as a plain function."""

from app.ranking.scoring import Hierarchy


def test_a_lineage_holds_each_broader_symptom_once() -> None:
    hierarchy = Hierarchy({"sit-bone-pain": ("buttock-pain",), "buttock-pain": ("pain",)})
    assert hierarchy.lineage("sit-bone-pain") == ("sit-bone-pain", "buttock-pain", "pain")
    assert hierarchy.lineage("pain") == ("pain",)
