"""The content hash of a build's inputs: newsspan's code, the schemas, the corpus files, the options.

The key of ``newsspan.load_dataset``'s cache, the ``hash=`` of the ``datasets<4`` builder (which
would otherwise reuse a stale build of a changed corpus) and the provenance line of the card.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .. import schema, store

_PACKAGE = Path(__file__).resolve().parent.parent


def _files(folder: Path, suffix: str = ""):
    """The files below folder, in a stable order; hidden and temporary ones (.newsspan-*) left out."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__pycache__")))
        yield from (Path(dirpath) / n for n in sorted(filenames) if not n.startswith(".") and n.endswith(suffix))


def content_hash(root: store.Root, *extra: object) -> str:
    """SHA-256 over the path and content of every file of the code, the schemas, corpus/ and annotations/, and extra."""
    h = hashlib.sha256(repr(extra).encode("utf-8"))
    for base, folder, suffix in (
        (_PACKAGE, _PACKAGE, ".py"),
        (schema.schema_dir(), schema.schema_dir(), ".json"),
        (root.path, root.corpus, ""),
        (root.path, root.annotations, ""),
    ):
        for p in _files(folder, suffix):
            h.update(p.relative_to(base).as_posix().encode("utf-8") + b"\0")
            try:
                h.update(hashlib.sha256(p.read_bytes()).digest())
            except OSError as e:  # an unreadable file still changes the hash; the validator reports it
                h.update(f"unreadable:{e.errno}".encode())
    return h.hexdigest()
