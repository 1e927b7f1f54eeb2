"""Helpers for the loading tests: reading what a build wrote with plain `datasets`."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from types import SimpleNamespace

import yaml

from conftest import NOWHERE, REPO

SEED = "000_1afbb3b63b1bfa60"


def corpus_text(root: Path, doc_id: str) -> str:
    return (root / "corpus" / f"{doc_id}.txt").read_bytes().decode("utf-8")


def annotation(root: Path, doc_id: str) -> dict:
    return json.loads((root / "annotations" / f"{doc_id}.json").read_text(encoding="utf-8"))


def cli(*args, cwd: Path | None = None) -> SimpleNamespace:
    """`newsspan ARGS...` run in this process (faster than a subprocess): returncode, stdout, stderr."""
    from newsspan.cli import main

    out, err, here = io.StringIO(), io.StringIO(), os.getcwd()
    try:
        os.chdir(cwd or NOWHERE)  # outside any corpus unless a test says where, as run_cli
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as e:  # argparse's usage errors
                code = e.code
    finally:
        os.chdir(here)
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def load(folder: Path, config: str | None, cache: Path, **kwargs):
    import datasets

    return datasets.load_dataset(str(folder), config, cache_dir=str(cache), **kwargs)


def front_matter(folder: Path) -> dict:
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def tagged_spans(tags: list[str], starts: list[int], ends: list[int]) -> list[tuple[int, int, str]]:
    """(start, end, label) of the IOB2-tagged runs; an I- tag that continues nothing is an error."""
    out, cur = [], None
    for tag, s, e in zip(tags, starts, ends, strict=True):
        if tag.startswith("B-"):
            if cur:
                out.append(tuple(cur))
            cur = [s, e, tag[2:]]
        elif tag.startswith("I-"):
            assert cur and cur[2] == tag[2:], f"{tag} continues nothing"
            cur[1] = e
        else:
            if cur:
                out.append(tuple(cur))
            cur = None
    if cur:
        out.append(tuple(cur))
    return out


def inner(feature):
    """The item feature of a list feature: `List.feature` on datasets>=4, a plain `[item]` on 3.x."""
    return feature.feature if hasattr(feature, "feature") else feature[0]


def names(feature, values):
    return [feature.int2str(v) for v in values]


__all__ = ["REPO", "SEED", "cli", "corpus_text", "annotation", "load", "front_matter", "tagged_spans", "names", "inner"]
