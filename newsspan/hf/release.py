"""Writes the Hugging Face folder of a validated corpus: ``<config>/<split>-NNNNN-of-NNNNN.parquet``, the
card (README.md), ``release.json`` and, with ``publish``, ``standoff/<id>.json`` for each text whose license
keeps it from travelling (:mod:`newsspan.publish`). A staging folder replaces the previous build whole.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .. import publish as published
from .. import store
from ..corpus import Corpus, is_released
from ..model import SPLITS, Document, dump_json
from ..report import Report, count
from ..stats import Stats
from ..text import decode
from ..validator import default_jobs, validate_root
from . import CONFIGS, DEFAULT_CONFIG, BuildError
from .card import MARKER, render, version
from .features import tables
from .fingerprint import content_hash
from .rows import rows

CARD = "README.md"
MAX_SHARD_SIZE = 128 * 2**20  # Arrow bytes per Parquet file: about 30-60 MB of Parquet
BATCH_SIZE = 64  # documents per Arrow batch, a Parquet row group


def refuse_errors(report: Report, corpus: str) -> Report:
    """report, unless it has errors: then BuildError, holding it."""
    if not report.ok:
        errors = "".join(f"\n  {p.path}: {p.check}: {p.message}" for p in report.errors)
        raise BuildError(f"{corpus} has errors; nothing was built:{errors}", report)
    return report


def validated(root: store.Root, progress: bool = False) -> Report:
    """The validation report of a root, as ``newsspan.validate`` makes it; BuildError if it has errors."""
    return refuse_errors(validate_root(root, jobs=default_jobs(), progress=progress), f"the corpus at {root.path}")


def chosen_configs(configs: list[str] | None) -> list[str]:
    """The configs named (all if none), in CONFIGS order; BuildError for an unknown one."""
    if unknown := sorted(set(configs or ()) - set(CONFIGS)):
        raise BuildError(f"unknown config {unknown[0]!r}: expected one of {', '.join(CONFIGS)}")
    return [c for c in CONFIGS if c in configs] if configs else list(CONFIGS)


def token_config(configs) -> str | None:
    """The config whose rows count the tokens of a build (entities and claims have the same)."""
    return next((c for c in ("entities", "claims") if c in configs), None)


@dataclass
class Release:
    """The documents a release holds (:meth:`newsspan.Corpus.released`) and those it leaves out."""

    include_drafts: bool = False
    publish: bool = False  # withhold the texts whose license does not let them travel
    splits: dict[str, str] = field(default_factory=dict)  # released id -> split, in id order
    withheld: dict[str, dict] = field(default_factory=dict)  # released but withheld id -> its standoff form
    metas: dict[str, dict] = field(default_factory=dict)  # every released id (withheld too) -> its metadata
    drafts: list[str] = field(default_factory=list)  # left out: a draft layer
    unannotated: list[str] = field(default_factory=list)  # left out: no released layer

    @property
    def ids(self) -> list[str]:
        return list(self.splits)

    def ids_in_split(self, split: str) -> list[str]:
        return [d for d, s in self.splits.items() if s == split]

    def take(self, doc: Document) -> bool:
        """Whether doc is released (:meth:`newsspan.Corpus.released`), noting it in self either way."""
        if is_released(doc, self.include_drafts):
            self.splits[doc.id], self.metas[doc.id] = doc.split, dict(doc.meta)
            return True
        (self.unannotated if doc.status is None else self.drafts).append(doc.id)
        return False

    def documents(self, root: store.Root, progress: bool = False) -> Iterator[Document]:
        """The released documents whose text goes into the configs, read one at a time."""
        corpus = Corpus(root)
        for doc in tqdm(corpus, total=len(corpus), desc="reading", unit="doc", leave=False, disable=not progress):
            if not self.take(doc):
                continue
            if self.publish and not published.travels(doc.meta):
                del self.splits[doc.id]  # released, its text withheld: its annotations go to standoff/
                layer = corpus.annotation(doc.id)
                self.withheld[doc.id] = published.standoff(dict(doc.meta), layer.to_json() if layer else {}, doc.text)
            else:
                yield doc

    def left_out_note(self) -> str | None:
        """The first ten documents left out and how to include them, if any is."""
        out = sorted([(d, "draft") for d in self.drafts] + [(d, "no released layer") for d in self.unannotated])
        if not out:
            return None
        more = f" and {len(out) - 10} more" if len(out) > 10 else ""
        return (
            f"not released: {', '.join(f'{d} ({why})' for d, why in out[:10])}{more}; --include-drafts includes "
            "them (a layer is released once its status is complete or gold)"
        )


def checked_selection(root: store.Root, include_drafts: bool = False, progress: bool = False) -> tuple[Release, Report]:
    """The release of a root that validates (else BuildError), and its validation report."""
    report, release = validated(root, progress), Release(include_drafts)
    for _ in release.documents(root, progress):
        pass
    return release, report


class _Shards:
    """The Parquet files of a config's split, written a batch of documents at a time; each holds at most
    max_bytes of Arrow data (or a single row)."""

    def __init__(self, folder: Path, split: str, config: str, max_bytes: int, batch_size: int):
        self.folder, self.split, self.config, self.table = folder, split, config, tables(config)
        self.max_bytes, self.batch_size = max_bytes, batch_size
        self.pending: list[dict] = []
        self.docs = self.num_examples = self.num_bytes = self.shard_bytes = 0
        self.files: list[Path] = []
        self.writer: Any = None  # a pyarrow.parquet.ParquetWriter while a file is open

    def add(self, rows: list[dict]) -> None:
        self.pending += rows
        self.docs += 1
        if self.docs % self.batch_size == 0:
            self.flush()

    def flush(self) -> None:
        table = self.table(self.pending)
        self.pending = []
        self.num_examples += table.num_rows
        self.num_bytes += table.nbytes
        while table.num_rows:
            if self.writer is None or self.shard_bytes >= self.max_bytes:
                self.close_file()
                self.files.append(self.folder / f"{self.split}-{len(self.files):05d}.parquet")
                self.folder.mkdir(parents=True, exist_ok=True)
                import pyarrow.parquet as pq  # (pyarrow is imported when a build writes, not by `import newsspan`)

                self.writer, self.shard_bytes = pq.ParquetWriter(self.files[-1], table.schema), 0
            room = self.max_bytes - self.shard_bytes  # the rows that fit, by their mean size (at least one)
            part = table.slice(0, max(1, table.num_rows * room // table.nbytes) if table.nbytes > room else None)
            self.writer.write_table(part)
            self.shard_bytes += part.nbytes
            table = table.slice(part.num_rows)

    def close_file(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def close(self) -> dict | None:
        """The split's entry in the card (None if it has no rows)."""
        self.flush()
        self.close_file()
        size = sum(f.stat().st_size for f in self.files)
        for i, f in enumerate(self.files):
            f.rename(f.with_name(f"{self.split}-{i:05d}-of-{len(self.files):05d}.parquet"))
        path = f"{self.config}/{self.split}-*.parquet"
        info = {"num_examples": self.num_examples, "num_bytes": self.num_bytes, "download_size": size, "path": path}
        return info if self.num_examples else None


