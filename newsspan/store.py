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
MAX_SPANS = 200_000  # per annotation file; an article has hundreds


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
        try:
            return Path(path).relative_to(self.path).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path) -> bool:
        """Whether path, links resolved, stays inside the root."""
        try:
            Path(path).resolve().relative_to(self.path.resolve())
            return True
        except (ValueError, OSError):
            return False

    # listing -------------------------------------------------------------------------------
    def corpus_entries(self) -> list[str]:
        """Names of the files in corpus/ (temporary files of interrupted writes left out)."""
        if not self.corpus.is_dir():
            return []
        return sorted(n for n in os.listdir(self.corpus) if not n.startswith(TMP_PREFIX))

    def text_stems(self) -> list[str]:
        """Stems of corpus/*.txt, as found on disk (not necessarily valid ids)."""
        return [n[: -len(TEXT_SUFFIX)] for n in self.corpus_entries() if n.endswith(TEXT_SUFFIX)]

    def meta_stems(self) -> list[str]:
        return [n[: -len(META_SUFFIX)] for n in self.corpus_entries() if n.endswith(META_SUFFIX)]

    def annotation_files(self) -> list[AnnotationFile]:
        out = []
        if not self.annotations.is_dir():
            return out
        for name in sorted(os.listdir(self.annotations)):
            p = self.annotations / name
            if name.endswith(JSON_SUFFIX) and not name.startswith(TMP_PREFIX):
                out.append(AnnotationFile(p, name[: -len(JSON_SUFFIX)], None))
        ann_dir = self.annotations / ANNOTATORS
        if ann_dir.is_dir():
            for who in sorted(os.listdir(ann_dir)):
                d = ann_dir / who
                if not d.is_dir():
                    continue
                for name in sorted(os.listdir(d)):
                    if name.endswith(JSON_SUFFIX) and not name.startswith(TMP_PREFIX):
                        out.append(AnnotationFile(d / name, name[: -len(JSON_SUFFIX)], who))
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
        path = Path(path)
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
