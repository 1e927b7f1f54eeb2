"""A packed corpus (``newsspan pack``) validated and built on Ray Data, as ``newsspan validate`` and ``build`` do.

    ds = ray.data.read_parquet("s3://bucket/corpus-pack/")
    report = newsspan.ray.validate(ds)
    summary = newsspan.ray.build(ds, "s3://bucket/newsspan-hf/")

Workers check each document (and write its rows) and send back what the driver needs for the corpus
checks (and the card). Ray itself is never imported: any ``ray.data.Dataset`` of packed rows will do.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import Counter
from dataclasses import fields, is_dataclass
from pathlib import Path

from .corpus import document_of
from .hf import BuildError
from .hf.card import MARKER, render, version
from .hf.features import tables
from .hf.release import CARD, BuildSummary, Release, chosen_configs, refuse_errors, token_config
from .hf.rows import rows
from .model import SPLITS, dump_json
from .pack import document_files
from .publish import RELEASE
from .report import Report
from .stats import Stats
from .validator import check_corpus, check_document


def _results(dataset, fn, batch_size: int, **kwargs) -> list:
    """Every result of fn(rows as dicts, **kwargs), a list of picklable values, run on the workers batch_size
    rows at a time; the results travel as a column of Python objects, which Ray serializes itself."""
    import numpy as np

    def each(block):
        done = fn(block.to_pylist(), **kwargs)
        column = np.empty(len(done), dtype=object)  # np.array would turn a list of tuples into a matrix
        column[:] = done
        return {"result": column}

    done = dataset.map_batches(each, batch_format="pyarrow", batch_size=batch_size)
    return [r for batch in done.iter_batches(batch_format="numpy", batch_size=None) for r in batch["result"]]


def _check(block: list[dict]) -> list:
    return [(*check_document(files := document_files(row)), files.count()) for row in block]


def validate(dataset, name: str = "a Ray dataset") -> Report:
    """The report ``newsspan.validate(root)`` makes of the root dataset was packed from, named name."""
    results = sorted(_results(dataset, _check, 256), key=lambda r: r[1].stem)
    summaries = [s for _, s, _ in results]
    report = Report(
        [p for ps, _, _ in results for p in ps], sum(n for *_, n in results), sum(s.has_text for s in summaries), name
    )
    report.extend(check_corpus(summaries))
    return report


def _write(block: list[dict], fs, folder: str, configs: list[str], include_drafts: bool) -> list:
    """Write the rows of the released documents of a block; what the card counts of them."""
    import pyarrow.parquet as pq

    stats, release, digest, tokens = Stats(), Release(include_drafts), 0, 0
    made: dict[tuple[str, str], list[dict]] = {}
    counted = token_config(configs)  # tokens counted from the token rows, as newsspan build counts them
    for row in block:  # (a sum of digests: the same whichever worker has which document)
        digest += int.from_bytes(hashlib.sha256(repr(sorted(row.items())).encode()).digest(), "big")
        if row["text"] is None:
            continue
        doc = document_of(row["id"], row["text"], row["meta"], row["annotation"])
        if not release.take(doc):
            continue
        stats.add(doc, count_tokens=False)
        for config, rows_ in rows(doc, configs).items():
            made.setdefault((config, doc.split), []).extend(rows_)
            if config == counted:
                tokens += sum(len(r["tokens"]) for r in rows_)
    stats.tokens, sizes = tokens, {}
    key = hashlib.sha256("\n".join(release.splits).encode()).hexdigest()[:20]
    for (config, split), rows_ in made.items():
        table, path = tables(config)(rows_), f"{folder}/{config}/{split}-{key}.parquet"
        fs.create_dir(f"{folder}/{config}", recursive=True)
        pq.write_table(table, path, filesystem=fs)
        size = fs.get_file_info(path).size
        sizes[config, split] = Counter(num_examples=table.num_rows, num_bytes=table.nbytes, download_size=size)
    return [(stats, release, digest, sizes)]


def _add(mine, theirs):
    """mine with theirs added in place (what _write returns): counts summed, lists joined, dicts merged by key."""
    if isinstance(mine, tuple):
        return tuple(map(_add, mine, theirs))
    if is_dataclass(mine):
        for f in fields(mine):
            setattr(mine, f.name, _add(getattr(mine, f.name), getattr(theirs, f.name)))
    elif isinstance(mine, dict) and not isinstance(mine, Counter):
        mine.update({k: _add(mine[k], v) if k in mine else v for k, v in theirs.items()})
    elif not isinstance(mine, bool | str) and theirs is not None:
        mine += theirs
    return mine


def build(
    dataset,
    out: str | os.PathLike,
    configs: list[str] | None = None,
    *,
    include_drafts: bool = False,
    batch_size: int = 2048,
) -> BuildSummary:
    """Validate the packed corpus in dataset (BuildError if it has errors) and write the folder ``newsspan build``
    writes to out (a folder, or a URI pyarrow writes to, such as s3://bucket/x), replacing a previous build.
    Each batch_size documents of a task make a Parquet file per config and split, named by a hash of their
    ids, so that a task Ray retries rewrites its own files."""
    from pyarrow import fs as pafs

    chosen = chosen_configs(configs)
    report = refuse_errors(validate(dataset), "the corpus")
    fs, folder = pafs.FileSystem.from_uri(str(out) if "://" in str(out) else os.path.abspath(out))
    if fs.get_file_info(pafs.FileSelector(folder, allow_not_found=True)):  # not empty: replaced if it is a build
        card = fs.open_input_stream(f"{folder}/{CARD}").read() if fs.get_file_info(f"{folder}/{CARD}").is_file else b""
        if MARKER.encode() not in card:
            raise BuildError(f"refusing to replace {out}: it is not empty and holds no newsspan build")
        fs.delete_dir_contents(folder)
    fs.create_dir(folder, recursive=True)
    with fs.open_output_stream(f"{folder}/{CARD}") as f:  # a build cut short is known as one, and replaced
        f.write(f"{MARKER}\n\nThis build did not finish.\n".encode())
    parts = _results(dataset, _write, batch_size, fs=fs, folder=folder, configs=chosen, include_drafts=include_drafts)
    totals: tuple[Stats, Release, int, dict] = functools.reduce(_add, parts, (Stats(), Release(include_drafts), 0, {}))
    stats, release, digest, sizes = totals
    if not release.splits:
        raise BuildError("nothing to release: no document has a layer with status complete or gold")
    release.splits, release.metas = dict(sorted(release.splits.items())), dict(sorted(release.metas.items()))
    for ids in (release.drafts, release.unannotated, stats.unknown_license):
        ids.sort()
    stats.tokens = stats.tokens if token_config(chosen) else None
    splits = {c: {s: {**sizes[c, s], "path": f"{c}/{s}-*.parquet"} for s in SPLITS if (c, s) in sizes} for c in chosen}
    splits = {c: per_split for c, per_split in splits.items() if per_split}
    key = hashlib.sha256(f"{digest % 2**256:x} {chosen} {include_drafts}".encode()).hexdigest()
    record = {"newsspan": version(), "corpus": {"commit": None, "dirty": None}, "published": release.ids}
    record["withheld"] = []  # a pack withholds nothing
    summary = BuildSummary(Path(out), chosen, release, stats, splits, key, report, record)
    for name, data in ((RELEASE, dump_json(record)), (CARD, render(summary).encode("utf-8"))):
        with fs.open_output_stream(f"{folder}/{name}") as f:
            f.write(data)
    return summary