@dataclass
class BuildSummary:
    out: Path
    configs: list[str]
    release: Release
    stats: Stats
    splits: dict[str, dict[str, dict]]  # config -> split -> {num_examples, num_bytes, download_size, path}: rows only
    content_key: str
    report: Report  # the validation report (warnings only)
    record: dict = field(default_factory=dict)  # release.json: version, corpus revision, ids (publish.record)
    root: Path | None = None  # the corpus root built (the card reads docs/agreement-results.json there)

    @property
    def default(self) -> str:
        return DEFAULT_CONFIG if DEFAULT_CONFIG in self.splits else next(iter(self.splits))


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
    publish: bool = False,
) -> BuildSummary:
    """Write the folder of a root that validated (report) into folder, an empty folder."""
    release, stats, tokens = Release(include_drafts, publish), Stats(), 0
    shards = {c: {s: _Shards(folder / c, s, c, max_shard_size, max(1, batch_size)) for s in SPLITS} for c in configs}
    counted = token_config(configs)
    for doc in release.documents(root, progress):
        stats.add(doc, count_tokens=False)  # tokens are counted from the token rows
        for config, out in rows(doc, configs).items():
            shards[config][doc.split].add(out)
            tokens += sum(len(r["tokens"]) for r in out) if config == counted else 0
    if not release.splits and release.withheld:
        raise BuildError(
            f"nothing to publish: the license of every released document keeps its text from travelling "
            f"({count(len(release.withheld), 'document')} withheld: {', '.join(list(release.withheld)[:10])}); "
            "a plain `newsspan build` keeps every text"
        )
    if not release.splits:
        note = release.left_out_note()
        raise BuildError(
            f"nothing to release: no document has a layer with status complete or gold ({count(len(release.drafts), 'draft')} "
            f"and {count(len(release.unannotated), 'unannotated text')} left out)" + (f"; {note}" if note else "")
        )
    stats.tokens = tokens if counted else None
    splits = {c: {s: info for s, w in shards[c].items() if (info := w.close())} for c in configs}
    splits = {c: per_split for c, per_split in splits.items() if per_split}
    if not splits:
        raise BuildError("nothing to release: every config came out empty")
    for doc_id, form in release.withheld.items():
        store.write_atomic(folder / published.STANDOFF / f"{doc_id}.json", dump_json(form))
    record = published.record(version(), root.path, release.ids, list(release.withheld))
    store.write_atomic(folder / published.RELEASE, dump_json(record))
    key = key or content_hash(root, include_drafts)
    summary = BuildSummary(folder, list(configs), release, stats, splits, key, report, record, root.path)
    (folder / CARD).write_text(render(summary), encoding="utf-8")  # the folder as a whole is renamed into place
    return summary


