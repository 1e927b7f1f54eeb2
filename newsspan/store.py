"""The on-disk layout of a corpus root (the only module that builds paths into it), atomic writes and the root's lock.

<root>/corpus/<id>.txt and <id>.meta.json      canonical article text and its metadata
<root>/annotations/<id>.json                   released layer
<root>/annotations/annotators/<name>/<id>.json one annotator's layer, for agreement
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from . import schema

ID_PATTERN = re.compile(schema.load("annotation")["$defs"]["documentId"]["pattern"])
TEXT_SUFFIX = ".txt"
META_SUFFIX = ".meta.json"
JSON_SUFFIX = ".json"
ANNOTATORS = "annotators"
TMP_PREFIX = ".newsspan-"
LOCK = ".newsspan.lock"  # in the root (git-ignored): held by a command that writes
WAITING = f"waiting for another newsspan command to finish writing (lock {LOCK})"
MAX_FILE_BYTES = 50 * 1024 * 1024


class StoreError(Exception):
    """A root or path that cannot be used (the CLI reports it and exits 2)."""


class FileTooLarge(OSError):
    pass


class OutsideRoot(OSError):
    pass


def is_valid_id(doc_id: str) -> bool:
    return isinstance(doc_id, str) and ID_PATTERN.fullmatch(doc_id) is not None


def check_id(doc_id: str, what: str = "document id") -> str:
    if not is_valid_id(doc_id):
        raise ValueError(f"invalid {what} {doc_id!r}: ids are {schema.DOCUMENT_ID_RULE}")
    return doc_id


def _names(folder) -> list[str]:
    """Names in folder (none if it is no folder), temporary files left out."""
    try:
        return [n for n in os.listdir(folder) if not n.startswith(TMP_PREFIX)]
    except (FileNotFoundError, NotADirectoryError):
        return []


def is_root(folder: Path) -> bool:
    return (folder / "corpus").is_dir() and (folder / "annotations").is_dir()


def find_root(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest corpus root at or above start (default: the working directory)."""
    here = Path(start if start is not None else os.getcwd()).absolute()
    return next((folder for folder in (here, *here.parents) if is_root(folder)), None)


# Where the wheel carries the released corpus (see hatch_build.py).
_SHIPPED = Path(__file__).resolve().parent / "_corpus"


def user_cache() -> Path:
    """newsspan's folder in the user's cache (``$XDG_CACHE_HOME``, else ``~/.cache``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsspan"


def user_root() -> Path | None:
    """For a wheel install, the root in the user's cache that ``newsspan rehydrate`` fills, one per shipped release
    (an upgrade never mixes two releases); None for a checkout."""
    if not _SHIPPED.is_dir():
        return None
    release = _SHIPPED / "release.json"
    key = hashlib.sha256(release.read_bytes() if release.is_file() else b"").hexdigest()[:16]
    return user_cache() / "rehydrated" / key


def shipped_root() -> Path:
    """The corpus that comes with the package: the rehydrated user_root() or the wheel's own, or the checkout."""
    user = user_root()
    if user is not None:
        return user if is_root(user) else _SHIPPED
    checkout = Path(__file__).resolve().parent.parent
    if is_root(checkout):
        return checkout
    raise StoreError(
        f"this installation of newsspan carries no corpus (looked in {_SHIPPED} and {checkout}); "
        "pass root=DIR, a folder holding corpus/ and annotations/"
    )


@dataclass(frozen=True)
class AnnotationFile:
    path: Path
    stem: str
    annotator: str | None  # None for the released layer


@dataclass(frozen=True)
class Listing:
    stems: list[str]  # every document id seen (a text, a meta or an annotation file), sorted
    layers: dict[str, tuple]  # id -> its annotation layers: None for the released one, then annotator names
    others: list[str]  # root-relative paths of the files that are none of those


