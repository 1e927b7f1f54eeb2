"""The coverage-guided fuzzer's corpus (fuzz/corpus/) replays cleanly in plain Python.

fuzz/fuzz_annotation.py is the atheris harness; `--replay` runs the same target over every
saved input without atheris, so every input the fuzzer ever kept is a regression test.
"""

import importlib.util
import subprocess
import sys

from conftest import REPO, cli_env


def test_fuzz_corpus_replays_without_failure():
    corpus = REPO / "fuzz" / "corpus"
    n = sum(1 for p in corpus.iterdir() if p.is_file())
    assert n >= 20
    res = subprocess.run(
        [sys.executable, REPO / "fuzz" / "fuzz_annotation.py", "--replay", corpus],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"replayed {n} inputs" in res.stdout


def test_harness_oracle_tells_valid_from_invalid():
    """The harness's independent oracle is live: it accepts the valid file and rejects near misses."""
    spec = importlib.util.spec_from_file_location("fuzz_annotation", REPO / "fuzz" / "fuzz_annotation.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod._load_validator()
    target = mod.Target()
    try:
        good = (REPO / "tests/fixtures/valid/annotations/tiny.json").read_bytes()
        assert target.oracle_accepts(good)
        target(good)  # passes, and the oracle agrees
        for bad in (
            good.replace(b'"status": "gold",', b'"status": "gold", "status": "gold",'),
            good.replace(b'"document_id": "tiny"', b'"document_id": "other"'),
            good.replace(b'"start": 0,', b'"start": NaN,', 1),
            b"\xef\xbb\xbf" + good,
            b"null",
            b"[]",
        ):
            assert not target.oracle_accepts(bad), bad[:60]
    finally:
        target.close()
