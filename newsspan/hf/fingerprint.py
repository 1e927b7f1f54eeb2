"""A content hash of the code and data a build depends on.

Passed as ``hash=`` to the builder (``datasets`` keys its cache on it, and would otherwise reuse
a stale build of a changed corpus) and used as the key of ``newsspan.load_dataset``'s cache.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .. import schema, store

_PACKAGE = Path(__file__).resolve().parent.parent


def _files(folder: Path, suffixes: tuple[str, ...] | None = None):
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__pycache__")))
        for name in sorted(filenames):
            if name.startswith(store.TMP_PREFIX) or (suffixes and not name.endswith(suffixes)):
                continue
            yield Path(dirpath) / name


def _update(h, base: Path, files) -> None:
    for p in files:
        h.update(p.relative_to(base).as_posix().encode("utf-8") + b"\0")
        try:
            h.update(hashlib.sha256(p.read_bytes()).digest())
        except OSError as e:  # an unreadable file still changes the hash, and the validator reports it
            h.update(f"unreadable:{e.errno}".encode())


def code_hash() -> str:
    h = hashlib.sha256()
    _update(h, _PACKAGE, _files(_PACKAGE, (".py",)))
    _update(h, schema.schema_dir(), _files(schema.schema_dir(), (".json",)))
    return h.hexdigest()


def content_hash(root: store.Root, *extra: object) -> str:
    """Hash of the newsspan code, the schemas, every file of corpus/ and annotations/, and extra."""
    h = hashlib.sha256(code_hash().encode())
    _update(h, root.path, _files(root.corpus))
    _update(h, root.path, _files(root.annotations))
    for x in extra:
        h.update(repr(x).encode("utf-8") + b"\0")
    return h.hexdigest()
