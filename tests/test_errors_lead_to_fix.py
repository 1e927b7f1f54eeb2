"""Errors that lead to the fix (issue 11.5): each case through the CLI, with its exit code, the
key words of its message, and nothing written."""

import json
import unicodedata

import pytest

from newsspan import labels, schema

from conftest import run_cli, run_json
from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot, validate_ok

# a text that is not canonical: one error, no follow-ons -----------------------------------------

ARTICLE = "Café reopens in Zürich\n\nThe café on the Münsterhof reopened on Monday, its owner said.\n"


def _noncanonical(text: str, how: str) -> bytes:
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if how == "bom":
        return ("\ufeff" + text).encode("utf-8")
    return unicodedata.normalize("NFD", text).encode("utf-8")


@pytest.mark.parametrize("how", ["crlf", "bom", "nfd"])
def test_a_text_that_is_not_canonical_is_one_error_naming_canonicalize(how, tmp_path):
    root = new_root(tmp_path)
    src = tmp_path / "cafe.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    cli_ok("add", "--root", root, src, "--language", "de")
    assert len(load(root / "annotations/cafe.json")["sections"]) == 2
    (root / "corpus/cafe.txt").write_bytes(_noncanonical(ARTICLE, how))  # e.g. a checkout with autocrlf
    before = snapshot(root)
    code, out = run_json("--root", root, "--no-cache")
    assert code == 1
    assert [(p["check"], p["severity"]) for p in out["problems"]] == [("text-not-canonical", "error")], out["problems"]
    (p,) = out["problems"]
    assert "`newsspan canonicalize cafe`" in p["hint"]
    assert "the checks of 2 spans in annotations/cafe.json wait for the canonical text" in p["message"]
    assert out["summary"]["warnings"] == 0  # no section-gap for characters that only CRLF made
    assert snapshot(root) == before
    cli_ok("canonicalize", "--root", root, "cafe")  # the fix named leads to a valid root
    validate_ok(root)


def test_the_text_line_counts_the_spans_that_wait(valid_root):
    n = sum(len(load(valid_root / "annotations/tiny.json")[k]) for k in ("sections", "entities", "claims"))
    (valid_root / "corpus/tiny.txt").write_bytes(_noncanonical((valid_root / "corpus/tiny.txt").read_text(), "crlf"))
    res = run_cli("validate", "--root", valid_root)
    assert res.returncode == 1
    lines = [line for line in res.stdout.splitlines() if "error[" in line or "warning[" in line]
    assert len(lines) == 1 and f"the checks of {n} spans in annotations/tiny.json wait" in lines[0]


def test_an_annotation_made_on_a_third_text_is_still_reported(valid_root):
    ann = load(valid_root / "annotations/tiny.json")
    ann["text_sha256"] = "0" * 64
    (valid_root / "annotations/tiny.json").write_text(json.dumps(ann, indent=2), encoding="utf-8")
    (valid_root / "corpus/tiny.txt").write_bytes(_noncanonical((valid_root / "corpus/tiny.txt").read_text(), "crlf"))
    code, out = run_json("--root", valid_root)
    assert code == 1 and sorted(p["check"] for p in out["problems"]) == ["text-hash-mismatch", "text-not-canonical"]


# labels: case-insensitive did-you-mean with one alias table --------------------------------------


@pytest.mark.parametrize(
    "written,meant",
    [
        ("Person", "PERSON"),
        ("PER", "PERSON"),
        ("per", "PERSON"),
        ("ORGANIZATION", "ORG"),
        ("Organisation", "ORG"),
        ("LOCATION", "LOC"),
        ("Location", "LOC"),
        ("PERSNO", "PERSON"),
    ],
)
def test_a_misspelt_entity_label_names_the_schema_label(written, meant, valid_root):
    ann = load(valid_root / "annotations/tiny.json")
    ann["entities"][0]["label"] = written
    (valid_root / "annotations/tiny.json").write_text(json.dumps(ann, indent=2), encoding="utf-8")
    before = snapshot(valid_root)
    code, out = run_json("--root", valid_root)
    assert code == 1
    (p,) = [p for p in out["problems"] if p["check"] == "schema"]
    assert p["pointer"] == "/entities/0/label" and f'did you mean "{meant}"?' in p["hint"]
    assert snapshot(valid_root) == before


