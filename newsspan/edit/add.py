"""`newsspan add`: a raw article -> canonical text, metadata and a draft layer pre-annotated from the layout.

Header lines (scrape header, topic, byline, dateline, headline) are told by position and shape, not by their
words (the layouts are in layouts.json); only what the text says is recorded, the rest is "unknown"."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from .. import schema, store
from ..corpus import load_annotation
from ..files import explain
from ..model import GUIDELINES_VERSION, LAYERS, Annotation, Section, dump_json, renumber
from ..schema import DOCUMENT_ID_RULE, SCHEMA_VERSION, invalid_id, safe_id
from ..text import DecodeError, canonical_map, decode, sha256
from .plan import Plan

HEADER = re.compile(r"date\s+(\d{4}-\d{2}-\d{2})\s+([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,4})(?:\s+(\S.*))?")
LABELLED = re.compile(r"(?P<label>[^\d:：]{1,30}?)\s*[:：]\s*(?P<value>\S.*)")
TERMINAL = tuple('.!?。！？…:;"”’»)')
PROSE_END = tuple(".,;:…。，；：")  # a first line ending so is a sentence, not a title
MAX_HEADER_LINES = 6
BINARY = {
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a zip archive (.docx, .odt and .epub files are)",
    b"\x89PNG": "a PNG image",
}
BINARY |= {b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"\x1f\x8b": "gzip data", b"\x7fELF": "a program"}
INGEST_ANNOTATOR = "newsspan-ingest"
BCP47 = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,4}")
LAYOUTS = json.loads((resources.files(__package__) / "layouts.json").read_bytes())  # bylines and datelines, as data
MONTHS = {m: i for names in LAYOUTS["months"].values() for i, m in enumerate(names, 1)}
TZ = LAYOUTS["zones"]  # abbreviation -> UTC offset
AGENCIES, PARTICLES = set(LAYOUTS["agencies"]), set(LAYOUTS["particles"])
SPACED, ATTACHED = ("|".join(LAYOUTS["byline"][k]) for k in ("spaced", "attached"))
BYLINE = re.compile(rf"(?:(?:{SPACED})\s+|(?:{ATTACHED})\s*)(?P<names>\S.*)")  # "By Maria Jensen", "记者 王伟"
AGENCY = re.compile(r"(?P<names>[^,，\d]+)[,，]\s*(?P<agency>[^,，\d]+)")  # "Maria Jensen, Reuters"
CJK_NAME = re.compile(r"[\u4e00-\u9fff·]{2,6}")
TIME = r"(?:\D{0,6}?(?P<h>\d{1,2})[:h：时](?P<mi>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>[A-Z]{1,4})?)?"
# a search starts only at the first letter (digit) of a word (the same matches; without the look-behind a
# long run of letters was rescanned from every position, quadratic)
DATES = (
    re.compile(r"(?<![^\W\d_])(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})" + TIME, re.I),  # March 4, 2025
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:\.|er)?\s+(?:de\s+)?(?P<mon>[^\W\d_]+)\.?\s+(?:de\s+)?(?P<y>\d{4})" + TIME, re.I
    ),
    re.compile(r"(?P<y>\d{4})\s*[-/年.]\s*(?P<mon>\d{1,2})\s*[-/月.]\s*(?P<d>\d{1,2})日?" + TIME, re.I),  # 2025年3月4日
)
DERIVED = ("date", "published", "title", "authors", "topic")  # metadata read from the text, not given


class IngestError(ValueError):
    """Input that cannot become a corpus document (not text, not UTF-8, empty)."""


class Line(NamedTuple):
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
    notes: list[str]  # what could not be read, for the user

    def files(self, root: store.Root) -> list[tuple[Path, bytes]]:
        return [(root.text_path(self.doc_id), self.text.encode()), (root.meta_path(self.doc_id), dump_json(self.meta))]


def lines_of(text: str) -> list[Line]:
    """The non-blank lines, stripped; blank_before when a blank line (or the start) comes before."""
    out: list[Line] = []
    for m in re.finditer(r"\S(?:[^\n]*\S)?", text):
        out.append(Line(m.start(), m.end(), m[0], not out or text.count("\n", out[-1].end, m.start()) > 1))
    return out


def _stray(line: Line) -> bool:
    """A short site label such as "author" or "Advertisement": no digits, no colon, 1-3 words."""
    t = line.text
    return len(t.split()) <= 3 and len(t) <= 30 and not re.search(r"[\d:：]", t) and not t.endswith(TERMINAL)


def _byline(line: Line, header: bool = True) -> list[str] | None:
    """The authors of a byline: "<label>: <names>" in a scrape header; "By A and B", "A, Reuters" in any layout."""
    t = line.text if len(line.text) <= 200 else ""  # the bound first: no regex on long lines
    m = LABELLED.fullmatch(t) if header else None
    if m and not re.search(r"\d", m["value"]):
        return split_authors(m["value"])
    m = BYLINE.fullmatch(t) or AGENCY.fullmatch(t)
    if not m or ("agency" in m.groupdict() and m["agency"].strip().casefold() not in AGENCIES):
        return None
    names = [p for p in split_authors(m["names"]) if p.casefold() not in AGENCIES]
    ok = all(CJK_NAME.fullmatch(p) or _latin_name(p.split()) for p in names)
    return names if names and ok else None


def _latin_name(words: list[str]) -> bool:
    capital = all(w[0].isupper() or w in PARTICLES for w in words) and not re.search(r"[\d!?;:]", "".join(words))
    return 1 <= len(words) <= 5 and words[0][0].isupper() and capital


def _dateline(line: Line, header: bool = True) -> str | None:
    """The value of a dateline: "<label>: <value with digits>" in a scrape header; elsewhere a date, labelled or not."""
    m = LABELLED.fullmatch(line.text) if len(line.text) <= 120 else None
    if header:
        return m["value"] if m and re.search(r"\d", m["value"]) else None
    value = m["value"] if m else line.text
    found = _date(value) if len(line.text) <= 60 else None
    rest = value[: found[0].start()] + value[found[0].end() :] if found else "no date"
    return value if len(re.findall(r"\w+", rest)) <= 1 else None  # a weekday, "Updated" at most


def split_authors(value: str) -> list[str]:
    # split on the separators alone (the parts are stripped): `\s*sep\s*` was quadratic on long blank runs
    return [p.strip() for p in re.split(r"[,;&、，；]|\b(?:and|und|et|y)\b", value) if p.strip()]


def _date(value: str) -> tuple[re.Match, int, int, int] | None:
    """The first date in value in a layout newsspan reads: (match, year, month, day)."""
    for pattern in DATES:
        m = pattern.search(value)
        mon = (int(m["mon"]) if m["mon"].isdigit() else MONTHS.get(m["mon"].lower(), 0)) if m else 0
        if m and 1 <= mon <= 12 and 1 <= int(m["d"]) <= 31:
            return m, int(m["y"]), mon, int(m["d"])
    return None


def parse_published(value: str) -> str | None:
    """ISO 8601 timestamp of a dateline value, when its shape is known; None otherwise."""
    found = _date(value)
    if found is None:
        return None
    m, y, mon, d = found
    out = f"{y:04d}-{mon:02d}-{d:02d}"
    if m["h"] is None:
        return out
    h, mi = int(m["h"]), int(m["mi"])
    ampm = (m["ampm"] or "").replace(".", "").lower()
    h += 12 if ampm == "pm" and h < 12 else -12 if ampm == "am" and h == 12 else 0
    if h > 23 or mi > 59:
        return out
    return f"{out}T{h:02d}:{mi:02d}:00" + TZ.get((m["tz"] or "").upper(), "")


def layout(text: str, language: str | None = None) -> tuple[tuple[Section, ...], dict, list[str]]:
    """Draft sections of a canonical text, the metadata its header, byline and dateline give, and notes."""
    lines = lines_of(text)
    header: list[tuple[Line, str]] = []
    meta: dict = {}
    notes: list[str] = []

    def labelled(ln: Line, in_header: bool) -> bool:
        """Whether ln is a dateline or (the first) byline; if so, it joins the header and meta takes what it says."""
        dated, names = _dateline(ln, in_header), _byline(ln, in_header)
        if dated is not None:
            header.append((ln, "dateline"))
            published = parse_published(dated)
            if published:
                meta["published"] = published
                meta.setdefault("date", published[:10])
            else:
                notes.append(f"the dateline {ln.text!r} has no date format newsspan reads; `published` is left out")
            return True
        if names is not None and "authors" not in meta:
            header.append((ln, "byline"))
            meta["authors"] = names
            return True
        return False

    i = 0
    m = HEADER.fullmatch(lines[0].text) if lines else None
    if m:
        header.append((lines[0], "header"))
        meta["date"], meta["language"] = m[1], m[2]
        i = 1
        ln = lines[i] if i < len(lines) else None
        if ln and not _byline(ln) and not _dateline(ln) and len(ln.text) <= 80 and not ln.text.endswith(TERMINAL):
            header.append((ln, "topic"))
            meta["topic"] = ln.text
            i += 1
        seen_by = False
        for ln in lines[i : i + MAX_HEADER_LINES]:
            i += 1
            if labelled(ln, True):
                seen_by = True
            elif _stray(ln) and not seen_by and i < len(lines) and (_byline(lines[i]) or _dateline(lines[i])):
                header.append((ln, "boilerplate"))
            else:
                header.append((ln, "headline"))
                meta["title"] = ln.text
                break
    elif lines:
        how = "no scrape header (` date YYYY-MM-DD <lang> <Language>`)"
        # a title: a short first line that is no sentence, with text after it
        t = lines[0].text
        titled = len(lines) > 1 and len(t) <= 200 and len(t.split()) <= 25 and not t.endswith(PROSE_END)
        if titled and _byline(lines[0], False) is None and _dateline(lines[0], False) is None:
            header.append((lines[0], "headline"))
            meta["title"] = lines[0].text
            i = 1
            notes.append(f"{how}: the first line is taken as the title")
        else:
            notes.append(f"{how} and no title line: no title is recorded, and the text is taken as paragraphs")
        while i < min(len(lines), MAX_HEADER_LINES) and labelled(lines[i], False):
            i += 1
    if language:
        meta["language"] = language
    blocks = [((ln, ln), label) for ln, label in header] + _body_sections(lines[i:], meta.get("authors", []))
    drafts = [Section("", a.start, b.end, text[a.start : b.end], label) for (a, b), label in blocks]
    return renumber(drafts), meta, notes


def _body_sections(lines: list[Line], authors: list[str]) -> list[tuple[tuple[Line, Line], str]]:
    """The blocks of lines (runs without a blank line, as (first, last)), each with its section label."""
    blocks: list[tuple[Line, Line]] = []
    for ln in lines:
        if ln.blank_before or not blocks:
            blocks.append((ln, ln))
        blocks[-1] = (blocks[-1][0], ln)
    labels = [
        "heading"
        if a is b and len(a.text.split()) <= 15 and not a.text.endswith(TERMINAL) and k + 1 < len(blocks)
        else "paragraph"
        for k, (a, b) in enumerate(blocks)
    ]
    # the author box at the end: [stray label] <author name> <bio paragraphs>
    names = {a.casefold() for a in authors}
    for k in range(len(blocks) - 2, -1, -1):
        first, last = blocks[k]
        if first is last and first.text.casefold() in names:
            labels[k:] = ["byline"] + ["author_bio"] * (len(blocks) - k - 1)
            if k > 0 and blocks[k - 1][0] is blocks[k - 1][1] and _stray(blocks[k - 1][0]):
                labels[k - 1] = "boilerplate"
            break
    return list(zip(blocks, labels, strict=True))


def _drop_invalid_derived(meta: dict) -> list[str]:
    """Leave out (with a note) each field read from the text that the schema refuses: a guess is never invalid."""
    notes = []
    for f in explain("document", meta):
        key = (f.pointer or "").split("/")[1:2]
        if key and key[0] in DERIVED and key[0] in meta:
            value = meta.pop(key[0])
            if isinstance(value, str) and len(value) > 60:
                value = f"{value[:57]}... ({len(value)} characters)"
            why = f"`{key[0]}` is left out: the value read from the text, {value!r}, would not validate ({f.message})"
            notes.append(why)
    return notes


def ingest(data: bytes, doc_id: str, *, language: str | None = None, split: str | None = None) -> Ingested:
    """A new corpus document from raw bytes (pure: nothing is written)."""
    store.check_id(doc_id)
    if language is not None and not BCP47.fullmatch(language):
        raise IngestError(f"--language {language!r} is not a BCP 47 tag (e.g. en, zh-Hans, pt-BR)")
    if not data.strip():
        raise IngestError("the file is empty")
    head = data[:4096] if not data.startswith((b"\xff\xfe", b"\xfe\xff")) else b""  # (UTF-16 is decoded below)
    kind = next((what for magic, what in BINARY.items() if data.startswith(magic)), None)
    if kind or sum(1 <= b <= 8 or 14 <= b <= 26 for b in head) * 100 > len(head):  # controls no text holds
        raise IngestError(f"not a text file: it is {kind or 'binary data'}; save the article as plain text (UTF-8)")
    try:  # an article may come as UTF-16 (with a BOM), as Windows editors save it
        text = canonical_map(decode(data, utf16=True)).text
    except DecodeError as e:
        raise IngestError(str(e)) from None
    if not text.strip():
        raise IngestError("the file holds only whitespace")
    sections, found, notes = layout(text, language)
    if "language" not in found:
        found["language"] = "und"
        notes.append("no language given or found: recorded as `und` (undetermined); pass --language")
    text_sha = sha256(text)
    meta = {"schema_version": SCHEMA_VERSION, "id": doc_id, "language": found["language"]}
    meta |= {key: found[key] for key in DERIVED if found.get(key)}
    meta |= {"source": "unknown", "url": "unknown", "license": "unknown", "text_sha256": text_sha}
    meta["source_sha256"] = sha256(data)
    notes += _drop_invalid_derived(meta)
    if split:
        meta["split"] = split
    drawn = {"sections": {"steps": ["pre-annotated"], "note": f"from the layout, by {INGEST_ANNOTATOR}"}}
    ann = Annotation(doc_id, text_sha, (INGEST_ANNOTATOR,), GUIDELINES_VERSION, "draft", sections, provenance=drawn)
    return Ingested(doc_id, text, meta, ann, notes)


def corpus_index(root: store.Root, key: Callable[[bytes], str] = sha256) -> dict[str, str]:
    """key of each corpus text's bytes (sha256) -> its document id."""
    out: dict[str, str] = {}
    for stem in filter(store.is_valid_id, root.text_stems()):
        try:
            out.setdefault(key(root.read_bytes(root.text_path(stem))), stem)
        except (OSError, DecodeError):
            continue
    return out


