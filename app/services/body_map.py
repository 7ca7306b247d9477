"""The body map of the symptom checker: a front and a back view drawn as segments, each
segment a body region of the vocabulary.

Left and right are the same region to the service, so a limb is drawn once, on the viewer's
left, and mirrored; only the first drawing of a region (front before back) is a keyboard stop
and a button for assistive technology, so every region is reached exactly once. A region the
map cannot show well (the ball of the foot) is still offered in the checker's list of regions.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import hypot

# Drawn in a 200-unit-wide space centred on x=100; the figure fills x 30..170.
VIEW_BOX = "30 0 140 476"
MIRROR = "matrix(-1 0 0 1 200 0)"

Point = tuple[float, float]


def rounded(points: Sequence[Point], radius: float) -> str:
    """A closed path through the points with each corner rounded (a quadratic curve)."""
    commands: list[str] = []
    count = len(points)
    for number, corner in enumerate(points):
        before, after = points[number - 1], points[(number + 1) % count]
        start = _towards(corner, before, radius)
        end = _towards(corner, after, radius)
        commands.append(f"{'M' if number == 0 else 'L'}{_xy(start)}")
        commands.append(f"Q{_xy(corner)} {_xy(end)}")
    return " ".join(commands) + " Z"


def ellipse(cx: float, cy: float, rx: float, ry: float) -> str:
    return (
        f"M{_xy((cx - rx, cy))} A{_n(rx)} {_n(ry)} 0 1 0 {_xy((cx + rx, cy))} "
        f"A{_n(rx)} {_n(ry)} 0 1 0 {_xy((cx - rx, cy))} Z"
    )


def _towards(corner: Point, other: Point, radius: float) -> Point:
    # Never more than half a side, so two rounded corners of a short side do not cross.
    length = hypot(other[0] - corner[0], other[1] - corner[1])
    share = min(radius, length / 2) / length if length else 0.0
    return corner[0] + (other[0] - corner[0]) * share, corner[1] + (other[1] - corner[1]) * share


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _xy(point: Point) -> str:
    return f"{_n(point[0])} {_n(point[1])}"


@dataclass(frozen=True)
class Segment:
    """One drawn part of the body: the region it is, its outline, and whether the limb is
    drawn again on the other side."""

    region: str
    path: str
    paired: bool = False


# The limbs and the head are the same in both views.
_HEAD = Segment("head", ellipse(100, 31, 17, 22))
_NECK = Segment("neck", rounded([(92, 55), (108, 55), (110, 70), (90, 70)], 2))
_SHOULDER = Segment("shoulder", ellipse(61, 88, 12, 14), paired=True)
_ARM = [
    Segment("upper-arm", rounded([(48, 104), (62, 105), (60, 148), (44, 146)], 5), paired=True),
    Segment("elbow", ellipse(51.5, 157, 8.5, 7.5), paired=True),
    Segment("forearm", rounded([(43, 166.5), (59, 167.5), (54, 212), (40, 210)], 5), paired=True),
    Segment(
        "wrist", rounded([(39.5, 214), (53.5, 215.5), (52.5, 226), (38.5, 224.5)], 3), paired=True
    ),
    Segment(
        "hand",
        rounded([(38, 228.5), (52.5, 230), (54, 250), (48, 264), (40, 262), (35, 249)], 5),
        paired=True,
    ),
]
# The shoulders' slope, down to where the chest (front) or the upper back (back) ends.
_UPPER_TRUNK: list[Point] = [(90, 73), (110, 73), (124, 79), (129, 100)]
_ANKLE = Segment("ankle", rounded([(77, 424), (91, 424), (91, 436), (77, 436)], 3), paired=True)
_LOWER_LEG: list[Point] = [(73, 351), (93, 351), (91, 420), (77, 420)]

# In the order a keyboard visits them: top to bottom, the trunk before the limb beside it.
FRONT: list[Segment] = [
    _HEAD,
    _NECK,
    _SHOULDER,
    Segment("chest", rounded([*_UPPER_TRUNK, (130, 130), (70, 130), (71, 100), (76, 79)], 5)),
    _ARM[0],
    _ARM[1],
    Segment("abdomen", rounded([(70, 134), (130, 134), (128, 184), (72, 184)], 5)),
    *_ARM[2:],
    Segment(
        "hip", rounded([(71, 188), (84, 188), (80, 220), (66, 223), (67, 203)], 4), paired=True
    ),
    Segment("groin", rounded([(88, 188), (112, 188), (108, 218), (100, 230), (92, 218)], 4)),
    Segment("outer-thigh", rounded([(65, 227), (73, 227), (77, 316), (71, 316)], 3), paired=True),
    Segment(
        "front-thigh", rounded([(75.5, 227), (88, 227), (86, 316), (79.5, 316)], 4), paired=True
    ),
    Segment(
        "inner-thigh", rounded([(90.5, 226), (97, 234), (94, 316), (88.5, 316)], 3), paired=True
    ),
    Segment("outer-knee", rounded([(71, 320), (77, 320), (77, 346), (72, 346)], 2), paired=True),
    Segment("front-knee", ellipse(83, 333, 4.5, 12), paired=True),
    Segment("inner-knee", rounded([(89, 320), (94, 320), (93, 346), (89.5, 346)], 2), paired=True),
    Segment("shin", rounded(_LOWER_LEG, 5), paired=True),
    _ANKLE,
    Segment("foot", rounded([(76, 440), (92, 440), (96, 456), (74, 456)], 3), paired=True),
    Segment("toes", rounded([(73.5, 460), (96.5, 460), (97, 470), (73, 470)], 4), paired=True),
]

BACK: list[Segment] = [
    _HEAD,
    _NECK,
    _SHOULDER,
    Segment(
        "upper-back",
        rounded([*_UPPER_TRUNK, (130, 140), (70, 140), (71, 100), (76, 79)], 5),
    ),
    _ARM[0],
    _ARM[1],
    Segment("lower-back", rounded([(70, 144), (130, 144), (128, 184), (72, 184)], 5)),
    *_ARM[2:],
    Segment("buttock", rounded([(70, 188), (98.5, 188), (98.5, 230), (67, 228)], 7), paired=True),
    Segment("back-thigh", rounded([(66, 234), (98, 234), (94, 316), (71, 316)], 5), paired=True),
    Segment("back-knee", rounded([(71, 320), (94, 320), (93, 346), (72, 346)], 4), paired=True),
    Segment("calf", rounded(_LOWER_LEG, 5), paired=True),
    _ANKLE,
    Segment("heel", rounded([(77, 440), (91, 440), (92, 458), (76, 458)], 5), paired=True),
]


@dataclass(frozen=True)
class Drawn:
    """A segment as the page draws it."""

    region: str
    name: str
    path: str
    mirrored: bool
    # Only one drawing of each region is a button and a keyboard stop; the others are its
    # pictures (a click on them chooses the same region).
    button: bool
    # Outside the regions the page was limited to: drawn, but not offered.
    offered: bool


@dataclass(frozen=True)
class View:
    key: str
    drawn: list[Drawn]


def body_map(names: Mapping[str, str], offered: Iterable[str] | None = None) -> list[View]:
    """The front and back views, with the regions the base knows (``names``: slug to name);
    ``offered`` limits which of them may be chosen (None: all)."""
    allowed = set(names) if offered is None else set(offered) & set(names)
    seen: set[str] = set()
    views: list[View] = []
    for key, segments in (("front", FRONT), ("back", BACK)):
        drawn: list[Drawn] = []
        for segment in segments:
            if segment.region not in names:
                continue  # a region the base no longer has is not offered under another name
            sides = (False, True) if segment.paired else (False,)
            for mirrored in sides:
                first = segment.region in allowed and segment.region not in seen
                if first:
                    seen.add(segment.region)
                drawn.append(
                    Drawn(
                        region=segment.region,
                        name=names[segment.region],
                        path=segment.path,
                        mirrored=mirrored,
                        button=first,
                        offered=segment.region in allowed,
                    )
                )
        views.append(View(key, drawn))
    return views


def drawn_regions() -> set[str]:
    """Every region the map can show."""
    return {segment.region for segment in (*FRONT, *BACK)}
