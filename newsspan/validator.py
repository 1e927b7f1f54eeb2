"""The validator: the schemas and every registered check, one document at a time, then across documents.
:func:`check_document` and :func:`check_corpus` read no file, so they validate a root here (:func:`validate_root`,
in a pool of processes) and a corpus on a cluster (``newsspan.ray``) alike."""

from __future__ import annotations

import multiprocessing
import os
import re
import stat
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from . import checks, schema, store
from .checks.corpus import DocContext, DocSummary
from .checks.run import annotation_rel, check_annotation_file, internal, placed, run
from .files import decode_file, read_json
from .model import LAYERS
from .report import Problem, Report
from .text import canonicalize, sha256


@dataclass
class DocumentFiles:
    """The contents of one document's files: bytes, None (no such file), or the Problem that says why it
    could not be read. ``annotations`` maps None (the released layer) and annotator names to their files."""

    stem: str
    text: bytes | Problem | None = None
    meta: bytes | Problem | None = None
    annotations: dict[str | None, bytes | Problem] = field(default_factory=dict)

    def count(self) -> int:
        return (self.text is not None) + (self.meta is not None) + len(self.annotations)


def text_rel(stem: str) -> str:
    return f"corpus/{stem}{store.TEXT_SUFFIX}"


def meta_rel(stem: str) -> str:
    return f"corpus/{stem}{store.META_SUFFIX}"


def check_document(files: DocumentFiles) -> tuple[list[Problem], DocSummary]:
    """Every per-document check of one document from its files' contents: its problems, and its summary."""
    stem = files.stem
    try:
        return _check_document(files)
    except Exception as e:  # noqa: BLE001 - fail closed: an error outside any single check
        doc_id = stem if store.is_valid_id(stem) else None
        problem = internal(f"validating document {stem!a} failed", e)
        summary = DocSummary(stem, None, files.text is not None, files.meta is not None, True)
        return placed([problem], text_rel(stem), doc_id), summary


def _check_document(files: DocumentFiles) -> tuple[list[Problem], DocSummary]:
    stem = files.stem
    doc_id = stem if store.is_valid_id(stem) else None
    text_problems: list[Problem] = []
    meta_problems: list[Problem] = []
    if doc_id is None:
        hint = "rename the document's files (corpus/<id>.txt, corpus/<id>.meta.json, annotations/<id>.json)"
        text_problems.append(Problem("id-invalid", schema.invalid_id(stem), hint=hint))
    text = text_sha = None
    if isinstance(files.text, Problem):
        text_problems.append(files.text)
    elif files.text is not None:
        text_sha = sha256(files.text)
        text, found = decode_file(files.text, is_json=False)
        text_problems += found
    meta = None
    if isinstance(files.meta, Problem):
        meta_problems.append(files.meta)
    elif files.meta is not None:
        meta, found, _ = read_json(files.meta, "document")
        meta_problems += found
    text_read, meta_exists = isinstance(files.text, bytes), files.meta is not None
    ctx = DocContext(stem, text_rel(stem), meta_rel(stem), text, text_sha, meta, text_read, meta_exists)
    for check in checks.by_scope(checks.DOCUMENT):
        text_problems += run(check, ctx)
    problems = placed(text_problems, text_rel(stem), doc_id) + placed(meta_problems, meta_rel(stem), doc_id)
    # A text that is not canonical is one error: its spans are checked against the canonical text,
    # which `newsspan canonicalize` writes; before that each would be a follow-on error.
    not_canonical = text is not None and any(p.check == "text-not-canonical" for p in problems)
    waiting: list[tuple[str, int]] = []
    for annotator, data in files.annotations.items():
        rel = annotation_rel(stem, annotator)
        found = check_annotation_file(
            data, stem, annotator, None if not_canonical else text, text_sha, files.text is not None
        )
        if not_canonical and isinstance(data, bytes):
            value = read_json(data, "annotation").value
            value = value if isinstance(value, dict) else {}
            # made on the canonical text: `newsspan canonicalize` makes the hashes agree
            if value.get("text_sha256") == sha256(canonicalize(text)):  # type: ignore[arg-type]  # text is a str
                found = [p for p in found if p.check != "text-hash-mismatch"]
            waiting.append((rel, sum(len(v) for k in LAYERS if isinstance(v := value.get(k), list))))
        problems += placed(found, rel, doc_id)
    problems += placed(checks.agreement.unresolved(stem, files.annotations), annotation_rel(stem, None), doc_id)
    if waiting:
        n = sum(k for _, k in waiting)
        note = (
            f" (the checks of {n} span{'s' * (n != 1)} in {', '.join(rel for rel, _ in waiting)} wait for the "
            "canonical text)"
        )
        problems = [replace(p, message=p.message + note) if p.check == "text-not-canonical" else p for p in problems]
    license = meta.get("license") if isinstance(meta, dict) and isinstance(meta.get("license"), str) else None
    summary = DocSummary(stem, text_sha, files.text is not None, meta_exists, None in files.annotations, license)
    return problems, summary


