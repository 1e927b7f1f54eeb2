"""Checks of one document's text and metadata, and checks across the files of a root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .. import schema
from ..report import ERROR, WARNING, Problem, show
from ..text import canonicalize, first_non_canonical, is_canonical, line_col, sha256
from . import CORPUS, DOCUMENT, register


@dataclass(frozen=True)
class DocContext:
    stem: str
    text_file: str  # paths relative to the root
    meta_file: str
    text: str | None  # decoded text, None when missing, unreadable or not UTF-8
    text_sha256: str | None
    meta: dict | None  # parsed meta (None when missing or unparseable)
    text_read: bool  # the text file exists and could be read
    meta_exists: bool


class DocSummary(NamedTuple):
    """What the checks across documents need of one: small, to be sent back from a worker or a Ray task."""

    stem: str
    text_sha256: str | None
    has_text: bool
    has_meta: bool
    has_annotation: bool
    license: str | None = None  # as the metadata states it


register("text-encoding", ERROR, DOCUMENT, "A corpus text is not UTF-8 (UTF-16, another encoding, binary data).")


@register("text-not-canonical", ERROR, DOCUMENT)
def text_not_canonical(ctx: DocContext):
    """A corpus text is not in canonical form (UTF-8 without BOM, LF line ends, Unicode NFC)."""
    if ctx.text is None:
        return
    bad = first_non_canonical(ctx.text)
    if bad:
        off, why = bad
        line, col = line_col(ctx.text, off)
        yield Problem(
            "text-not-canonical",
            f"the text {why}",
            line=line,
            column=col,
            hint=f"run `newsspan canonicalize {ctx.stem}`, which fixes the text and re-anchors its spans",
        )


@register("meta-missing", ERROR, DOCUMENT)
def meta_missing(ctx: DocContext):
    """A corpus text has no corpus/<id>.meta.json beside it."""
    if ctx.text_read and not ctx.meta_exists:
        yield Problem(
            "meta-missing",
            f"there is no {ctx.meta_file} for this text",
            hint="add articles with `newsspan add`, which writes the metadata",
        )


@register("text-missing", ERROR, DOCUMENT)
def text_missing(ctx: DocContext):
    """A corpus/<id>.meta.json has no corpus/<id>.txt beside it."""
    if not ctx.text_read and ctx.meta_exists:
        yield Problem(
            "text-missing",
            f"there is no {ctx.text_file} for this metadata",
            path=ctx.meta_file,
            hint="restore the text, or remove the metadata file",
        )


@register("meta-id-mismatch", ERROR, DOCUMENT)
def meta_id_mismatch(ctx: DocContext):
    """A meta file's id differs from its file name."""
    m = ctx.meta
    if isinstance(m, dict) and isinstance(m.get("id"), str) and m["id"] != ctx.stem:
        yield Problem(
            "meta-id-mismatch",
            f"id is {show(m['id'])}, but the file is named {show(ctx.stem + '.meta.json')}",
            pointer="/id",
            path=ctx.meta_file,
            hint="the id must equal the file stem",
        )


@register("meta-hash-mismatch", ERROR, DOCUMENT)
def meta_hash_mismatch(ctx: DocContext):
    """A meta file's text_sha256 differs from the hash of its text."""
    h = ctx.meta.get("text_sha256") if isinstance(ctx.meta, dict) else None
    if not isinstance(h, str) or not ctx.text_sha256 or h == ctx.text_sha256:
        return
    if ctx.text is not None and not is_canonical(ctx.text) and h == sha256(canonicalize(ctx.text)):
        return  # the hash of the canonical form: text-not-canonical's fix, `newsspan canonicalize`, makes them agree
    yield Problem(
        "meta-hash-mismatch",
        f"text_sha256 is {h[:12]}…, but the text's hash is {ctx.text_sha256[:12]}…",
        pointer="/text_sha256",
        path=ctx.meta_file,
        hint=f"if the text was corrected on purpose, run `newsspan reanchor {ctx.stem}` (it updates the hashes)",
    )


@register("text-duplicate", ERROR, CORPUS)
def text_duplicate(summaries: list[DocSummary], root_files):
    """Two corpus documents have the same canonical text."""
    first: dict[str, str] = {}  # text digest -> the first document (in id order) with that text
    for s in summaries:
        if not s.has_text or s.text_sha256 is None:
            continue
        f = first.setdefault(s.text_sha256, s.stem)
        if f != s.stem:
            yield Problem(
                "text-duplicate",
                f"the text is identical to that of document {show(f)}",
                path=f"corpus/{s.stem}.txt",
                hint="remove one of the two documents",
            )


@register("annotation-missing", WARNING, CORPUS)
def annotation_missing(summaries: list[DocSummary], root_files):
    """A corpus text has no released annotation layer yet."""
    for stem in (s.stem for s in summaries if s.has_text and not s.has_annotation):
        yield Problem(
            "annotation-missing",
            f"document {show(stem)} has no annotations/{stem}.json yet",
            path=f"corpus/{stem}.txt",
            hint="annotate it, or import a tool export with `newsspan import`",
        )


@register("license-invalid", ERROR, CORPUS)
def license_invalid(summaries: list[DocSummary], root_files):
    """A document's license is neither an SPDX license id nor `unknown` (it decides what a published release carries)."""
    for value in sorted({s.license for s in summaries if s.license and s.license != "unknown"}):
        if schema.redistributable(value) or _spdx_id(value):
            continue
        for s in summaries:
            if s.license == value:
                yield Problem(
                    "license-invalid",
                    f"license {show(value)} is not an SPDX license id",
                    pointer="/license",
                    path=f"corpus/{s.stem}.meta.json",
                    hint='write its SPDX id (https://spdx.org/licenses/, e.g. CC-BY-4.0), or "unknown" when the license is not known',
                )


def _spdx_id(value: str) -> bool:
    # 0.1 s to load: only for a license off the allow-list
    from license_expression import ExpressionError, get_spdx_licensing

    try:
        return get_spdx_licensing().parse(value, validate=True, strict=True).render() == value
    except ExpressionError:
        return False


@register("file-unexpected", WARNING, CORPUS)
def file_unexpected(summaries, root_files):
    """A file in corpus/ or annotations/ is none of a text, a meta file or an annotation (it is ignored)."""
    for rel in root_files:
        yield Problem(
            "file-unexpected",
            "this file is ignored: corpus/ holds <id>.txt and <id>.meta.json, annotations/ holds <id>.json",
            path=rel,
            hint="move or remove it",
        )
