"""Words as the matcher sees them: lower-cased, stemmed, without filler words."""

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from slugify import slugify

WORD_PATTERN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# Words that carry no meaning for a symptom; negations are deliberately not here. Frequency
# words are read from the raw text instead, so they must not push a symptom's words apart.
STOP_WORDS = frozenset(
    """
    a an the of in on at to is are was were be being been am can could may might will would
    my your his her their our its it itself there this that these those which who whom
    when whenever while or and also particularly especially very quite really just some
    i me we you he she they have has had get gets getting got feel feels feeling felt
    with for from by as like both all bit lot such so do does did
    sometimes occasionally less frequently often rarely usually commonly
    """.split()
)

# Lay words for pain count as pain, so "my bum hurts" meets "buttock pain" and "sitting makes
# it worse" meets "pain when sitting"; every way of saying "cannot" is one word, so "can't
# hop" meets "unable to hop".
CANONICAL_STEMS = {
    "hurt": "pain",
    "sore": "pain",
    "soreness": "pain",
    "painful": "pain",
    "throb": "pain",
    "agoni": "pain",
    "agony": "pain",
    "uncomfort": "pain",
    "bother": "pain",
    "flare": "pain",
    "wors": "pain",  # "sitting makes it worse"
    "aw": "pain",  # "awful"
    "miser": "pain",  # "miserable"
    "travel": "spread",
    "radiat": "spread",
    "unabl": "cannot",
    "can't": "cannot",
    "couldn't": "cannot",
    # People type without apostrophes: "cant walk", "couldnt breathe".
    "cant": "cannot",
    "couldnt": "cannot",
    "wont": "cannot",
    "won't": "cannot",
}

# A Snowball stemmer keeps its working state on the instance, so threads sharing one get each
# other's stems (or an IndexError): every thread has its own.
_stemmers = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer


@dataclass(frozen=True, slots=True)
class Token:
    stem: str
    start: int
    end: int


# Body parts named in two words, which must not read as their parts: "sit bone pain" is not
# pain when sitting, and "the back of my thigh" is not the back.
COMPOUNDS = {
    ("sit", "bone"): "sitbone",
    ("bone", "sit"): "sitbone",  # "the bone I sit on"
    ("under", "bum"): "underbum",  # "right under my bum" is the top of the thigh
    ("under", "buttock"): "underbum",
    ("below", "buttock"): "underbum",
    ("below", "bum"): "underbum",
    ("heel", "back"): "heelback",
    ("back", "thigh"): "backthigh",
    ("back", "leg"): "backleg",
    ("back", "knee"): "backknee",
    ("back", "passag"): "backpassag",
    # "The back of my heel" is the heel, "the back seat" a seat, and "came back" a return:
    # none of them is the back.
    ("back", "heel"): "backheel",
    ("back", "ankl"): "backankl",
    ("back", "calf"): "backcalf",
    ("back", "arm"): "backarm",
    ("back", "hand"): "backhand",
    ("back", "wrist"): "backwrist",
    ("back", "neck"): "backneck",
    ("back", "head"): "backhead",
    ("back", "shoulder"): "backshoulder",
    ("back", "seat"): "backseat",
    ("arch", "back"): "archback",  # "arching my back" is not the arch of the foot
    ("back", "tooth"): "backtooth",
    ("back", "teeth"): "backteeth",
    ("came", "back"): "cameback",
    ("come", "back"): "comeback",
    ("went", "back"): "wentback",
    ("got", "back"): "gotback",
    ("get", "back"): "getback",
    ("go", "back"): "goback",
    ("lean", "back"): "leanback",
    ("bent", "back"): "bentback",
    ("bend", "back"): "bendback",
    ("push", "back"): "pushback",
    ("wear", "tear"): "weartear",  # "wear and tear" is not tearful
    ("nose", "run"): "noserun",  # a running nose is not running
    ("run", "nose"): "noserun",
    ("runni", "nose"): "noserun",
}

# "Bend my knee right back" and "my big toe bent right back" say how far, not that the back
# hurts: after these words, "right back" is one word that names no body part.
RIGHT_BACK_AFTER = frozenset({"knee", "toe", "push", "bent", "bend", "pull", "straight"})


SIDES = frozenset({"left", "right"})


@lru_cache(maxsize=65536)
def stem_word(word: str) -> str:
    lowered = word.lower().replace("’", "'")
    if lowered.endswith("n't") and lowered not in CANONICAL_STEMS:
        return "not"
    stem: str = _stemmer().stemWord(lowered)
    return CANONICAL_STEMS.get(stem, CANONICAL_STEMS.get(lowered, stem))


# A lookup reads its text in several passes (symptoms, body regions, what was not placed) and
# each pass would tokenize the same text and clauses again: the last few are remembered.
TOKENIZED_REMEMBERED = 256


@lru_cache(maxsize=TOKENIZED_REMEMBERED)
def tokenize(text: str) -> tuple[Token, ...]:
    """The meaningful words of a text, each with its character span."""
    return tuple(_tokens(text))


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in WORD_PATTERN.finditer(text):
        if match.group().lower() in STOP_WORDS:
            continue
        token = Token(stem_word(match.group()), match.start(), match.end())
        compound = COMPOUNDS.get((tokens[-1].stem, token.stem)) if tokens else None
        if compound is not None:
            tokens[-1] = Token(compound, tokens[-1].start, token.end)
        elif (
            len(tokens) > 1
            and token.stem == "back"
            and tokens[-1].stem == "right"
            and tokens[-2].stem in RIGHT_BACK_AFTER
        ):
            tokens[-1] = Token("rightback", tokens[-1].start, token.end)
        elif len(tokens) > 1 and tokens[-1].stem in SIDES:
            # "The back of my right leg" is the back of the leg too: a side between the two
            # words of a compound is passed over (which side does not matter).
            compound = COMPOUNDS.get((tokens[-2].stem, token.stem))
            if compound is not None:
                tokens[-2:] = [Token(compound, tokens[-2].start, token.end)]
            else:
                tokens.append(token)
        else:
            tokens.append(token)
    return tokens


def normalize_phrase(text: str) -> str:
    """A key under which phrases that differ only in filler words and endings are equal."""
    return " ".join(token.stem for token in tokenize(text))


# An id in an outside knowledge base, such as HP:0001250 or OMIM:147791.
SOURCE_ID = re.compile(r"^[A-Za-z]+:\d+$")


def slug_for_source_id(source_id: str) -> str:
    """``HP:0001250`` is ``hp-0001250``, ``ORPHA:558`` is ``orpha-558``: the slug of what an
    outside knowledge base imported, so either names it."""
    return source_id.lower().replace(":", "-")


def make_slug(text: str) -> str:
    # An apostrophe joins its word: "Baker's cyst" is bakers-cyst, not baker-s-cyst.
    joined = re.sub(r"(?<=\w)['’](?=\w)", "", text)
    return str(slugify(joined, max_length=80, word_boundary=True))


def sentence_case(text: str) -> str:
    text = text.strip().rstrip(".").strip()
    return text[:1].upper() + text[1:]
