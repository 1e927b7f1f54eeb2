"""Shared fixtures and helpers of the test suite.

The command line is driven in-process (``newsspan.cli.main(argv)``): starting an interpreter per
command made the suite ten times slower and tests nothing a test of the console script does not
(``test_cli.py`` runs the real ``newsspan`` and ``python -m newsspan`` once each).

- ``cli`` (fixture): ``cli(*args, cwd=None) -> (code, stdout, stderr)``, with pytest's capsys.
- ``run_cli(*args, cwd=None)``: the same as a plain function (for module-scoped fixtures and
  helpers), returning a ``subprocess.CompletedProcess`` (``returncode``, ``stdout``, ``stderr``).
- ``run_json(*args)``: ``validate --format json ARGS`` -> (exit code, the parsed report).
- ``run_process(*args, cwd=None, env=None)``: ``python -m newsspan`` in a real subprocess, for
  the tests where a process is the point (the console script, a closed pipe).
- ``in_fork(fn, *args, timeout=...)``: fn(*args) in a forked child (no interpreter start-up):
  its result, or TimeoutError when it takes longer (how a quadratic case is told from a linear one).
- ``valid_root`` / ``fixture_root``: copies of ``tests/fixtures/valid``, bare or with the
  failing overlay of one check laid over it.
- ``snapshot(folder)``: every file under folder with its bytes, to assert that nothing changed.

Commands run from a folder outside any corpus (``NOWHERE``) unless a test says where: a command
that forgot its --root then fails loudly instead of reading (or writing) this checkout.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from newsspan.cli import main

try:  # property tests: bounded, derandomized and database-less, so CI runs are fast and repeatable
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "ci",
        max_examples=150,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    # a longer local hunt: HYPOTHESIS_PROFILE=long pytest tests/test_properties.py
    settings.register_profile(
        "long",
        max_examples=5000,
        derandomize=False,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # pragma: no cover - hypothesis is in the [test] extra
    pass
# Loading is tested offline: nothing may reach the Hugging Face Hub (set before datasets is imported).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = REPO.parent / "shared" / "samples"  # real tool exports beside the checkout in CI; absent on a plain clone
SEED = REPO / "corpus" / "000_1afbb3b63b1bfa60.txt"  # the first article, as shipped in corpus/


def seed_root(path: Path) -> Path:
    """A corpus root at path holding the first article alone (its text, meta and released layer), as the
    checkout's corpus did before the GUM articles joined it: tests that count what they read use it."""
    stem = SEED.name[: -len(".txt")]
    for rel in (f"corpus/{stem}.txt", f"corpus/{stem}.meta.json", f"annotations/{stem}.json"):
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / rel, path / rel)
    return path


NOWHERE = Path(tempfile.mkdtemp(prefix="newsspan-tests-nowhere-"))


def samples(*parts: str) -> Path:
    """A real tool export from ../shared/samples, or skip the test (with the reason) on a plain clone."""
    path = SAMPLES.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"needs the real tool export {path} (../shared/samples beside the checkout, as in CI); "
            "the same behaviour is covered by the hand-written fixtures in tests/fixtures/tools/"
        )
    return path


def overlay(dst: Path, src: Path) -> None:
    """Lay the files of src over dst (a file or link replaces whatever stands at its path)."""
    for dirpath, dirnames, filenames in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        for name in list(dirnames):
            if (Path(dirpath) / name).is_symlink():
                filenames.append(name)
                dirnames.remove(name)
                continue
            t = dst / rel / name
            if t.exists() and not t.is_dir():
                t.unlink()
        for name in filenames:
            if name == "fixture.json" and rel == Path("."):
                continue
            s, t = Path(dirpath) / name, dst / rel / name
            t.parent.mkdir(parents=True, exist_ok=True)
            if t.is_symlink() or t.is_file():
                t.unlink()
            elif t.is_dir():
                shutil.rmtree(t)
            if s.is_symlink():
                os.symlink(os.readlink(s), t)
            else:
                shutil.copyfile(s, t)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (the root's lock file aside) with its bytes: to assert a root is unchanged."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file() and p.name != ".newsspan.lock"
    }


def exit_code(argv) -> int:
    """main(argv) as the console script runs it: a SystemExit (argparse's usage errors, --help) is its code."""
    try:
        return main([str(a) for a in argv])
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            return e.code or 0
        print(e.code, file=sys.stderr)  # what the interpreter does with sys.exit("message")
        return 1


@pytest.fixture
def cli(capsys, monkeypatch):
    """``cli(*args, cwd=None) -> (exit code, stdout, stderr)``: `newsspan ARGS` run in-process from cwd."""

    def run(*args, cwd=None):
        monkeypatch.chdir(cwd or NOWHERE)
        capsys.readouterr()  # what the test printed before is not the command's
        code = exit_code(args)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def run_cli(*args, cwd=None) -> subprocess.CompletedProcess:
    """`newsspan ARGS` run in-process from cwd (default: outside any corpus), its output captured."""
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd or NOWHERE)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = exit_code(args)
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["newsspan", *map(str, args)], code, out.getvalue(), err.getvalue())


def run_json(*args):
    """`newsspan validate --format json ARGS`: (exit code, the report as parsed JSON)."""
    res = run_cli("validate", "--format", "json", *args)
    return res.returncode, json.loads(res.stdout)


def cli_env(**extra) -> dict:
    """The environment for subprocesses: this checkout's package first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.update(extra)
    return env


def run_process(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """`python -m newsspan ARGS` in a real subprocess: only where a process is the point."""
    return subprocess.run(
        [sys.executable, "-m", "newsspan", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or NOWHERE,
        env=env or cli_env(),
        encoding="utf-8",
        errors="backslashreplace",
        stdin=subprocess.DEVNULL,
    )


def in_fork(fn, *args, timeout: float = 120.0):
    """fn(*args) run in a forked copy of this process: its result (pickled back), or TimeoutError
    (the child killed) when it takes longer than timeout; an exception in the child is an AssertionError."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(r)
        try:
            data = pickle.dumps((True, fn(*args)))
        except BaseException as e:  # noqa: BLE001 - reported to the parent, whatever it is
            data = pickle.dumps((False, f"{type(e).__name__}: {e}"))
        with os.fdopen(w, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        if not select.select([f], [], [], timeout)[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise TimeoutError(f"{getattr(fn, '__name__', fn)} did not finish in {timeout} s")
        data = f.read()
    os.waitpid(pid, 0)
    ok, value = pickle.loads(data)
    if not ok:
        raise AssertionError(f"in the child process: {value}")
    return value


@pytest.fixture
def valid_root(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(FIXTURES / "valid", root, symlinks=True)
    return root


@pytest.fixture
def fixture_root(tmp_path):
    """A function: the valid root with the invalid overlay of a check laid over it."""

    def make(check_id: str) -> tuple[Path, dict]:
        root = tmp_path / check_id
        shutil.copytree(FIXTURES / "valid", root, symlinks=True)
        src = FIXTURES / "invalid" / check_id
        overlay(root, src)
        spec = json.loads((src / "fixture.json").read_text()) if (src / "fixture.json").exists() else {}
        return root, spec

    return make