def report_status(plan: Plan, written: list[tuple[str, Annotation]]) -> None:
    """The status and size of each annotation file written, and how to release its drafts."""
    for rel, ann in written:
        sizes = ", ".join(f"{len(ann.layer(layer))} {layer}" for layer in LAYERS)
        plan.summary.append(f"{rel}: status {ann.status} ({sizes})")
    released, annotators = schema.released_statuses(), f"annotations/{store.ANNOTATORS}/"
    drafts = [rel for rel, ann in written if ann.status not in released and not rel.startswith(annotators)]
    if drafts:
        shown = ", ".join(drafts[:3]) + (f" and {len(drafts) - 3} more" if len(drafts) > 3 else "")
        statuses = " or ".join(f'"{s}"' for s in released)
        how = f'review it, then set its "status" to {statuses} and run `newsspan validate`; until then `newsspan build` and `newsspan export` leave drafts out (unless --include-drafts)'
        plan.summary.append(f"to release {shown}: {how}")


def _inputs(paths: list[str], plan: Plan, root: store.Root) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.is_file())
            if other := [x.name for x in found if x.suffix != ".txt"]:
                plan.note(p, f"not added: {len(other)} file(s) that are not .txt ({', '.join(other[:5])})")
            if len(other) == len(found):
                plan.error(p, "the folder holds no .txt files")
            files += [x for x in found if x.suffix == ".txt"]
        elif p.is_file():
            files.append(p)
        else:
            plan.error(p, "no such file or folder")
    # a link is followed only where the user works: `add link.txt` must not make /etc/passwd an article
    inside = [Path.cwd().resolve(), root.path.resolve()]
    outside = [f for f in files if f.is_symlink() and not any(f.resolve().is_relative_to(d) for d in inside)]
    for f in outside:
        why = "outside the working directory and the corpus root; copy the article here to add it"
        plan.error(f, f"is a symbolic link to {f.resolve()}, {why}")
    return [f for f in files if f not in outside]


