"""Helpers for the contributor-workflow tests (add, import, export, reanchor): the command line run in
this process (conftest's run_cli) from a folder outside any corpus, and what it must leave behind."""

import json
from pathlib import Path

from conftest import run_cli, snapshot

__all__ = ["cli", "cli_fails", "cli_ok", "load", "new_root", "snapshot", "validate_ok"]
cli = run_cli  # `newsspan ARGS...` in-process: returncode, stdout, stderr


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


def cli_ok(*args, cwd=None):
    res = cli(*args, cwd=cwd)
    assert res.returncode == 0, res.stderr + res.stdout
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
    return res


def cli_fails(*args, cwd=None):
    """A command that must fail with exit 1 and a clear message, never a traceback."""
    res = cli(*args, cwd=cwd)
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout and "internal error" not in res.stderr
    assert "error" in res.stderr
    return res
