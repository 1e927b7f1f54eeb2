"""The tests of the training and evaluation code need the [train] extra: without it they skip,
saying how to install it; with NEWSSPAN_REQUIRE_TRAIN=1 (CI, after installing the extra) they
fail instead, so a broken install cannot pass as a run of skipped tests."""

import importlib.util
import os

import pytest

INSTALL = "pip install torch==2.13.0 && pip install -e '.[train]'"


def require(*modules: str) -> None:
    """Skip (or, in CI, fail) the calling test module unless every module can be imported."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if not missing:
        return
    why = f"the [train] extra is not installed (no {', '.join(missing)}): {INSTALL}"
    if os.environ.get("NEWSSPAN_REQUIRE_TRAIN") == "1":
        pytest.fail(why, pytrace=False)
    pytest.skip(why, allow_module_level=True)
