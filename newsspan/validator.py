"""The validator: reads a root, runs the JSON Schemas and the registered checks, returns a Report.

Order per document: the text (encoding, canonical form), its metadata (JSON, schema, checks),
then every annotation file of the document (JSON, schema, semantic checks against the text).
Cross-file checks run last, on per-document summaries. Every problem is collected; nothing
stops at the first one, and a check that fails internally becomes an ``internal-error``.
"""

from __future__ import annotations

import collections
import dataclasses
import gc
import itertools
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import checks, fastpath, ids, jsonfile, schema, schema_errors, store, tokenize
from .cache import ValidationCache, file_key
from .checks.annotation import Context
from .checks.corpus import DocContext, DocSummary, Summaries, decode_text
from .findings import Finding
from .model import well_formed
from .progress import bar
from .report import Problem, Report
from .text import canonicalize, sha256


@dataclass
class Limits:
    max_bytes: int = store.MAX_FILE_BYTES
    max_depth: int = jsonfile.MAX_DEPTH
    max_spans: int = store.MAX_SPANS


class _FileProblems:
    """Turns findings about one file into problems, locating pointers in its JSON lazily."""

    def __init__(self, root: store.Root, path: Path, doc_id: str | None, json_text: str | None = None):
        self.root, self.path, self.doc_id = root, path, doc_id
        self.json_text = json_text
        self._positions = None
        self._rel = None
        self.schema_valid = False
        self.problems: list[Problem] = []

    @property
    def rel(self) -> str:
        """The file's path relative to the root, worked out only when a problem needs it."""
        if self._rel is None:
            self._rel = self.root.rel(self.path)
        return self._rel

    @rel.setter
    def rel(self, value: str) -> None:
        self._rel = value

    def add(self, f: Finding) -> None:
        line, col = f.line, f.column
        if line is None and f.pointer and self.json_text is not None and f.file is None:
            if self._positions is None:
                self._positions = jsonfile.Positions(self.json_text)
            line, col = self._positions.locate(f.pointer)
        self.problems.append(Problem(
            path=f.file or self.rel, check=f.check, severity=checks.get(f.check).severity, message=f.message,
            line=line, column=col, pointer=f.pointer, document_id=self.doc_id, hint=f.hint))

    def run(self, check: checks.Check, *args) -> None:
        """Run one check function; an exception inside it is reported, never raised or passed."""
        try:
            for f in check.func(*args):
                self.add(f)
        except Exception as e:  # noqa: BLE001 - fail closed: a crashing check is a reported error
            import traceback  # only for a crash: not imported by every run

            where = traceback.extract_tb(e.__traceback__)[-1]
            self.add(Finding("internal-error",
                             f"check {check.id} failed: {type(e).__name__}: {e} (at {Path(where.filename).name}:{where.lineno})",
                             hint="the file is not known to be valid; please report this as a newsspan bug"))


def _read(root: store.Root, path, fp: _FileProblems, limits: Limits) -> bytes | None:
    data = root.read_plain(path, limits.max_bytes)
    if data is not None:  # the common case; read_bytes() below explains every other one
        return data
    return _read_explained(root, path, fp, limits)


def _read_if_exists(root: store.Root, path: str, fp: _FileProblems, limits: Limits) -> tuple[bool, bytes | None]:
    """(whether anything stands at path, its bytes or None when it cannot be read)."""
    data = root.read_plain(path, limits.max_bytes)
    if data is not None:  # read at once: it exists, and no lstat was needed to know it
        return True, data
    if not _exists(path):
        return False, None
    return True, _read_explained(root, path, fp, limits)


def _read_explained(root: store.Root, path, fp: _FileProblems, limits: Limits) -> bytes | None:
    try:
        return root.read_bytes(path, limits.max_bytes)
    except store.FileTooLarge as e:
        fp.add(Finding("file-too-large", str(e), hint="split the document, or raise the limit with --max-bytes"))
    except store.OutsideRoot as e:
        fp.add(Finding("path-outside-root", str(e), hint="replace the link with the file itself"))
    except OSError as e:
        fp.add(Finding("file-unreadable", f"cannot read the file: {e.strerror or e}"))
    return None


_LAYERS = schema.layers()