def check_corpus(summaries: Sequence[DocSummary], others: Sequence[str] = ()) -> list[Problem]:
    """The checks across documents, over every document's summary (in id order) and the files that are none's."""
    found = [p for check in checks.by_scope(checks.CORPUS) for p in run(check, list(summaries), list(others))]
    return placed(found, ".", None)


# reading a root ---------------------------------------------------------------------------------


def _read(root: store.Root, path: Path, limit: int = store.MAX_FILE_BYTES) -> bytes | Problem | None:
    """A file's bytes; None when nothing stands at path; else the Problem that says why not."""
    if not os.path.lexists(path):
        return None
    try:
        return root.read_bytes(path, limit)
    except store.FileTooLarge as e:
        return Problem("file-too-large", str(e), hint="split the document, or raise the limit with --max-bytes")
    except store.OutsideRoot as e:
        return Problem("path-outside-root", str(e), hint="replace the link with the file itself")
    except OSError as e:
        return Problem("file-unreadable", f"cannot read the file: {e.strerror or e}")


def read_document(
    root: store.Root, stem: str, layers: Iterable | None = None, max_bytes: int = store.MAX_FILE_BYTES
) -> DocumentFiles:
    """The contents of a document's files in root (layers as a Listing gives them, else found on disk)."""
    return DocumentFiles(
        stem,
        _read(root, root.path / text_rel(stem), max_bytes),
        _read(root, root.path / meta_rel(stem), max_bytes),
        {
            af.annotator: data
            for af in root.annotation_files(stem, layers)
            if (data := _read(root, af.path, max_bytes)) is not None
        },
    )


def _check_one(root: store.Root, layers: dict, max_bytes: int, stem: str) -> tuple[list[Problem], DocSummary, int]:
    files = read_document(root, stem, layers.get(stem, ()), max_bytes)
    return (*check_document(files), files.count())


_worker: tuple = ()  # (root, layers, max_bytes) in a worker process


def _init_worker(*args) -> None:
    global _worker
    _worker = args


def _check_in_worker(stem: str):
    root, layers, max_bytes = _worker
    return _check_one(root, layers, max_bytes, stem)


MIN_PARALLEL = 32  # fewer documents than this are checked in-process (a pool costs ~50 ms to start)