def test_a_section_label_in_another_case_names_the_schema_label(valid_root):
    ann = load(valid_root / "annotations/tiny.json")
    ann["sections"][0]["label"] = "Paragraph"
    (valid_root / "annotations/tiny.json").write_text(json.dumps(ann, indent=2), encoding="utf-8")
    code, out = run_json("--root", valid_root)
    assert code == 1 and 'did you mean "paragraph"?' in out["problems"][0]["hint"]


def test_every_alias_names_a_schema_label():
    assert set(labels.ALIASES.values()) <= set(schema.entity_labels())
    assert all(k == k.upper() and " " not in k for k in labels.ALIASES)


def test_a_label_map_lists_every_unknown_target_at_once(valid_root, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps({"text": "Bob met Acme in Paris.", "label": [[0, 3, "A"], [8, 12, "B"], [16, 21, "C"]]}) + "\n"
    )
    before = snapshot(valid_root)
    res = cli_fails(
        "import",
        "doccano",
        path,
        "--root",
        valid_root,
        "--label-map",
        "A=Person,B=ORGANIZATION",
        "--label-map",
        "C=LOCATION,D=sections:Paragraph",
    )
    err = res.stderr
    assert "4 problems in the label map" in err
    for target, meant in (
        ("Person", "'PERSON'"),
        ("ORGANIZATION", "'ORG'"),
        ("LOCATION", "'LOC'"),
        ("sections:Paragraph", "'sections:paragraph'"),
    ):
        line = next(line for line in err.splitlines() if f"={target}:" in line)
        assert f"did you mean {meant}?" in line, line
    assert snapshot(valid_root) == before


