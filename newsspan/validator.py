"""The validator: reads a root, runs the JSON Schemas and the registered checks, returns a Report.

Order per document: the text (encoding, canonical form), its metadata (JSON, schema, checks),
then every annotation file of the document (JSON, schema, semantic checks against the text).
Cross-file checks run last, on per-document summaries. Every problem is collected; nothing
stops at the first one, and a check that fails internally becomes an ``internal-error``.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import checks, ids, jsonfile, schema, schema_errors, store
from .cache import ValidationCache, file_key
from .checks.annotation import Context
from .checks.corpus import DocContext, DocSummary, Summaries
from .findings import Finding
from .model import Annotation, well_formed
from .progress import bar
from .report import Problem, Report
from .text import DecodeError, canonicalize, decode, sha256


@dataclass
class Limits:
    max_bytes: int = store.MAX_FILE_BYTES
    max_depth: int = jsonfile.MAX_DEPTH
    max_spans: int = store.MAX_SPANS


class _FileProblems:
    """Turns findings about one file into problems, locating pointers in its JSON lazily."""

    def __init__(self, rel: str, doc_id: str | None):
        self.rel, self.doc_id = rel, doc_id  # rel: the file's path relative to the root
        self.json_text: str | None = None
        self.schema_valid = False  # the file passed its schema
        self._positions: jsonfile.Positions | None = None
        self.problems: list[Problem] = []

    def add(self, f: Finding) -> None:
        line, col = f.line, f.column
        if line is None and f.pointer and self.json_text is not None and f.file is None:
            if self._positions is None:
                self._positions = jsonfile.Positions(self.json_text)
            line, col = self._positions.locate(f.pointer)
        self.problems.append(
            Problem(
                path=f.file or self.rel,
                check=f.check,
                severity=checks.get(f.check).severity,
                message=f.message,
                line=line,
                column=col,
                pointer=f.pointer,
                document_id=self.doc_id,
                hint=f.hint,
            )
        )

    def run(self, check: checks.Check, *args) -> None:
        """Run one check function; an exception inside it is reported, never raised or passed."""
        try:
            assert check.func is not None, f"{check.id} is raised by the readers: it has no function to run"
            for f in check.func(*args):
                self.add(f)
        except Exception as e:  # noqa: BLE001 - fail closed: a crashing check is a reported error
            import traceback  # only for a crash: not imported by every run

            where = traceback.extract_tb(e.__traceback__)[-1]
            self.add(
                Finding(
                    "internal-error",
                    f"check {check.id} failed: {type(e).__name__}: {e} (at {Path(where.filename).name}:{where.lineno})",
                    hint="the file is not known to be valid; please report this as a newsspan bug",
                )
            )


def _read(root: store.Root, path, fp: _FileProblems, limits: Limits) -> bytes | None:
    """A file's bytes, or None with the reason reported."""
    data = root.read_plain(path, limits.max_bytes)
    if data is not None:  # the common case; read_bytes() below explains every other one
        return data
    try:
        return root.read_bytes(path, limits.max_bytes)
    except store.FileTooLarge as e:
        fp.add(Finding("file-too-large", str(e), hint="split the document, or raise the limit with --max-bytes"))
    except store.OutsideRoot as e:
        fp.add(Finding("path-outside-root", str(e), hint="replace the link with the file itself"))
    except OSError as e:
        fp.add(Finding("file-unreadable", f"cannot read the file: {e.strerror or e}"))
    return None


def _read_if_exists(root: store.Root, path, fp: _FileProblems, limits: Limits) -> tuple[bool, bytes | None]:
    """(whether anything stands at path, its bytes or None when it cannot be read)."""
    data = root.read_plain(path, limits.max_bytes)
    if data is not None:  # read at once: it exists, and no lstat was needed to know it
        return True, data
    if not _exists(path):
        return False, None
    return True, _read(root, path, fp, limits)


