import json

from conftest import REPO, run_cli


def test_shipped_corpus_validates():
    res = run_cli("validate", "--root", REPO)
    assert res.returncode == 0, res.stdout
    assert "0 errors" in res.stdout


def test_the_checkout_is_the_root_when_standing_in_it():
    res = run_cli("validate", cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.splitlines()[-1].startswith(f"newsspan validate passed in {REPO}: 1 document")


def test_unusable_root_exits_2(tmp_path):
    res = run_cli("validate", "--root", tmp_path / "nope")
    assert res.returncode == 2
    assert "no such folder" in res.stderr and "Traceback" not in res.stderr
    res = run_cli("validate", "--root", tmp_path)
    assert res.returncode == 2 and "no corpus/ and no annotations/ folder" in res.stderr


def test_usage_error_exits_2():
    res = run_cli("validate", "--format", "yaml")
    assert res.returncode == 2
    assert "invalid choice" in res.stderr


def test_formats(fixture_root):
    root, _ = fixture_root("span-text-mismatch")
    text = run_cli("validate", "--root", root)
    assert text.returncode == 1
    first = text.stdout.splitlines()[0]
    assert first.startswith("annotations/tiny.json:") and "error[span-text-mismatch] /entities/0/text:" in first
    assert text.stdout.splitlines()[-1].startswith(f"newsspan validate FAILED in {root}: 1 document")

    js = run_cli("validate", "--root", root, "--format", "json")
    doc = json.loads(js.stdout)
    assert doc["summary"]["errors"] == 1 and doc["summary"]["by_check"] == {"span-text-mismatch": 1}
    p = doc["problems"][0]
    assert p["document_id"] == "tiny" and p["line"] and p["column"] and p["pointer"] == "/entities/0/text"

    gh = run_cli("validate", "--root", root, "--format", "github")
    line = gh.stdout.splitlines()[0]
    assert line.startswith(
        f"::error file=annotations/tiny.json,line={p['line']},col={p['column']},title=newsspan span-text-mismatch::"
    )


def test_paths_select_documents(fixture_root):
    root, _ = fixture_root("document-missing")
    whole = run_cli("validate", "--root", root)
    assert whole.returncode == 1
    only = run_cli("validate", "--root", root, root / "annotations" / "tiny.json")
    assert only.returncode == 0, only.stdout
    by_id = run_cli("validate", "--root", root, "ghost")
    assert by_id.returncode == 1 and "document-missing" in by_id.stdout


def test_path_outside_root_is_usage_error(valid_root, tmp_path):
    stray = tmp_path / "stray.json"
    stray.write_text("{}")
    res = run_cli("validate", "--root", valid_root, stray)
    assert (
        res.returncode == 2 and f"{stray}: not a text, meta or annotation file in corpus/ or annotations/" in res.stderr
    )


def test_closed_pipe_is_no_traceback(valid_root):
    """`newsspan validate | head -1` ends quietly when head stops reading."""
    import subprocess
    import sys

    from conftest import cli_env

    for i in range(1000):  # a report larger than a pipe's buffer
        (valid_root / "corpus" / f"stray-{i}.md").write_text("x\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsspan", "validate", "--root", str(valid_root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout.read(100)
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert err == b"" and proc.returncode == 0, err.decode()
