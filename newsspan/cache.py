"""The validation cache: per-document results kept under ``<root>/.newsspan-cache/``.

A document's result (its problems and the ``DocSummary`` the cross-file checks need) is reused
only while every file of the document is unchanged, judged the way build tools judge it: the
file's size, mtime, ctime, inode and mode (``lstat``), plus a fingerprint of everything else the
result depends on (newsspan's code, the schemas, the check registry, the limits, the validator
libraries). Any change of a document's files means a full re-check of that document; cross-file
checks are always recomputed from the summaries.

The cache is a hint, never an authority: a cache file that cannot be read, does not parse, has
another fingerprint or holds an entry of the wrong shape is ignored (that entry or the whole
file), and the documents are checked afresh. Documents whose files are links, that could not be
read, or whose files changed within the last seconds (a write in the same timestamp tick
would go unnoticed) are not stored.

All entries are kept in one file, ``validate.json``, replaced atomically after a run that changed
any; concurrent runs may leave the file of either run, which is safe because every entry
carries the key of the files it was made from. No lock is taken, so validation never waits for
a writer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import re
import shutil
import stat
import struct
import sys
import time
from pathlib import Path

from . import __version__, checks, schema, store
from .checks.corpus import DocSummary
from .report import Problem

FORMAT = 3
FOLDER = ".newsspan-cache"
FILE = "validate.json"
LEGACY = "validate"  # format 2 spread the entries over 64 files in this folder
RACY_NS = 2_000_000_000  # files changed this recently are not cached (coarse timestamps)
# Problems that depend on more than the files' content and metadata (who runs, where links
# point, a crash): a document with one of these is always checked afresh.
_UNCACHEABLE = {"file-unreadable", "path-outside-root", "internal-error"}
_SHA256 = re.compile("[0-9a-f]{64}")  # a text digest as sha256().hexdigest() writes it
_PROBLEM_FIELDS = ("path", "check", "severity", "message", "line", "column", "pointer", "document_id", "hint")


def _versions() -> list:
    """Our version and the validator libraries' installed files (cheaper than importlib.metadata)."""
    out = [__version__, sys.version_info[:2], FORMAT]
    for mod in ("jsonschema", "jsonschema_rs"):
        spec = importlib.util.find_spec(mod)
        try:
            if spec is None or spec.origin is None:
                raise FileNotFoundError(mod)
            folder = Path(spec.origin).parent
            out.append(
                (mod, sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()))
            )
        except OSError:  # not installed: that is part of the fingerprint too
            out.append((mod, None))
    return out


def fingerprint(limits) -> str:
    """A digest of everything besides a document's files that its result depends on."""
    h = hashlib.sha256()
    h.update(json.dumps([_versions(), sorted(dataclasses.asdict(limits).items())]).encode())
    pkg = Path(__file__).resolve().parent
    for p in sorted(pkg.rglob("*.py")):
        h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    for p in sorted(schema.schema_dir().glob("*.json")):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    for c in sorted(checks.REGISTRY.values(), key=lambda c: c.id):
        func = f"{c.func.__module__}.{c.func.__qualname__}" if c.func else ""
        h.update(f"{c.id}|{c.severity}|{c.scope}|{func}\0".encode())
    return h.hexdigest()


_STAT = struct.Struct("<BQqqQQ")  # present, size, mtime, ctime, inode, mode


def file_key(paths: list[str], now_ns: int) -> tuple[str | None, bool]:
    """(key, storable) for a document's files: key None when it cannot be cached (a link).

    The key is a 128-bit digest of each file's path, size, mtime, ctime, inode and mode (or of
    its absence): one short string, cheap to store, load and compare for tens of thousands of
    documents, where the fields themselves took longer to load than to check.
    """
    h = hashlib.blake2b("\0".join(paths).encode("utf-8", "surrogateescape"), digest_size=16)
    storable = True
    for p in paths:
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            h.update(b"\0")
            continue
        except OSError:
            return None, False
        if stat.S_ISLNK(st.st_mode):
            return None, False
        try:
            h.update(_STAT.pack(1, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode))
        except struct.error:  # a field beyond 64 bits (a date past 2262): not cached
            return None, False
        if st.st_mtime_ns > now_ns - RACY_NS:  # as git does: a write in this tick would keep the key
            storable = False
    return h.hexdigest(), storable


