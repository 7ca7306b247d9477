"""Read a condition page in the user's format into titled sections of numbered lines.

The grammar: an optional TOML front matter between ``+++`` lines (this project's pages use
it for aliases, priors and care level; the user's pages need none), a title (``# Title`` or a
first plain line), optional summary paragraphs, then sections under plain or markdown headings.
Items start with ``1.``, ``-``, ``*`` or ``•``; any other line is a paragraph. Anything the
reader cannot place is an error naming file and line.
"""

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.schemas.common import CONTROL_CHARACTERS, MAX_TEXT_LENGTH

MAX_DOCUMENT_BYTES = 1024 * 1024


class Section(StrEnum):
    symptoms = "symptoms"
    causes = "causes"
    self_help = "self_help"
    treatment = "treatment"
    recovery = "recovery"
    prevention = "prevention"
    seek_help = "seek_help"


HEADINGS: dict[str, Section] = {
    "symptoms": Section.symptoms,
    "causes": Section.causes,
    "self help": Section.self_help,
    "self-help": Section.self_help,
    "treatment": Section.treatment,
    "average recovery time": Section.recovery,
    "recovery time": Section.recovery,
    "prevention": Section.prevention,
    "when to seek help": Section.seek_help,
}
HEADING_NAMES = (
    "Symptoms, Causes, Self help, Treatment, Average recovery time, Prevention, When to seek help"
)
FRONT_MATTER_FENCE = "+++"

# Every pattern here runs on outside text, so each is linear in the line: the opening hashes
# are matched by a pattern, and the closing ones are stripped by hand (a lazy middle followed
# by optional trailing runs backtracks cubically on inner spaces).
MARKDOWN_OPENING = re.compile(r"(#{1,6})[ \t]++")


@dataclass(frozen=True, slots=True)
class MarkdownHeading:
    level: int
    label: str


def markdown_heading(line: str) -> MarkdownHeading | None:
    """``## Symptoms ##`` is a level-2 heading labelled "Symptoms"."""
    opening = MARKDOWN_OPENING.match(line)
    if opening is None:
        return None
    label = line[opening.end() :].rstrip().rstrip("#").rstrip()
    return MarkdownHeading(len(opening.group(1)), label)


LIST_ITEM = re.compile(r"^(?:\d+[.)]|[-*•])\s+(.*)$")
# Control characters other than tab mean the file is not text.
BINARY_JUNK = CONTROL_CHARACTERS


class DocumentError(ValueError):
    """A document that cannot be imported, with the file and line to fix."""

    def __init__(self, file_name: str, line: int, message: str) -> None:
        super().__init__(f"{file_name}:{line}: {message}")
        self.file_name = file_name
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Block:
    """One list item or paragraph line, with where it stood."""

    text: str
    line: int
    is_item: bool


@dataclass
class ParsedDocument:
    file_name: str
    title: str | None
    summary: list[Block] = field(default_factory=list)
    sections: dict[Section, list[Block]] = field(default_factory=dict)
    heading_lines: dict[Section, int] = field(default_factory=dict)
    front_matter: dict[str, Any] = field(default_factory=dict)
    front_matter_line: int = 0
    title_line: int = 1


def decode_document(file_name: str, raw: bytes) -> str:
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            file_name, 1, f"the document is {len(raw):,} bytes; the limit is {MAX_DOCUMENT_BYTES:,}"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DocumentError(file_name, line, "the document is not UTF-8 text") from error
    return text


