"""Checks of one document's text and metadata, and checks across the files of a root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..findings import Finding
from ..jsonfile import line_col
from ..report import ERROR, WARNING, show
from ..text import canonicalize, first_non_canonical, is_canonical, sha256
from . import CORPUS, DOCUMENT, register


@dataclass
class DocContext:
    stem: str
    text_file: str            # paths relative to the root
    meta_file: str
    text_data: bytes | None   # None when the file does not exist
    text: str | None          # decoded text, None when missing or not UTF-8
    text_sha256: str | None
    meta: dict | None         # parsed meta (None when missing or unparseable)
    meta_exists: bool


# Flags of a document in Summaries (and in the validation cache's entries).
HAS_TEXT, HAS_META, HAS_ANNOTATION, _HAS_SHA = 1, 2, 4, 8


class DocSummary(NamedTuple):
    """What the cross-file checks need to know of one document (cacheable).

    A named tuple: made for every document of every run, where a frozen dataclass cost 5x more.
    """
    stem: str
    text_sha256: str | None
    has_text: bool
    has_meta: bool
    has_annotation: bool

    def digest(self) -> bytes | None:
        """text_sha256 as 32 bytes."""
        return bytes.fromhex(self.text_sha256) if self.text_sha256 else None

    def flags(self) -> int:
        """has_text, has_meta and has_annotation as HAS_* bits."""
        return HAS_TEXT * self.has_text | HAS_META * self.has_meta | HAS_ANNOTATION * self.has_annotation


class Summaries:
    """The DocSummary of every document of a root, in the order added, stored as columns.

    A list of 40,000 DocSummary objects (and their hex digests) took ~12 MB, and walking it
    was a good part of a cached run; this holds the ids the caller lists anyway, one byte of
    flags and 32 bytes of digest per document. The checks read the columns through
    :meth:`texts` and :meth:`unannotated`.
    """

    def __init__(self):
        self._stems: list[str] = []
        self._flags = bytearray()
        self._shas = bytearray()

    def add(self, stem: str, digest: bytes | None, flags: int) -> None:
        """A document's summary, given as its parts: the text's SHA-256 digest, HAS_* flags."""
        if digest is not None and len(digest) == 32:
            self._shas += digest
            flags |= _HAS_SHA
        else:
            self._shas += bytes(32)
        self._stems.append(stem)
        self._flags.append(flags & (HAS_TEXT | HAS_META | HAS_ANNOTATION | _HAS_SHA))

    def documents(self) -> int:
        """How many documents have a text."""
        return sum(f & HAS_TEXT for f in self._flags)

    def texts(self):
        """(id, 32-byte digest) of every document with a text, in order."""
        shas = bytes(self._shas)
        for i, (stem, f) in enumerate(zip(self._stems, self._flags, strict=True)):
            if f & (HAS_TEXT | _HAS_SHA) == HAS_TEXT | _HAS_SHA:
                yield stem, shas[32 * i: 32 * i + 32]

    def unannotated(self):
        """Ids of the documents with a text and no released annotation layer, in order."""
        for stem, f in zip(self._stems, self._flags, strict=True):
            if f & (HAS_TEXT | HAS_ANNOTATION) == HAS_TEXT:
                yield stem


def decode_text(data: bytes) -> tuple[str | None, list[Finding]]:
    # the same tests as `not data.strip()` and `"\x00" in text`, without copying or scanning
    # the decoded text (in UTF-8 only NUL holds a 0 byte): this runs on every text
    if not data or data.isspace():
        return None, [Finding("file-empty", "the article text is empty", hint="add the text or remove the document")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        return None, [Finding("text-encoding", "the text is UTF-16 encoded; expected UTF-8",
                              hint="re-add the article with `newsspan add`, which converts it")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return None, [Finding("text-encoding", f"byte 0x{data[e.start]:02x} at byte offset {e.start} is not UTF-8; expected UTF-8",
                              line=line, column=col, hint="convert the file to UTF-8 (e.g. `iconv -f cp1252 -t utf-8`) and run `newsspan canonicalize`")]
    if b"\x00" in data:
        line, col = line_col(text, text.index("\x00"))
        return None, [Finding("text-encoding", "the text holds NUL characters (binary data)", line=line, column=col)]
    return text, []


register("text-encoding", ERROR, DOCUMENT, "A corpus text is not UTF-8 (UTF-16, another encoding, binary data).")


@register("text-not-canonical", ERROR, DOCUMENT,
          "A corpus text is not in canonical form (UTF-8 without BOM, LF line ends, Unicode NFC).")
def text_not_canonical(ctx: DocContext):
    if ctx.text is None:
        return
    bad = first_non_canonical(ctx.text)
    if bad:
        off, why = bad
        line, col = line_col(ctx.text, off)
        yield Finding("text-not-canonical", f"the text {why}", line=line, column=col,
                      hint=f"run `newsspan canonicalize {ctx.stem}`, which fixes the text and re-anchors its spans")


@register("meta-missing", ERROR, DOCUMENT, "A corpus text has no corpus/<id>.meta.json beside it.")
def meta_missing(ctx: DocContext):
    if ctx.text_data is not None and not ctx.meta_exists:
        yield Finding("meta-missing", f"there is no {ctx.meta_file} for this text",
                      hint="add articles with `newsspan add`, which writes the metadata")


@register("text-missing", ERROR, DOCUMENT, "A corpus/<id>.meta.json has no corpus/<id>.txt beside it.")
def text_missing(ctx: DocContext):
    if ctx.text_data is None and ctx.meta_exists:
        yield Finding("text-missing", f"there is no {ctx.text_file} for this metadata", file=ctx.meta_file,
                      hint="restore the text, or remove the metadata file")


@register("meta-id-mismatch", ERROR, DOCUMENT, "A meta file's id differs from its file name.")
def meta_id_mismatch(ctx: DocContext):
    m = ctx.meta
    if isinstance(m, dict) and isinstance(m.get("id"), str) and m["id"] != ctx.stem:
        yield Finding("meta-id-mismatch", f"id is {show(m['id'])}, but the file is named {show(ctx.stem + '.meta.json')}",
                      pointer="/id", file=ctx.meta_file, hint="the id must equal the file stem")


@register("meta-hash-mismatch", ERROR, DOCUMENT, "A meta file's text_sha256 differs from the hash of its text.")
def meta_hash_mismatch(ctx: DocContext):
    m = ctx.meta
    if isinstance(m, dict) and isinstance(m.get("text_sha256"), str) and ctx.text_sha256 and m["text_sha256"] != ctx.text_sha256:
        if ctx.text is not None and not is_canonical(ctx.text) and m["text_sha256"] == sha256(canonicalize(ctx.text)):
            return  # the hash of the canonical form: text-not-canonical's fix, `newsspan canonicalize`, makes them agree
        yield Finding("meta-hash-mismatch",
                      f"text_sha256 is {m['text_sha256'][:12]}…, but the text's hash is {ctx.text_sha256[:12]}…",
                      pointer="/text_sha256", file=ctx.meta_file,
                      hint=f"if the text was corrected on purpose, run `newsspan reanchor {ctx.stem}` (it updates the hashes)")


@register("text-duplicate", ERROR, CORPUS, "Two corpus documents have the same canonical text.")
def text_duplicate(summaries: Summaries, root_files):
    first: dict[bytes, str] = {}
    groups: dict[bytes, list[str]] = {}  # only texts seen twice or more: a dict of lists for every text cost 10x more
    for stem, digest in summaries.texts():
        f = first.setdefault(digest, stem)
        if f is not stem:
            groups.setdefault(digest, [f]).append(stem)
    for stems in groups.values():
        stems.sort()
        for dup in stems[1:]:
            yield Finding("text-duplicate", f"the text is identical to that of document {show(stems[0])}",
                          file=f"corpus/{dup}.txt", hint="remove one of the two documents")


@register("annotation-missing", WARNING, CORPUS, "A corpus text has no released annotation layer yet.")
def annotation_missing(summaries: Summaries, root_files):
    for stem in summaries.unannotated():
        yield Finding("annotation-missing", f"document {show(stem)} has no annotations/{stem}.json yet",
                      file=f"corpus/{stem}.txt", hint="annotate it, or import a tool export with `newsspan import`")


@register("file-unexpected", WARNING, CORPUS,
          "A file in corpus/ or annotations/ is none of a text, a meta file or an annotation (it is ignored).")
def file_unexpected(summaries, root_files):
    for rel in root_files:
        yield Finding("file-unexpected", "this file is ignored: corpus/ holds <id>.txt and <id>.meta.json, annotations/ holds <id>.json",
                      file=rel, hint="move or remove it")