def decode_file(data: bytes, is_json: bool) -> tuple[str | None, list[Finding]]:
    """The text of a corpus JSON file (is_json=True) or corpus text, or None and the finding that
    says why not: file-empty, file-encoding (JSON) or text-encoding (texts). A JSON file may not
    start with a BOM; in a text, one is text-not-canonical's finding."""
    if not data or data.isspace():
        return None, [
            Finding(
                "file-empty",
                "the file is empty" + ("; expected a JSON object" if is_json else ""),
                hint="write the content or remove the file" if is_json else "add the text or remove the document",
            )
        ]
    try:
        return decode(data, bom=not is_json), []
    except DecodeError as e:
        hint = e.hint if is_json or not e.hint else f"{e.hint}, then run `newsspan canonicalize`"
        return None, [
            Finding("file-encoding" if is_json else "text-encoding", e.reason, line=e.line, column=e.column, hint=hint)
        ]


_LAYERS = schema.layers()


def _span_count(value: dict, schema_name: str) -> int:
    if schema_name != "annotation":
        return 0
    return sum(len(v) for k in _LAYERS if isinstance(v := value.get(k), list))


def _load_json(root, path, fp: _FileProblems, schema_name: str, limits: Limits):
    """Parsed JSON that passed the JSON-level checks (schema findings added), or None."""
    data = _read(root, path, fp, limits)
    if data is None:
        return None
    return _parse_json(data, fp, schema_name, limits)


def _parse_json(data: bytes, fp: _FileProblems, schema_name: str, limits: Limits):
    """_load_json() of bytes already read."""
    text, found = decode_file(data, is_json=True)
    for f in found:
        fp.add(f)
    if text is None:
        return None
    fp.json_text = text
    value, found, floats = jsonfile.parse(text)
    # A file that jsonschema-rs passes nests and counts within the schema's bounds (it closes
    # every object and bounds every number: 5 levels, numbers below 10^9). Any other file, or
    # any file under a lower --max-depth, is scanned for both before anything walks it.
    if (
        not found
        and limits.max_depth >= jsonfile.MAX_DEPTH
        and isinstance(value, dict)
        and _span_count(value, schema_name) <= limits.max_spans
        and schema_errors.passes(schema_name, value, text, floats)
    ):
        fp.schema_valid = True
        return value
    too_deep_or_large = jsonfile.bounds(text, limits.max_depth)
    for f in too_deep_or_large or found:
        fp.add(f)
    if too_deep_or_large or (value is None and found):  # (a bare `null` parses to None too)
        return None
    if not isinstance(value, dict):
        fp.add(
            Finding(
                "schema",
                f"expected a JSON object at the top level, found {schema_errors.type_name(value)}",
                hint=f"the file holds one object following schema/{schema_name}.schema.json",
            )
        )
        return None
    n = _span_count(value, schema_name)
    if n > limits.max_spans:  # counted before the schema and the checks, so that their cost stays bounded
        fp.add(
            Finding(
                "too-many-spans",
                f"the file holds {n} spans, over the limit of {limits.max_spans}; it was not checked further",
                hint="split the document, or raise the limit with --max-spans",
            )
        )
        return None
    try:
        schema_found = schema_errors.findings(schema_name, value)
    except Exception as e:  # noqa: BLE001
        schema_found = [Finding("internal-error", f"schema validation failed: {type(e).__name__}: {e}")]
    for f in schema_found:
        fp.add(f)
    fp.schema_valid = not schema_found
    return value


@dataclass
class DocumentResult:
    problems: list[Problem]
    summary: DocSummary
    text: str | None


def _exists(path: Path) -> bool:
    """Whether anything (a file, a folder, a link, even a broken one) stands at path: one lstat."""
    try:
        os.lstat(path)
        return True
    except FileNotFoundError:
        return False
    except OSError:  # e.g. a folder that cannot be searched: reading it reports the problem
        return True