def parse_document(file_name: str, text: str) -> ParsedDocument:
    document = ParsedDocument(file_name=file_name, title=None)
    current: Section | None = None
    seen_content = False
    # Lines as editors count them: only line feeds (and a carriage return before one, or
    # alone) end a line. str.splitlines would also break at form feeds and other controls,
    # which then escape the control-character check and shift every line number after them.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, raw_line in enumerate(lines, start=1):
        if BINARY_JUNK.search(raw_line):
            raise DocumentError(file_name, number, "the line holds control characters, not text")
    body_start = _read_front_matter(document, lines)
    # A plain line straight after a paragraph or item (no blank line between) continues it,
    # so text wrapped over several lines stays one paragraph.
    open_blocks: list[Block] | None = None
    for number, raw_line in enumerate(lines[body_start:], start=body_start + 1):
        # Runs of spaces and tabs inside a line say nothing; read as one space, every later
        # pattern sees each gap as one character.
        line = " ".join(raw_line.split())
        if not line:
            open_blocks = None
            continue
        if open_blocks and _continues(open_blocks[-1].text, line):
            last = open_blocks[-1]
            if len(last.text) + len(line) > MAX_TEXT_LENGTH:
                # Refused as soon as it is too long: joining a whole megabyte line by line
                # would take quadratic time first.
                raise DocumentError(
                    file_name, last.line, f"the paragraph is over {MAX_TEXT_LENGTH:,} characters"
                )
            open_blocks[-1] = Block(f"{last.text} {line}", last.line, last.is_item)
            continue
        open_blocks = None
        heading = _heading_of(line)
        markdown = markdown_heading(line)
        if heading is not None:
            if heading in document.sections:
                first = document.heading_lines[heading]
                raise DocumentError(
                    file_name, number, f"the section {line!r} appears again (first at line {first})"
                )
            current = heading
            document.sections[heading] = []
            document.heading_lines[heading] = number
        elif markdown is not None:
            if seen_content or markdown.level != 1:
                raise DocumentError(
                    file_name,
                    number,
                    f"unknown heading {markdown.label!r}; the sections are {HEADING_NAMES}",
                )
            document.title = markdown.label
            document.title_line = number
        elif current is not None:
            document.sections[current].append(_block(line, number))
            open_blocks = document.sections[current]
        elif not seen_content and LIST_ITEM.match(line) is None:
            document.title = line
            document.title_line = number
        elif LIST_ITEM.match(line) is not None:
            raise DocumentError(
                file_name, number, "a list item before any section heading; add a heading above it"
            )
        else:
            document.summary.append(Block(line, number, is_item=False))
            open_blocks = document.summary
        seen_content = True
    _check_sections(document)
    _check_lengths(document)
    return document


def _check_lengths(document: ParsedDocument) -> None:
    """A paragraph or item longer than the JSON way in allows is refused before anything reads
    it: the rest of the reader's work grows with the text."""
    blocks = [*document.summary, *(b for blocks in document.sections.values() for b in blocks)]
    for block in blocks:
        if len(block.text) > MAX_TEXT_LENGTH:
            raise DocumentError(
                document.file_name,
                block.line,
                f"the paragraph is {len(block.text):,} characters; at most {MAX_TEXT_LENGTH:,}",
            )


def _read_front_matter(document: ParsedDocument, lines: list[str]) -> int:
    """Parse a leading ``+++`` block; return the index of the first line after it."""
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != FRONT_MATTER_FENCE:
        return 0
    closing = next(
        (i for i in range(first + 1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE), None
    )
    if closing is None:
        raise DocumentError(document.file_name, first + 1, "the front matter is never closed")
    try:
        document.front_matter = tomllib.loads("\n".join(lines[first + 1 : closing]))
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = first + 1 + (int(found.group(1)) if found else 1)
        raise DocumentError(document.file_name, line, f"front matter: {error}") from error
    document.front_matter_line = first + 1
    return closing + 1


def _continues(previous: str, line: str) -> bool:
    """Whether a line carries on the paragraph or item above it rather than starting one.

    An intro line ("Less commonly:") starts its own; so does a capitalised line after a
    finished sentence, as in pages that give one paragraph per line."""
    if LIST_ITEM.match(line) or _heading_of(line) or markdown_heading(line):
        return False
    if line.endswith(":"):
        return False
    return not (previous.endswith((".", "!", "?", ":")) and line[:1].isupper())


def _heading_of(line: str) -> Section | None:
    markdown = markdown_heading(line)
    label = markdown.label if markdown else line
    key = " ".join(label.strip().rstrip(":").lower().split())
    return HEADINGS.get(key)


def _block(line: str, number: int) -> Block:
    item = LIST_ITEM.match(line)
    if item is not None:
        return Block(item.group(1).strip(), number, is_item=True)
    return Block(line, number, is_item=False)


def _check_sections(document: ParsedDocument) -> None:
    if not document.sections:
        raise DocumentError(
            document.file_name,
            1,
            f"no recognised section; expected headings such as {HEADING_NAMES}",
        )
    for section, blocks in document.sections.items():
        if not blocks or all(not block.text for block in blocks):
            line = document.heading_lines[section]
            raise DocumentError(document.file_name, line, "the section is empty")
