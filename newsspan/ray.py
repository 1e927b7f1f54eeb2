"""A packed corpus validated and built on Ray Data, with the checks and rows of ``newsspan validate`` and ``build``.

    import ray, newsspan.ray
    ds = ray.data.read_parquet("s3://bucket/corpus-pack/")   # written by `newsspan pack`
    report = newsspan.ray.validate(ds)                       # the Report newsspan.validate(root) makes
    summary = newsspan.ray.build(ds, "s3://bucket/newsspan-hf/")

Workers run :func:`~newsspan.validator.check_document` on each document of a block and send back its
problems and small summary; the driver sorts them by id and runs :func:`~newsspan.validator.check_corpus`
over the summaries, as ``newsspan validate`` does. The build refuses a corpus with errors; workers
then turn each released document into the rows of every config (:func:`~newsspan.corpus.document_of`,
:func:`~newsspan.hf.rows.rows`) and write them to ``<out>/<config>/<split>-<key>.parquet`` on any
file system pyarrow knows, sending back the card's statistics (:mod:`newsspan.stats`); the driver
writes the card. Ray itself is never imported here: any ``ray.data.Dataset`` of packed rows will do.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import Counter
from dataclasses import fields
from pathlib import Path

from .corpus import document_of
from .hf import CONFIGS, BuildError
from .hf.card import MARKER, render
from .hf.features import tables
from .hf.release import CARD, BuildSummary, Release
from .hf.rows import rows
from .model import SPLITS
from .pack import document_files
from .report import Report
from .schema import released_statuses
from .stats import Stats
from .validator import check_corpus, check_document


def _results(dataset, fn, **kwargs) -> list:
    """fn(row dicts of a block, **kwargs) -> a list of picklable results, run on the workers; all results."""
    import pyarrow as pa

    def each(block):
        return pa.table({"result": [pickle.dumps(r) for r in fn(block.to_pylist(), **kwargs)]})

    done = dataset.map_batches(each, batch_format="pyarrow")
    return [
        pickle.loads(r)
        for b in done.iter_batches(batch_format="pyarrow", batch_size=None)
        for r in b["result"].to_pylist()
    ]


def _check(rows: list[dict]) -> list:
    return [(*check_document(files := document_files(row)), files.count()) for row in rows]


def validate(dataset, name: str = "a Ray dataset") -> Report:
    """The validation report of the packed corpus in dataset, as ``newsspan.validate(root)`` makes it
    for the root it was packed from (same problems in the same order, same counts); ``root`` is name."""
    results = sorted(_results(dataset, _check), key=lambda r: r[1].stem)
    report = Report(root=name, documents=sum(s.has_text for _, s, _ in results))
    for problems, _, n in results:
        report.extend(problems)
        report.files_checked += n
    report.extend(check_corpus([s for _, s, _ in results]))
    return report


def _write(rows_: list[dict], fs, folder: str, configs: list[str], include_drafts: bool) -> list:
    """Write the rows of the released documents among rows_; what the card needs of them."""
    import pyarrow.parquet as pq

    stats, splits, left_out, digest, tokens = Stats(), {}, [], 0, 0
    out: dict[tuple[str, str], list[dict]] = {}
    for row in rows_:
        h = hashlib.sha256()
        for part in (row["id"].encode(), row["text"], row["meta"], row["annotation"], *row["annotators"]):
            h.update(repr(part).encode() if not isinstance(part, bytes) else part)
        digest += int.from_bytes(h.digest(), "big")  # a sum: the same whichever worker has which document
        if row["text"] is None:
            continue
        doc = document_of(row["id"], row["text"], row["meta"], row["annotation"])
        if not include_drafts and doc.status not in released_statuses():
            left_out.append((doc.id, row["annotation"] is not None))
            continue
        splits[doc.id] = doc.split
        stats.add(doc, count_tokens=False)  # tokens are counted from the token rows, as newsspan build counts them
        for config, made in rows(doc, configs).items():
            out.setdefault((config, doc.split), []).extend(made)
            tokens += sum(len(r["tokens"]) for r in made) if config == _token_config(configs) else 0
    written = {}
    key = hashlib.sha256("\n".join(splits).encode()).hexdigest()[:20]  # a retried block rewrites its own files
    for (config, split), made in out.items():
        table, path = tables(config)(made), f"{folder}/{config}/{split}-{key}.parquet"
        fs.create_dir(f"{folder}/{config}", recursive=True)
        pq.write_table(table, path, filesystem=fs)
        written[config, split] = (table.num_rows, table.nbytes, fs.get_file_info(path).size)
    return [(stats, splits, left_out, digest, tokens, written)]


def _token_config(configs) -> str | None:
    return next((c for c in ("entities", "claims") if c in configs), None)


def _merge(total: Stats, part: Stats) -> None:
    for f in fields(Stats):
        mine, theirs = getattr(total, f.name), getattr(part, f.name)
        if isinstance(mine, Counter | list):
            mine += theirs
        elif isinstance(mine, dict):
            for kind, xs in theirs.items():
                mine[kind] += xs
        elif f.name == "documents":
            total.documents += part.documents


def build(
    dataset, out: str | os.PathLike, configs: list[str] | None = None, *, include_drafts: bool = False
) -> BuildSummary:
    """Validate the packed corpus in dataset (BuildError with the report if it has errors) and write its
    Hugging Face folder to out (a folder, or a URI pyarrow writes to, such as s3://bucket/x), as
    ``newsspan build`` writes it: Parquet per config and split with the same features, and the card.
    A previous build at out is replaced (a folder holding anything else is refused)."""
    from pyarrow import fs as pafs

    chosen = [c for c in CONFIGS if c in configs] if configs else list(CONFIGS)
    if unknown := sorted(set(configs or ()) - set(CONFIGS)):
        raise BuildError(f"unknown config {unknown[0]!r}: expected one of {', '.join(CONFIGS)}")
    report = validate(dataset, str(out))
    if not report.ok:
        errors = "".join(f"\n  {p.path}: {p.check}: {p.message}" for p in report.sorted() if p.severity == "error")
        raise BuildError(f"the corpus has errors; nothing was built:{errors}", report)
    fs, folder = pafs.FileSystem.from_uri(str(out) if "://" in str(out) else os.path.abspath(out))
    if fs.get_file_info(folder).type == pafs.FileType.Directory and fs.get_file_info(pafs.FileSelector(folder)):
        try:
            ours = MARKER in fs.open_input_stream(f"{folder}/{CARD}").read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            ours = False
        if not ours:
            raise BuildError(f"refusing to replace {out}: it is not empty and holds no newsspan build")
        fs.delete_dir_contents(folder)
    fs.create_dir(folder, recursive=True)
    parts = _results(dataset, _write, fs=fs, folder=folder, configs=chosen, include_drafts=include_drafts)
    release, stats, digest, tokens = Release(include_drafts), Stats(), 0, 0
    splits: dict[str, dict[str, dict]] = {}
    for part_stats, part_splits, left_out, part_digest, part_tokens, written in parts:
        _merge(stats, part_stats)
        release.splits |= part_splits
        for doc_id, draft in left_out:
            (release.drafts if draft else release.unannotated).append(doc_id)
        digest, tokens = digest + part_digest, tokens + part_tokens
        for (config, split), (n, size, download) in written.items():
            info = splits.setdefault(config, {}).setdefault(
                split, dict.fromkeys(("num_examples", "num_bytes", "download_size"), 0)
            )
            info.update(
                num_examples=info["num_examples"] + n,
                num_bytes=info["num_bytes"] + size,
                download_size=info["download_size"] + download,
                path=f"{config}/{split}-*.parquet",
            )
    if not release.splits:
        raise BuildError("nothing to release: no document has a layer with status complete or gold")
    release.splits = dict(sorted(release.splits.items()))
    for ids in (release.drafts, release.unannotated, stats.unknown_license):
        ids.sort()
    stats.tokens = tokens if _token_config(chosen) else None
    ordered = {c: {s: splits[c][s] for s in SPLITS if s in splits[c]} for c in chosen if c in splits}
    key = hashlib.sha256(f"{digest % 2**256:x} {chosen} {include_drafts}".encode()).hexdigest()
    summary = BuildSummary(Path(out), chosen, release, stats, ordered, key, report)
    with fs.open_output_stream(f"{folder}/{CARD}") as f:
        f.write(render(summary).encode("utf-8"))
    return summary
