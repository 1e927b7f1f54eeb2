"""Files and folders the user asked for get the user's usual permissions.

Exports were made with mkstemp/mkdtemp, which create 0600 files and 0700 folders: an export
meant for colleagues, a web server or a container could not be read by them. They now get
0644/0755 under umask 022, and whatever a stricter umask says.
"""

import contextlib
import os
import shutil
import stat

import pytest

from conftest import REPO
from contrib_helpers import cli_ok


@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)  # inherited by the CLI subprocesses
    try:
        yield
    finally:
        os.umask(old)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def gold_root(tmp_path):
    root = tmp_path / "gold"
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(REPO / "annotations", root / "annotations")
    return root


@pytest.mark.parametrize(
    "mask,file_mode,folder_mode",
    [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700), (0o002, 0o664, 0o775)],
    ids=["umask-022", "umask-077", "umask-002"],
)
def test_exports_have_the_usual_modes_under_the_umask(mask, file_mode, folder_mode, gold_root, tmp_path):
    with umask(mask):
        for fmt in ("conll", "labelstudio", "prodigy"):
            out = tmp_path / f"out.{fmt}"
            cli_ok("export", fmt, "--root", gold_root, "--out", out)
            assert mode(out) == file_mode, fmt
            cli_ok("export", fmt, "--root", gold_root, "--out", out, "--force")  # replacing it too
            assert mode(out) == file_mode, fmt
        folder = tmp_path / "brat"
        for _ in range(2):  # a new folder, then one replacing the first (--force)
            cli_ok("export", "brat", "--root", gold_root, "--out", folder, "--force")
            assert mode(folder) == folder_mode
            assert {mode(p) for p in folder.iterdir()} == {file_mode}
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".newsspan-")) == []  # no staging left


def test_the_build_folder_has_the_usual_modes(gold_root):
    with umask(0o022):
        cli_ok("build", "--root", gold_root)
    out = gold_root / "build" / "hf"
    assert mode(out) == 0o755 and mode(out / "README.md") == 0o644
    assert {mode(p) for p in out.rglob("*") if p.is_dir()} == {0o755}