def _check_all(root: store.Root, stems: list[str], layers: dict, jobs: int, max_bytes: int):
    """_check_one() of each document, in order; in a pool of `jobs` processes when that pays."""
    done = 0
    # (a daemon process, such as a data-loader worker, may not start processes of its own)
    if jobs > 1 and len(stems) >= MIN_PARALLEL and not multiprocessing.current_process().daemon:
        # fork: workers start in milliseconds and see the check registry exactly as it is here
        mp = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        chunks = max(1, min(64, len(stems) // (jobs * 16)))
        try:
            with ProcessPoolExecutor(
                jobs, mp_context=mp, initializer=_init_worker, initargs=(root, layers, max_bytes)
            ) as pool:
                for result in pool.map(_check_in_worker, stems, chunksize=chunks):
                    yield result
                    done += 1
        except (BrokenProcessPool, OSError):
            pass  # a worker died (killed, out of memory) or none could start: the rest is checked here
    for stem in stems[done:]:
        yield _check_one(root, layers, max_bytes, stem)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def stem_of(root: store.Root, path: str) -> str:
    """The document id a PATH argument names: a file of the root's corpus/ or annotations/ (relative to the
    working directory or to the root), or a document id; else a StoreError (validating nothing never passes)."""
    p = Path(path)
    candidates = [c for c in (p, root.path / p) if os.path.lexists(c)]
    if not candidates:
        if store.is_valid_id(path) and read_document(root, path).count():
            return path
        what = "no such file, and no document of that id" if store.is_valid_id(path) else "no such file"
        raise store.StoreError(f"{path}: {what} in the root {root.path}")
    base = root.path.resolve()
    for c in candidates:
        try:
            rel = c.absolute().parent.resolve().relative_to(base) / c.name
        except ValueError:
            continue
        for suffix in (store.META_SUFFIX, store.TEXT_SUFFIX, store.JSON_SUFFIX):
            if rel.name.endswith(suffix) and rel.parts[0] in ("corpus", "annotations"):
                return rel.name[: -len(suffix)]
    raise store.StoreError(
        f"{path}: not a text, meta or annotation file in corpus/ or annotations/ of the root {root.path}"
    )


def validate_root(
    root: store.Root | str | os.PathLike | None = None,
    paths: Sequence[str] | None = None,
    *,
    jobs: int = 1,
    progress: bool = False,
    max_bytes: int = store.MAX_FILE_BYTES,
) -> Report:
    """Validate a whole root, or only the documents that PATHs name (files of the root, or ids), the checks
    across documents then run on them against all others. jobs > 1 gives the same report, from processes."""
    root = store.Root.of(root)
    root.check()
    report = Report(root=str(root.path))
    listing = root.listing()
    stems = sorted({stem_of(root, p) for p in paths}) if paths else listing.stems
    summaries: dict[str, DocSummary] = {}
    results = _check_all(root, stems, listing.layers, jobs, max_bytes)
    if progress:
        results = tqdm(results, total=len(stems), desc="validating", unit="doc", leave=False)
    for stem, (problems, summary, n_files) in zip(stems, results, strict=True):
        summaries[stem] = summary
        report.extend(problems)
        report.files_checked += n_files
    report.documents = sum(s.has_text for s in summaries.values())
    if not paths:
        report.extend(check_corpus(list(summaries.values()), listing.others))
        return report
    # The others, as much as the checks across documents need of them: a text with the bytes of a named one
    # has its size, so only the others of such a size are read and hashed (a named text that is missing or a
    # link: every other text)
    sizes = {_size(os.path.join(root.path, text_rel(s))) for s in stems}
    for stem in listing.stems:
        if stem in summaries:
            continue
        path = os.path.join(root.path, text_rel(stem))
        released = None in listing.layers.get(stem, ())
        size = _size(path)
        if size is not None and None not in sizes and size not in sizes:
            summaries[stem] = DocSummary(stem, None, True, True, released)
            continue
        data = _read(root, Path(path))
        text_sha = sha256(data) if isinstance(data, bytes) else None
        summaries[stem] = DocSummary(stem, text_sha, data is not None, True, released)
    named = {text_rel(s) for s in stems} | {meta_rel(s) for s in stems}
    ordered = [summaries[s] for s in sorted(summaries)]  # (the others' licenses are not read: not reported here)
    report.extend(p for p in check_corpus(ordered) if p.path in named)
    return report


def _size(path: str) -> int | None:
    """The size of a regular file that is no link; None for anything else (read in full, then)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def validate(root: str | os.PathLike | None = None, paths: Sequence[str] = ()) -> Report:
    """Check a corpus root (None: the shipped corpus), or only the documents that ``paths`` name (files of
    the root or ids), against the schemas and every check: a :class:`~newsspan.Report`, whose ``problems``,
    ``errors`` and ``warnings`` list what was found and ``ok`` is True when there is no error."""
    return validate_root(root, list(paths) or None, jobs=default_jobs())


def check_writes(root: store.Root, writes: Iterable[tuple[Path, bytes]]) -> list[Problem]:
    """What `newsspan validate` would report in files a command is about to write: each document they touch,
    the new bytes laid over it in memory, checked whole. The problems of the files written."""
    overlay: dict[str, bytes] = {root.rel(Path(path)): data for path, data in writes}
    docs: dict[str, DocumentFiles] = {}
    for rel, data in overlay.items():
        m = _WRITABLE.fullmatch(rel)
        if m is None or m.lastgroup is None:
            raise ValueError(f"{rel}: not a corpus or annotation file")
        kind = m.lastgroup  # the group of the document id: text, meta or layer
        files = docs.get(m[kind]) or docs.setdefault(m[kind], read_document(root, m[kind]))
        if kind == "text":
            files.text = data
        elif kind == "meta":
            files.meta = data
        else:
            files.annotations[m["annotator"]] = data
    return [p for files in docs.values() for p in check_document(files)[0] if p.path in overlay]


# The files of a document (which need not exist yet), as root-relative paths.
_WRITABLE = re.compile(
    r"corpus/(?P<meta>[^/]*)\.meta\.json|corpus/(?P<text>[^/]*)\.txt"
    r"|annotations/(?:annotators/(?P<annotator>[^/]+)/)?(?P<layer>[^/]*)\.json"
)
