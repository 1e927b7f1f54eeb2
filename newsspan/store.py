"""The on-disk layout of a corpus root; the only module that builds paths into it.

    <root>/corpus/<id>.txt                       canonical article text
    <root>/corpus/<id>.meta.json                 metadata (schema/document.schema.json)
    <root>/annotations/<id>.json                 released layer (schema/annotation.schema.json)
    <root>/annotations/annotators/<name>/<id>.json   one annotator's layer, for agreement

Ids are checked before any path is built from them, and every write is atomic
(temporary file in the same folder, fsync, rename).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
TEXT_SUFFIX = ".txt"
META_SUFFIX = ".meta.json"
JSON_SUFFIX = ".json"
ANNOTATORS = "annotators"
TMP_PREFIX = ".newsspan-"
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
        raise ValueError(f"invalid {what} {doc_id!r}: expected 1-64 of a-z 0-9 _ - starting with a letter or digit")
    return doc_id


def default_root() -> Path:
    """NEWSSPAN_ROOT, else the checkout the package is installed from, else the working directory."""
    env = os.environ.get("NEWSSPAN_ROOT")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parent.parent
    if (repo / "corpus").is_dir() and (repo / "schema").is_dir():
        return repo
    return Path.cwd()


@dataclass(frozen=True)
class AnnotationFile:
    path: Path
    stem: str
    annotator: str | None  # None for the released layer


class Root:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_root()
        self.corpus = self.path / "corpus"
        self.annotations = self.path / "annotations"

    def check(self) -> None:
        """Raise StoreError unless this looks like a corpus root."""
        if not self.path.is_dir():
            raise StoreError(f"{self.path}: no such folder")
        if not self.corpus.is_dir():
            raise StoreError(f"{self.path}: not a newsspan root (no corpus/ folder)")

    # paths ---------------------------------------------------------------------------------
    def text_path(self, doc_id: str) -> Path:
        return self.corpus / (check_id(doc_id) + TEXT_SUFFIX)

    def meta_path(self, doc_id: str) -> Path:
        return self.corpus / (check_id(doc_id) + META_SUFFIX)

    def annotation_path(self, doc_id: str, annotator: str | None = None) -> Path:
        if annotator is None:
            return self.annotations / (check_id(doc_id) + JSON_SUFFIX)
        return self.annotations / ANNOTATORS / check_id(annotator, "annotator name") / (check_id(doc_id) + JSON_SUFFIX)

    def rel(self, path: Path) -> str:
        s, base = str(path), str(self.path) + os.sep
        if s.startswith(base):  # the common case, without Path.relative_to's cost
            return s[len(base):].replace(os.sep, "/")
        try:
            return Path(path).relative_to(self.path).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path) -> bool:
        """Whether path, links resolved, stays inside the root."""
        p = os.fspath(path)
        try:
            # A file that is no link lies where its folder lies; folders are resolved once per
            # root (resolving every file cost more than reading it). Plain strings: pathlib's
            # overhead was a good part of reading a small file.
            if not os.path.islink(p) and self._folder_inside(os.path.dirname(p)):
                return True
            Path(p).resolve().relative_to(self._resolved())
            return True
        except (ValueError, OSError):
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
            except (ValueError, OSError):
                known[key] = False
        return known[key]

    # listing -------------------------------------------------------------------------------
    def corpus_entries(self) -> list[str]:
        """Names of the files in corpus/ (temporary files of interrupted writes left out)."""
        if not self.corpus.is_dir():
            return []
        return sorted(n for n in os.listdir(self.corpus) if not n.startswith(TMP_PREFIX))

    def text_stems(self, entries: list[str] | None = None) -> list[str]:
        """Stems of corpus/*.txt, as found on disk (not necessarily valid ids).

        entries: corpus_entries() when the caller has listed corpus/ already.
        """
        return [n[: -len(TEXT_SUFFIX)] for n in (self.corpus_entries() if entries is None else entries)
                if n.endswith(TEXT_SUFFIX)]

    def meta_stems(self, entries: list[str] | None = None) -> list[str]:
        return [n[: -len(META_SUFFIX)] for n in (self.corpus_entries() if entries is None else entries)
                if n.endswith(META_SUFFIX)]

    def annotation_files(self) -> list[AnnotationFile]:
        return [AnnotationFile(Path(path), stem, who) for stem, who, path in self.annotation_listing()]

    def annotation_listing(self) -> list[tuple[str, str | None, str]]:
        """(stem, annotator or None, path) of every annotation file, as annotation_files() orders them.

        Plain strings: for tens of thousands of files, building Path objects costs more than listing.
        """
        out = []
        if not self.annotations.is_dir():
            return out
        base = os.path.join(self.annotations, "")
        for name in sorted(os.listdir(self.annotations)):
            if name.endswith(JSON_SUFFIX) and not name.startswith(TMP_PREFIX):
                out.append((name[: -len(JSON_SUFFIX)], None, base + name))
        ann_dir = self.annotations / ANNOTATORS
        if ann_dir.is_dir():
            for who in sorted(os.listdir(ann_dir)):
                d = ann_dir / who
                if not d.is_dir():
                    continue
                prefix = os.path.join(d, "")
                for name in sorted(os.listdir(d)):
                    if name.endswith(JSON_SUFFIX) and not name.startswith(TMP_PREFIX):
                        out.append((name[: -len(JSON_SUFFIX)], who, prefix + name))
        return out

    def other_files(self) -> list[Path]:
        """Files in corpus/ and annotations/ that are neither texts, metas nor annotations."""
        out = [self.corpus / n for n in self.corpus_entries()
               if not (n.endswith(TEXT_SUFFIX) or n.endswith(META_SUFFIX)) and not n.startswith(".")]
        if self.annotations.is_dir():
            out += [self.annotations / n for n in sorted(os.listdir(self.annotations))
                    if not n.endswith(JSON_SUFFIX) and n != ANNOTATORS and not n.startswith(".")]
        return out

    # reading -------------------------------------------------------------------------------
    def read_bytes(self, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
        """A file's bytes; OSError for unreadable, too large or out-of-root (linked) files."""
        if not self.inside(path):
            raise OutsideRoot(f"{self.rel(path)} is a symbolic link to {os.readlink(path)}, outside the root")
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise FileTooLarge(f"the file is {size} bytes, over the limit of {limit} bytes")
            return f.read()

    # writing -------------------------------------------------------------------------------
    def write_atomic(self, path: Path, data: bytes) -> None:
        write_atomic(path, data)

    def lock(self, timeout: float = 60.0):
        """An exclusive lock on the root for commands that write to it."""
        from filelock import FileLock

        lock_dir = self.path / ".newsspan-cache"
        lock_dir.mkdir(parents=True, exist_ok=True)
        return FileLock(str(lock_dir / "write.lock"), timeout=timeout)


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never a mix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".tmp", dir=path.parent)
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


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write several files, each atomically, in the given order; all or none.

    If one write fails, the files already written are put back as they were (restored or
    removed), so a failed command leaves no partial document behind. Callers order texts
    and metas before annotations, so a reader never meets an annotation without its text.
    """
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, data in files:
            path = Path(path)
            old = path.read_bytes() if path.is_file() else None
            write_atomic(path, data)
            done.append((path, old))
    except BaseException:
        for path, old in reversed(done):
            with contextlib.suppress(OSError):
                if old is None:
                    path.unlink()
                else:
                    write_atomic(path, old)
        raise
