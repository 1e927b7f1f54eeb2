"""A synthetic corpus root (bench/make_corpus.py) with one planted problem of each kind a document
can carry, in documents spread over the corpus: what test_pack round-trips and test_ray validates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from synthetic import make_root


def planted_root(path: Path, docs: int) -> tuple[Path, set[str]]:
    """A root of docs (at least 20) documents with problems planted; the ids of the checks that must find them."""
    root = make_root(path, docs)
    c, a = root / "corpus", root / "annotations"
    ids = [f"bench-{i:07d}" for i in range(docs)]
    spread = [ids[i * (docs - 1) // 11] for i in range(12)]  # first to last, so that blocks of a pack differ

    def edit(file: Path, change) -> None:
        value = json.loads(file.read_bytes())
        change(value)
        file.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    edit(a / f"{spread[1]}.json", lambda v: v["entities"][0].update(text=v["entities"][0]["text"] + "x"))
    (c / f"{spread[2]}.meta.json").unlink()
    shutil.copyfile(c / f"{spread[0]}.txt", c / f"{spread[11]}.txt")  # a duplicate of the first text: the last one
    (a / f"{spread[3]}.json").write_bytes(b'{"schema_version": "1.0.0", ')
    text = c / f"{spread[4]}.txt"
    text.write_bytes(text.read_bytes().replace(b"\n", b"\r\n"))
    (c / f"{spread[5]}.txt").write_bytes(b"\xff\xfe" + "an UTF-16 text".encode("utf-16-le"))
    (a / f"{spread[6]}.json").unlink()
    edit(c / f"{spread[7]}.meta.json", lambda v: v.update(license="Not-A-License"))
    for who, data in (("alice", (a / f"{spread[8]}.json").read_bytes()), ("bob", b'{"schema_version": 1}\n')):
        (a / "annotators" / who).mkdir(parents=True, exist_ok=True)
        (a / "annotators" / who / f"{spread[8]}.json").write_bytes(data)
    (c / "Bad Name.txt").write_bytes(b"A text under a name that is no id.\n")
    (a / "ghost.json").write_bytes((a / f"{spread[9]}.json").read_bytes())  # a layer without its text
    checks = {"span-text-mismatch", "meta-missing", "text-duplicate", "json-syntax", "text-not-canonical"}
    return root, checks | {
        "text-encoding",
        "annotation-missing",
        "license-invalid",
        "schema",
        "id-invalid",
        "document-missing",
    }
