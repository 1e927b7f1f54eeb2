"""Synthetic corpus roots for tests, written by bench/make_corpus.py (the benchmark's generator)."""

from __future__ import annotations

import importlib.util
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
