"""``newsspan.load_dataset``: the corpus as a ``DatasetDict``, built on demand and cached.

A build lives in ``<root>/.newsspan-cache/hf/<content hash>/`` (in ``~/.cache/newsspan/`` for a root this
process cannot write). It is staged and renamed into place whole, and never changed or removed after.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path

from .. import store
from .fingerprint import content_hash
from .release import CARD, validated, write


def _base(root: store.Root) -> Path:
    base = root.path / ".newsspan-cache" / "hf"
    if not root.is_shipped:  # never write into an installed package's folder
        with contextlib.suppress(OSError):
            base.mkdir(parents=True, exist_ok=True)
        if base.is_dir() and os.access(base, os.W_OK):
            return base
    return store.user_cache() / hashlib.sha256(str(root.path.resolve()).encode()).hexdigest()[:16]


def cached_build(root: store.Root | str | os.PathLike | None = None, include_drafts: bool = False) -> Path:
    """The folder of a build of root with the current code, corpus and options (built now if there is none)."""
    import datasets

    root = store.Root.of(root)
    root.check()
    # no lock: each file is read whole, and a build is renamed into place whole
    key = content_hash(root, include_drafts, datasets.__version__)
    folder = _base(root) / key[:24]
    if not (folder / CARD).is_file():
        report = validated(root)
        staged = store.staging_folder(folder)
        try:
            write(root, staged, report, include_drafts=include_drafts, key=key)
            try:
                os.rename(staged, folder)
            except OSError:  # another process put the same build in place first
                if not (folder / CARD).is_file():
                    raise
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    return folder


def load_dataset(config: str = "documents", *, root=None, include_drafts: bool = False, **kwargs):
    """The corpus as a ``DatasetDict`` of one config, validated and built on first use, and cached.

    ``root=None`` means the corpus shipped with the installed package (a wheel's, or an editable install's
    checkout). Other keyword arguments go to ``datasets.load_dataset``. BuildError if the corpus has errors.
    """
    import datasets

    return datasets.load_dataset(str(cached_build(root, include_drafts)), config, **kwargs)