def test_unmapped_tool_labels_are_suggested_case_insensitively_and_by_alias(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": "Bob met Acme in Paris. Run!",
                "label": [[0, 3, "Person"], [8, 12, "Organization"], [16, 21, "LOCATION"], [23, 26, "Action"]],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    root = new_root(tmp_path)
    res = cli_fails("import", "doccano", path, "--root", root)
    assert "--label-map 'Action=ignore,LOCATION=LOC,Organization=ORG,Person=PERSON'" in res.stderr
    assert snapshot(root) == {}


# invalid ids: what is allowed, and a valid one ---------------------------------------------------


def test_add_with_an_invalid_id_says_what_is_allowed_and_suggests_one(tmp_path):
    root = new_root(tmp_path)
    src = tmp_path / "a.txt"
    src.write_text("Strike ends\n\nWorkers returned on Monday.\n", encoding="utf-8")
    res = cli_fails("add", "--root", root, src, "--id", "news/2024/strike")
    assert "'news/2024/strike' is not a valid document id" in res.stderr
    assert "a-z, 0-9, '_' and '-'" in res.stderr and "'news-2024-strike'" in res.stderr
    assert snapshot(root) == {}
    cli_ok("add", "--root", root, src, "--id", "news-2024-strike")  # the suggestion is valid
    assert (root / "corpus/news-2024-strike.txt").is_file()


def test_an_invalid_span_id_says_what_is_allowed_and_suggests_one(valid_root):
    ann = load(valid_root / "annotations/tiny.json")
    ann["entities"][0]["id"] = "e/1"
    ann["sections"][0]["id"] = "1"
    (valid_root / "annotations/tiny.json").write_text(json.dumps(ann, indent=2), encoding="utf-8")
    before = snapshot(valid_root)
    code, out = run_json("--root", valid_root)
    assert code == 1
    by_ptr = {p["pointer"]: p for p in out["problems"] if p["check"] == "schema"}
    ent, sec = by_ptr["/entities/0/id"], by_ptr["/sections/0/id"]
    assert '"e/1" is not a valid span id' in ent["message"] and "A-Z, a-z, 0-9, '_', '.' and '-'" in ent["message"]
    assert ent["hint"] == 'use e.g. "e-1"' and sec["hint"] == 'use e.g. "s1"'
    assert snapshot(valid_root) == before


def test_an_invalid_file_name_suggests_a_valid_id(valid_root):
    for name in ("tiny.txt", "tiny.meta.json"):
        (valid_root / "corpus" / name).rename(valid_root / "corpus" / name.replace("tiny", "Tiny News"))
    (valid_root / "annotations/tiny.json").rename(valid_root / "annotations/Tiny News.json")
    before = snapshot(valid_root)
    code, out = run_json("--root", valid_root)
    assert snapshot(valid_root) == before
    found = [p for p in out["problems"] if p["check"] == "id-invalid"]
    assert code == 1 and found
    assert all("'tiny-news'" in p["message"] and "a-z, 0-9" in p["message"] for p in found), found


# add and import say what they wrote and how to release it -------------------------------------------


def test_add_prints_each_layer_status_and_how_to_release_a_draft(tmp_path):
    root = new_root(tmp_path)
    src = tmp_path / "a.txt"
    src.write_text("Strike ends\n\nWorkers returned on Monday.\n", encoding="utf-8")
    res = cli_ok("add", "--root", root, src, "--language", "en")
    assert "annotations/a.json: status draft (2 sections, 0 entities, 0 claims)" in res.stdout
    hint = next(line for line in res.stdout.splitlines() if line.startswith("to release"))
    assert "annotations/a.json" in hint and '"status" to "complete" or "gold"' in hint and "--include-drafts" in hint


def test_import_prints_each_layer_status_and_the_release_hint_only_for_drafts(valid_root, tmp_path):
    text = (valid_root / "corpus/tiny.txt").read_text(encoding="utf-8")
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[0, 14, "PERSON"]]}) + "\n", encoding="utf-8")
    res = cli_ok("import", "doccano", path, "--root", valid_root, "--annotator", "bob")
    assert "annotations/annotators/bob/tiny.json: status draft (2 sections, 1 entities, 0 claims)" in res.stdout
    assert "to release" not in res.stdout  # an annotator's layer is never released
    new = tmp_path / "n.jsonl"
    new.write_text(json.dumps({"text": "Bob Smith spoke.", "label": [[0, 9, "PERSON"]]}) + "\n", encoding="utf-8")
    res = cli_ok("import", "doccano", new, "--root", valid_root, "--language", "en")
    assert "1 entities, 0 claims)" in res.stdout and "status draft (" in res.stdout
    assert "to release annotations/n-1.json" in res.stdout
    res = cli_ok("import", "doccano", new, "--root", valid_root, "--status", "complete", "--force")
    assert "status complete" in res.stdout and "to release" not in res.stdout


def test_build_names_the_documents_it_left_out_and_the_option(tmp_path):
    root = new_root(tmp_path)
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(13):
        (folder / f"doc-{i:02d}.txt").write_text(f"Headline {i}\n\nOfficials met on Monday ({i}).\n", encoding="utf-8")
    cli_ok("add", "--root", root, folder, "--language", "en")
    before = snapshot(root)
    res = run_cli("build", "--root", root, "--out", tmp_path / "hf")  # nothing released yet
    assert (
        res.returncode == 1
        and "nothing to release" in res.stderr
        and "doc-00 (draft)" in res.stderr
        and "--include-drafts" in res.stderr
    )
    assert snapshot(root) == before and not (tmp_path / "hf").exists()
    path = root / "annotations/doc-12.json"
    ann = load(path)
    ann["status"] = "gold"
    path.write_text(json.dumps(ann, indent=2) + "\n", encoding="utf-8")
    (root / "annotations/doc-11.json").unlink()
    res = cli_ok("build", "--root", root, "--out", tmp_path / "hf", "--config", "sections")
    line = next(line for line in res.stdout.splitlines() if line.startswith("not released:"))
    shown = [f"doc-{i:02d} (draft)" for i in range(10)]
    assert line.startswith("not released: " + ", ".join(shown) + " and 2 more; --include-drafts includes them"), (
        line
    )  # doc-10 (draft), doc-11 (no layer)
    assert "doc-11" not in line and "doc-12" not in line
