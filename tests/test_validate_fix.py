"""`newsspan validate --fix`: the one safe fix (a shifted span onto its unique nearby quote), as
ruff's `--fix` applies only safe fixes and reports the rest."""

import json
import shutil

from conftest import FIXTURES, REPO, overlay, run_cli
from contrib_helpers import cli_ok, load, new_root, snapshot

GOLD = "000_1afbb3b63b1bfa60"


def _write(path, ann, **dump):
    path.write_text(json.dumps(ann, ensure_ascii=False, **(dump or {"indent": 2})) + "\n", encoding="utf-8")


def _shift(path, layer, i, by, **dump):
    ann = load(path)
    ann[layer][i]["start"] += by
    ann[layer][i]["end"] += by
    _write(path, ann, **dump)
    return ann


def test_a_copy_with_a_shifted_span_fails_where_it_stands_and_fix_repairs_it(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(REPO / "corpus", copy / "corpus")
    shutil.copytree(REPO / "annotations", copy / "annotations")
    path = copy / f"annotations/{GOLD}.json"
    gold = load(path)
    e = gold["entities"][0]
    _shift(path, "entities", 0, 1)
    for cwd in (copy, copy / "annotations"):
        res = run_cli("validate", cwd=cwd)
        assert res.returncode == 1, res.stdout
        assert res.stdout.splitlines()[-1].startswith(f"newsspan validate FAILED in {copy}: 1 document")
        assert "error[span-text-mismatch] /entities/0/text" in res.stdout
        assert (
            f"run `newsspan validate --fix`, which moves the span onto its quote at [{e['start']}, {e['end']})"
            in res.stdout
        )
    assert run_cli("validate").returncode == 2  # outside any corpus
    res = run_cli("validate", "--fix", cwd=copy / "annotations")
    assert res.returncode == 0, res.stdout + res.stderr
    assert (
        f"fixed: annotations/{GOLD}.json /entities/0: moved {json.dumps(e['text'])} from "
        f"[{e['start'] + 1}, {e['end'] + 1}) to [{e['start']}, {e['end']}) (shift -1)"
    ) in res.stdout
    assert "1 span moved in 1 file" in res.stdout
    assert res.stdout.splitlines()[-1].startswith(f"newsspan validate passed in {copy}")
    assert load(path) == gold
    again = run_cli("validate", cwd=copy)
    assert again.returncode == 0 and "0 errors" in again.stdout


def test_fix_moves_the_span_and_writes_the_file_in_canonical_form(valid_root):
    path = valid_root / "annotations/tiny.json"
    ann = load(path)
    ann["entities"][1]["start"] += 2
    ann["entities"][1]["end"] += 2
    _write(path, ann, separators=(",", ":"))  # a hand-made layout
    res = run_cli("validate", "--root", valid_root, "--fix", "annotations/tiny.json")  # the PATHs of validate
    assert res.returncode == 0, res.stdout + res.stderr
    assert 'fixed: annotations/tiny.json /entities/1: moved "Liu Jianchao" from [21, 33) to [19, 31)' in res.stdout
    ann["entities"][1]["start"] -= 2
    ann["entities"][1]["end"] -= 2
    # every newsspan writer writes the canonical form (2-space indent, the schema's key order)
    assert path.read_text(encoding="utf-8") == json.dumps(ann, ensure_ascii=False, indent=2) + "\n"


def test_a_file_that_does_not_pass_the_schema_is_left_to_the_report(valid_root):
    path = valid_root / "annotations/tiny.json"
    ann = load(path)
    ann["entities"][2]["label"] = "Location"  # a schema problem that --fix must leave alone
    ann["entities"][1]["start"] += 2
    ann["entities"][1]["end"] += 2
    _write(path, ann, separators=(",", ":"))
    before = path.read_bytes()
    res = run_cli("validate", "--root", valid_root, "--fix", "annotations/tiny.json")
    assert res.returncode == 1
    assert "not fixed: annotations/tiny.json: it does not follow the annotation schema (/entities/2/label" in res.stdout
    assert "0 spans moved in 0 files" in res.stdout
    assert (
        "error[schema] /entities/2/label" in res.stdout and "error[span-text-mismatch] /entities/1/text" in res.stdout
    )
    assert path.read_bytes() == before


def _root_with(tmp_path, text, entities):
    """A root holding one document with these entities (start, end, label) as a draft layer."""
    root = new_root(tmp_path)
    src = tmp_path / "doc.txt"
    src.write_text(text, encoding="utf-8")
    cli_ok("add", "--root", root, src, "--language", "en")
    path = root / "annotations/doc.json"
    ann = load(path)
    ann["entities"] = [
        {"id": f"e{i}", "label": label, "start": a, "end": b, "text": text[a:b]}
        for i, (a, b, label) in enumerate(entities, 1)
    ]
    _write(path, ann)
    return root, path


def test_a_quote_that_occurs_twice_nearby_is_not_moved(tmp_path):
    text = "Officials said Paris and Paris again.\n"
    root, path = _root_with(tmp_path, text, [(15, 20, "GPE")])
    _shift(path, "entities", 0, 3)  # between the two "Paris": which one was meant, only a person knows
    before = snapshot(root)
    res = run_cli("validate", "--root", root)
    assert res.returncode == 1 and "span-text-mismatch" in res.stdout and "--fix" not in res.stdout
    res = run_cli("validate", "--root", root, "--fix")
    assert res.returncode == 1 and "0 spans moved in 0 files" in res.stdout and "span-text-mismatch" in res.stdout
    assert snapshot(root) == before


def test_a_move_that_would_add_an_error_is_listed_not_made(tmp_path):
    text = "Officials said Paris will host it.\n"
    root, path = _root_with(tmp_path, text, [(15, 20, "GPE"), (15, 20, "GPE")])
    _shift(path, "entities", 1, 6)  # its quote's only place nearby is that of the other mention
    before = snapshot(root)
    res = run_cli("validate", "--root", root, "--fix")
    assert res.returncode == 1
    assert (
        "not fixed: annotations/doc.json /entities/1: not moved to [15, 20): the file would then have entity-overlap"
        in res.stdout
    )
    assert "span-text-mismatch" in res.stdout
    assert snapshot(root) == before


def test_a_file_made_on_another_text_is_for_reanchor_not_fix(valid_root):
    path = valid_root / "annotations/tiny.json"
    ann = _shift(path, "entities", 1, 2)
    ann["text_sha256"] = "0" * 64
    _write(path, ann)
    before = snapshot(valid_root)
    res = run_cli("validate", "--root", valid_root, "--fix")
    assert res.returncode == 1 and "0 spans moved" in res.stdout
    assert "text-hash-mismatch" in res.stdout and "--fix`, which moves" not in res.stdout
    assert snapshot(valid_root) == before


def test_fix_with_json_output_keeps_stdout_json(valid_root):
    _shift(valid_root / "annotations/tiny.json", "claims", 0, 1)
    res = run_cli("validate", "--root", valid_root, "--fix", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["summary"]["errors"] == 0
    assert "fixed: annotations/tiny.json /claims/0: moved" in res.stderr


def test_fix_is_a_writing_command_that_recovers_first(valid_root):
    """--fix writes as every command does (Root.writing: the lock, then recovery of a killed command)."""
    overlay(valid_root, FIXTURES / "invalid" / "write-interrupted")
    assert "write-interrupted" in run_cli("validate", "--root", valid_root).stdout
    _shift(valid_root / "annotations/tiny.json", "entities", 0, 1)
    res = run_cli("validate", "--root", valid_root, "--fix")
    assert res.returncode == 0, res.stdout
    assert "write-interrupted" not in res.stdout and "1 span moved" in res.stdout
