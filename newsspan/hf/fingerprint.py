"""The content hash of a build's inputs (newsspan's code, the schemas, the corpus files, the options): the
key of ``load_dataset``'s cache and of the ``datasets<4`` builder, and the card's provenance line."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .. import schema, store

_PACKAGE = Path(__file__).resolve().parent.parent


def content_hash(root: store.Root, *extra: object) -> str:
    """SHA-256 over the path and content of every file of the code, the schemas, corpus/ and annotations/, and extra."""
    h = hashlib.sha256(repr(extra).encode("utf-8"))
    for base, folder, suffix in (
        (_PACKAGE, _PACKAGE, ".py"),
        (schema.schema_dir(), schema.schema_dir(), ".json"),
        (root.path, root.corpus, ""),
        (root.path, root.annotations, ""),
    ):
        for dirpath, dirnames, filenames in os.walk(folder):  # in a stable order; hidden and temporary files left out
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__pycache__")))
            for p in (Path(dirpath) / n for n in sorted(filenames) if not n.startswith(".") and n.endswith(suffix)):
                h.update(p.relative_to(base).as_posix().encode("utf-8") + b"\0")
                try:
                    h.update(hashlib.sha256(p.read_bytes()).digest())
                except OSError as e:  # an unreadable file still changes the hash; the validator reports it
                    h.update(f"unreadable:{e.errno}".encode())
    return h.hexdigest()
