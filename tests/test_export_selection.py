"""`newsspan export` carries the release: the documents `newsspan build` releases (issue 11.7),
judged against `newsspan.Corpus.released()`, and one split of them with --split."""

import json

import pytest

import newsspan

from conftest import run_cli
from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot


@pytest.fixture
def mixed_root(tmp_path):
    """a, d: complete (a pinned to test, d to train); b: a draft; c: a text without a layer."""
    root = new_root(tmp_path)
    for doc_id, split in (("a", "test"), ("b", None), ("c", None), ("d", "train")):
        src = tmp_path / f"{doc_id}.txt"
        src.write_text(f"Headline {doc_id}\n\nOfficials in Paris met on Monday ({doc_id}).\n", encoding="utf-8")
        cli_ok("add", "--root", root, src, "--language", "en", *(["--split", split] if split else []))
    for doc_id in ("a", "d"):
        path = root / f"annotations/{doc_id}.json"
        ann = load(path)
        ann["status"] = "complete"
        path.write_text(json.dumps(ann, indent=2) + "\n", encoding="utf-8")
    (root / "annotations/c.json").unlink()
    return root


def exported_ids(path):
    return [task["data"]["id"] for task in json.loads(path.read_text(encoding="utf-8"))]


def test_export_holds_exactly_the_released_documents(mixed_root, tmp_path):
    released = [d.id for d in newsspan.Corpus(mixed_root).released()]
    assert released == ["a", "d"]
    res = cli_ok("export", "labelstudio", "--root", mixed_root, "--out", tmp_path / "t.json")
    assert exported_ids(tmp_path / "t.json") == released
    assert "not released: b (draft), c (no released layer); --include-drafts includes them" in res.stderr


def test_include_drafts_exports_what_build_include_drafts_releases(mixed_root, tmp_path):
    everything = [d.id for d in newsspan.Corpus(mixed_root).released(include_drafts=True)]
    assert everything == ["a", "b", "c", "d"]
    cli_ok("export", "labelstudio", "--root", mixed_root, "--out", tmp_path / "t.json", "--include-drafts")
    assert exported_ids(tmp_path / "t.json") == everything


def test_split_exports_one_split(mixed_root, tmp_path):
    res = cli_ok("export", "labelstudio", "--root", mixed_root, "--out", tmp_path / "t.json", "--split", "test")
    assert exported_ids(tmp_path / "t.json") == ["a"] and "of the test split" in res.stdout
    cli_ok("export", "conll", "--root", mixed_root, "--out", tmp_path / "train.conll", "--split", "train")
    assert (tmp_path / "train.conll").read_text(encoding="utf-8").count("-DOCSTART-") == 1


def test_an_empty_selection_is_an_error_and_writes_nothing(mixed_root, tmp_path):
    before = snapshot(mixed_root)
    res = cli_fails("export", "conll", "--root", mixed_root, "--out", tmp_path / "v.conll", "--split", "validation")
    assert "nothing to export: no released document in the validation split" in res.stderr
    assert not (tmp_path / "v.conll").exists() and snapshot(mixed_root) == before


def test_an_unknown_split_is_a_usage_error(mixed_root, tmp_path):
    res = run_cli("export", "conll", "--root", mixed_root, "--out", tmp_path / "x.conll", "--split", "dev")
    assert res.returncode == 2 and "invalid choice: 'dev'" in res.stderr


def test_export_of_a_corpus_with_errors_lists_them_as_validate_does(mixed_root, tmp_path):
    path = mixed_root / "annotations/a.json"
    ann = load(path)
    ann["sections"][0]["text"] = "Headline x"  # the quote no longer matches the text at its offsets
    path.write_text(json.dumps(ann, indent=2) + "\n", encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index('      "text": "Headline x"') + 1
    res = cli_fails("export", "labelstudio", "--root", mixed_root, "--out", tmp_path / "t.json")
    assert f"annotations/a.json:{line}:" in res.stderr and "error[span-text-mismatch] /sections/0/text:" in res.stderr
    assert "nothing was exported" in res.stderr and not (tmp_path / "t.json").exists()
