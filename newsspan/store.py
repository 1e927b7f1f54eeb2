"""The on-disk layout of a corpus root; the only module that builds paths into it.

    <root>/corpus/<id>.txt                       canonical article text
    <root>/corpus/<id>.meta.json                 metadata (schema/document.schema.json)
    <root>/annotations/<id>.json                 released layer (schema/annotation.schema.json)
    <root>/annotations/annotators/<name>/<id>.json   one annotator's layer, for agreement

Ids are checked before any path is built from them, and every write is atomic
(temporary file in the same folder, fsync, rename).

Crash safety (see docs/reliability.md). A command that writes takes ``Root.writing()``: the
root's lock, then ``recover()``, which finishes or undoes whatever a killed command left.
A document's files are written as one ``transaction()``: every file is staged as a temporary
file beside its target and synced, then a journal naming the renames is written, then the
renames happen (texts and metas before annotations) and the journal goes. Recovery replays a
journal (roll forward) and removes stray temporary files (roll back), so the root is always
the old state or the new one. A folder such as the build output is replaced whole with
``replace_folder()``; ``recover_folder()`` undoes a swap cut between its two renames.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
TEXT_SUFFIX = ".txt"
META_SUFFIX = ".meta.json"
JSON_SUFFIX = ".json"
ANNOTATORS = "annotators"
TMP_PREFIX = ".newsspan-"
JOURNAL = ".newsspan-journal.json"  # in the root, while a transaction's renames are under way
LOCK = ".newsspan.lock"  # in the root (git-ignored): held by a command that writes, and by the validator
WAITING = f"waiting for another newsspan command to finish writing (lock {LOCK})"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_SPANS = 200_000  # per annotation file; an article has hundreds
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # 0 where the system has none: read_plain() then never reads
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class StoreError(Exception):
    """A root or path that cannot be used (the CLI reports it and exits 2)."""


class FileTooLarge(OSError):
    pass


class OutsideRoot(OSError):
    pass


def _names(folder) -> list[str]:
    """Names in folder (none if it is no folder), temporary files of interrupted writes left out."""
    try:
        return [n for n in os.listdir(folder) if not n.startswith(TMP_PREFIX)]
    except (FileNotFoundError, NotADirectoryError):
        return []


def is_valid_id(doc_id: str) -> bool:
    return isinstance(doc_id, str) and ID_PATTERN.fullmatch(doc_id) is not None


def check_id(doc_id: str, what: str = "document id") -> str:
    if not is_valid_id(doc_id):
        raise ValueError(f"invalid {what} {doc_id!r}: expected 1-64 of a-z 0-9 _ - starting with a letter or digit")
    return doc_id


class NotARoot(StoreError):
    """No corpus root where the user stands (the CLI exits 2 with this message)."""


def is_root(folder: Path) -> bool:
    """Whether folder holds corpus/ and annotations/, the two folders that make a corpus root."""
    return (folder / "corpus").is_dir() and (folder / "annotations").is_dir()


def find_root(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest folder at or above start (default: the working directory) that is a corpus
    root, as git finds its repository; None when there is none."""
    here = Path(start if start is not None else os.getcwd()).absolute()
    for folder in (here, *here.parents):
        if is_root(folder):
            return folder
    return None


# Where the wheel carries the released corpus (see hatch_build.py).
_SHIPPED = Path(__file__).resolve().parent / "_corpus"


def shipped_root() -> Path:
    """The corpus that comes with the installed package: the released documents a wheel carries
    (``newsspan/_corpus``), or, in a source checkout or an editable install, the checkout."""
    if is_root(_SHIPPED):
        return _SHIPPED
    checkout = Path(__file__).resolve().parent.parent
    if is_root(checkout):
        return checkout
    raise StoreError(
        f"this installation of newsspan carries no corpus (looked in {_SHIPPED} and {checkout}); "
        "pass root=DIR, a folder holding corpus/ and annotations/"
    )


@dataclass(frozen=True)
class Listing:
    """What one listing of a root found, kept small for roots of tens of thousands of documents.

    stems: every document id seen (a text, a meta or an annotation file), sorted.
    layers: per id, the annotation layers found: None for the released layer, then annotator
    names in order; one shared tuple per distinct combination, so 40,000 documents of the
    same shape cost one tuple. others: files that are none of those (root-relative paths).
    """

    stems: list[str]
    layers: dict[str, tuple]
    others: list[str]


@dataclass(frozen=True)
class AnnotationFile:
    path: Path
    stem: str
    annotator: str | None  # None for the released layer


