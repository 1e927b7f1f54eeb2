"""Helpers for the contributor-workflow tests (add, import, export, reanchor)."""

import json
from pathlib import Path

from conftest import run_cli


def snapshot(root: Path) -> dict:
    """Every file under root (the cache folder and the root's lock file aside) with its bytes: to assert a root is unchanged."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(Path(root).rglob("*"))
        if p.is_file() and ".newsspan-cache" not in p.parts and p.name != ".newsspan.lock"
    }


def new_root(tmp_path: Path, name: str = "root") -> Path:
    root = tmp_path / name
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    return root


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def validate_ok(root: Path) -> dict:
    """Run the real validator on root; assert no errors; return its JSON report."""
    res = run_cli("validate", "--root", root, "--format", "json")
    out = json.loads(res.stdout)
    assert res.returncode == 0, [(p["path"], p["check"], p["message"]) for p in out["problems"]]
    return out


def cli_ok(*args):
    res = run_cli(*args)
    assert res.returncode == 0, res.stderr + res.stdout
    assert "Traceback" not in res.stderr
    return res


def cli_fails(*args):
    """A command that must fail with exit 1 and a clear message, never a traceback."""
    res = run_cli(*args)
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout
    assert "error" in res.stderr
    return res
