"""The benchmark's scripts run (no timing is asserted: the figures live in bench/RESULTS.md)."""

import json
import subprocess
import sys

import pytest

from conftest import REPO, cli_env, run_json
from synthetic import make_corpus


def test_make_corpus_writes_a_valid_deterministic_corpus(tmp_path, capsys):
    assert make_corpus.main(["--docs", "50", "--out", str(tmp_path / "a")]) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 150
    code, out = run_json("--root", tmp_path / "a")
    assert code == 0 and out["problems"] == [] and out["summary"]["documents"] == 50
    ann = json.loads((tmp_path / "a" / "annotations" / "bench-0000007.json").read_text(encoding="utf-8"))
    assert len(ann["entities"]) > 20 and len(ann["sections"]) > 10 and len(ann["claims"]) > 5
    # the same seed writes the same bytes; another seed other texts
    make_corpus.main(["--docs", "50", "--out", str(tmp_path / "b")])
    make_corpus.main(["--docs", "50", "--out", str(tmp_path / "c"), "--seed", "1"])
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert (tmp_path / "a" / files[-1]).read_bytes() != (tmp_path / "c" / files[-1]).read_bytes()
    # and it refuses to write over a corpus
    capsys.readouterr()
    assert make_corpus.main(["--docs", "5", "--out", str(tmp_path / "a")]) == 1
    assert "not empty" in capsys.readouterr().err


@pytest.mark.slow  # a minute: the benchmark times commands (old and new code) in processes of their own
def test_run_quick_writes_the_report(tmp_path):
    old = subprocess.run(["git", "-C", REPO, "rev-parse", "--verify", "9cbe97c^{commit}"], capture_output=True)
    if old.returncode != 0:
        pytest.skip("the checkout lacks 9cbe97c, the code bench/run.py compares with (a shallow clone)")
    out = tmp_path / "RESULTS.md"
    res = subprocess.run(
        [
            sys.executable,
            REPO / "bench" / "run.py",
            "--docs",
            "200",
            "--quick",
            "--work",
            tmp_path / "work",
            "--out",
            out,
        ],
        capture_output=True,
        text=True,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    for measure in (
        "full validation of 200 documents",
        "serial validation",
        "`build --config documents` of 200 documents, old without its cache",
        "`build` (all configs) of 200 documents, old with a warm cache",
        "peak memory, full validation",
        "`validate PATH` of one changed document of 50",
        "vs the floor",
        "the naive way",
        "cost per document",
    ):
        assert measure in text, measure
    assert "Machine:" in text and "cores" in text and "Load average" in text
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["machine"]["old_commit"].startswith("9cbe97c") and data["validation"]["docs"] == 200
    # each figure was measured once (--quick), old and new on the same corpus
    for part in ("validation", "one_document", "build"):
        assert all(len(runs) == 1 for runs in data[part]["times"].values()), part
    assert {"old full", "new full"} <= set(data["validation"]["times"])
