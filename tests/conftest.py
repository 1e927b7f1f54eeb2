import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

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
    # a longer local hunt: HYPOTHESIS_PROFILE=long pytest tests/test_fuzz_properties.py
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
            s = Path(dirpath) / name
            if s.is_symlink():
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


def cli_env(**extra) -> dict:
    """The environment for subprocesses: this checkout's package first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.update(extra)
    return env


# Commands run from a folder outside any corpus unless a test says where: a command that
# forgot its --root then fails loudly instead of reading (or writing) this checkout.
NOWHERE = Path(tempfile.mkdtemp(prefix="newsspan-tests-nowhere-"))


def run_cli(*args, cwd=None, env=None):
    """Run the real `newsspan` entry point in a subprocess; returns CompletedProcess."""
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


def run_json(*args):
    res = run_cli("validate", "--format", "json", *args)
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    return res.returncode, json.loads(res.stdout)


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
