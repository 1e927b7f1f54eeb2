"""Bounded resources: configurable limits with clear errors, and a 100,000-span file in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, REPO, cli_env, run_cli, run_json

SPANS = 100_000
# Peak memory may grow by at most this many times the annotation file's size (measured: about
# 12x, a 13 MB file parses into ~50 MB of Python objects and the text is held twice). A bound on
# the failure mode that matters (memory blowing up with the input), not a measurement.
MEMORY_FACTOR = 30

MEASURE = """
import json, resource, sys
from newsspan.validator import validate_root
report = validate_root(sys.argv[1])
print(json.dumps({"ok": report.ok, "checks": sorted({p.check for p in report.problems}),
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def measure(root) -> dict:
    res = subprocess.run([sys.executable, "-c", MEASURE, str(root)], capture_output=True, text=True, env=cli_env())
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def big_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("big") / "root"
    res = subprocess.run(
        [sys.executable, REPO / "bench" / "synth.py", root, "--spans", str(SPANS)],
        capture_output=True,
        text=True,
        check=True,
    )
    path = root / "annotations" / "synthetic.json"
    a = json.loads(path.read_text(encoding="utf-8"))
    n = sum(len(a[k]) for k in ("sections", "entities", "claims"))
    assert abs(n - SPANS) < 100, res.stdout
    return root, path.stat().st_size, n


def test_100k_spans_validate_in_bounded_memory(big_root):
    root, size, n = big_root
    baseline = measure(FIXTURES / "valid")
    big = measure(root)
    assert baseline["ok"] and big["ok"], big["checks"]
    growth = (big["maxrss_kib"] - baseline["maxrss_kib"]) * 1024
    assert growth < MEMORY_FACTOR * size, (
        f"{n} spans in {size} bytes took {growth / 2**20:.0f} MiB more than a tiny root"
    )


def test_span_limit_is_reported_and_configurable(big_root):
    root, _, n = big_root
    code, out = run_json("--root", root, "--max-spans", str(n - 1))
    assert code == 1
    hits = [p for p in out["problems"] if p["check"] == "too-many-spans"]
    assert len(hits) == 1 and hits[0]["path"] == "annotations/synthetic.json"
    assert f"{n} spans, over the limit of {n - 1}" in hits[0]["message"]
    # the file is not checked further, so its cost stays bounded
    assert {p["check"] for p in out["problems"]} == {"too-many-spans"}


def test_span_limit_is_inclusive(valid_root):
    # the tiny fixture holds 2 sections, 4 entities and 2 claims
    assert run_json("--root", valid_root, "--max-spans", "8")[0] == 0
    code, out = run_json("--root", valid_root, "--max-spans", "7")
    assert code == 1 and [p["check"] for p in out["problems"]] == ["too-many-spans"]


def test_depth_limit_is_configurable(valid_root):
    # the deepest point of a valid file: object > claims > claim > attribution > source_span
    code, out = run_json("--root", valid_root, "--max-depth", "4")
    assert code == 1
    assert [p["check"] for p in out["problems"]] == ["json-too-deep"]
    assert run_json("--root", valid_root, "--max-depth", "5")[0] == 0


def test_size_limit_names_the_file_and_the_flag(valid_root):
    size = (valid_root / "annotations/tiny.json").stat().st_size
    res = run_cli("validate", "--root", valid_root, "--max-bytes", size - 1)
    assert res.returncode == 1
    assert (
        f"annotations/tiny.json: error[file-too-large] the file is {size} bytes, over the limit of {size - 1} bytes"
        in res.stdout
    )
    assert "--max-bytes" in res.stdout
    assert run_cli("validate", "--root", valid_root, "--max-bytes", size).returncode == 0


@pytest.mark.parametrize("flag", ["--max-bytes", "--max-depth", "--max-spans"])
@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_limits_must_be_positive(valid_root, flag, value):
    res = run_cli("validate", "--root", valid_root, flag, value)
    assert res.returncode == 2
    assert "expected a positive whole number" in res.stderr and "Traceback" not in res.stderr
