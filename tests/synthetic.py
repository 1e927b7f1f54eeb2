"""Synthetic corpus roots for tests, written by bench/make_corpus.py (the benchmark's generator)."""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

from conftest import REPO


def _generator():
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


make_corpus = _generator()


def make_root(path: Path, docs: int, seed: int = 0) -> Path:
    make_corpus.write_corpus(path, docs, seed)
    return path


def age(root: Path, seconds: int = 60) -> None:
    """Date every file of the root back, as if written a while ago (the cache skips fresh files)."""
    then = time.time_ns() - seconds * 1_000_000_000
    for dirpath, _, names in os.walk(root):
        if ".newsspan-cache" in dirpath:
            continue
        for n in names:
            os.utime(os.path.join(dirpath, n), ns=(then, then), follow_symlinks=False)