def default_out(root: store.Root) -> Path:
    return root.path / "build" / "hf"


def _check_out(root: store.Root, out: Path) -> None:
    """Refuse an output folder whose replacement would destroy something that is no build."""
    if out.resolve() == root.path.resolve() or root.path.resolve().is_relative_to(out.resolve()):
        raise BuildError(f"refusing to write the build to {out}: it holds the corpus root")
    for protected in (root.corpus, root.annotations, root.path / "schema"):
        if out.resolve().is_relative_to(protected.resolve()):
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
    max_shard_size: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: bool = False,
    on_wait=None,
    num_proc: int | None = None,
    publish: bool = False,
) -> BuildSummary:
    """Validate the corpus and write its Hugging Face folder (default <root>/build/hf), replacing the previous
    one whole; BuildError if the corpus has errors or nothing to release. max_shard_size: the most Arrow
    bytes per Parquet file; num_proc changes nothing (one process writes as fast as datasets did with two);
    publish: the folder to upload, holding only the texts whose license lets them travel."""
    root = store.Root.of(root)
    root.check()
    out = Path(out if out is not None else default_out(root)).absolute()
    chosen = chosen_configs(configs)
    with root.lock(on_wait=on_wait):  # no command writes the corpus while it is read
        store.recover_folder(out)  # a build killed between its two renames
        _check_out(root, out)
        report = validated(root, progress)
        staged = store.staging_folder(out)  # beside out: the final rename stays on one file system
        try:
            size = max_shard_size or MAX_SHARD_SIZE
            summary = write(root, staged, report, chosen, include_drafts, size, batch_size, progress, publish=publish)
            store.replace_folder(staged, out)  # the old build aside, the new one in, the old one removed
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    summary.out = out
    return summary


def _where(path: Path) -> str:
    """path as the user can type it: relative to the working directory when inside it."""
    return path.relative_to(Path.cwd()).as_posix() or "." if path.is_relative_to(Path.cwd()) else str(path)


def render_summary(s: BuildSummary) -> str:
    rel, st = s.release, s.stats
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(st.statuses.items()))
    out = [
        s.report.summary_line(),
        f"released {count(len(rel.splits), 'document')} ({statuses}); left out: {count(len(rel.drafts), 'draft')}, "
        f"{count(len(rel.unannotated), 'text')} without a released layer"
        + (" (--include-drafts)" if rel.include_drafts else ""),
    ]
    out += [note] if (note := rel.left_out_note()) else []
    if rel.withheld:
        out.append(
            f"withheld {count(len(rel.withheld), 'text')} (license): {', '.join(rel.withheld)}: standoff/ holds them"
        )
    width = max(len(c) for c in s.splits)
    out.append(f"{'config':{width}}  " + "  ".join(f"{x:>10}" for x in SPLITS))
    for config, per in s.splits.items():
        out.append(f"{config:{width}}  " + "  ".join(f"{per.get(x, {}).get('num_examples', '-'):>10}" for x in SPLITS))
    out += [f"{c:{width}}  (no rows; left out of the folder)" for c in s.configs if c not in s.splits]
    out.append(
        f"wrote {_where(s.out)}/ ({CARD} and {count(len(s.splits), 'config')}; "
        + (f"{st.tokens} tokens, " if st.tokens is not None else "")
        + f"{sum(st.mentions.values())} entity mentions, {st.claims} claims)"
    )
    config = "entities" if "entities" in s.splits else s.default
    out += ["load it with:", f'  from datasets import load_dataset; ds = load_dataset("{_where(s.out)}", "{config}")']
    return "\n".join(out) + "\n"
