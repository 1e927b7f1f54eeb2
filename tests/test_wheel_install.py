"""`pip install` alone is enough to train on the corpus: the wheel carries the published documents
(a text whose license keeps it from travelling as standoff only), `newsspan.load_dataset(config)`
reads them from any working directory, and `newsspan rehydrate` adds a withheld text from the
user's own copy into the user's cache, from where `load_dataset` includes it."""

import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from test_publish import mixed_root, seed_lines

from conftest import REPO
from hf_util import SEED, corpus_text

pytestmark = pytest.mark.slow  # builds a wheel and installs it with its dependencies into a new virtualenv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel of this checkout with a CC BY article added beside the seed (license unknown)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "hatch_build.py"):
        shutil.copyfile(REPO / name, src / name)
    for name in ("newsspan", "schema"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "_corpus"))
    mixed_root(src)
    dist = tmp_path_factory.mktemp("dist")
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    (whl,) = dist.glob("newsspan-*.whl")
    return whl


def test_the_wheel_carries_the_published_texts_and_the_others_as_standoff(wheel):
    z = zipfile.ZipFile(wheel)
    names = set(z.namelist())
    assert {"newsspan/_schema/annotation.schema.json", "newsspan/_schema/document.schema.json"} <= names
    corpus = sorted(n.removeprefix("newsspan/_corpus/") for n in names if n.startswith("newsspan/_corpus/"))
    assert corpus == [
        "annotations/wikinews-talks.json",
        "corpus/wikinews-talks.meta.json",
        "corpus/wikinews-talks.txt",
        "release.json",
        f"standoff/{SEED}.json",
    ]
    everything = "".join(z.read(n).decode("utf-8", "replace") for n in names)
    assert not [line for line in seed_lines() if line in everything]
    assert json.loads(z.read("newsspan/_corpus/release.json"))["withheld"] == [SEED]


def test_an_installed_wheel_loads_the_published_documents_then_the_rehydrated_one(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    res = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = tmp_path / "saved" / "blinken.txt"
    copy.parent.mkdir()
    copy.write_text(corpus_text(REPO, SEED), encoding="utf-8")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    code = """
import json, newsspan
out = {}
for config in ("documents", "entities", "claims", "sections"):
    ds = newsspan.load_dataset(config)
    out[config] = sum(ds[split].num_rows for split in ds)
ds = newsspan.load_dataset("documents")
out["texts"] = {row["id"]: row["text"] for split in ds for row in ds[split]}
out["file"] = newsspan.__file__
print(json.dumps(out))
"""

    def run(*argv):
        done = subprocess.run(argv, capture_output=True, text=True, cwd=elsewhere, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    got = json.loads(run(str(venv / "bin" / "python"), "-c", code).splitlines()[-1])
    assert str(venv) in got["file"] and str(REPO) not in got["file"]
    assert all(got[c] > 0 for c in ("documents", "entities", "claims", "sections"))
    assert list(got["texts"]) == ["wikinews-talks"]
    out = run(str(venv / "bin" / "newsspan"), "rehydrate", str(copy))
    assert f"{SEED}: exact" in out and str(tmp_path / "cache" / "newsspan" / "rehydrated") in out
    got = json.loads(run(str(venv / "bin" / "python"), "-c", code).splitlines()[-1])
    assert got["texts"][SEED] == corpus_text(REPO, SEED) and "wikinews-talks" in got["texts"]
    # nothing was written into the installed package, nor into the working directory
    assert list(elsewhere.iterdir()) == []
    site = next((venv / "lib").glob("python*/site-packages/newsspan/_corpus"))
    assert not (site / "corpus" / f"{SEED}.txt").exists() and not (site / ".newsspan-cache").exists()