def plan_add(root: store.Root, paths: list[str], *, doc_id=None, language=None, split=None, force=False) -> Plan:
    """What `newsspan add` writes: per article its text, meta and (unless a layer beyond a draft is there) a
    draft layer of its sections; nothing when any article has a problem."""
    plan = Plan("add")
    files = _inputs(paths, plan, root)
    if doc_id is not None and len(files) > 1:
        plan.error("", f"--id names one document, but {len(files)} files were given")
        return plan
    index = corpus_index(root)
    batch: dict[str, str] = {}  # sha -> id, within this command
    ids: dict[str, Path] = {}
    writes, written = [], []
    for f in files:
        did = doc_id if doc_id is not None else safe_id(f.stem)
        if not store.is_valid_id(did):
            bad = "no valid document id can be made from its name; pass --id (ids are " + DOCUMENT_ID_RULE + ")"
            plan.error(f, bad if doc_id is None else f"--id {invalid_id(did)}")
            continue
        if did in ids:
            plan.error(f, f"the id {did!r} is also that of {ids[did]}; pass --id or rename one file")
            continue
        ids[did] = f
        try:
            doc = ingest(f.read_bytes(), did, language=language, split=split)
        except (IngestError, OSError) as e:
            plan.error(f, str(e))
            continue
        sha = sha256(doc.text)
        same = index.get(sha)
        existing = [p for p in (root.text_path(did), root.meta_path(did)) if p.exists()]
        why = None
        if same is not None and not (force and same == did):
            why = f"the article is already in the corpus as {same!r} (same canonical text); it is not added again"
        elif sha in batch:
            why = f"same canonical text as {batch[sha]!r} in this command; it is added once"
        elif existing and not force:
            why = f"{root.rel(existing[0])} already exists; pass --force to replace it (annotations beyond a draft are kept)"
        if why is not None:
            plan.error(f, why)
            continue
        batch[sha] = did
        for n in doc.notes:
            plan.note(f, n)
        writes += doc.files(root)
        path = root.annotation_path(did)
        try:
            kept = load_annotation(root, path) if path.exists() else None
        except ValueError as e:
            plan.error(root.rel(path), str(e))
            continue
        if kept is None or kept.status == "draft":
            writes.append((path, doc.annotation.dumps()))
            written.append((root.rel(path), doc.annotation))
        elif kept.text_sha256 != sha:
            why = f"it is kept (status {kept.status}); the text changed, so run `newsspan reanchor {did}`"
            plan.note(root.rel(path), why)
        sections = f"{len(doc.annotation.sections)} draft sections"
        plan.summary.append(f"added {did}: {len(doc.text)} characters, {sections} -> {root.rel(root.text_path(did))}")
    if plan.ok and plan.check_writes(root, writes):
        plan.writes = writes
        report_status(plan, written)
    return plan
