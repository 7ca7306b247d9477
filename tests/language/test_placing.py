"""Body regions and the words that cannot be placed, as plain functions."""

import dataclasses

from app.language.placing import place_regions, unplaced_words
from app.language.regions import Region, RegionIndex
from app.language.vocabulary_index import VocabularyIndex
from tests.language.test_recognition import _index

REGIONS = RegionIndex.of(
    [
        Region("leg", "Leg"),
        Region("knee", "Knee", "leg"),
        Region("front-knee", "Front of the knee", "knee"),
        Region("shin", "Shin", "leg"),
        Region("lower-back", "Lower back"),
    ],
    [
        ("leg", "leg"),
        ("knee", "knee"),
        ("front-knee", "kneecap"),
        ("front-knee", "front of my knee"),
        ("shin", "shin bone"),
        ("lower-back", "back"),
    ],
)


def _with_regions() -> VocabularyIndex:
    return dataclasses.replace(_index(), regions=REGIONS)


class TestRegionIndex:
    def test_a_region_overlaps_what_is_above_and_below_it(self) -> None:
        assert REGIONS.overlap("front-knee", "knee")
        assert REGIONS.overlap("leg", "front-knee")
        assert not REGIONS.overlap("knee", "shin")
        assert REGIONS.covers(["knee"], "front-knee") and not REGIONS.covers(["knee"], "shin")

    def test_words_are_found_longest_first_in_any_case(self) -> None:
        found = REGIONS.find("Pain at the Front of my Knee and my shin bone")
        assert [(r.region, r.text) for r in found] == [
            ("front-knee", "Front of my Knee"),
            ("shin", "shin bone"),
        ]

    def test_the_most_specific_regions_stand_for_the_broader(self) -> None:
        assert REGIONS.most_specific(["leg", "knee", "front-knee", "lower-back"]) == [
            "front-knee",
            "lower-back",
        ]


class TestPlacing:
    def test_a_region_is_the_complaint_only_near_a_complaint_word(self) -> None:
        index = _with_regions()
        text = "came back from holiday last week and now my kneecap aches"
        placed = {r.region: r.complaint for r in place_regions(index, text, [])}
        # "Came back" is a return, not the back; the kneecap aches.
        assert placed == {"front-knee": True}
        [back] = place_regions(index, "my back has been aching since the weekend", [])
        assert back.region == "lower-back" and back.complaint
        far = "my back is where I carry the bag, and after the long walk my knee aches"
        assert {r.region: r.complaint for r in place_regions(index, far, [])}["lower-back"] is False

    def test_a_region_said_to_be_fine_is_no_complaint(self) -> None:
        index = _with_regions()
        [back] = place_regions(index, "my back is fine", [])
        assert back.denied and not back.complaint

    def test_in_a_list_naming_the_region_is_enough(self) -> None:
        index = _with_regions()
        [knee] = place_regions(index, "knee", [], listed=True)
        assert knee.complaint

    def test_what_is_left_over_is_reported_with_offsets(self) -> None:
        index = _with_regions()
        text = "my kneecap hurts going downhill, since Tuesday"
        regions = place_regions(index, text, [])
        left = unplaced_words(text, [], regions)
        assert [(item.text, text[item.start : item.end]) for item in left] == [
            ("downhill", "downhill"),
            ("Tuesday", "Tuesday"),
        ]