class Root:
    """A corpus root: a folder holding corpus/ and annotations/ (a clone, a worktree, a copy)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.corpus = self.path / "corpus"
        self.annotations = self.path / "annotations"

    @classmethod
    def discover(cls, given: str | os.PathLike | None = None) -> Root:
        """The root a command works on: ``given`` (``--root``) when there is one, else the nearest
        root at or above the working directory. Never the checkout the package is installed from."""
        if given is not None:
            root = cls(Path(given).absolute())
            root.check()
            return root
        found = find_root()
        if found is None:
            raise NotARoot(
                f"not inside a newsspan corpus: no folder at or above {os.getcwd()} holds corpus/ and "
                "annotations/; run it inside one, pass --root DIR, or start one with `newsspan init`"
            )
        return cls(found)

    @classmethod
    def of(cls, root: Root | str | os.PathLike | None) -> Root:
        """A Root from what a library caller passes: a Root, a path, or None for the shipped corpus."""
        if isinstance(root, Root):
            return root
        return cls.shipped() if root is None else cls(root)

    @classmethod
    def shipped(cls) -> Root:
        """The corpus that comes with the installed package (see shipped_root())."""
        return cls(shipped_root())

    @property
    def is_shipped(self) -> bool:
        """Whether this is the corpus inside an installed wheel (read-only: caches go elsewhere)."""
        return self.path.resolve() == _SHIPPED

    def check(self) -> None:
        """Raise StoreError unless this is a corpus root."""
        if not self.path.is_dir():
            raise StoreError(f"{self.path}: no such folder")
        missing = [name for name in ("corpus", "annotations") if not (self.path / name).is_dir()]
        if missing:
            raise NotARoot(
                f"{self.path} is not a newsspan corpus root (no {' and no '.join(m + '/' for m in missing)} "
                "folder); pass the folder that holds corpus/ and annotations/, or start one with "
                f"`newsspan init {self.path}`"
            )

    # paths ---------------------------------------------------------------------------------
    def text_path(self, doc_id: str) -> Path:
        return self.corpus / (check_id(doc_id) + TEXT_SUFFIX)

    def require_document(self, doc_id: str) -> Path:
        """The text file of an existing document; StoreError (a usage error) if doc_id names none."""
        if not is_valid_id(doc_id) or not self.text_path(doc_id).is_file():
            raise StoreError(f"{doc_id!r} names no document of {self.path} (no corpus/{doc_id}.txt)")
        return self.text_path(doc_id)

    def meta_path(self, doc_id: str) -> Path:
        return self.corpus / (check_id(doc_id) + META_SUFFIX)

    def annotation_path(self, doc_id: str, annotator: str | None = None) -> Path:
        if annotator is None:
            return self.annotations / (check_id(doc_id) + JSON_SUFFIX)
        return self.annotations / ANNOTATORS / check_id(annotator, "annotator name") / (check_id(doc_id) + JSON_SUFFIX)

    def rel(self, path: Path | str) -> str:
        s, base = str(path), str(self.path) + os.sep
        if s.startswith(base):  # the common case, without Path.relative_to's cost
            return s[len(base) :].replace(os.sep, "/")
        try:
            return Path(path).relative_to(self.path).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path) -> bool:
        """Whether path, links resolved, stays inside the root."""
        p = os.fspath(path)
        try:
            # A file that is no link lies where its folder lies, and folders are resolved once
            # per root: resolving every file costs more than reading it.
            if not os.path.islink(p) and self._folder_inside(os.path.dirname(p)):
                return True
            Path(p).resolve().relative_to(self._resolved())
            return True
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            return False

    def _resolved(self) -> Path:
        if getattr(self, "_resolved_root", None) is None:
            self._resolved_root = self.path.resolve()
        return self._resolved_root

    def _folder_inside(self, folder: str) -> bool:
        known = self.__dict__.setdefault("_folders_inside", {})
        key = folder
        if key not in known:
            try:
                Path(folder or ".").resolve().relative_to(self._resolved())
                known[key] = True
            except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
                known[key] = False
        return known[key]

    # listing -------------------------------------------------------------------------------
    def listing(self) -> Listing:
        """Every document of the root from one listing of corpus/ and annotations/ (see Listing)."""
        layers: dict[str, tuple] = {}
        others: list[str] = []
        for name in _names(self.corpus):
            if name.endswith(TEXT_SUFFIX):
                layers[name[: -len(TEXT_SUFFIX)]] = ()
            elif name.endswith(META_SUFFIX):
                layers[name[: -len(META_SUFFIX)]] = ()
            elif not name.startswith("."):
                others.append("corpus/" + name)
        for name in _names(self.annotations):
            if name.endswith(JSON_SUFFIX):
                layers[name[: -len(JSON_SUFFIX)]] = (None,)
            elif name != ANNOTATORS and not name.startswith("."):
                others.append("annotations/" + name)
        ann_dir = self.annotations / ANNOTATORS
        shared: dict[tuple, tuple] = {}  # one tuple per combination of layers, shared by the documents that have it
        for who in sorted(_names(ann_dir)):
            for name in _names(ann_dir / who):
                if name.endswith(JSON_SUFFIX):
                    stem = name[: -len(JSON_SUFFIX)]
                    t = layers.get(stem, ()) + (who,)
                    layers[stem] = shared.setdefault(t, t)
        return Listing(sorted(layers), layers, sorted(others))

    def annotation_file(self, stem: str, annotator: str | None) -> AnnotationFile:
        """A listed annotation file (the names come from the disk: not checked as ids here)."""
        folder = self.annotations if annotator is None else self.annotations / ANNOTATORS / annotator
        return AnnotationFile(folder / (stem + JSON_SUFFIX), stem, annotator)

    def document_files(self, stem: str, layers: tuple = ()) -> list[str]:
        """The paths of a document's text, metadata and listed annotation files, as plain strings
        (a cached validation takes them for every document; pathlib's joins were 40% of it)."""
        corpus, annotations = f"{self.corpus}{os.sep}{stem}", f"{self.annotations}{os.sep}"
        return [corpus + TEXT_SUFFIX, corpus + META_SUFFIX] + [
            f"{annotations}{stem}{JSON_SUFFIX}"
            if who is None
            else f"{annotations}{ANNOTATORS}{os.sep}{who}{os.sep}{stem}{JSON_SUFFIX}"
            for who in layers
        ]

    def corpus_entries(self) -> list[str]:
        """Names of the files in corpus/ (temporary files of interrupted writes left out)."""
        return sorted(_names(self.corpus))

    def text_stems(self) -> list[str]:
        """Stems of corpus/*.txt, as found on disk (not necessarily valid ids), in id order (by file
        name, "a-b.txt" would come before "a.txt")."""
        return sorted(n[: -len(TEXT_SUFFIX)] for n in self.corpus_entries() if n.endswith(TEXT_SUFFIX))

    # reading -------------------------------------------------------------------------------
    def read_plain(self, path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> bytes | None:
        """The bytes of an ordinary file that is no link, in a folder inside the root; else None.

        The validator's common case in one open, fstat and read (no lstat, no Python file
        object). None means only "not read here": the file may be missing, a link, unreadable,
        too large or no regular file, and read_bytes() decides which and says so. The safety
        is read_bytes()'s: O_NOFOLLOW refuses a link as the last component (at the moment of
        opening, so no link can be swapped in after a check), and the folder is checked as
        inside() checks it.
        """
        if _NOFOLLOW == 0:
            return None
        p = os.fspath(path)
        if not self._folder_inside(os.path.dirname(p)):
            return None
        try:
            fd = os.open(p, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
                return None
            data = os.read(fd, st.st_size + 1)
            if len(data) == st.st_size:
                return data  # all of it: the size fstat gave, and nothing beyond (no second read)
            # else (a short read, or the file changed since fstat) to its end, as a file object's read() does
            parts = [data]
            total = len(data)
            while parts[-1] and total <= limit:
                parts.append(os.read(fd, 65536))
                total += len(parts[-1])
            if total > limit:
                return None
            return parts[0] if len(parts) <= 2 else b"".join(parts)
        except OSError:
            return None
        finally:
            os.close(fd)

    def read_bytes(self, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
        """A file's bytes; OSError for unreadable, too large or out-of-root (linked) files."""
        if not self.inside(path):
            raise OutsideRoot(f"{self.rel(path)} {_link_note(path)}, outside the root")
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise FileTooLarge(f"the file is {size} bytes, over the limit of {limit} bytes")
            return f.read()

    # writing -------------------------------------------------------------------------------
    def write_atomic(self, path: Path, data: bytes) -> None:
        self.check_writable(path)
        write_atomic(path, data)

    def check_writable(self, path: Path) -> None:
        """OutsideRoot unless path (its folder's links resolved) lies inside the root."""
        path = Path(path)
        if path.is_symlink() or not self.inside(path.parent):
            raise OutsideRoot(f"refusing to write {self.rel(path)}: {_link_note(path)}, outside the root")

    @contextlib.contextmanager
    def lock(self, timeout: float = 60.0, on_wait=None, optional: bool = False):
        """The root's lock (``.newsspan.lock`` at the root), held for the block.

        Exclusive between processes, re-entrant within one (a build validates under its own
        lock). When another process holds it, ``on_wait(message)`` is called once and this
        waits up to ``timeout`` seconds (-1: for as long as it takes), then StoreError.
        It lives in the root, not in the disposable ``.newsspan-cache/``: removing the cache
        while a command writes must not let a second writer in. ``optional``: a root where no
        lock file can be made (read-only), or the corpus shipped in the installed package, is
        used without one, as nothing writes to it.
        """
        from filelock import Timeout

        path = os.path.join(os.path.realpath(self.path), LOCK)
        if optional and (
            self.is_shipped or not os.access(path if os.path.exists(path) else os.path.dirname(path), os.W_OK)
        ):
            # the installed package's corpus is never written to, by anyone; and a root this process
            # cannot write to is left alone (some filelock versions retry such a file until the timeout)
            yield self
            return
        lock = _root_lock(path)
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
        except OSError:
            if not optional:
                raise
            yield self
            return
        try:
            yield self
        finally:
            lock.release()

    @contextlib.contextmanager
    def writing(self, timeout: float = 60.0, folders: tuple = (), on_wait=None):
        """The lock, and recovery from any command killed before: how every writing command starts."""
        with self.lock(timeout, on_wait):
            self.recover(folders)
            yield self

    def transaction(self) -> Transaction:
        """Stage files with ``tx.write(path, data)``; on leaving the block they all appear, or none."""
        return Transaction(self)

    def write_all(self, files) -> None:
        """Write [(path, bytes), ...] as one transaction (texts and metas land before annotations)."""
        with self.transaction() as tx:
            for path, data in files:
                tx.write(path, data)

    # recovery ------------------------------------------------------------------------------
    def pending(self) -> list[str]:
        """What an interrupted command left that recovery would finish or undo (relative paths)."""
        out = [self.rel(p) for p in self._leftover_files()]
        if (self.path / JOURNAL).exists():
            out.insert(0, JOURNAL)
        return out

    def _data_dirs(self) -> list[Path]:
        dirs = [self.path, self.corpus, self.annotations]
        ann = self.annotations / ANNOTATORS
        if ann.is_dir() and not ann.is_symlink():
            dirs += [d for d in sorted(ann.iterdir()) if d.is_dir() and not d.is_symlink()]
        return [d for d in dirs if d.is_dir()]

    def _leftover_files(self) -> list[Path]:
        out = []
        for d in self._data_dirs():
            out += [
                d / n
                for n in sorted(os.listdir(d))
                if n.startswith(TMP_PREFIX) and n.endswith(".tmp") and not (d / n).is_dir()
            ]
        return out

    def recover(self, folders=()) -> list[str]:
        """Finish or undo what a killed command left; call it holding the lock. Returns what was done."""
        done = []
        journal = self.path / JOURNAL
        if journal.exists():
            renames = self._read_journal(journal)
            for tmp, final in renames:
                if tmp.exists():
                    os.replace(tmp, final)
                    done.append(f"completed {self.rel(final)}")
            _fsync_dirs({final.parent for _, final in renames})
            journal.unlink()
            _fsync_dirs({self.path})
        for p in self._leftover_files():
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
            done.append(f"removed {self.rel(p)}")
        for folder in folders:
            done += recover_folder(Path(folder))
        return done

    def _read_journal(self, journal: Path) -> list[tuple[Path, Path]]:
        """The journal's renames, each checked: a journal is data like any file in the root."""
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))["renames"]
            out = []
            for tmp_rel, final_rel in entries:
                tmp, final = self.path / tmp_rel, self.path / final_rel
                ok = (
                    isinstance(tmp_rel, str)
                    and isinstance(final_rel, str)
                    and tmp.parent == final.parent
                    and tmp.name.startswith(TMP_PREFIX)
                    and tmp.name.endswith(".tmp")
                    and final.parent in self._data_dirs()
                    and final.parent != self.path
                    and self.inside(final.parent)
                    and not final.name.startswith(".")
                )
                if not ok:
                    raise ValueError(f"unexpected entry {tmp_rel!r} -> {final_rel!r}")
                out.append((tmp, final))
            return out
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise StoreError(
                f"{self.rel(journal)} is not a journal newsspan wrote ({e}); inspect it and remove it by hand"
            ) from None


_LOCKS: dict = {}  # lock file path -> its FileLock: one per root in a process, so that holding it nests


def _root_lock(path: str):
    from filelock import FileLock

    lock = _LOCKS.get(path)
    if lock is None:
        lock = _LOCKS[path] = FileLock(path)
    return lock


def _rank(path: Path) -> int:
    """Texts, then metas, then annotations and the rest: a reader never meets an annotation without its text."""
    if path.parent.name == "corpus":
        return 0 if path.name.endswith(TEXT_SUFFIX) else 1
    return 2


class Transaction:
    """A set of files that all appear at once or not at all, even if the process is killed."""

    def __init__(self, root: Root):
        self.root = root
        self.id = uuid.uuid4().hex[:12]
        self.staged: dict[Path, Path] = {}  # final -> temporary
        self._count = 0  # temporary names are numbered by write, never reused within the transaction

    def write(self, path: Path, data: bytes) -> None:
        path = Path(path)
        self.root.check_writable(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.root.check_writable(path)
        if path in self.staged:  # staged again: the last write wins
            os.unlink(self.staged.pop(path))
        tmp = path.parent / f"{TMP_PREFIX}{self.id}-{self._count}.tmp"
        self._count += 1
        with open(tmp, "xb") as f:
            self.staged[path] = tmp
            f.write(data)
            f.flush()
            os.fsync(f.fileno())

    def commit(self) -> None:
        if not self.staged:
            return
        order = sorted(self.staged, key=_rank)
        journal = self.root.path / JOURNAL
        if journal.exists():
            raise StoreError(f"{JOURNAL} exists: an interrupted write is pending; run `newsspan recover`")
        _fsync_dirs({p.parent for p in order})
        renames = [[self.root.rel(self.staged[p]), self.root.rel(p)] for p in order]
        write_atomic(journal, (json.dumps({"transaction": self.id, "renames": renames}, indent=1) + "\n").encode())
        for p in order:  # from here on, recovery completes the transaction
            os.replace(self.staged[p], p)
        _fsync_dirs({p.parent for p in order})
        journal.unlink()
        _fsync_dirs({self.root.path})
        self.staged.clear()

    def abort(self) -> None:
        for tmp in self.staged.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.staged.clear()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False


def _link_note(path: Path) -> str:
    try:
        return f"is a symbolic link to {os.readlink(path)}"
    except OSError:
        return "lies in a folder that is a symbolic link"


def _fsync_dirs(dirs) -> None:
    for d in dirs:
        with contextlib.suppress(OSError):
            fd = os.open(d, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


# whole folders ---------------------------------------------------------------------------------
def staging_folder(dest: Path) -> Path:
    """A new empty folder beside dest, to fill and then hand to replace_folder().

    Made with the usual mode (0755 under umask 022), not mkdtemp's 0700: it becomes the folder
    the user asked for.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    folder = dest.parent / f"{TMP_PREFIX}new-{dest.name}-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


def _old_name(dest: Path) -> Path:
    return dest.parent / f"{TMP_PREFIX}old-{dest.name}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def replace_folder(new: Path, dest: Path) -> None:
    """Put the complete folder new at dest, replacing the old one whole.

    Two renames (dest aside, new in) and then the old folder is deleted. A kill between the
    renames leaves no dest but the old folder aside: recover_folder() puts it back. Readers
    see the old folder or the new one, never a mix.
    """
    new, dest = Path(new), Path(dest)
    if os.stat(new).st_dev != os.stat(dest.parent).st_dev:
        raise ValueError(f"{new} and {dest} are on different file systems (a rename must not copy)")
    _fsync_tree(new)
    old = None
    if dest.exists() or dest.is_symlink():
        old = _old_name(dest)
        os.rename(dest, old)
    try:
        os.rename(new, dest)
    except BaseException:
        if old is not None:
            os.rename(old, dest)
        raise
    _fsync_dirs({dest.parent})
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


def _fsync_tree(folder: Path) -> None:
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            with contextlib.suppress(OSError):
                fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_dirs({dirpath})


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never a mix.

    The file gets the usual mode (0644 under umask 022), not mkstemp's 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f"{TMP_PREFIX}{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o666)  # the umask applies
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
    with contextlib.suppress(OSError):
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
