"""The checker's body map: every segment a region of the vocabulary, each region one stop."""

import tomllib

from app.services.body_map import BACK, FRONT, body_map, drawn_regions, rounded
from tests.conftest import DATA_DIR


def vocabulary_regions() -> dict[str, str]:
    vocabulary = tomllib.loads((DATA_DIR / "vocabulary.toml").read_text(encoding="utf-8"))
    return {region["slug"]: region["name"] for region in vocabulary["region"]}


def test_every_segment_is_a_region_of_the_vocabulary() -> None:
    regions = vocabulary_regions()
    assert drawn_regions() <= regions.keys()
    # What the map cannot show is a broad region (chosen in the list) or the ball of the foot.
    undrawn = regions.keys() - drawn_regions()
    assert undrawn == {"arm", "trunk", "leg", "thigh", "knee", "lower-leg", "forefoot"}


def test_each_region_is_one_button_however_often_it_is_drawn() -> None:
    views = body_map(vocabulary_regions())
    assert [view.key for view in views] == ["front", "back"]
    buttons = [drawn.region for view in views for drawn in view.drawn if drawn.button]
    assert sorted(buttons) == sorted(drawn_regions())
    [front, back] = views
    # A limb is drawn on both sides, the second a mirrored picture of the first.
    shoulders = [drawn for drawn in front.drawn if drawn.region == "shoulder"]
    assert [(s.mirrored, s.button) for s in shoulders] == [(False, True), (True, False)]
    # The back's head is a picture of the front's.
    assert not [drawn for drawn in back.drawn if drawn.region == "head" and drawn.button]


def test_the_keyboard_goes_top_to_bottom() -> None:
    order = [segment.region for segment in FRONT]
    assert order.index("head") < order.index("chest") < order.index("front-knee")
    assert order.index("front-knee") < order.index("toes")
    assert [segment.region for segment in BACK][-1] == "heel"


def test_a_limited_map_offers_only_its_regions() -> None:
    views = body_map(vocabulary_regions(), offered={"back-knee", "calf"})
    offered = {drawn.region for view in views for drawn in view.drawn if drawn.offered}
    assert offered == {"back-knee", "calf"}
    assert {drawn.region for view in views for drawn in view.drawn if drawn.button} == offered


def test_a_region_the_base_lacks_is_not_drawn() -> None:
    regions = vocabulary_regions()
    del regions["toes"]
    assert "toes" not in {drawn.region for view in body_map(regions) for drawn in view.drawn}


def test_rounded_corners() -> None:
    square = rounded([(0, 0), (10, 0), (10, 4), (0, 4)], 1)
    assert square == "M0 1 Q0 0 1 0 L9 0 Q10 0 10 1 L10 3 Q10 4 9 4 L1 4 Q0 4 0 3 Z"
    # Never past the middle of a side: two corners of a short side do not cross.
    thin = rounded([(0, 0), (10, 0), (10, 2), (0, 2)], 3)
    assert thin.startswith("M0 1 Q0 0 3 0 L7 0 Q10 0 10 1 L10 1")
