"""Helpers of the tests of the training and evaluation examples.

They need the [train] extra: without it they skip, saying how to install it; with
NEWSSPAN_REQUIRE_TRAIN=1 (CI, after installing the extra) they fail instead, so a broken install
cannot pass as a run of skipped tests. The examples run in this process (importing torch once
costs seconds; an interpreter per run cost most of these tests' time), on a tiny corpus with all
three splits.
"""

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO, run_cli
from hf_util import SEED

INSTALL = "pip install torch==2.13.0 && pip install -e '.[train]'"
# the seed article (train: its split is its id's hash) and the shortest GUM article of validation
# and of test (their meta files pin GUM's split)
TINY = {SEED: "train", "gum_interview_gaming": "validation", "gum_news_sensitive": "test"}


def require(*modules: str) -> None:
    """Skip (or, in CI, fail) the calling test module unless every module can be imported."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if not missing:
        return
    why = f"the [train] extra is not installed (no {', '.join(missing)}): {INSTALL}"
    if os.environ.get("NEWSSPAN_REQUIRE_TRAIN") == "1":
        pytest.fail(why, pytrace=False)
    pytest.skip(why, allow_module_level=True)


def example(name: str) -> ModuleType:
    """examples/<name>.py as a module, to call its main(argv) in this process."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", REPO / "examples" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def tiny_root(path: Path) -> Path:
    """A corpus root at path holding the documents of TINY (texts, metas, released layers)."""
    for doc_id in TINY:
        for rel in (f"corpus/{doc_id}.txt", f"corpus/{doc_id}.meta.json", f"annotations/{doc_id}.json"):
            (path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / rel, path / rel)
    return path


def build(root: Path, out: Path) -> Path:
    res = run_cli("build", "--root", root, "--out", out)
    assert res.returncode == 0, res.stdout + res.stderr
    return out
