"""Writes the Hugging Face folder of a corpus: Parquet per config and split, and the dataset card.

    <out>/README.md                                   card: YAML (configs, dataset_info) + statistics
    <out>/<config>/<split>-00000-of-00001.parquet     one or more shards per config and split

The corpus is validated first (a corpus with errors is refused with the report). Then one pass
over the released documents (:meth:`newsspan.Corpus.released`) turns each into the rows of every
config (:func:`.rows.rows`), written with pyarrow as they come and counted as they are written;
the card's statistics are gathered in the same pass (:mod:`newsspan.stats`). Everything goes
into a staging folder that then replaces the previous build whole (``store.replace_folder``): a
failed build leaves the previous one as it was, a build killed midway is undone at the next
start (``store.recover_folder``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from .. import store
from ..corpus import Corpus
from ..model import Document
from ..progress import bar
from ..report import Report, count
from ..stats import Stats
from ..text import decode
from . import CONFIGS, DEFAULT_CONFIG, BuildError
from .card import MARKER, render
from .features import tables
from .fingerprint import content_hash
from .rows import rows
from .splits import SPLITS

CARD = "README.md"
MAX_SHARD_SIZE = 128 * 2**20  # Arrow bytes per Parquet shard: about 30-60 MB of Parquet
BATCH_SIZE = 64  # documents per Arrow batch (a Parquet row group); a shard ends only between batches


def validated(root: store.Root) -> Report:
    """The validation report of a root; BuildError (holding it) if the root has errors."""
    from ..validator import default_jobs, validate_root  # the one place hf/ calls the validator

    report = validate_root(root, jobs=default_jobs())
    if not report.ok:
        errors = [f"  {p.path}: {p.check}: {p.message}" for p in report.sorted() if p.severity == "error"]
        raise BuildError(f"the corpus at {root.path} has errors; nothing was built:\n" + "\n".join(errors), report)
    return report


@dataclass
class Release:
    """The documents a release holds (those of :meth:`newsspan.Corpus.released`) and those it leaves out."""

    include_drafts: bool = False
    splits: dict[str, str] = field(default_factory=dict)  # released id -> split, in id order
    drafts: list[str] = field(default_factory=list)  # left out: a draft layer
    unannotated: list[str] = field(default_factory=list)  # left out: no released layer

    @property
    def ids(self) -> list[str]:
        return list(self.splits)

    def ids_in_split(self, split: str) -> list[str]:
        return [d for d, s in self.splits.items() if s == split]

    def documents(self, root: store.Root, progress: bool = False) -> Iterator[Document]:
        """The released documents of a root, read one at a time; what is left out is noted at the end."""
        corpus = Corpus(root)
        ids = corpus.ids
        for doc in bar(corpus.released(self.include_drafts), desc="building", enabled=progress):
            self.splits[doc.id] = doc.split
            yield doc
        for d in ids:
            if d not in self.splits:
                (self.drafts if root.annotation_path(d).is_file() else self.unannotated).append(d)

    def left_out_note(self, limit: int = 10) -> str | None:
        """The documents left out by id (the first `limit`), and how to include them; None if none."""
        out = sorted([(d, "draft") for d in self.drafts] + [(d, "no released layer") for d in self.unannotated])
        if not out:
            return None
        shown = ", ".join(f"{d} ({why})" for d, why in out[:limit])
        more = f" and {len(out) - limit} more" if len(out) > limit else ""
        return (
            f"not released: {shown}{more}; --include-drafts includes them (a layer is released once its status is "
            "complete or gold)"
        )


def checked_selection(root: store.Root, include_drafts: bool = False, progress: bool = False) -> tuple[Release, Report]:
    """The release of a root that validates (BuildError otherwise), and the validation report."""
    report = validated(root)
    release = Release(include_drafts)
    for _ in release.documents(root, progress):
        pass
    return release, report


class _Shards:
    """The Parquet files of one config and split, written batch by batch; a new shard is begun
    once one holds max_bytes of Arrow data. Rows and bytes are counted as they are written."""

    def __init__(self, folder: Path, split: str, make_table, max_bytes: int, batch_size: int):
        self.folder, self.split, self.table = folder, split, make_table
        self.max_bytes, self.batch_size = max_bytes, batch_size
        self.pending: list[dict] = []
        self.docs = self.num_examples = self.num_bytes = self.shard_bytes = 0
        self.files: list[Path] = []
        self.writer: pq.ParquetWriter | None = None

    def add(self, rows: list[dict]) -> None:
        self.pending += rows
        self.docs += 1
        if self.docs % self.batch_size == 0:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        table = self.table(self.pending)
        self.pending = []
        self.num_bytes += table.nbytes
        self.num_examples += table.num_rows
        while table.num_rows:
            if self.writer is None or self.shard_bytes >= self.max_bytes:
                self._close_shard()
                self.files.append(self.folder / f"{self.split}-{len(self.files):05d}.parquet")
                self.folder.mkdir(parents=True, exist_ok=True)
                self.writer = pq.ParquetWriter(self.files[-1], table.schema)
                self.shard_bytes = 0
            # the rows that fit into this shard, by their average size (at least one)
            room = self.max_bytes - self.shard_bytes
            n = table.num_rows if table.nbytes <= room else max(1, table.num_rows * room // table.nbytes)
            self.writer.write_table(table.slice(0, n))
            self.shard_bytes += table.slice(0, n).nbytes
            table = table.slice(n)

    def _close_shard(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def close(self, config: str) -> dict | None:
        """Finish the files, named <split>-NNNNN-of-NNNNN.parquet; their card entry (None: no rows)."""
        self.flush()
        self._close_shard()
        size = 0
        for i, f in enumerate(self.files):
            size += f.stat().st_size
            f.rename(f.with_name(f"{self.split}-{i:05d}-of-{len(self.files):05d}.parquet"))
        if not self.num_examples:
            return None
        path = f"{config}/{self.split}-*.parquet"
        return {"num_examples": self.num_examples, "num_bytes": self.num_bytes, "download_size": size, "path": path}


@dataclass
class BuildSummary:
    out: Path
    release: Release
    stats: Stats
    splits: dict[str, dict[str, dict]]  # config -> split -> {num_examples, num_bytes, download_size, path}
    default: str
    content_key: str
    report: Report  # the validation report (warnings only)
    empty_configs: list[str] = field(default_factory=list)


def write(
    root: store.Root,
    folder: Path,
    report: Report,
    configs=CONFIGS,
    include_drafts: bool = False,
    max_shard_size: int = MAX_SHARD_SIZE,
    batch_size: int = BATCH_SIZE,
    progress: bool = False,
    key: str | None = None,
) -> BuildSummary:
    """Write the folder of a root that validated (its report) into folder, an empty folder."""
    release = Release(include_drafts)
    stats = Stats()
    shards = {
        c: {s: _Shards(folder / c, s, tables(c), max_shard_size, max(1, batch_size)) for s in SPLITS} for c in configs
    }
    token_config = next((c for c in ("entities", "claims") if c in configs), None)
    tokens = 0
    for doc in release.documents(root, progress):
        stats.add(doc, count_tokens=False)  # tokens are counted from the token rows below
        for config in configs:
            out = rows(doc, config)
            shards[config][doc.split].add(out)
            if config == token_config:
                tokens += sum(len(r["tokens"]) for r in out)
    if not release.splits:
        note = release.left_out_note()
        raise BuildError(
            "nothing to release: no document has a layer with status complete or gold "
            f"({count(len(release.drafts), 'draft')} and {count(len(release.unannotated), 'unannotated text')} "
            "left out)" + (f"; {note}" if note else "")
        )
    stats.tokens = tokens if token_config else None
    splits = {}
    for config in configs:
        written = {s: info for s, w in shards[config].items() if (info := w.close(config))}
        if written:
            splits[config] = written
    default = DEFAULT_CONFIG if DEFAULT_CONFIG in splits else next(iter(splits), DEFAULT_CONFIG)
    key = key or content_hash(root, include_drafts)
    empty = [c for c in configs if c not in splits]
    summary = BuildSummary(folder, release, stats, splits, default, key, report, empty)
    if not splits:
        raise BuildError("nothing to release: every config came out empty")
    (folder / CARD).write_text(render(summary), encoding="utf-8")  # the folder as a whole is renamed into place
    return summary


def default_out(root: store.Root) -> Path:
    return root.path / "build" / "hf"


def _check_out(root: store.Root, out: Path) -> None:
    """Refuse an output folder whose replacement would destroy something that is no build."""
    r, o = root.path.resolve(), out.resolve()
    if o == r or r.is_relative_to(o):
        raise BuildError(f"refusing to write the build to {out}: it holds the corpus root")
    for protected in (root.corpus, root.annotations, root.path / "schema"):
        if o.is_relative_to(protected.resolve()):
            raise BuildError(f"refusing to write the build into {root.rel(protected)}/")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BuildError(f"refusing to replace {out}: it is not a folder")
    if out.is_dir() and any(out.iterdir()):
        try:
            ours = MARKER in decode((out / CARD).read_bytes())
        except (OSError, ValueError):  # unreadable, not UTF-8 (DecodeError)
            ours = False
        if not ours:
            raise BuildError(
                f"refusing to replace {out}: it is not empty and holds no newsspan build "
                f"(no {CARD} written by `newsspan build`); choose another --out"
            )


def build(
    root: store.Root | str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    configs: list[str] | None = None,
    *,
    include_drafts: bool = False,
    num_proc: int | None = None,
    max_shard_size: int | None = None,
    cache: bool = True,
    batch_size: int = BATCH_SIZE,
    progress: bool = False,
    on_wait=None,
) -> BuildSummary:
    """Validate the corpus and write its Hugging Face folder (default <root>/build/hf), replacing
    the previous one whole; BuildError if the corpus has errors or nothing to release.

    configs: the configs to build (default: all). max_shard_size: the most Arrow data per Parquet
    file in bytes (default MAX_SHARD_SIZE); a larger split gets several shards, for distributed
    readers to share out. batch_size: documents per Arrow batch. progress=True counts the
    documents on a bar on stderr. on_wait(message): called once if another command holds the
    root's lock (the build then waits for it). num_proc and cache are accepted for the command
    line's --num-proc and --no-cache and change nothing: one process writes as fast as datasets
    did with two (bench/run.py), and the validator decides what it caches.
    """
    root = store.Root.of(root)
    root.check()
    out = Path(out).absolute() if out is not None else default_out(root).absolute()
    unknown = sorted(set(configs or ()) - set(CONFIGS))
    if unknown:
        raise BuildError(f"unknown config {unknown[0]!r}: expected one of {', '.join(CONFIGS)}")
    chosen = [c for c in CONFIGS if c in configs] if configs else list(CONFIGS)
    # the lock, then recovery of whatever a killed command left (a build swap included)
    with root.writing(folders=(out,), on_wait=on_wait):
        _check_out(root, out)
        report = validated(root)
        staged = store.staging_folder(out)  # beside out: the final rename stays on one file system
        try:
            shard_size = max_shard_size or MAX_SHARD_SIZE
            summary = write(root, staged, report, chosen, include_drafts, shard_size, batch_size, progress)
            store.replace_folder(staged, out)  # the old build aside, the new one in, the old one removed
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(staged)
    summary.out = out
    return summary


def _where(path: Path) -> str:
    """path as the user can type it: relative to the working directory when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)


