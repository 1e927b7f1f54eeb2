"""`newsspan diff OLD NEW`: between two git revisions of the corpus or two release folders, exactly
the edits made: documents added, removed, changed; spans added, removed, relabelled, moved and
changed per layer and label; label count deltas; as text, JSON and Markdown."""

import json
import shutil
import subprocess

import pytest

from conftest import FIXTURES
from corpus_maker import add_document, write_annotation
from hf_util import annotation, cli


def git(root, *args):
    subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=root, check=True, capture_output=True
    )


@pytest.fixture
def repo(tmp_path):
    """The valid fixture root as a git repository with one commit."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURES / "valid", root)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    return root


def relabel(root):
    """One edit: the mention "Friday" of `tiny` becomes a TIME."""
    ann = annotation(root, "tiny")
    e = next(e for e in ann["entities"] if e["text"] == "Friday")
    e["label"] = "TIME"
    write_annotation(root, ann)
    return e["id"]


def diff_json(*args, cwd=None):
    res = cli("diff", *args, "--format", "json", cwd=cwd)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_two_git_revisions_show_exactly_the_edit(repo):
    eid = relabel(repo)
    git(repo, "commit", "-qam", "Friday is a time")
    r = diff_json("HEAD~1", "HEAD", cwd=repo)
    assert r["documents"] == {"added": [], "removed": [], "changed": ["tiny"]}
    assert r["changes"] == [
        {
            "document": "tiny",
            "layer": "entities",
            "id": eid,
            "change": "relabelled",
            "label": "DATE -> TIME",
            "old": r["changes"][0]["old"],
            "new": r["changes"][0]["old"],
        }
    ]
    assert r["spans"] == {"entities": {"DATE -> TIME": {"relabelled": 1}}}
    assert r["labels"] == {"entities": {"DATE": {"old": 1, "new": 0}, "TIME": {"old": 0, "new": 1}}}
    text = cli("diff", "HEAD~1", "HEAD", cwd=repo).stdout
    assert f"  tiny entities {eid}: relabelled DATE -> TIME [" in text and "documents changed: 1 (tiny)" in text
    md = cli("diff", "HEAD~1", "HEAD", "--format", "markdown", cwd=repo).stdout
    assert "| entities | `DATE -> TIME` | 0 | 0 | 1 | 0 | 0 |" in md and "| entities | `TIME` | 0 | 1 | +1 |" in md
    assert diff_json("HEAD", "HEAD", cwd=repo)["changes"] == []


def test_a_moved_span_an_added_document_and_a_removed_one(repo):
    ann = annotation(repo, "tiny")
    ann["claims"][0]["checkworthy"] = not ann["claims"][0]["checkworthy"]
    write_annotation(repo, ann)
    add_document(
        repo,
        "new-doc",
        "Rain fell in Oslo.\n",
        sections=[("paragraph", "Rain fell in Oslo.")],
        entities=[("GPE", "Oslo")],
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "edits")
    r = diff_json("HEAD~1", "HEAD", cwd=repo)
    assert r["documents"] == {"added": ["new-doc"], "removed": [], "changed": ["tiny"]}
    kinds = {(c["document"], c["layer"], c["change"], c["label"]) for c in r["changes"]}
    assert kinds == {
        ("tiny", "claims", "changed", "journalist"),
        ("new-doc", "sections", "added", "paragraph"),
        ("new-doc", "entities", "added", "GPE"),
    }
    back = diff_json("HEAD", "HEAD~1", cwd=repo)
    assert back["documents"]["removed"] == ["new-doc"] and {c["change"] for c in back["changes"]} == {
        "removed",
        "changed",
    }


def test_two_release_folders(valid_root, tmp_path):
    assert cli("build", "--root", valid_root, "--out", tmp_path / "old").returncode == 0
    ann = annotation(valid_root, "tiny")
    first = ann["sections"][0]
    ann["sections"][0] = {**first, "label": "other"}
    write_annotation(valid_root, ann)
    assert cli("build", "--root", valid_root, "--out", tmp_path / "new").returncode == 0
    r = diff_json(tmp_path / "old", tmp_path / "new")
    assert r["documents"]["changed"] == ["tiny"] and len(r["changes"]) == 1
    assert r["changes"][0] | {"old": None, "new": None} == {
        "document": "tiny",
        "layer": "sections",
        "id": first["id"],
        "change": "relabelled",
        "label": f"{first['label']} -> other",
        "old": None,
        "new": None,
    }


def test_a_withheld_document_is_compared_through_its_standoff(tmp_path):
    root = tmp_path / "root"
    for doc_id, license in (("open", "CC0-1.0"), ("closed", "unknown")):
        text = f"Rain fell in Oslo ({doc_id}).\n"
        add_document(
            root, doc_id, text, license=license, sections=[("paragraph", text.strip())], entities=[("GPE", "Oslo")]
        )
    assert cli("build", "--root", root, "--publish", "--out", tmp_path / "old").returncode == 0
    ann = annotation(root, "closed")
    ann["entities"][0]["label"] = "LOC"
    write_annotation(root, ann)
    assert cli("build", "--root", root, "--publish", "--out", tmp_path / "new").returncode == 0
    r = diff_json(tmp_path / "old", tmp_path / "new")
    assert [(c["document"], c["change"], c["label"]) for c in r["changes"]] == [("closed", "relabelled", "GPE -> LOC")]


def test_what_is_neither_a_folder_nor_a_revision(repo, tmp_path):
    res = cli("diff", "HEAD", "no-such-rev", cwd=repo)
    assert res.returncode == 1 and "no-such-rev is neither a release folder nor a git revision" in res.stderr
    res = cli("diff", tmp_path, "HEAD", cwd=repo)
    assert res.returncode == 1 and "not one of each" in res.stderr
    res = cli("diff", tmp_path, tmp_path)
    assert res.returncode == 1 and "holds no documents config" in res.stderr