def check_document(
    root: store.Root,
    stem: str,
    limits: Limits | None = None,
    annotation_files: list[store.AnnotationFile] | None = None,
) -> DocumentResult:
    """Every per-document check of one id: text, metadata and all its annotation files.

    annotation_files, when the caller has listed the root already, saves looking for them again.
    Fails closed: an error outside any single check (in a reader, say) becomes an
    ``internal-error`` for the document, never an exception and never a pass.
    """
    limits = limits or Limits()
    try:
        return _check_document(root, stem, limits, annotation_files)
    except Exception as e:  # noqa: BLE001
        text_path = root.corpus / (stem + store.TEXT_SUFFIX)
        import traceback

        where = traceback.extract_tb(e.__traceback__)[-1]
        fp = _FileProblems(root.rel(text_path), stem if store.is_valid_id(stem) else None)
        fp.add(
            Finding(
                "internal-error",
                f"validating document {stem!a} failed: {type(e).__name__}: {e} (at {Path(where.filename).name}:{where.lineno})",
                hint="the document is not known to be valid; please report this as a newsspan bug",
            )
        )
        summary = DocSummary(
            stem, None, text_path.is_file(), (root.corpus / (stem + store.META_SUFFIX)).is_file(), True
        )
        return DocumentResult(fp.problems, summary, None)


def _check_document(
    root: store.Root, stem: str, limits: Limits, annotation_files: list[store.AnnotationFile] | None = None
) -> DocumentResult:
    problems: list[Problem] = []
    valid_id = store.is_valid_id(stem)
    text_path = root.corpus / (stem + store.TEXT_SUFFIX)
    meta_path = root.corpus / (stem + store.META_SUFFIX)
    doc_id = stem if valid_id else None

    tp = _FileProblems(root.rel(text_path), doc_id)
    if not valid_id:
        tp.add(
            Finding(
                "id-invalid",
                ids.invalid_id(stem),
                hint="rename the document's files (corpus/<id>.txt, corpus/<id>.meta.json, annotations/<id>.json)",
            )
        )
    text = text_sha = None
    _, text_data = _read_if_exists(root, text_path, tp, limits)
    if text_data is not None:
        text_sha = sha256(text_data)
        text, found = decode_file(text_data, is_json=False)
        for f in found:
            tp.add(f)
    meta = None
    mp = _FileProblems(root.rel(meta_path), doc_id)
    meta_exists, meta_data = _read_if_exists(root, meta_path, mp, limits)
    if meta_data is not None:
        meta = _parse_json(meta_data, mp, "document", limits)
    dctx = DocContext(stem, tp.rel, mp.rel, text_data, text, text_sha, meta, meta_exists)
    for check in checks.by_scope(checks.DOCUMENT):
        tp.run(check, dctx)
    problems += tp.problems + mp.problems
    # A text that is not canonical is one error: its spans are checked against the canonical
    # text, which `newsspan canonicalize` writes; before that each would be a follow-on error.
    canonical_sha = (
        sha256(canonicalize(text))
        if text is not None and any(p.check == "text-not-canonical" for p in tp.problems)
        else None
    )
    waiting: list[tuple[str, int]] = []

    has_released = False
    if annotation_files is None:
        annotation_files = _annotation_files(root, stem)
    for af in annotation_files:
        has_released |= af.annotator is None
        problems += check_annotation_file(
            root, af, text, text_sha, text_data is not None, limits, canonical_sha=canonical_sha, waiting=waiting
        )
    if waiting:
        n = sum(k for _, k in waiting)
        note = (
            f" (the checks of {n} span{'s' * (n != 1)} in {', '.join(rel for rel, _ in waiting)} wait for the "
            "canonical text)"
        )
        problems = [
            dataclasses.replace(p, message=p.message + note) if p.check == "text-not-canonical" else p for p in problems
        ]
    summary = DocSummary(stem, text_sha, text_data is not None, meta_exists, has_released)
    return DocumentResult(problems, summary, text)


def _annotation_files(root: store.Root, stem: str) -> list[store.AnnotationFile]:
    out = []
    p = root.annotations / (stem + store.JSON_SUFFIX)
    if _exists(p):
        out.append(store.AnnotationFile(p, stem, None))
    ann_dir = root.annotations / store.ANNOTATORS
    if ann_dir.is_dir():
        for who in sorted(os.listdir(ann_dir)):
            q = ann_dir / who / (stem + store.JSON_SUFFIX)
            if _exists(q):
                out.append(store.AnnotationFile(q, stem, who))
    return out