def _span_count(value: dict, schema_name: str) -> int:
    if schema_name != "annotation":
        return 0
    return sum(len(v) for k in _LAYERS if isinstance(v := value.get(k), list))


def _load_json(root, path, fp: _FileProblems, schema_name: str, limits: Limits):
    """Parsed JSON that passed the JSON-level checks (schema findings added), or None.

    fp.schema_valid tells whether the fast path proved the value valid against its schema.
    """
    data = _read(root, path, fp, limits)
    if data is None:
        return None
    return _parse_json(data, fp, schema_name, limits)


def _parse_json(data: bytes, fp: _FileProblems, schema_name: str, limits: Limits):
    """_load_json() of bytes already read."""
    text, found = jsonfile.decode(data)
    if text is None:
        for f in found:
            fp.add(f)
        return None
    fp.json_text = text
    value = fastpath.load_clean(text, schema_name, limits.max_depth)
    if value is not None and _span_count(value, schema_name) <= limits.max_spans:
        fp.schema_valid = True
        return value  # proven clean: the careful path below would find nothing
    value, found = jsonfile.parse(text, max_nesting=limits.max_depth)
    for f in found:
        fp.add(f)
    if value is None and found:  # not parsed; the findings say why (a bare `null` parses to None too)
        return None
    if not isinstance(value, dict):
        fp.add(Finding("schema", f"expected a JSON object at the top level, found {schema_errors.type_name(value)}",
                       hint=f"the file holds one object following schema/{schema_name}.schema.json"))
        return None
    if schema_name == "annotation":
        # counted before the schema and the checks, so that their cost stays bounded
        n = _span_count(value, schema_name)
        if n > limits.max_spans:
            fp.add(Finding("too-many-spans", f"the file holds {n} spans, over the limit of {limits.max_spans}; it was not checked further",
                           hint="split the document, or raise the limit with --max-spans"))
            return None
    try:
        for f in schema_errors.findings(schema_name, value):
            fp.add(f)
    except Exception as e:  # noqa: BLE001
        fp.add(Finding("internal-error", f"schema validation failed: {type(e).__name__}: {e}"))
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


def check_document(root: store.Root, stem: str, limits: Limits | None = None,
                   annotation_files: list[store.AnnotationFile] | None = None) -> DocumentResult:
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
        fp = _FileProblems(root, text_path, stem if store.is_valid_id(stem) else None)
        fp.add(Finding("internal-error",
                       f"validating document {stem!a} failed: {type(e).__name__}: {e} (at {Path(where.filename).name}:{where.lineno})",
                       hint="the document is not known to be valid; please report this as a newsspan bug"))
        summary = DocSummary(stem, None, text_path.is_file(), (root.corpus / (stem + store.META_SUFFIX)).is_file(), True)
        return DocumentResult(fp.problems, summary, None)


def _check_document(root: store.Root, stem: str, limits: Limits,
                    annotation_files: list[store.AnnotationFile] | None = None) -> DocumentResult:
    problems: list[Problem] = []
    valid_id = store.is_valid_id(stem)
    # plain strings: pathlib's joins cost more per document than some of the checks
    corpus = os.path.join(root.corpus, stem)
    text_path = corpus + store.TEXT_SUFFIX
    meta_path = corpus + store.META_SUFFIX
    doc_id = stem if valid_id else None

    tp = _FileProblems(root, text_path, doc_id)
    if not valid_id:
        tp.add(Finding("id-invalid", ids.invalid_id(stem),
                       hint="rename the document's files (corpus/<id>.txt, corpus/<id>.meta.json, annotations/<id>.json)"))
    text = text_sha = None
    _, text_data = _read_if_exists(root, text_path, tp, limits)
    if text_data is not None:
        text_sha = sha256(text_data)
        text, found = decode_text(text_data)
        for f in found:
            tp.add(f)
    meta = None
    mp = _FileProblems(root, meta_path, doc_id)
    meta_exists, meta_data = _read_if_exists(root, meta_path, mp, limits)
    if meta_data is not None:
        meta = _parse_json(meta_data, mp, "document", limits)
    dctx = DocContext(stem, root.rel(text_path), root.rel(meta_path), text_data, text, text_sha, meta, meta_exists)
    for check in checks.by_scope(checks.DOCUMENT):
        tp.run(check, dctx)
    problems += tp.problems + mp.problems
    # A text that is not canonical is one error: its spans are checked against the canonical
    # text, which `newsspan canonicalize` writes; before that each would be a follow-on error.
    canonical_sha = (sha256(canonicalize(text)) if any(p.check == "text-not-canonical" for p in tp.problems)
                     else None)
    waiting: list[tuple[str, int]] = []

    has_released = False
    if annotation_files is None:
        annotation_files = _annotation_files(root, stem)
    for af in annotation_files:
        has_released |= af.annotator is None
        problems += check_annotation_file(root, af, text, text_sha, text_data is not None, limits,
                                          canonical_sha=canonical_sha, waiting=waiting)
    if waiting:
        n = sum(k for _, k in waiting)
        note = (f" (the checks of {n} span{'s' * (n != 1)} in {', '.join(rel for rel, _ in waiting)} wait for the "
                "canonical text)")
        problems = [dataclasses.replace(p, message=p.message + note) if p.check == "text-not-canonical" else p
                    for p in problems]
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