def _problem(row) -> Problem | None:
    if not (isinstance(row, list) and len(row) == len(_PROBLEM_FIELDS)):
        return None
    d = dict(zip(_PROBLEM_FIELDS, row, strict=True))
    check = checks.REGISTRY.get(d["check"]) if isinstance(d["check"], str) else None
    ok = (
        check is not None
        and d["severity"] == check.severity
        and all(isinstance(d[k], str) for k in ("path", "message", "pointer"))
        and all(d[k] is None or (isinstance(d[k], int) and not isinstance(d[k], bool)) for k in ("line", "column"))
        and all(d[k] is None or isinstance(d[k], str) for k in ("document_id", "hint"))
    )
    return Problem(**d) if ok else None


class ValidationCache:
    def __init__(self, root: store.Root, limits, now_ns: int | None = None):
        """now_ns: when the run started (files changed since, or shortly before, are not stored)."""
        self.root = root
        self.folder = root.path / FOLDER
        self.path = self.folder / FILE
        self.fingerprint = fingerprint(limits)
        self.now_ns = time.time_ns() if now_ns is None else now_ns
        self.entries: dict = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            if self.folder.is_symlink() or self.path.is_symlink():
                return
            with open(self.path, "rb") as f:
                doc = json.loads(f.read())
        except (OSError, ValueError, RecursionError):
            return
        if (
            isinstance(doc, dict)
            and doc.get("format") == FORMAT
            and doc.get("fingerprint") == self.fingerprint
            and isinstance(doc.get("entries"), dict)
        ):
            self.entries = doc["entries"]

    def get(self, stem: str, key: str | None):
        """(problems, DocSummary, files checked) cached for a document whose files have this key, or None."""
        e = self.entries.get(stem)
        if key is None or type(e) is not list or len(e) != 7 or e[0] != key:
            return None
        _, n_files, rows, sha, has_text, has_meta, has_annotation = e
        if not (
            type(n_files) is int
            and type(rows) is list
            and (sha is None or (type(sha) is str and _SHA256.fullmatch(sha) is not None))
            and type(has_text) is bool
            and type(has_meta) is bool
            and type(has_annotation) is bool
        ):
            return None
        problems = [_problem(r) for r in rows]
        if any(p is None or p.document_id not in (None, stem) for p in problems):
            return None
        return problems, DocSummary(stem, sha, has_text, has_meta, has_annotation), n_files

    def put(
        self, stem: str, key: str | None, storable: bool, problems: list[Problem], summary: DocSummary, n_files: int
    ) -> None:
        if key is None or not storable or any(p.check in _UNCACHEABLE for p in problems):
            self.dirty |= self.entries.pop(stem, None) is not None
            return
        rows = [[getattr(p, f) for f in _PROBLEM_FIELDS] for p in problems]
        self.entries[stem] = [key, n_files, rows, *summary[1:]]
        self.dirty = True

    def keep_only(self, stems) -> None:
        """Forget documents that are gone (after a whole-root run)."""
        for stem in set(self.entries).difference(stems):
            del self.entries[stem]
            self.dirty = True

    def save(self) -> None:
        """Write the entries if they changed; a root that cannot be written simply goes uncached."""
        if not self.dirty:
            return
        try:
            if self.folder.is_symlink():
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(self.folder / LEGACY, ignore_errors=True)
            # ASCII escapes keep any lone surrogate of a reported key exact through the round trip
            data = json.dumps(
                {"format": FORMAT, "fingerprint": self.fingerprint, "entries": self.entries}, separators=(",", ":")
            )
            store.write_atomic(self.path, data.encode("ascii"))
            self.dirty = False
        except OSError:
            pass
