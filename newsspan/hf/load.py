"""``newsspan.load_dataset``: the corpus as a ``DatasetDict``, built on demand and cached.

The build lives under ``<root>/.newsspan-cache/hf/<key>/``, keyed by a content hash of the code,
the schemas and the corpus: an unchanged corpus reuses it, a changed one is rebuilt, and older
builds are removed. A root that cannot be written to caches under ``~/.cache/newsspan``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from .. import store
from .fingerprint import content_hash
from .release import CARD, build


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


def cached_build(root: store.Root | str | os.PathLike | None = None, include_drafts: bool = False,
                 num_proc: int | None = None) -> Path:
    """The folder of an up-to-date build of root (built now if the corpus or code changed)."""
    import datasets

    root = store.Root.of(root)
    root.check()
    base = _cache_base(root)
    key = content_hash(root, include_drafts, datasets.__version__)[:24]
    folder = base / key
    if (folder / CARD).is_file():
        return folder
    base.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock

    with FileLock(str(base / "build.lock")):
        store.recover_folder(folder)  # leftovers of a build killed midway
        if not (folder / CARD).is_file():
            build(root, folder, include_drafts=include_drafts, num_proc=num_proc, lock=False)
        for old in base.iterdir():  # earlier builds of other contents
            if old.is_dir() and old.name != key and (not old.name.startswith(".") or old.name.startswith(store.TMP_PREFIX)):
                shutil.rmtree(old, ignore_errors=True)
    return folder


def load_dataset(config: str = "documents", *, root=None, include_drafts: bool = False, **kwargs):
    import datasets

    folder = cached_build(root, include_drafts, kwargs.get("num_proc"))
    return datasets.load_dataset(str(folder), config, **kwargs)