def check_annotation_file(root, af: store.AnnotationFile, text, text_sha, text_exists, limits: Limits,
                          canonical_sha: str | None = None, waiting: list | None = None) -> list[Problem]:
    """The problems of one annotation file against its document's text.

    canonical_sha, given when the text is not canonical (sha256 of its canonical form): the
    checks that read the text wait for it (the file and its number of spans are added to
    ``waiting``), and a text_sha256 of either form is no mismatch (canonicalize handles both).
    """
    fp = _FileProblems(root, af.path, af.stem if store.is_valid_id(af.stem) else None)
    if not store.is_valid_id(af.stem):
        fp.add(Finding("id-invalid", ids.invalid_id(af.stem), hint="name the file <document_id>.json"))
    if af.annotator is not None and not store.is_valid_id(af.annotator):
        fp.add(Finding("id-invalid", "annotator folder: " + ids.invalid_id(af.annotator, "annotator name"),
                       hint="rename the folder"))
    value = _load_json(root, af.path, fp, "annotation", limits)
    if value is not None:
        ann, places = well_formed(value, fp.schema_valid)
        if canonical_sha is not None:
            if waiting is not None:
                waiting.append((fp.rel, _span_count(value, "annotation")))
            if ann.text_sha256 == canonical_sha:
                text_sha = canonical_sha
            text = None
        ctx = Context.of(ann, places, stem=af.stem, text=text, text_sha256=text_sha, text_exists=text_exists,
                         annotator=af.annotator)
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
        if store.is_valid_id(path) and any(os.path.lexists(f) for f in root.document_files(path, _layers_of(root, path))):
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
    raise store.StoreError(f"{path}: not a text, meta or annotation file in corpus/ or annotations/ of the root {root.path}")


def _layers_of(root: store.Root, stem: str) -> tuple:
    return tuple(af.annotator for af in _annotation_files(root, stem))


# Work of one document in a worker process: (stem, its annotation layers as listed: None for
# the released layer, then annotator names). Small, so cheap to send to a worker.
_Task = tuple[str, tuple]
_worker: dict = {}
MIN_PARALLEL = 32  # fewer documents than this are checked in-process (a pool costs ~50 ms to start)
CHUNKS_PER_WORKER = 4  # chunks queued per worker: enough to keep it busy, few enough to bound memory


def _init_worker(root: store.Root, limits: Limits) -> None:
    _worker["root"], _worker["limits"] = root, limits


def _check_task(task: _Task, root: store.Root | None = None, limits: Limits | None = None):
    """(problems, summary, files checked) of one document; small, so cheap to send back."""
    root, limits = root or _worker["root"], limits or _worker["limits"]
    stem, layers = task
    afs = [root.annotation_file(stem, who) for who in layers]
    res = check_document(root, stem, limits, afs)
    return res.problems, res.summary, res.summary.has_text + res.summary.has_meta + len(afs)


def _check_chunk(tasks: list[_Task]) -> list:
    return [_check_task(t) for t in tasks]


def _chunks(tasks: Iterator[_Task], size: int) -> Iterator[list[_Task]]:
    while chunk := list(itertools.islice(tasks, size)):
        yield chunk