class Root:
    """A corpus root: a folder holding corpus/ and annotations/ (a clone, a worktree, a copy)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.corpus = self.path / "corpus"
        self.annotations = self.path / "annotations"
        self._inside: dict[str, bool] = {}  # folder -> whether it lies inside the root, links resolved

    @classmethod
    def discover(cls, given: str | os.PathLike | None = None) -> Root:
        """``given`` (``--root``), else the nearest root at or above the working directory."""
        if given is not None:
            root = cls(Path(given).absolute())
            root.check()
            return root
        found = find_root()
        if found is None:
            raise StoreError(
                f"not inside a newsspan corpus: no folder at or above {os.getcwd()} holds corpus/ and "
                "annotations/; run it inside one, pass --root DIR, or start one with `newsspan init`"
            )
        return cls(found)

    @classmethod
    def of(cls, root: Root | str | os.PathLike | None) -> Root:
        """A Root from a Root, a path, or None for the shipped corpus."""
        if isinstance(root, Root):
            return root
        return cls(shipped_root()) if root is None else cls(root)

    @property
    def is_shipped(self) -> bool:
        """Whether this is the corpus inside an installed wheel (read-only)."""
        return self.path.resolve() == _SHIPPED

    def check(self) -> None:
        if not self.path.is_dir():
            raise StoreError(f"{self.path}: no such folder")
        missing = [name for name in ("corpus", "annotations") if not (self.path / name).is_dir()]
        if missing:
            raise StoreError(
                f"{self.path} is not a newsspan corpus root (no {' and no '.join(m + '/' for m in missing)} "
                "folder); pass the folder that holds corpus/ and annotations/, or start one with "
                f"`newsspan init {self.path}`"
            )

    # paths ---------------------------------------------------------------------------------
    def text_path(self, doc_id: str) -> Path:
        return self.corpus / (check_id(doc_id) + TEXT_SUFFIX)

    def meta_path(self, doc_id: str) -> Path:
        return self.corpus / (check_id(doc_id) + META_SUFFIX)

    def annotation_path(self, doc_id: str, annotator: str | None = None) -> Path:
        if annotator is None:
            return self.annotations / (check_id(doc_id) + JSON_SUFFIX)
        return self.annotations / ANNOTATORS / check_id(annotator, "annotator name") / (check_id(doc_id) + JSON_SUFFIX)

    def require_document(self, doc_id: str) -> Path:
        """The text file of an existing document; StoreError (a usage error) if doc_id names none."""
        if not is_valid_id(doc_id) or not self.text_path(doc_id).is_file():
            raise StoreError(f"{doc_id!r} names no document of {self.path} (no corpus/{doc_id}.txt)")
        return self.text_path(doc_id)

    def rel(self, path: Path | str) -> str:
        s, base = str(path), str(self.path) + os.sep
        if s.startswith(base):
            return s[len(base) :].replace(os.sep, "/")
        try:
            return Path(path).relative_to(self.path).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path | str) -> bool:
        """Whether path, links resolved, stays inside the root."""
        p = os.fspath(path)
        if not os.path.islink(p):  # a file that is no link lies where its folder lies
            p = os.path.dirname(p) or "."
            if p in self._inside:
                return self._inside[p]
        try:
            ok = Path(p).resolve().is_relative_to(self.path.resolve())
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            ok = False
        if not os.path.islink(p):
            self._inside[p] = ok
        return ok

    # listing -------------------------------------------------------------------------------
    def listing(self) -> Listing:
        """Every document of the root from one listing of corpus/ and annotations/."""
        layers: dict[str, tuple] = {}
        others: list[str] = []
        for name in _names(self.corpus):
            stem = next((name[: -len(s)] for s in (TEXT_SUFFIX, META_SUFFIX) if name.endswith(s)), None)
            if stem is not None:
                layers[stem] = ()
            elif not name.startswith("."):
                others.append("corpus/" + name)
        for name in _names(self.annotations):
            if name.endswith(JSON_SUFFIX):
                layers[name[: -len(JSON_SUFFIX)]] = (None,)
            elif name != ANNOTATORS and not name.startswith("."):
                others.append("annotations/" + name)
        for who in sorted(_names(self.annotations / ANNOTATORS)):
            for name in _names(self.annotations / ANNOTATORS / who):
                if name.endswith(JSON_SUFFIX):
                    stem = name[: -len(JSON_SUFFIX)]
                    layers[stem] = layers.get(stem, ()) + (who,)
        return Listing(sorted(layers), layers, sorted(others))

    def annotation_files(self, stem: str, layers: Iterable | None = None) -> list[AnnotationFile]:
        """The annotation files of a document: those of the given layers (as a Listing has them), else those on disk."""

        def path(who: str | None) -> Path:
            return (self.annotations if who is None else self.annotations / ANNOTATORS / who) / (stem + JSON_SUFFIX)

        if layers is None:
            found = [None, *sorted(_names(self.annotations / ANNOTATORS))]
            layers = [who for who in found if os.path.lexists(path(who))]
        return [AnnotationFile(path(who), stem, who) for who in layers]

    def text_stems(self) -> list[str]:
        """Stems of corpus/*.txt, as found on disk (not necessarily valid ids), in id order."""
        return sorted(n[: -len(TEXT_SUFFIX)] for n in _names(self.corpus) if n.endswith(TEXT_SUFFIX))

    # reading and writing -------------------------------------------------------------------
    def read_bytes(self, path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
        """A file's bytes; OSError for unreadable, too large or out-of-root (linked) files."""
        if not self.inside(path):
            raise OutsideRoot(f"{self.rel(path)} {_link_note(Path(path))}, outside the root")
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise FileTooLarge(f"the file is {size} bytes, over the limit of {limit} bytes")
            return f.read()

    def check_writable(self, path: Path) -> None:
        """OutsideRoot unless path (its folder's links resolved) lies inside the root."""
        path = Path(path)
        if path.is_symlink() or not self.inside(path.parent):
            raise OutsideRoot(f"refusing to write {self.rel(path)}: {_link_note(path)}, outside the root")

    def write_all(self, files: Iterable[tuple[Path, bytes]]) -> None:
        """Write [(path, bytes), ...], each atomically: texts, then metas, then annotations, so that a reader never
        meets an annotation without the text it was made on."""
        files = [(Path(path), data) for path, data in files]
        files.sort(key=lambda f: (f[0].parent.name != "corpus", not f[0].name.endswith(TEXT_SUFFIX)))
        for path, _ in files:
            self.check_writable(path)
        for path, data in files:
            self.check_writable(path)  # again, right before the write
            write_atomic(path, data)

    @contextlib.contextmanager
    def lock(self, timeout: float = 60.0, on_wait=None):
        """The root's lock for the block (re-entrant within a process): when another process holds it, on_wait(message),
        then wait up to timeout seconds (-1: for ever), then StoreError. The block gets what clean() removed."""

        path = os.path.join(os.path.realpath(self.path), LOCK)
        lock = _LOCKS.setdefault(path, FileLock(path))
        try:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                if on_wait is not None:
                    on_wait(WAITING)
                lock.acquire(timeout=timeout)
        except Timeout:
            raise StoreError(
                f"another newsspan command has held {LOCK} for {timeout:g} s; try again when it has finished"
            ) from None
        try:
            yield self.clean()
        finally:
            lock.release()

    def clean(self) -> list[str]:
        """Remove the temporary files of writes a killed command left (call it holding the lock)."""
        done = []
        dirs = [self.corpus, self.annotations] + [
            self.annotations / ANNOTATORS / who for who in _names(self.annotations / ANNOTATORS)
        ]
        for d in dirs:
            for name in sorted(os.listdir(d)) if d.is_dir() and not d.is_symlink() else []:
                p = d / name
                if name.startswith(TMP_PREFIX) and name.endswith(".tmp") and p.is_file():
                    with contextlib.suppress(FileNotFoundError):
                        p.unlink()
                    done.append(f"removed {self.rel(p)}")
        return done


_LOCKS: dict = {}  # lock file path -> its FileLock: one per root in a process, so that holding it nests


def _link_note(path: Path) -> str:
    try:
        return f"is a symbolic link to {os.readlink(path)}"
    except OSError:
        return "lies in a folder that is a symbolic link"


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never a mix (the umask's mode, not 0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f"{TMP_PREFIX}{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# whole folders ---------------------------------------------------------------------------------
def staging_folder(dest: Path) -> Path:
    """A new empty folder beside dest to fill and hand to replace_folder() (the umask's mode, not mkdtemp's 0700)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    folder = dest.parent / f"{TMP_PREFIX}new-{dest.name}-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


def replace_folder(new: Path, dest: Path) -> None:
    """Put the complete folder new at dest, replacing the old one whole: dest aside, new in, the old one deleted
    (a kill between the renames leaves the old folder aside, which recover_folder() puts back)."""
    new, dest = Path(new), Path(dest)
    if os.stat(new).st_dev != os.stat(dest.parent).st_dev:
        raise ValueError(f"{new} and {dest} are on different file systems (a rename must not copy)")
    old = None
    if dest.exists() or dest.is_symlink():
        old = dest.parent / f"{TMP_PREFIX}old-{dest.name}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        os.rename(dest, old)
    try:
        os.rename(new, dest)
    except BaseException:
        if old is not None:
            os.rename(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def recover_folder(dest: Path) -> list[str]:
    """Undo a replace_folder() cut short: put the old folder back if dest is missing, drop leftovers."""
    dest = Path(dest)
    if not dest.parent.is_dir():
        return []
    done = []
    olds = sorted(dest.parent.glob(f"{TMP_PREFIX}old-{dest.name}-*"), key=lambda p: p.stat().st_mtime)
    if olds and not (dest.exists() or dest.is_symlink()):
        os.rename(olds.pop(), dest)
        done.append(f"restored {dest}")
    for p in olds + sorted(dest.parent.glob(f"{TMP_PREFIX}new-{dest.name}-*")):
        shutil.rmtree(p, ignore_errors=True)
        done.append(f"removed {p}")
    return done
