"""CoNLL-U with entity mentions in the MISC column: a `.conllu` file, or a folder of them (read with the `conllu` package).

Mentions come from CorefUD's `Entity=` brackets (`(e1-person-...` opens a mention of entity e1 at a word,
`e1)` closes it, `(e2-place-...)` is a one-word mention; nesting and mentions across sentences allowed; the
entity type is the second field, or the `etype` field that `# global.Entity` names), or, with
`--ner-key KEY`, from BIO tags in that MISC key (`NER=B-PER`, `I-PER`, `O`; BIOES/BILOU prefixes too); a file
with no mention read but BIO tags under another MISC key (`name=B-PER`) is an error naming that key.

Text: each document (`# newdoc`, `# newdoc id = ...`, else the file) is its sentences' `# text` lines joined
by a line break, a blank line before a paragraph (`# newpar`), or by the whitespace of UDPipe's
`SpacesAfter` on a sentence's last token (`SpacesBefore` on the document's first token: before its text).
Every token's form is found in its sentence's text in order; `SpaceAfter=No` is checked against it (a
disagreement is a warning). A sentence without `# text` is rebuilt from its tokens and `SpaceAfter=No`.
Offsets are code points into that text. A multi-word token (`1-2 del` over `de` + `el`) is one stretch of
text: a mention that begins or ends between its words has its boundary inside that token, which `--align`
decides; empty nodes (`5.1`) have no text, so a mention's edges skip them.

Kept: the mentions with their type as the label (map it with --label-map; e.g. `abstract=ignore`), the
CorefUD entity id as the mention's `cluster`; document metadata `# meta::title`, `# meta::sourceURL`
(url), `# meta::dateCreated` (date); the `# newdoc id` as the document id.
Reported: discontinuous mentions (`e1[1/2]`) and mentions of empty nodes only, per item; other `# meta::`
keys, counted in the summary; a bracket that does not match, a token not found in the text, as errors
naming file and line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from pathlib import Path

import conllu

from .. import files
from ..model import Document
from .tool import NULL_LABEL, FormatError, Parsed, ToolDoc, ToolSpan, lines_of, read_files, tagged

_SPACES = re.compile(r"\s*")  # in a str pattern, \s is exactly what str.isspace() accepts
_BRACKET = re.compile(r"\(([^()]+)(\))?|([^()]+)\)")  # opens (and closes), or closes
_PART = re.compile(r"([^\[\]]+)\[(\d+)/(\d+)\]")
_BIO = re.compile(r"([BIESLU])-(.+)")
_CLUSTER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ESCAPED = re.compile(r"\\(.)")  # UDPipe's escapes in SpacesBefore/SpacesAfter: \s \t \r \n, \p for |, \\
_SPACES_ESCAPE = {"s": " ", "t": "\t", "r": "\r", "n": "\n", "p": "|"}
META = {"meta::title": "title", "meta::sourceURL": "url", "meta::dateCreated": "date"}


@dataclass
class _Open:  # a mention opened and not yet closed
    key: str  # the entity id (CorefUD) or the label (BIO)
    label: str
    first: int  # index of its first word in _Doc.words
    line: int
    discontinuous: bool = False


@dataclass
class _Doc:
    name: str
    where: str
    text: str = ""
    words: list[tuple[int, int] | None] = field(default_factory=list)  # each word's span; None for an empty node
    spans: list[ToolSpan] = field(default_factory=list)
    open: list[_Open] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    types: dict = field(default_factory=dict)  # entity id -> its type, for mentions that leave it out
    type_field: int = 1
    broken: bool = False
    after: str | None = None  # the whitespace after the last sentence, when its last token says (SpacesAfter)


def load(path: Path, unit: str | None = None, *, ner_key: str | None = None) -> Parsed:
    return read_files(path, (".conllu", ".conll"), "CoNLL-U files (.conllu)", _Reader, ner_key)


def _blocks(data: str):
    """(first line number, lines) of each sentence block (blank-line separated)."""
    block: list[str] = []
    for n, line in enumerate([*files.lines(data), ""], 1):
        if line.strip():
            block.append(line)
        elif block:
            yield n - len(block), block
            block = []


class _Reader:  # reads one CoNLL-U file into ToolDocs (one per `# newdoc`), with its problems at their lines
    def __init__(self, data: str, file: str, name: str, out: Parsed, ner_key: str | None):
        self.file, self.out, self.ner_key = file, out, ner_key
        self.docs: list[_Doc] = []
        self.bio_keys: Counter = Counter()  # MISC keys other than the one read that hold B- tags
        self.parse(data, name)

    def error(self, line: int, message: str, hint: str | None = None) -> None:
        """An error of the current document: it is not imported (its other problems are still told)."""
        self.out.error(f"{self.file}:{line}", message, hint)
        self.docs[-1].broken = True

    def parse(self, data: str, name: str) -> None:
        for start, block in _blocks(data):
            try:
                sentences = conllu.parse("\n".join(block) + "\n")
            except Exception as e:  # noqa: BLE001 - the parser's exceptions vary by version; each is this block's error
                self.out.error(f"{self.file}:{start}", f"not a CoNLL-U sentence ({type(e).__name__}: {e})")
                continue
            for sent in sentences:
                md = sent.metadata
                if not self.docs or "newdoc" in md or "newdoc id" in md:
                    if self.docs:
                        self.finish()
                    named = md.get("newdoc id") or (f"{name}-{len(self.docs) + 1}" if self.docs else name)
                    self.docs.append(_Doc(named, f"{self.file}:{start}"))
                self.metadata(md)
                self.sentence(sent, start + sum(line.startswith("#") for line in block))
        if not self.docs:
            return self.out.error(self.file, "holds no CoNLL-U sentence")
        self.finish()
        if self.bio_keys and not any(d.spans for d in self.docs):
            key = self.bio_keys.most_common(1)[0][0]
            read = f"BIO tags under the MISC key {self.ner_key!r}" if self.ner_key else "CorefUD Entity= brackets"
            message = f"no entity mention found ({read}); found BIO tags under the MISC key {key!r}"
            return self.out.error(self.file, message, f"pass --ner-key {key}")
        self.out.docs += [
            ToolDoc(d.text + ("\n" if d.after is None else d.after), d.name, d.where, d.spans, meta=d.meta)
            for d in self.docs
            if not d.broken
        ]

    def metadata(self, md: dict) -> None:
        doc = self.docs[-1]
        for key, value in md.items():
            if key in META and value and META[key] not in doc.meta:
                if META[key] != "date":
                    doc.meta[META[key]] = value
                elif _DATE.match(value):  # a time too: the date, and the time it was published
                    doc.meta |= {"date": value[:10], "published": value} if len(value) > 10 else {"date": value}
            elif key.startswith("meta::") and key not in META:
                self.out.ignored[f"document metadata {key}"] += 1
            elif key == "global.Entity" and value:
                fields = value.split("-")
                doc.type_field = fields.index("etype") if "etype" in fields else 1

    def sentence(self, sent, line0: int) -> None:
        doc = self.docs[-1]
        surface: list[tuple[int, str, bool, list[int], dict]] = []  # the text's tokens: line, form, space, words, misc
        words: list[tuple[int, int | None, dict]] = []  # line, word id (None for an empty node), misc
        forms, mwt_end = {}, 0
        for line, tok in enumerate(sent, line0):
            tid, misc = tok["id"], tok["misc"] or {}
            mwt = isinstance(tid, tuple) and tid[1] == "-"  # a multi-word token over the words tid[0]..tid[2]
            if mwt or (isinstance(tid, int) and tid > mwt_end):
                wids = list(range(tid[0], tid[2] + 1)) if mwt else [tid]
                surface.append((line, tok["form"], misc.get("SpaceAfter") != "No", wids, misc))
                mwt_end = tid[2] if mwt else mwt_end
            if not mwt:  # a word, or an empty node (no text)
                words.append((line, tid if isinstance(tid, int) else None, misc))
                forms[tid] = tok["form"]
        md = sent.metadata
        text = md.get("text")
        if text is None:
            text = "".join(
                form + " " * (space and k < len(surface) - 1) for k, (_, form, space, *_) in enumerate(surface)
            )
        # the whitespace between sentences: the last one's SpacesAfter (UDPipe), else a line break, a blank
        # line before a paragraph; before the document, its first token's SpacesBefore
        sep = doc.after if doc.after is not None else "\n\n" if ("newpar" in md or "newpar id" in md) else "\n"
        sep = sep if doc.text else _spaces(surface[0][4] if surface else {}, "SpacesBefore") or ""
        base, pos, spans, disagree = len(doc.text) + len(sep), 0, {}, []
        for k, (line, form, _, wids, _) in enumerate(surface):  # each token where the text continues
            start = _SPACES.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches
            if not text.startswith(form, start):
                found = text[start : start + len(form) + 10]
                message = f"the token {form!r} is not where the sentence's `# text` continues (at {start}: {found!r})"
                return self.error(line, message, "make `# text` and the token forms agree")
            if k and surface[k - 1][2] != (start > pos):
                disagree.append(f"{self.file}:{line}")
            pos = start + len(form)
            inner = _inner(form, [forms.get(w, "") for w in wids], start, pos) if len(wids) > 1 else [(start, pos)]
            spans.update({w: (base + a, base + b) for w, (a, b) in zip(wids, inner, strict=True)})
        if disagree:
            listed = f"{len(disagree)} token(s) ({', '.join(disagree[:5])})"
            self.out.warn(
                disagree[0], f"SpaceAfter=No disagrees with the sentence's `# text` before {listed}; the text is kept"
            )
        doc.text += sep + text
        doc.after = _spaces(surface[-1][4] if surface else {}, "SpacesAfter")
        for line, wid, misc in words:
            doc.words.append(spans.get(wid) if wid is not None else None)
            self.bio_keys.update(
                k for k, v in misc.items() if k != self.ner_key and str(v).startswith(("B-", "U-", "S-"))
            )
            if self.ner_key is None:
                self.brackets(misc.get("Entity") or "", line)
            elif wid is not None:
                self.bio(misc.get(self.ner_key) or "O", line)
        if self.ner_key is not None and doc.open:
            self.close(doc.open.pop())  # a BIO mention ends with its sentence

    def brackets(self, value: str, line: int) -> None:
        """CorefUD brackets, left to right: `(e1-type...` opens, `e1)` closes, `(e1-type...)` is both."""
        doc, pos = self.docs[-1], 0
        while pos < len(value):
            if not (m := _BRACKET.match(value, pos)):
                hint = "expected CorefUD brackets: (e1-type..., e1), (e1-type...)"
                return self.error(line, f"malformed Entity={value!r}", hint)
            pos, closing = m.end(), m[3]
            if m[1]:  # opens a mention (and closes it: `(e1-type...)`)
                fields = m[1].split("-")
                eid, part = fields[0], _PART.fullmatch(fields[0])
                label = fields[doc.type_field] if len(fields) > doc.type_field else ""
                label = label or doc.types.get(eid, "")
                if label and not part:
                    doc.types[eid] = label
                doc.open.append(_Open(eid, label or NULL_LABEL, len(doc.words) - 1, line, discontinuous=bool(part)))
                if part and part[2] == "1":
                    told = f"discontinuous mention of {part[1]} ({part[3]} parts) is not imported: newsspan mentions are contiguous"
                    self.out.warn(f"{self.file}:{line}", told)
                closing = eid if m[2] else None
            if closing is not None:  # closes the innermost open mention of the entity
                k = next((k for k in reversed(range(len(doc.open))) if doc.open[k].key == closing), None)
                if k is None:
                    self.error(line, f"`{closing})` closes a mention of {closing} that no bracket opened")
                else:
                    self.close(doc.open.pop(k))

    def close(self, m: _Open, before_this: bool = False) -> None:
        """A mention ends: at the current word, or (before_this) at the word before it."""
        doc = self.docs[-1]
        inside = [w for w in doc.words[m.first : len(doc.words) - before_this] if w is not None]
        where = f"{self.file}:{m.line} ({m.key + ' ' if m.key != m.label else ''}{m.label})"
        if m.discontinuous:
            return
        if not inside:
            return self.out.warn(where, "a mention of empty nodes only has no text; it is not imported")
        cluster = m.key if m.key != m.label and _CLUSTER.fullmatch(m.key) else None
        doc.spans.append(ToolSpan(m.label, inside[0][0], inside[-1][1], where, cluster=cluster))

    def bio(self, tag: str, line: int) -> None:
        opened, key = self.docs[-1].open, self.ner_key
        m = _BIO.fullmatch(tag)
        if tag not in ("O", "_") and not m:
            return self.error(line, f"{key}={tag!r} is not a BIO tag (B-TYPE, I-TYPE or O)")
        prefix, label = (m[1], m[2]) if m else ("O", "")
        if opened and not (prefix in "IEL" and opened[-1].label == label):  # the open mention ended before
            self.close(opened.pop(), before_this=True)
        if m and not opened:  # a mention starts
            if prefix in "IEL":
                self.out.warn(f"{self.file}:{line}", f"{key}={tag} follows no {label} mention: taken as its start")
            opened.append(_Open(label, label, len(self.docs[-1].words) - 1, line))
        if m and prefix in "ESLU":
            self.close(opened.pop())

    def finish(self) -> None:
        for m in self.docs[-1].open:
            self.error(m.line, f"the mention of {m.key} opened here is never closed")
        self.docs[-1].open.clear()


def _spaces(misc: dict, key: str) -> str | None:
    """A token's SpacesBefore or SpacesAfter, unescaped ("" for `SpacesAfter=`); None when it has none."""
    return _ESCAPED.sub(lambda m: _SPACES_ESCAPE.get(m[1], m[1]), misc[key] or "") if key in misc else None


