"""Raw article -> canonical text, metadata and a draft annotation pre-annotated from the layout.

The scrape header of the first article is

     date 2024-01-12 en English        header: date, BCP 47 tag, language name
    China                              topic (kicker) line
    author                             a stray site label (boilerplate), optional
    By: Aqsa Younas Rana               byline:   "<label>: <names>", no digits
    Published: January 12, 2024 ...    dateline: "<label>: <value with digits>"
    Blinken Holds Talks with ...       headline

Lines are recognised by position and shape, not by their words, so "Par : Jean Dupont" and
"作者：张三" are bylines too. Without such a header the first line is the title. Only what
the text says is recorded; what it does not say (source, URL, license) is "unknown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import store
from .files import explain
from .model import GUIDELINES_VERSION, Annotation, Section, renumber
from .schema import SCHEMA_VERSION
from .text import DecodeError, canonical_map, decode, sha256

HEADER = re.compile(r"date\s+(\d{4}-\d{2}-\d{2})\s+([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,4})(?:\s+(\S.*))?")
LABELLED = re.compile(r"(?P<label>[^\d:：]{1,30}?)\s*[:：]\s*(?P<value>\S.*)")
TERMINAL = tuple('.!?。！？…:;"”’»)')
MAX_HEADER_LINES = 6
INGEST_ANNOTATOR = "newsspan-ingest"
BCP47 = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,4}")

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
TZ = {
    "UTC": "+00:00",
    "GMT": "+00:00",
    "Z": "+00:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "CST": "-06:00",
    "CDT": "-05:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "BST": "+01:00",
    "JST": "+09:00",
    "IST": "+05:30",
}
# (?<![A-Za-z]): a search starts only at the first letter of a word (the same matches; without
# it a long run of letters was rescanned from every position, quadratic)
EN_DATE = re.compile(
    r"(?<![A-Za-z])(?P<mon>[A-Za-z]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})"
    r"(?:\D{0,6}?(?P<h>\d{1,2}):(?P<mi>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>[A-Z]{1,4})?)?",
    re.I,
)
NUM_DATE = re.compile(
    r"(?P<y>\d{4})\s*[-/年.]\s*(?P<mon>\d{1,2})\s*[-/月.]\s*(?P<d>\d{1,2})日?"
    r"(?:\D{0,6}?(?P<h>\d{1,2})[:：时](?P<mi>\d{2}))?"
)


DERIVED = ("date", "published", "title", "authors", "topic")  # metadata read from the text, not given


class IngestError(ValueError):
    """Input that cannot become a corpus document (not text, not UTF-8, empty)."""


@dataclass
class Line:
    start: int  # first non-space character
    end: int  # after the last non-space character
    text: str
    blank_before: bool


@dataclass
class Ingested:
    doc_id: str
    text: str
    meta: dict
    annotation: Annotation
    notes: list[str] = field(default_factory=list)  # what could not be read, for the user


def lines_of(text: str) -> list[Line]:
    out, pos, blank = [], 0, True
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Line(pos + lead, pos + lead + len(stripped), stripped, blank))
            blank = False
        else:
            blank = True
        pos += len(raw) + 1
    return out


def _stray(line: Line) -> bool:
    """A short site label such as "author" or "Advertisement": no digits, no colon, 1-3 words."""
    return (
        len(line.text.split()) <= 3
        and len(line.text) <= 30
        and not re.search(r"[\d:：]", line.text)
        and not line.text.endswith(TERMINAL)
    )


def _byline(line: Line):
    m = LABELLED.fullmatch(line.text) if len(line.text) <= 200 else None  # the bound first: no regex on long lines
    if m and not re.search(r"\d", m["value"]):
        return m["value"]
    return None


def _dateline(line: Line) -> bool:
    m = LABELLED.fullmatch(line.text) if len(line.text) <= 120 else None
    return bool(m and re.search(r"\d", m["value"]))


def split_authors(value: str) -> list[str]:
    # split on the separators alone (the parts are stripped): `\s*sep\s*` was quadratic on long blank runs
    parts = re.split(r"[,;&、，；]|\band\b", value)
    return [p.strip() for p in parts if p.strip()]


def parse_published(value: str) -> str | None:
    """ISO 8601 timestamp of a dateline value, when its shape is known; None otherwise."""
    m = EN_DATE.search(value)
    if m and m["mon"].lower() in MONTHS:
        y, mon, d = int(m["y"]), MONTHS[m["mon"].lower()], int(m["d"])
    else:
        m = NUM_DATE.search(value)
        if not m:
            return None
        y, mon, d = int(m["y"]), int(m["mon"]), int(m["d"])
    if not (1 <= mon <= 12 and 1 <= d <= 31):
        return None
    out = f"{y:04d}-{mon:02d}-{d:02d}"
    if m["h"] is not None:
        h, mi = int(m["h"]), int(m["mi"])
        ampm = (m.groupdict().get("ampm") or "").replace(".", "").lower()
        if ampm == "pm" and h < 12:
            h += 12
        elif ampm == "am" and h == 12:
            h = 0
        if h > 23 or mi > 59:
            return out
        out += f"T{h:02d}:{mi:02d}:00"
        tz = (m.groupdict().get("tz") or "").upper()
        if tz in TZ:
            out += TZ[tz]
    return out


def layout(text: str, language: str | None = None) -> tuple[tuple[Section, ...], dict, list[str]]:
    """Draft sections of a canonical text, the metadata its header gives, and notes."""
    lines = lines_of(text)
    header: list[tuple[Line, str]] = []
    meta: dict = {}
    notes: list[str] = []
    i = 0
    m = HEADER.fullmatch(lines[0].text) if lines else None
    if m:
        header.append((lines[0], "header"))
        meta["date"], meta["language"] = m[1], m[2]
        i = 1
        if (
            i < len(lines)
            and not _byline(lines[i])
            and not _dateline(lines[i])
            and len(lines[i].text) <= 80
            and not lines[i].text.endswith(TERMINAL)
        ):
            header.append((lines[i], "topic"))
            meta["topic"] = lines[i].text
            i += 1
        seen_by = False
        for _ in range(MAX_HEADER_LINES):
            if i >= len(lines):
                break
            ln = lines[i]
            value = _byline(ln)
            if _dateline(ln):
                header.append((ln, "dateline"))
                labelled = LABELLED.fullmatch(ln.text)
                assert labelled is not None  # _dateline() matched it
                published = parse_published(labelled["value"])
                if published:
                    meta["published"] = published
                else:
                    notes.append(f"the dateline {ln.text!r} has no date format newsspan reads; `published` is left out")
                seen_by = True
            elif value is not None and "authors" not in meta:
                header.append((ln, "byline"))
                meta["authors"] = split_authors(value)
                seen_by = True
            elif (
                _stray(ln) and not seen_by and i + 1 < len(lines) and (_byline(lines[i + 1]) or _dateline(lines[i + 1]))
            ):
                header.append((ln, "boilerplate"))
            else:
                header.append((ln, "headline"))
                meta["title"] = ln.text
                i += 1
                break
            i += 1
    elif lines:
        header.append((lines[0], "headline"))
        meta["title"] = lines[0].text
        i = 1
        notes.append("no scrape header (` date YYYY-MM-DD <lang> <Language>`): the first line is taken as the title")
    if language:
        meta["language"] = language
    sections = [((ln, ln), label) for ln, label in header]
    sections += _body_sections(_blocks(lines[i:]), meta.get("authors", []))
    drafts = [
        Section("", first.start, last.end, text[first.start : last.end], label) for (first, last), label in sections
    ]
    return renumber(drafts), meta, notes


def _blocks(lines: list[Line]) -> list[tuple[Line, Line]]:
    """Runs of consecutive non-empty lines, as (first line, last line)."""
    out: list[tuple[Line, Line]] = []
    for ln in lines:
        if out and not ln.blank_before:
            out[-1] = (out[-1][0], ln)
        else:
            out.append((ln, ln))
    return out


def _body_sections(blocks, authors: list[str]):
    labels = []
    for k, (first, last) in enumerate(blocks):
        single = first is last
        is_heading = (
            single and len(first.text.split()) <= 15 and not first.text.endswith(TERMINAL) and k + 1 < len(blocks)
        )
        labels.append("heading" if is_heading else "paragraph")
    # the author box at the end: [stray label] <author name> <bio paragraphs>
    names = {a.casefold() for a in authors}
    for k in range(len(blocks) - 2, -1, -1):
        first, last = blocks[k]
        if first is last and first.text.casefold() in names:
            labels[k] = "byline"
            for j in range(k + 1, len(blocks)):
                labels[j] = "author_bio"
            if k > 0 and blocks[k - 1][0] is blocks[k - 1][1] and _stray(blocks[k - 1][0]):
                labels[k - 1] = "boilerplate"
            break
    return [(b, lab) for b, lab in zip(blocks, labels, strict=True)]


def _drop_invalid_derived(meta: dict) -> list[str]:
    """Leave out each field read from the text that the metadata schema would refuse (a "title" that
    is a first line of thousands of characters, say): a guess is never written invalid. Notes say which."""
    notes = []
    for f in explain("document", meta):
        key = (f.pointer or "").split("/")[1:2]
        if key and key[0] in DERIVED and key[0] in meta:
            value = meta.pop(key[0])
            shown = (
                value
                if not isinstance(value, str) or len(value) <= 60
                else f"{value[:57]}... ({len(value)} characters)"
            )
            notes.append(
                f"`{key[0]}` is left out: the value read from the text, {shown!r}, would not validate ({f.message})"
            )
    return notes


def ingest(data: bytes, doc_id: str, *, language: str | None = None, split: str | None = None) -> Ingested:
    """A new corpus document from raw bytes (pure: nothing is written)."""
    store.check_id(doc_id)
    if language is not None and not BCP47.fullmatch(language):
        raise IngestError(f"--language {language!r} is not a BCP 47 tag (e.g. en, zh-Hans, pt-BR)")
    if not data.strip():
        raise IngestError("the file is empty")
    try:  # an article may come as UTF-16 (with a BOM), as Windows editors save it
        cmap = canonical_map(decode(data, utf16=True))
    except DecodeError as e:
        raise IngestError(str(e)) from None
    text = cmap.text
    if not text.strip():
        raise IngestError("the file holds only whitespace")
    sections, found, notes = layout(text, language)
    if "language" not in found:
        found["language"] = "und"
        notes.append("no language given or found: recorded as `und` (undetermined); pass --language")
    text_sha = sha256(text)
    meta = {"schema_version": SCHEMA_VERSION, "id": doc_id, "language": found["language"]}
    for key in DERIVED:
        if found.get(key):
            meta[key] = found[key]
    meta.update(source="unknown", url="unknown", license="unknown", text_sha256=text_sha, source_sha256=sha256(data))
    notes += _drop_invalid_derived(meta)
    if split:
        meta["split"] = split
    ann = Annotation(doc_id, text_sha, (INGEST_ANNOTATOR,), GUIDELINES_VERSION, "draft", sections=sections)
    return Ingested(doc_id, text, meta, ann, notes)