def render_summary(s: BuildSummary) -> str:
    rel = s.release
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(s.stats.statuses.items()))
    out = [
        s.report.summary_line(),
        f"released {count(len(rel.splits), 'document')} ({statuses}); left out: {count(len(rel.drafts), 'draft')}, "
        f"{count(len(rel.unannotated), 'text')} without a released layer"
        + (" (--include-drafts)" if rel.include_drafts else ""),
    ]
    note = rel.left_out_note()
    if note:
        out.append(note)
    width = max(len(c) for c in s.splits)
    out.append(f"{'config':{width}}  " + "  ".join(f"{x:>10}" for x in SPLITS))
    for config, per_split in s.splits.items():
        cells = [per_split[x]["num_examples"] if x in per_split else "-" for x in SPLITS]
        out.append(f"{config:{width}}  " + "  ".join(f"{c:>10}" for c in cells))
    out += [f"{config:{width}}  (no rows; left out of the folder)" for config in s.empty_configs]
    out.append(
        f"wrote {_where(s.out)}/ ({CARD} and {count(len(s.splits), 'config')}; "
        + (f"{s.stats.tokens} tokens, " if s.stats.tokens is not None else "")
        + f"{sum(s.stats.mentions.values())} entity mentions, {s.stats.claims} claims)"
    )
    config = "entities" if "entities" in s.splits else s.default
    out.append("load it with:")
    out.append(f'  from datasets import load_dataset; ds = load_dataset("{_where(s.out)}", "{config}")')
    return "\n".join(out) + "\n"
