"""A corpus as Parquet shards of whole documents (``part-NNNNN.parquet``, one row per document in id order),
the form a corpus of millions travels in: ``id`` and the bytes of its ``text``, ``meta``, ``annotation``
(null where the file does not exist) and ``annotators`` ({name, data}). ``unpack`` restores the files
byte for byte; ``ray.data.read_parquet`` reads them (``newsspan.ray``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import store
from .checks.run import annotation_rel
from .report import Problem
from .validator import DocumentFiles, meta_rel, read_document, text_rel

COLUMNS = ("id", "text", "meta", "annotation", "annotators")
ROWS_PER_SHARD = 1000  # news articles: about 4 MB of Parquet (25 MB of data), files that readers share out


def table(rows: list[dict]):
    """The Arrow table of rows, one per document."""
    import pyarrow as pa  # (pyarrow is imported where a table is made, not by `import newsspan`)

    annotator = pa.struct([("name", pa.string()), ("data", pa.binary())])
    types: list[pa.DataType] = [pa.string(), pa.binary(), pa.binary(), pa.binary(), pa.list_(annotator)]
    return pa.Table.from_pylist(rows, pa.schema(list(zip(COLUMNS, types, strict=True))))


def document_files(row: dict) -> DocumentFiles:
    """A row of the table as the validator reads a document: the released layer, then the annotators' in order."""
    layers = {None: row["annotation"]} if row["annotation"] is not None else {}
    return DocumentFiles(
        row["id"], row["text"], row["meta"], layers | {a["name"]: a["data"] for a in row["annotators"]}
    )


@dataclass
class Packed:
    documents: int = 0
    files: int = 0
    shards: int = 0
    left_out: list[str] = field(default_factory=list)  # files that are no document's (root-relative)
    problems: list[Problem] = field(default_factory=list)  # files that could not be read: nothing was written


def pack(root: store.Root, out: Path, rows_per_shard: int = ROWS_PER_SHARD, on_wait=None) -> Packed:
    """Write root's documents into out as Parquet shards, replacing a previous pack; nothing if a file cannot be read."""
    import pyarrow.parquet as pq

    out = Path(out).absolute()
    if any(out.resolve().is_relative_to(p.resolve()) for p in (root.corpus, root.annotations)):
        raise store.StoreError(f"refusing to write the pack {out} inside corpus/ or annotations/ of the root")
    if out.is_dir() and not all(n.startswith("part-") and n.endswith(".parquet") for n in os.listdir(out)):
        raise store.StoreError(f"refusing to replace {out}: it holds other files than a pack's; choose another --out")
    done, rows, staged = Packed(), [], store.staging_folder(out)
    try:
        with root.lock(on_wait=on_wait):  # no command writes the corpus while it is read
            listing = root.listing()
            for i, stem in enumerate(listing.stems, 1):
                files = read_document(root, stem, listing.layers[stem])
                done.problems += [replace(v, path=rel) for rel, v in parts(files) if isinstance(v, Problem)]
                annotators = [{"name": k, "data": v} for k, v in files.annotations.items() if k is not None]
                row = {"id": stem, "text": files.text, "meta": files.meta, "annotation": files.annotations.get(None)}
                rows.append(row | {"annotators": annotators})
                done.documents, done.files = i, done.files + files.count()
                if i % rows_per_shard == 0 or i == len(listing.stems):
                    if not done.problems:
                        pq.write_table(table(rows), staged / f"part-{done.shards:05d}.parquet")
                    done.shards, rows = done.shards + 1, []
            done.left_out = listing.others
        if not done.problems:
            store.replace_folder(staged, out)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return done


def parts(files: DocumentFiles) -> list[tuple[str, bytes | Problem]]:
    """(root-relative path, contents) of each file of a document that exists."""
    stem, layers = files.stem, files.annotations
    found = [(text_rel(stem), files.text), (meta_rel(stem), files.meta)]
    return [(r, v) for r, v in found if v is not None] + [(annotation_rel(stem, k), v) for k, v in layers.items()]


def _is_name(name) -> bool:
    """Whether name can stand in a file name of the root (a pack may come from anywhere)."""
    if not isinstance(name, str):
        return False
    return name not in ("", ".", "..") and not any(c in name for c in "/\\\0") and not name.startswith(store.TMP_PREFIX)


@dataclass
class Unpacked:
    root: store.Root
    written: int = 0
    unchanged: int = 0  # files the root held already, byte for byte
    problems: list[Problem] = field(default_factory=list)  # why nothing was written


def unpack(source: str, root_path: str | os.PathLike, on_wait=None) -> Unpacked:
    """Restore the files of the pack at source (a folder, or a URI pyarrow reads) into the root at root_path
    (an absent or empty folder becomes one); nothing is written if a different file stands in the way."""
    import pyarrow.dataset as pads

    try:
        data = pads.dataset(source, format="parquet")
    except (OSError, ValueError) as e:  # no such folder; not Parquet (ArrowInvalid)
        raise store.StoreError(f"{source}: cannot be read as a pack ({e})") from None
    if missing := [c for c in COLUMNS if c not in data.schema.names]:
        raise store.StoreError(f"{source} is not a newsspan pack: it has no column {', '.join(missing)}")
    root = store.Root(Path(root_path).absolute())
    if not root.path.exists() or (root.path.is_dir() and not any(root.path.iterdir())):
        for folder in (root.corpus, root.annotations):
            folder.mkdir(parents=True, exist_ok=True)
    root.check()
    done, seen = Unpacked(root), set()

    def documents() -> Iterator[DocumentFiles]:
        for batch in data.to_batches(columns=list(COLUMNS), batch_size=256):
            yield from map(document_files, batch.to_pylist())

    with root.lock(on_wait=on_wait):
        for files in documents():  # every problem first, then the writes
            names = [files.stem, *(k for k in files.annotations if k is not None)]
            if files.stem in seen or not all(_is_name(n) for n in names):
                why = "twice" if files.stem in seen else f"under a name that is no file name: {names}"
                done.problems.append(Problem("unpack", f"the pack holds document {files.stem!r} {why}", path=source))
                continue
            seen.add(files.stem)
            hint = "unpack into an empty root, or move the file away"
            done.problems += [
                Problem("unpack", "the root holds another file here", path=rel, hint=hint)
                for rel, data in parts(files)
                if _differs(root.path / rel, data)
            ]
        for files in documents() if not done.problems else ():
            new = [(root.path / rel, data) for rel, data in parts(files)]
            writes = [(path, data) for path, data in new if not os.path.lexists(path)]
            root.write_all(writes)  # type: ignore[arg-type]  # a pack holds bytes, never a Problem
            done.written, done.unchanged = done.written + len(writes), done.unchanged + len(new) - len(writes)
    return done


def _differs(path: Path, data) -> bool:
    """Whether a file other than data stands at path."""
    try:
        return os.path.lexists(path) and path.read_bytes() != data
    except OSError:
        return True