def _check_all(root: store.Root, tasks: Iterable[_Task], n_tasks: int, limits: Limits, jobs: int):
    """Results of the tasks, in their order; in a pool of `jobs` processes when that pays.

    Tasks are read and sent to the workers a few chunks ahead of the results being taken, so a
    root of any size costs the same memory in flight.
    """
    tasks = iter(tasks)
    if jobs <= 1 or n_tasks < MIN_PARALLEL or multiprocessing.current_process().daemon:
        # (a daemon process, such as a data-loader worker, may not start processes of its own)
        for t in tasks:
            yield _check_task(t, root, limits)
        return
    # imported here: a cached run that checks a few documents needs no pool
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    # fork: workers start in milliseconds and see the check registry exactly as it is here
    mp = multiprocessing.get_context("fork" if "fork" in methods else None)
    # chunks amortise the inter-process round trip
    chunks = _chunks(tasks, max(1, min(64, n_tasks // (jobs * 16))))
    window: collections.deque = collections.deque()  # (chunk, future), oldest first
    pending = None  # a chunk taken from `chunks` but not yet in the window
    # The workers fork at the first submit and inherit this process's memory (the listing of the
    # root) copy-on-write; frozen objects are never visited by their garbage collector, which
    # would otherwise touch, and so copy, every page of it in every worker.
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(jobs, mp_context=mp, initializer=_init_worker, initargs=(root, limits))
    except OSError:  # no semaphores or processes to be had: the same work, in-process
        gc.unfreeze()
        yield from _check_all(root, tasks, 0, limits, 1)
        return
    try:
        while True:
            while len(window) < jobs * CHUNKS_PER_WORKER and (pending := next(chunks, None)) is not None:
                window.append((pending, pool.submit(_check_chunk, pending)))
                pending = None
                gc.unfreeze()  # (the workers have forked)
            if not window:
                break
            results = window[0][1].result()
            window.popleft()
            yield from results
    except (BrokenProcessPool, OSError):
        # a worker died (killed, out of memory) or could not start: check what is left here, one
        # by one, so that the report is complete or the cause shows up in this process
        pool.shutdown(wait=False, cancel_futures=True)
        rest = [t for chunk, _ in window for t in chunk] + (pending or [])
        window.clear()
        yield from _check_all(root, itertools.chain(rest, itertools.chain.from_iterable(chunks)), 0, limits, 1)
    finally:
        gc.unfreeze()
        pool.shutdown(wait=True, cancel_futures=True)


MIN_PARALLEL_KEYS = 4000  # fewer documents: their lstat calls are over before a second process starts
WARM_UP_KEYS = 1500


def _warm_up() -> None:
    """Compile what checking a document needs (the tokenizer's pattern, the fast schema validators)."""
    tokenize.ready()
    for name in ("annotation", "document"):
        fastpath.ready(name)


def _keys_of(root: store.Root, stems: list[str], layers: list[tuple], now_ns: int) -> list:
    return [file_key(root.document_files(stem, who), now_ns) for stem, who in zip(stems, layers)]


def _send_keys(conn, root: store.Root, stems: list[str], layers: list[tuple], now_ns: int) -> None:
    conn.send(_keys_of(root, stems, layers, now_ns))
    conn.close()


def _start_file_keys(root: store.Root, stems: list[str], layers: dict, now_ns: int, jobs: int):
    """Start working out cache.file_key() of every document; returns a function that gives them, in order.

    A cached run of a large root is mostly these lstat calls (three per document), and the
    system serves them in parallel: for a large root, forked processes take a share each, while
    this process goes on (loading the cache) until it asks for the keys. Plain processes and
    pipes: a process pool's machinery cost a tenth of the whole run.
    """
    parts = max(1, min(jobs, len(stems) // (MIN_PARALLEL_KEYS // 2)))
    # this process takes a smaller share: meanwhile it loads the cache (about a fifth of the
    # keys' cost) and readies the checks for the documents that changed (a fixed ~30 ms, worth
    # about WARM_UP_KEYS keys)
    first = max(0, len(stems) * 4 // (5 * parts) - WARM_UP_KEYS) if parts > 1 else len(stems)
    bounds = [0] + [first + (len(stems) - first) * i // (parts - 1) for i in range(parts)] if parts > 1 else [0, len(stems)]
    pieces = [(stems[a:b], [layers.get(s, ()) for s in stems[a:b]]) for a, b in zip(bounds, bounds[1:])]
    children = []
    if parts > 1 and not multiprocessing.current_process().daemon and "fork" in multiprocessing.get_all_start_methods():
        mp = multiprocessing.get_context("fork")
        gc.freeze()  # as in _check_all: the forked processes leave the pages they inherit shared
        try:
            for piece in pieces[1:]:
                recv, send = mp.Pipe(duplex=False)
                child = mp.Process(target=_send_keys, args=(send, root, *piece, now_ns), daemon=True)
                child.start()
                send.close()
                children.append((child, recv))
        except OSError:  # no process to be had: the rest is done here
            pass
        finally:
            gc.unfreeze()

    def keys() -> list:
        out = _keys_of(root, *pieces[0], now_ns)
        for i, piece in enumerate(pieces[1:]):
            got = None
            if i < len(children):
                child, recv = children[i]
                try:
                    got = recv.recv()
                except (EOFError, OSError):  # the process died: its share is done here
                    pass
                recv.close()
                child.join()
            out += got if isinstance(got, list) and len(got) == len(piece[0]) else _keys_of(root, *piece, now_ns)
        return out

    return keys


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def validate_root(root: store.Root | str | os.PathLike | None = None, paths: list[str] | None = None,
                  limits: Limits | None = None, *, jobs: int = 1, cache: bool = False, progress: bool = False,
                  on_wait=None) -> Report:
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


def _validate_root(root: store.Root, paths: list[str] | None, limits: Limits, jobs: int, cache: bool,
                   progress: bool) -> Report:
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
        now_ns = time.time_ns()
        file_keys = _start_file_keys(root, stems, layers, now_ns, jobs)  # before the cache is loaded: in parallel with it
        store_ = ValidationCache(root, limits, now_ns)
        if len(stems) >= MIN_PARALLEL_KEYS and jobs > 1:
            _warm_up()  # while the other processes work out keys: a changed document is checked at once
        for stem, key in zip(stems, file_keys()):
            hit = store_.get(stem, key[0])
            if hit is None:
                keys[stem] = key
            else:
                cached[stem] = hit
        todo = [stem for stem in stems if stem not in cached]

    fresh = _check_all(root, ((stem, layers.get(stem, ())) for stem in todo), len(todo), limits, jobs)
    summaries = Summaries()
    try:
        for stem in bar(stems, total=len(stems), desc="validating", enabled=progress):
            hit = cached.get(stem)
            if hit is not None:
                problems, digest, flags, n_files = hit
                summaries.add(stem, digest, flags)
            else:
                problems, summary, n_files = next(fresh)
                if store_ is not None:
                    store_.put(stem, *keys[stem], problems, summary, n_files)
                summaries.add(stem, summary.digest(), summary.flags())  # the listing's id: the summary's is a copy
            report.extend(problems)
            report.files_checked += n_files
    finally:
        fresh.close()  # ends the worker pool now rather than when the generator is collected
    report.documents = summaries.documents()
    if (root.path / store.JOURNAL).exists():  # the root is between two states: never pass it
        fp = _FileProblems(root, root.path / store.JOURNAL, None)
        fp.add(Finding("write-interrupted", "a command that writes was killed before it finished; its files are half in place",
                       hint="run `newsspan recover`, which completes it (or any command that writes, which recovers first)"))
        report.extend(fp.problems)
    if not paths:
        fp = _FileProblems(root, root.path, None)
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
    rel = f"annotations/{stem}.json" if annotator is None else f"annotations/{store.ANNOTATORS}/{annotator}/{stem}.json"
    fp = _FileProblems(store.Root("."), Path(rel), stem)
    fp.rel = rel
    for f in schema_errors.findings("annotation", ann):
        fp.add(f)
    model, places = well_formed(ann)
    ctx = Context.of(model, places, stem=stem, text=text, text_sha256=sha256(text), annotator=annotator)
    for check in checks.by_scope(checks.ANNOTATION):
        fp.run(check, model, ctx)
    return fp.problems


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
