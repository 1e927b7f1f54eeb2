"""Checks of one document's text and metadata, and checks across the files of a root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..findings import Finding
from ..report import ERROR, WARNING, show
from ..text import canonicalize, first_non_canonical, is_canonical, line_col, sha256
from . import CORPUS, DOCUMENT, register


@dataclass
class DocContext:
    stem: str
    text_file: str  # paths relative to the root
    meta_file: str
    text_data: bytes | None  # None when the file does not exist
    text: str | None  # decoded text, None when missing or not UTF-8
    text_sha256: str | None
    meta: dict | None  # parsed meta (None when missing or unparseable)
    meta_exists: bool


class DocSummary(NamedTuple):
    """What the cross-file checks need to know of one document (cacheable)."""

    stem: str
    text_sha256: str | None
    has_text: bool
    has_meta: bool
    has_annotation: bool


class Summaries:
    """The DocSummary of every document of a root, in the order added, kept as columns: the
    id, one byte of flags and the 32-byte text digest per document (a list of DocSummary
    objects holds ~200 bytes per document: at 40,000 documents, a seventh of validation's
    memory)."""

    _TEXT, _ANNOTATION, _DIGEST = 1, 2, 4

    def __init__(self):
        self._stems: list[str] = []
        self._flags = bytearray()
        self._digests = bytearray()

    def add(self, stem: str, s: DocSummary) -> None:
        """s, under the id stem (the caller's string: a summary from a worker holds a copy)."""
        digest = bytes.fromhex(s.text_sha256) if s.text_sha256 else b""
        self._stems.append(stem)
        self._flags.append(self._TEXT * s.has_text | self._ANNOTATION * s.has_annotation | self._DIGEST * bool(digest))
        self._digests += digest or bytes(32)

    def documents(self) -> int:
        """How many documents have a text."""
        return sum(f & self._TEXT for f in self._flags)

    def texts(self):
        """(id, 32-byte text digest) of every document with a text, in order."""
        both, digests = self._TEXT | self._DIGEST, bytes(self._digests)
        for i, (stem, f) in enumerate(zip(self._stems, self._flags, strict=True)):
            if f & both == both:
                yield stem, digests[32 * i : 32 * i + 32]

    def unannotated(self):
        """Ids of the documents with a text and no released annotation layer, in order."""
        for stem, f in zip(self._stems, self._flags, strict=True):
            if f & (self._TEXT | self._ANNOTATION) == self._TEXT:
                yield stem


register("text-encoding", ERROR, DOCUMENT, "A corpus text is not UTF-8 (UTF-16, another encoding, binary data).")


@register(
    "text-not-canonical",
    ERROR,
    DOCUMENT,
    "A corpus text is not in canonical form (UTF-8 without BOM, LF line ends, Unicode NFC).",
)
def text_not_canonical(ctx: DocContext):
    if ctx.text is None:
        return
    bad = first_non_canonical(ctx.text)
    if bad:
        off, why = bad
        line, col = line_col(ctx.text, off)
        yield Finding(
            "text-not-canonical",
            f"the text {why}",
            line=line,
            column=col,
            hint=f"run `newsspan canonicalize {ctx.stem}`, which fixes the text and re-anchors its spans",
        )


@register("meta-missing", ERROR, DOCUMENT, "A corpus text has no corpus/<id>.meta.json beside it.")
def meta_missing(ctx: DocContext):
    if ctx.text_data is not None and not ctx.meta_exists:
        yield Finding(
            "meta-missing",
            f"there is no {ctx.meta_file} for this text",
            hint="add articles with `newsspan add`, which writes the metadata",
        )


@register("text-missing", ERROR, DOCUMENT, "A corpus/<id>.meta.json has no corpus/<id>.txt beside it.")
def text_missing(ctx: DocContext):
    if ctx.text_data is None and ctx.meta_exists:
        yield Finding(
            "text-missing",
            f"there is no {ctx.text_file} for this metadata",
            file=ctx.meta_file,
            hint="restore the text, or remove the metadata file",
        )


@register("meta-id-mismatch", ERROR, DOCUMENT, "A meta file's id differs from its file name.")
def meta_id_mismatch(ctx: DocContext):
    m = ctx.meta
    if isinstance(m, dict) and isinstance(m.get("id"), str) and m["id"] != ctx.stem:
        yield Finding(
            "meta-id-mismatch",
            f"id is {show(m['id'])}, but the file is named {show(ctx.stem + '.meta.json')}",
            pointer="/id",
            file=ctx.meta_file,
            hint="the id must equal the file stem",
        )


@register("meta-hash-mismatch", ERROR, DOCUMENT, "A meta file's text_sha256 differs from the hash of its text.")
def meta_hash_mismatch(ctx: DocContext):
    m = ctx.meta
    if (
        isinstance(m, dict)
        and isinstance(m.get("text_sha256"), str)
        and ctx.text_sha256
        and m["text_sha256"] != ctx.text_sha256
    ):
        if ctx.text is not None and not is_canonical(ctx.text) and m["text_sha256"] == sha256(canonicalize(ctx.text)):
            return  # the hash of the canonical form: text-not-canonical's fix, `newsspan canonicalize`, makes them agree
        yield Finding(
            "meta-hash-mismatch",
            f"text_sha256 is {m['text_sha256'][:12]}…, but the text's hash is {ctx.text_sha256[:12]}…",
            pointer="/text_sha256",
            file=ctx.meta_file,
            hint=f"if the text was corrected on purpose, run `newsspan reanchor {ctx.stem}` (it updates the hashes)",
        )


@register("text-duplicate", ERROR, CORPUS, "Two corpus documents have the same canonical text.")
def text_duplicate(summaries: Summaries, root_files):
    first: dict[bytes, str] = {}  # text digest -> the first document (in id order) with that text
    for stem, digest in summaries.texts():
        f = first.setdefault(digest, stem)
        if f != stem:
            yield Finding(
                "text-duplicate",
                f"the text is identical to that of document {show(f)}",
                file=f"corpus/{stem}.txt",
                hint="remove one of the two documents",
            )


@register("annotation-missing", WARNING, CORPUS, "A corpus text has no released annotation layer yet.")
def annotation_missing(summaries: Summaries, root_files):
    for stem in summaries.unannotated():
        yield Finding(
            "annotation-missing",
            f"document {show(stem)} has no annotations/{stem}.json yet",
            file=f"corpus/{stem}.txt",
            hint="annotate it, or import a tool export with `newsspan import`",
        )


@register(
    "file-unexpected",
    WARNING,
    CORPUS,
    "A file in corpus/ or annotations/ is none of a text, a meta file or an annotation (it is ignored).",
)
def file_unexpected(summaries, root_files):
    for rel in root_files:
        yield Finding(
            "file-unexpected",
            "this file is ignored: corpus/ holds <id>.txt and <id>.meta.json, annotations/ holds <id>.json",
            file=rel,
            hint="move or remove it",
        )