def check_annotation_file(
    root,
    af: store.AnnotationFile,
    text,
    text_sha,
    text_exists,
    limits: Limits,
    canonical_sha: str | None = None,
    waiting: list | None = None,
) -> list[Problem]:
    """The problems of one annotation file against its document's text.

    canonical_sha, given when the text is not canonical (sha256 of its canonical form): the
    checks that read the text wait for it (the file and its number of spans are added to
    ``waiting``), and a text_sha256 of either form is no mismatch (canonicalize handles both).
    """
    fp = _FileProblems(root.rel(af.path), af.stem if store.is_valid_id(af.stem) else None)
    if not store.is_valid_id(af.stem):
        fp.add(Finding("id-invalid", ids.invalid_id(af.stem), hint="name the file <document_id>.json"))
    if af.annotator is not None and not store.is_valid_id(af.annotator):
        fp.add(
            Finding(
                "id-invalid",
                "annotator folder: " + ids.invalid_id(af.annotator, "annotator name"),
                hint="rename the folder",
            )
        )
    value = _load_json(root, af.path, fp, "annotation", limits)
    if value is not None:
        ann, places = well_formed(value, fp.schema_valid)
        if canonical_sha is not None:
            if waiting is not None:
                waiting.append((fp.rel, _span_count(value, "annotation")))
            if ann.text_sha256 == canonical_sha:
                text_sha = canonical_sha
            text = None
        ctx = Context.of(
            ann, places, stem=af.stem, text=text, text_sha256=text_sha, text_exists=text_exists, annotator=af.annotator
        )
        for check in checks.by_scope(checks.ANNOTATION):
            fp.run(check, ann, ctx)
    return fp.problems


def _stem_of(root: store.Root, path: str) -> str:
    """The document id a PATH argument refers to: a text, meta or annotation file of the root
    (relative to the working directory, or to the root), or the id of a document of the root.

    A PATH that names nothing, or anything outside the root's corpus/ and annotations/, is a
    StoreError (the CLI exits 2): validating nothing must never pass.
    """
    p = Path(path)
    candidates = [c for c in (p, root.path / p) if os.path.lexists(c)]
    if not candidates:
        if store.is_valid_id(path) and any(
            os.path.lexists(f) for f in root.document_files(path, _layers_of(root, path))
        ):
            return path
        what = "no such file, and no document of that id" if store.is_valid_id(path) else "no such file"
        raise store.StoreError(f"{path}: {what} in the root {root.path}")
    base = root.path.resolve()
    for c in candidates:
        try:
            rel = c.absolute().parent.resolve().relative_to(base) / c.name
        except ValueError:
            continue
        name = rel.name
        for suffix in (store.META_SUFFIX, store.TEXT_SUFFIX, store.JSON_SUFFIX):
            if name.endswith(suffix) and rel.parts[0] in ("corpus", "annotations"):
                return name[: -len(suffix)]
    raise store.StoreError(
        f"{path}: not a text, meta or annotation file in corpus/ or annotations/ of the root {root.path}"
    )


def _layers_of(root: store.Root, stem: str) -> tuple:
    return tuple(af.annotator for af in _annotation_files(root, stem))


MIN_PARALLEL = 32  # fewer documents than this are checked in-process (a pool costs ~50 ms to start)


def _check_one(root: store.Root, limits: Limits, layers: dict, stem: str):
    """(problems, summary, files checked) of one document; small, so cheap to send back from a worker."""
    afs = [root.annotation_file(stem, who) for who in layers.get(stem, ())]
    res = check_document(root, stem, limits, afs)
    return res.problems, res.summary, res.summary.has_text + res.summary.has_meta + len(afs)


_worker: tuple = ()  # (root, limits, layers) in a worker process


