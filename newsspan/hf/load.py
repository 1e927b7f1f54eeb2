"""``newsspan.load_dataset``: the corpus as a ``DatasetDict``, built on demand and cached.

Builds live under ``<root>/.newsspan-cache/hf/<key>/``, one per key: a content hash of the code,
the schemas, the corpus and the options (with or without drafts). An unchanged corpus reuses its
build; a changed one gets a new build. A root that cannot be written to caches under
``~/.cache/newsspan``.

Old builds are evicted least recently used first, beyond the KEEP most recently used, under the
cache's lock, and never one that a running process may still read: the Parquet files are read
after ``cached_build`` returns (with ``streaming=True``, for as long as the data is iterated), so
every process that got a build holds a shared lock on its ``<key>.lock`` until it exits, and a
build is deleted only under an exclusive lock nobody else holds. (Where the system has no such
locks, a build used in the last GRACE seconds is kept.)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
from pathlib import Path

from .. import store
from .fingerprint import content_hash
from .release import CARD, build

try:
    import fcntl

    POSIX_LOCKS = True
except ImportError:  # not a POSIX system: eviction falls back to GRACE
    POSIX_LOCKS = False

KEEP = 4  # builds kept beyond those in use: with and without drafts, and the versions just before
GRACE = 24 * 3600
_HELD: dict[str, int] = {}  # <key>.lock -> a descriptor holding a shared lock on it, for this process's life


def _cache_base(root: store.Root) -> Path:
    base = root.path / ".newsspan-cache" / "hf"
    if not root.is_shipped:  # never write into an installed package's folder
        try:
            base.mkdir(parents=True, exist_ok=True)
            if os.access(base, os.W_OK):
                return base
        except OSError:
            pass
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsspan"
    return home / hashlib.sha256(str(root.path.resolve()).encode()).hexdigest()[:16]


def cached_build(
    root: store.Root | str | os.PathLike | None = None, include_drafts: bool = False, num_proc: int | None = None
) -> Path:
    """The folder of an up-to-date build of root (built now if the corpus, the code or the options changed).

    The folder stays in place while this process runs: the caller may read it at leisure.
    """
    import datasets
    from filelock import FileLock

    root = store.Root.of(root)
    root.check()
    base = _cache_base(root)
    key = content_hash(root, include_drafts, datasets.__version__)[:24]
    folder = base / key
    base.mkdir(parents=True, exist_ok=True)
    with FileLock(str(base / "build.lock")):  # builds, uses and evictions of this cache, one at a time
        if not (folder / CARD).is_file():
            store.recover_folder(folder)  # leftovers of a build killed midway
            build(root, folder, include_drafts=include_drafts, num_proc=num_proc, lock=False)
        _use(base, key)
        _evict(base)
    return folder


def _use(base: Path, key: str) -> None:
    """This process reads the build: a shared lock on <key>.lock until it exits, and the last-used stamp."""
    path = str(base / f"{key}.lock")
    if path not in _HELD:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        if POSIX_LOCKS:
            fcntl.flock(fd, fcntl.LOCK_SH)  # at once: evictions hold their exclusive locks only under build.lock
        _HELD[path] = fd
    os.utime(path)


def _last_used(base: Path, folder: Path) -> float:
    for p in (base / f"{folder.name}.lock", folder):
        with contextlib.suppress(OSError):
            return p.stat().st_mtime
    return 0.0


def _evict(base: Path) -> None:
    """Delete builds beyond the KEEP most recently used that no process may be reading (under build.lock)."""
    for p in base.iterdir():  # staging folders of a build killed midway (no build runs: we hold the lock)
        if p.is_dir() and p.name.startswith(store.TMP_PREFIX):
            shutil.rmtree(p, ignore_errors=True)
    builds = sorted(
        (p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: _last_used(base, p),
        reverse=True,
    )
    for old in builds[KEEP:]:
        lock = base / f"{old.name}.lock"
        if str(lock) in _HELD:
            continue
        with _unused(lock, _last_used(base, old)) as free:
            if free:
                shutil.rmtree(old, ignore_errors=True)
                lock.unlink(missing_ok=True)


@contextlib.contextmanager
def _unused(lock: Path, last_used: float):
    """Whether no process holds the build's lock (then it is held exclusively for the block)."""
    if not POSIX_LOCKS:
        yield time.time() - last_used > GRACE
        return
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def load_dataset(config: str = "documents", *, root=None, include_drafts: bool = False, **kwargs):
    """The corpus as a ``DatasetDict`` of one config, from any working directory.

    ``root=None`` means the corpus shipped with the installed package: the released documents
    a wheel carries, or the checkout of an editable install; a path means the corpus root there
    (a folder holding ``corpus/`` and ``annotations/``). The corpus is validated and built on
    first use, and rebuilt only when the code or the data changed (the build is cached under
    ``<root>/.newsspan-cache/``, or under ``~/.cache/newsspan`` for an installed package).
    Other keyword arguments go to ``datasets.load_dataset`` (``split=``, ``streaming=``, ...).
    Raises :class:`newsspan.BuildError` when the corpus has errors.
    """
    import datasets

    folder = cached_build(root, include_drafts, kwargs.get("num_proc"))
    return datasets.load_dataset(str(folder), config, **kwargs)
