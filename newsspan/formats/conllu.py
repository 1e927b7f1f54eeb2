"""CoNLL-U with entity mentions in the MISC column: a `.conllu` file, or a folder of them (read with the `conllu` package).

Mentions come from CorefUD's `Entity=` brackets (`(e1-person-...` opens a mention of entity e1 at a word,
`e1)` closes it, `(e2-place-...)` is a one-word mention; nesting and mentions across sentences allowed; the
entity type is the second field, or the `etype` field that `# global.Entity` names), or, with
`--ner-key KEY`, from BIO tags in that MISC key (`NER=B-PER`, `I-PER`, `O`; BIOES/BILOU prefixes too).

Text: each document (`# newdoc`, `# newdoc id = ...`, else the file) is its sentences' `# text` lines
joined by a line break, with a blank line before a paragraph (`# newpar`). Every token's form is found in
its sentence's text in order; `SpaceAfter=No` is checked against it (a disagreement is a warning). A
sentence without `# text` is rebuilt from its tokens and `SpaceAfter=No`. Offsets are code points into
that text. A multi-word token (`1-2 del` over `de` + `el`) is one stretch of text: a mention that begins
or ends between its words has its boundary inside that token, which `--align` decides; empty nodes (`5.1`)
have no text, so a mention's edges skip them.

Kept: the mentions with their type as the label (map it with --label-map; e.g. `abstract=ignore`), the
CorefUD entity id as the mention's `cluster`; document metadata `# meta::title`, `# meta::sourceURL`
(url), `# meta::dateCreated` (date); the `# newdoc id` as the document id.
Reported: discontinuous mentions (`e1[1/2]`) and mentions of empty nodes only, per item; other `# meta::`
keys, counted in the summary; a bracket that does not match, a token not found in the text, as errors
naming file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from .. import files
from ..files import lines
from . import NULL_LABEL, Parsed, ToolDoc, ToolSpan, document_name, export_files, issue

_PIECE = re.compile(r"[()]|[^()]+")
_PART = re.compile(r"([^\[\]]+)\[(\d+)/(\d+)\]")
_BIO = re.compile(r"([BIESLU])-(.+)")
_CLUSTER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
META = {"meta::title": "title", "meta::sourceURL": "url", "meta::dateCreated": "date"}


def load(path: Path, unit: str | None = None, *, ner_key: str | None = None) -> Parsed:
    out = Parsed()
    for f in export_files(path, (".conllu", ".conll"), "CoNLL-U files (.conllu)"):
        data = files.export_text(f.read_bytes(), f.name, out.errors)
        if data is None:
            continue
        parse(data, f.name, document_name(f.stem), out, ner_key)
    return out


@dataclass
class _Row:
    line: int
    span: tuple[int, int] | None  # code points into the document text; None for an empty node


@dataclass
class _Open:
    key: str  # the entity id (CorefUD) or the label (BIO)
    label: str
    first: int  # index of its first row in _Doc.rows
    line: int
    discontinuous: bool = False


@dataclass
class _Doc:
    name: str
    where: str
    parts: list[str] = field(default_factory=list)
    length: int = 0
    rows: list[_Row] = field(default_factory=list)
    spans: list[ToolSpan] = field(default_factory=list)
    open: list[_Open] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    types: dict = field(default_factory=dict)  # entity id -> its type, for mentions that leave it out
    type_field: int = 1
    broken: bool = False


def _blocks(data: str):
    """(first line number, lines) of each sentence block (blank-line separated)."""
    block: list[str] = []
    start = 1
    for n, line in enumerate(lines(data), 1):
        if line.strip():
            if not block:
                start = n
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def parse(data: str, file: str, name: str, out: Parsed, ner_key: str | None = None) -> None:
    """One CoNLL-U file into ToolDocs (one per `# newdoc`), appended to out, with per-line issues."""
    import conllu

    docs: list[_Doc] = []
    for start, block in _blocks(data):
        try:
            sentences = conllu.parse("\n".join(block) + "\n")
        except Exception as e:  # noqa: BLE001 - the parser's own exceptions vary by version; each is this block's error
            out.errors.append(issue(f"{file}:{start}", f"not a CoNLL-U sentence ({type(e).__name__}: {e})"))
            continue
        for sent in sentences:
            md = sent.metadata
            if not docs or "newdoc" in md or "newdoc id" in md:
                if docs:
                    _finish(docs[-1], file, out)
                n = len(docs) + 1
                doc_name = md.get("newdoc id") or (name if n == 1 else f"{name}-{n}")
                docs.append(_Doc(doc_name, f"{file}:{start}"))
            doc = docs[-1]
            _metadata(doc, md, out)
            first_token_line = start + sum(1 for line in block if line.startswith("#"))
            _sentence(doc, sent, md, first_token_line, file, out, ner_key)
    if docs:
        _finish(docs[-1], file, out)
    for doc in docs:
        if not doc.broken:
            out.docs.append(
                ToolDoc(text="".join(doc.parts) + "\n", name=doc.name, where=doc.where, spans=doc.spans, meta=doc.meta)
            )
    if not docs:
        out.errors.append(issue(file, "holds no CoNLL-U sentence"))


def _metadata(doc: _Doc, md: dict, out: Parsed) -> None:
    for key, value in md.items():
        if key in META and value and META[key] not in doc.meta:
            if META[key] == "date":
                if _DATE.match(value):
                    doc.meta["date"] = value[:10]
                    if len(value) > 10:
                        doc.meta["published"] = value
            else:
                doc.meta[META[key]] = value
        elif key.startswith("meta::") and key not in META:
            out.ignored[f"document metadata {key}"] += 1
        elif key == "global.Entity" and value:
            fields = value.split("-")
            doc.type_field = fields.index("etype") if "etype" in fields else 1


def _sentence(doc: _Doc, sent, md: dict, line0: int, file: str, out: Parsed, ner_key: str | None) -> None:
    surface: list[tuple[int, str, bool, list[int]]] = []  # surface tokens (line, form, space_after, word ids)
    words: list[tuple[int, int | None, dict]] = []  # words (line, word id or None for an empty node, misc)
    mwt_end = 0
    for i, tok in enumerate(sent):
        tid, line = tok["id"], line0 + i
        misc = tok["misc"] or {}
        if isinstance(tid, tuple) and tid[1] == "-":
            surface.append((line, tok["form"], misc.get("SpaceAfter") != "No", list(range(tid[0], tid[2] + 1))))
            mwt_end = tid[2]
        elif isinstance(tid, tuple):  # an empty node: no text
            words.append((line, None, misc))
        else:
            if tid > mwt_end:
                surface.append((line, tok["form"], misc.get("SpaceAfter") != "No", [tid]))
            words.append((line, tid, misc))
    text = md.get("text")
    if text is None:
        text = "".join(
            form + (" " if space and k < len(surface) - 1 else "") for k, (_, form, space, _) in enumerate(surface)
        )
    sep = "" if not doc.parts else "\n\n" if ("newpar" in md or "newpar id" in md) else "\n"
    base = doc.length + len(sep)
    forms = {tok["id"]: tok["form"] for tok in sent if isinstance(tok["id"], int)}
    spans = _place(text, surface, forms, base, file, out)
    if spans is None:
        doc.broken = True
        return
    doc.parts += [sep, text]
    doc.length = base + len(text)
    for line, wid, misc in words:
        doc.rows.append(_Row(line, spans.get(wid) if wid is not None else None))
        if ner_key is None:
            _brackets(doc, misc.get("Entity"), file, line, out)
        elif wid is not None:
            _bio(doc, misc.get(ner_key) or "O", ner_key, file, line, out)
    if ner_key is not None and doc.open:
        _close(doc, doc.open.pop(), file, out)  # a BIO mention ends with its sentence


def _place(text: str, surface, forms: dict, base: int, file: str, out: Parsed):
    """Word id -> (start, end) in the document text; None (with an error) if a token is not in the text."""
    pos, out_spans, disagree = 0, {}, []
    prev_space = None
    for line, form, space, wids in surface:
        skip = pos
        while skip < len(text) and text[skip].isspace():
            skip += 1
        if not text.startswith(form, skip):
            out.errors.append(
                issue(
                    f"{file}:{line}",
                    f"the token {form!r} is not where the sentence's `# text` continues "
                    f"(at {skip}: {text[skip : skip + len(form) + 10]!r})",
                    "make `# text` and the token forms agree",
                )
            )
            return None
        if prev_space is not None and prev_space != (skip > pos):
            disagree.append(f"{file}:{line}")
        start, end = skip, skip + len(form)
        if len(wids) == 1:
            out_spans[wids[0]] = (base + start, base + end)
        else:
            parts = [forms.get(w, "") for w in wids]
            out_spans.update(
                {w: (base + a, base + b) for w, (a, b) in zip(wids, _inner(form, parts, start, end), strict=True)}
            )
        pos, prev_space = end, space
    if disagree:
        out.warnings.append(
            issue(
                disagree[0],
                f"SpaceAfter=No disagrees with the sentence's `# text` before "
                f"{len(disagree)} token(s) ({', '.join(disagree[:5])}); the text is kept",
            )
        )
    return out_spans


def _inner(form: str, parts: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the words of a multi-word token. Words that spell the token ("it" + "'s") get their own
    characters; otherwise ("del" = "de" + "el") the inner boundaries fall strictly inside the token."""
    length = end - start
    if "".join(parts) == form:
        cum = [sum(map(len, parts[:k])) for k in range(1, len(parts))]
    else:
        cum = [length * k // len(parts) for k in range(1, len(parts))]
    cut = [start + min(max(c, 1), length - 1) if length > 1 else end for c in cum]
    edges = [start] + cut + [end]
    return list(pairwise(edges))


def _brackets(doc: _Doc, value: str | None, file: str, line: int, out: Parsed) -> None:
    """CorefUD brackets, left to right: `(e1-type...` opens, `e1)` closes, `(e1-type...)` is both."""
    if not value:
        return
    pieces = _PIECE.findall(value)
    k = 0
    while k < len(pieces):
        piece = pieces[k]
        if piece not in "()" and k + 1 < len(pieces) and pieces[k + 1] == ")":
            _end(doc, piece, file, line, out)
            k += 2
            continue
        if piece != "(" or k + 1 >= len(pieces) or pieces[k + 1] in "()":
            out.errors.append(
                issue(
                    f"{file}:{line}",
                    f"malformed Entity={value!r}",
                    "expected CorefUD brackets: (e1-type..., e1), (e1-type...)",
                )
            )
            doc.broken = True
            return
        content = pieces[k + 1]
        single = k + 2 < len(pieces) and pieces[k + 2] == ")"
        k += 3 if single else 2
        fields = content.split("-")
        eid = fields[0]
        part = _PART.fullmatch(eid)
        label = (
            fields[doc.type_field]
            if len(fields) > doc.type_field and fields[doc.type_field]
            else doc.types.get(eid, "")
        )
        if not part and label:
            doc.types[eid] = label
        doc.open.append(_Open(eid, label or NULL_LABEL, len(doc.rows) - 1, line, discontinuous=bool(part)))
        if part and part[2] == "1":
            out.warnings.append(
                issue(
                    f"{file}:{line}",
                    f"discontinuous mention of {part[1]} ({part[3]} parts) is not imported: "
                    "newsspan mentions are contiguous",
                )
            )
        if single:
            _end(doc, eid, file, line, out)


def _end(doc: _Doc, eid: str, file: str, line: int, out: Parsed) -> None:
    for k in range(len(doc.open) - 1, -1, -1):
        if doc.open[k].key == eid:
            _close(doc, doc.open.pop(k), file, out)
            return
    out.errors.append(issue(f"{file}:{line}", f"`{eid})` closes a mention of {eid} that no bracket opened"))
    doc.broken = True


def _close(doc: _Doc, m: _Open, file: str, out: Parsed, before_this: bool = False) -> None:
    """A mention ends: at the current row, or (before_this) at the row before it."""
    if m.discontinuous:
        return
    stop = len(doc.rows) - 1 if before_this else len(doc.rows)
    inside = [r.span for r in doc.rows[m.first : stop] if r.span is not None]
    where = f"{file}:{m.line} ({m.key} {m.label})" if m.key != m.label else f"{file}:{m.line} ({m.label})"
    if not inside:
        out.warnings.append(issue(where, "a mention of empty nodes only has no text; it is not imported"))
        return
    span = ToolSpan(m.label, inside[0][0], inside[-1][1], where)
    if m.key != m.label and _CLUSTER.fullmatch(m.key):
        span.cluster = m.key
    doc.spans.append(span)


def _bio(doc: _Doc, tag: str, key: str, file: str, line: int, out: Parsed) -> None:
    if tag in ("O", "_"):
        if doc.open:
            _close(doc, doc.open.pop(), file, out, before_this=True)
        return
    m = _BIO.fullmatch(tag)
    if not m:
        out.errors.append(issue(f"{file}:{line}", f"{key}={tag!r} is not a BIO tag (B-TYPE, I-TYPE or O)"))
        doc.broken = True
        return
    prefix, label = m[1], m[2]
    current = doc.open[-1] if doc.open else None
    if prefix in "IEL" and current is not None and current.label == label:
        pass
    else:
        if current is not None:
            _close(doc, doc.open.pop(), file, out, before_this=True)
        if prefix in "IEL":
            out.warnings.append(issue(f"{file}:{line}", f"{key}={tag} follows no {label} mention: taken as its start"))
        doc.open.append(_Open(label, label, len(doc.rows) - 1, line))
    if prefix in "ESLU":
        _close(doc, doc.open.pop(), file, out)


def _finish(doc: _Doc, file: str, out: Parsed) -> None:
    for m in doc.open:
        out.errors.append(issue(f"{file}:{m.line}", f"the mention of {m.key} opened here is never closed"))
        doc.broken = True
    doc.open.clear()