def _init_worker(*args) -> None:
    global _worker
    _worker = args


def _check_in_worker(stem: str):
    root, limits, layers = _worker
    return _check_one(root, limits, layers, stem)


def _check_all(root: store.Root, stems: list[str], layers: dict, limits: Limits, jobs: int):
    """_check_one() of each document, in order; in a pool of `jobs` processes when that pays."""
    done = 0
    # (a daemon process, such as a data-loader worker, may not start processes of its own)
    if jobs > 1 and len(stems) >= MIN_PARALLEL and not multiprocessing.current_process().daemon:
        # imported here: a cached run that checks a few documents needs no pool
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        # fork: workers start in milliseconds and see the check registry exactly as it is here
        mp = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        pool = None
        try:
            pool = ProcessPoolExecutor(jobs, mp_context=mp, initializer=_init_worker, initargs=(root, limits, layers))
            for result in pool.map(_check_in_worker, stems, chunksize=max(1, min(64, len(stems) // (jobs * 16)))):
                yield result
                done += 1
        except (BrokenProcessPool, OSError):
            pass  # a worker died (killed, out of memory) or none could start: the rest is checked here
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
    for stem in stems[done:]:
        yield _check_one(root, limits, layers, stem)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def validate_root(
    root: store.Root | str | os.PathLike | None = None,
    paths: list[str] | None = None,
    limits: Limits | None = None,
    *,
    jobs: int = 1,
    cache: bool = False,
    progress: bool = False,
    on_wait=None,
) -> Report:
    """Validate a whole root, or only the documents that PATHs name (then cross-file checks are skipped).

    jobs > 1 checks documents in that many processes; the report is identical, in the same
    order. cache=True reuses the results of unchanged documents from the root's
    ``.newsspan-cache/`` and stores the new ones (see newsspan.cache). Memory grows by tens of
    bytes per document (ids and summaries), never by a document's content. progress=True
    counts the documents on a bar on stderr (newsspan.progress).

    The root's lock is held throughout: while another command writes (its transaction half
    done), this waits for it, calling ``on_wait(message)`` once, instead of reporting the
    half-done transaction; and no command writes while the root is being read.
    """
    root = store.Root.of(root)
    root.check()
    with root.lock(timeout=-1, on_wait=on_wait, optional=True):
        return _validate_root(root, paths, limits or Limits(), jobs, cache, progress)


def _validate_root(
    root: store.Root, paths: list[str] | None, limits: Limits, jobs: int, cache: bool, progress: bool
) -> Report:
    report = Report(root=str(root.path))
    if paths:
        stems = sorted({_stem_of(root, p) for p in paths})
        layers = {stem: _layers_of(root, stem) for stem in stems}
        others = []
    else:
        listing = root.listing()
        stems, layers, others = listing.stems, listing.layers, listing.others

    store_ = None
    keys, cached, todo = {}, {}, stems
    if cache:
        store_ = ValidationCache(root, limits)
        for stem in stems:
            key = file_key(root.document_files(stem, layers.get(stem, ())), store_.now_ns)
            hit = store_.get(stem, key[0])
            if hit is None:
                keys[stem] = key
            else:
                cached[stem] = hit
        todo = [stem for stem in stems if stem not in cached]

    fresh = _check_all(root, todo, layers, limits, jobs)
    summaries = Summaries()
    try:
        for stem in bar(stems, total=len(stems), desc="validating", enabled=progress):
            hit = cached.get(stem)
            if hit is not None:
                problems, summary, n_files = hit
            else:
                problems, summary, n_files = next(fresh)
                if store_ is not None:
                    store_.put(stem, *keys[stem], problems, summary, n_files)
            summaries.add(stem, summary)
            report.extend(problems)
            report.files_checked += n_files
    finally:
        fresh.close()  # ends the worker pool now rather than when the generator is collected
    report.documents = summaries.documents()
    if (root.path / store.JOURNAL).exists():  # the root is between two states: never pass it
        fp = _FileProblems(store.JOURNAL, None)
        fp.add(
            Finding(
                "write-interrupted",
                "a command that writes was killed before it finished; its files are half in place",
                hint="run `newsspan recover`, which completes it (or any command that writes, which recovers first)",
            )
        )
        report.extend(fp.problems)
    if not paths:
        fp = _FileProblems(".", None)
        for check in checks.by_scope(checks.CORPUS):
            fp.run(check, summaries, others)
        report.extend(fp.problems)
    if store_ is not None:
        if not paths:
            store_.keep_only(stems)
        store_.save()
    return report


def check_annotation_data(ann: dict, text: str, stem: str, annotator: str | None = None) -> list[Problem]:
    """Schema and annotation checks of an annotation not yet written (importers, re-anchoring)."""
    found = schema_errors.findings("annotation", ann)
    model, places = well_formed(ann, valid=not found)
    fp = _FileProblems(_annotation_rel(stem, annotator), stem)
    for f in found:
        fp.add(f)
    return fp.problems + check_annotation_model(model, text, stem, annotator, places=places)


def check_annotation_model(
    model: Annotation,
    text: str,
    stem: str,
    annotator: str | None = None,
    text_sha256: str | None = None,
    places: Mapping[str, Sequence[int]] | None = None,
) -> list[Problem]:
    """The annotation checks of a model not yet written, made from a file that passed its schema
    (``validate --fix`` trying its moves); text_sha256, when the caller has it, saves hashing the text."""
    fp = _FileProblems(_annotation_rel(stem, annotator), stem)
    sha = text_sha256 if text_sha256 is not None else sha256(text)
    ctx = Context.of(model, places, stem=stem, text=text, text_sha256=sha, annotator=annotator)
    for check in checks.by_scope(checks.ANNOTATION):
        fp.run(check, model, ctx)
    return fp.problems


def _annotation_rel(stem: str, annotator: str | None) -> str:
    return (
        f"annotations/{stem}.json" if annotator is None else f"annotations/{store.ANNOTATORS}/{annotator}/{stem}.json"
    )


def check_writes(root: store.Root, writes, limits: Limits | None = None) -> list[Problem]:
    """What `newsspan validate` would report in files a command is about to write, before it writes them.

    writes: [(path in root, bytes)]. Every document they touch is copied (its text, metadata and
    annotation files) into a scratch root, the new bytes laid over it, and checked whole by
    check_document(): the schemas, the metadata and the annotation checks alike. The problems of
    the files written are returned (the cross-file checks are the validator's alone).
    """
    import shutil
    import tempfile

    written = {root.rel(Path(path)) for path, _ in writes}
    stems = sorted({_document_of(rel) for rel in written})
    scratch = store.Root(tempfile.mkdtemp(prefix="newsspan-check-"))
    try:
        for stem in stems:
            current = [root.corpus / (stem + store.TEXT_SUFFIX), root.corpus / (stem + store.META_SUFFIX)]
            for path in current + [Path(af.path) for af in _annotation_files(root, stem)]:
                try:
                    data = root.read_bytes(path)
                except OSError:  # missing, or unreadable: the validator of the root says why
                    continue
                _put(scratch, root.rel(path), data)
        for path, data in writes:
            _put(scratch, root.rel(Path(path)), data)
        problems = []
        for stem in stems:
            problems += [p for p in check_document(scratch, stem, limits).problems if p.path in written]
        return problems
    finally:
        shutil.rmtree(scratch.path, ignore_errors=True)


def _document_of(rel: str) -> str:
    """The document id of a root-relative corpus or annotation path (which need not exist yet)."""
    name = rel.rsplit("/", 1)[-1]
    for suffix in (store.META_SUFFIX, store.TEXT_SUFFIX, store.JSON_SUFFIX):
        if name.endswith(suffix) and rel.split("/", 1)[0] in ("corpus", "annotations"):
            return name[: -len(suffix)]
    raise ValueError(f"{rel}: not a corpus or annotation file")


def _put(root: store.Root, rel: str, data: bytes) -> None:
    path = root.path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