def _inner(form: str, parts: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the words of a multi-word token. Words that spell the token ("it" + "'s") get their own
    characters; otherwise ("del" = "de" + "el") the inner boundaries fall strictly inside the token."""
    length = end - start
    if "".join(parts) == form:
        cuts = list(accumulate(map(len, parts[:-1])))
    else:
        cuts = [length * k // len(parts) for k in range(1, len(parts))]
    inside = [start + min(max(c, 1), length - 1) if length > 1 else end for c in cuts]
    return list(pairwise([start, *inside, end]))


def _escape(spaces: str) -> str:
    return "".join({v: f"\\{k}" for k, v in _SPACES_ESCAPE.items()}.get(c, c) for c in spaces.replace("\\", "\\\\"))


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """A sentence per line of each text, the mentions as BIO tags in the MISC key NER, and UDPipe's SpacesBefore/
    SpacesAfter wherever the whitespace around a sentence is not one line break: `import conllu` rebuilds the text."""
    out = []
    for doc in docs:
        text, (tokens, spans) = doc.text, tagged(doc)
        tags = ["O"] * len(tokens)
        for a, b, label in spans:
            if "\n" in (quote := text[tokens[a].start : tokens[b - 1].end]):
                raise FormatError(f"{doc.id}: the entity {quote!r} holds a line break; a CoNLL-U sentence is a line")
            tags[a:b] = [f"B-{label}"] + [f"I-{label}"] * (b - a - 1)
        out.append(f"# newdoc id = {doc.id}")
        for n, sentence in enumerate(lines_of(text, tokens)):
            first, last = tokens[sentence[0]], tokens[sentence[-1]]
            before = text[tokens[sentence[0] - 1].end if n else 0 : first.start]
            out += ["# newpar"] * (n > 0 and before == "\n\n")
            out += [f"# sent_id = {doc.id}-{n + 1}", f"# text = {text[first.start : last.end]}"]
            for j, i in enumerate(sentence, 1):
                after = text[tokens[i].end : tokens[i + 1].start if i + 1 < len(tokens) else len(text)]
                misc = [f"NER={tags[i]}"]
                misc += ["SpacesBefore=" + _escape(before)] * (i == 0 and before != "")
                misc += ["SpaceAfter=No"] * (after == "" and i < sentence[-1])
                plain = ("\n",) if i == len(tokens) - 1 else ("\n", "\n\n")  # the whitespace the reader puts there
                misc += ["SpacesAfter=" + _escape(after)] * (i == sentence[-1] and after not in plain)
                out.append(f"{j}\t{tokens[i].text}\t_\t_\t_\t_\t_\t_\t_\t{'|'.join(misc)}")
            out.append("")
    return {"": ("\n".join(out) + "\n").encode("utf-8")}
