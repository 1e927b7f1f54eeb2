"""Helpers for the contributor-workflow tests (add, import, export, reanchor): the command line run
in this process (`newsspan.cli.main`), as a user runs it, from a folder outside any corpus."""

import contextlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from newsspan.cli import main

from conftest import NOWHERE


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def cli(*args, cwd=None) -> Result:
    """`newsspan ARGS...` run in-process in cwd (default: outside any corpus): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd or NOWHERE)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as e:  # argparse's usage errors and --help
                code = e.code if isinstance(e.code, int) else 0 if e.code is None else 2
    finally:
        os.chdir(here)
    return Result(code, out.getvalue(), err.getvalue())


def snapshot(root: Path) -> dict:
    """Every file under root (the root's lock file aside) with its bytes: to assert a root is unchanged."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(Path(root).rglob("*"))
        if p.is_file() and p.name != ".newsspan.lock"
    }


def new_root(tmp_path: Path, name: str = "root") -> Path:
    root = tmp_path / name
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    return root


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def validate_ok(root: Path) -> dict:
    """`newsspan validate` on root; assert no errors; return its JSON report."""
    res = cli("validate", "--root", root, "--format", "json")
    out = json.loads(res.stdout)
    assert res.returncode == 0, [(p["path"], p["check"], p["message"]) for p in out["problems"]]
    return out


def cli_ok(*args, cwd=None) -> Result:
    res = cli(*args, cwd=cwd)
    assert res.returncode == 0, res.stderr + res.stdout
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
    return res


def cli_fails(*args, cwd=None) -> Result:
    """A command that must fail with exit 1 and a clear message, never a traceback."""
    res = cli(*args, cwd=cwd)
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout and "internal error" not in res.stderr
    assert "error" in res.stderr
    return res
