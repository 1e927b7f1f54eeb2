"""`pip install` alone is enough to train on the corpus: the wheel carries the released documents,
and `newsspan.load_dataset(config)` reads them from any working directory."""

import json
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow  # builds a wheel and installs it with its dependencies into a new virtualenv


def _released(root):
    out = {}
    for path in sorted((root / "annotations").glob("*.json")):
        ann = json.loads(path.read_text(encoding="utf-8"))
        out[ann["document_id"]] = ann["status"] in ("complete", "gold")
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    (whl,) = dist.glob("newsspan-*.whl")
    return whl


def test_the_wheel_carries_the_released_corpus_and_the_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"newsspan/_schema/annotation.schema.json", "newsspan/_schema/document.schema.json"} <= names
    released = _released(REPO)
    assert any(released.values())
    for doc, is_released in released.items():
        files = {
            f"newsspan/_corpus/corpus/{doc}.txt",
            f"newsspan/_corpus/corpus/{doc}.meta.json",
            f"newsspan/_corpus/annotations/{doc}.json",
        }
        assert (files <= names) if is_released else not (files & names), doc
    assert not any("/annotators/" in n for n in names)


def test_a_wheel_install_loads_every_config_from_another_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    res = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = """
import json, newsspan
out = {}
for config in ("documents", "entities", "claims", "sections"):
    ds = newsspan.load_dataset(config)
    out[config] = {split: ds[split].num_rows for split in ds}
docs = newsspan.load_dataset("documents", split="train")
out["texts"] = {row["id"]: row["text"] for row in docs}
out["file"] = newsspan.__file__
print(json.dumps(out))
"""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    run = subprocess.run([str(py), "-c", code], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.splitlines()[-1])
    assert str(venv) in got["file"] and str(REPO) not in got["file"]
    released = [d for d, ok in _released(REPO).items() if ok]
    for config in ("documents", "entities", "claims", "sections"):
        assert sum(got[config].values()) > 0, config
    assert (
        got["texts"]
        == {d: (REPO / "corpus" / f"{d}.txt").read_text(encoding="utf-8") for d in released if d in got["texts"]}
        and got["texts"]
    )
    # nothing was written into the installed package, nor into the working directory
    assert list(elsewhere.iterdir()) == []
    site = next((venv / "lib").glob("python*/site-packages/newsspan/_corpus"))
    assert sorted(p.name for p in site.iterdir()) == ["annotations", "corpus"]
