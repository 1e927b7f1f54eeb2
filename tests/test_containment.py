"""Containment: nothing outside the root is read or written, whatever names and links a root holds."""

from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import pytest

from newsspan import store

from conftest import FIXTURES, REPO, run_cli, run_json
from killharness import snapshot

BAD_IDS = [
    "../x",
    "..",
    ".",
    "",
    "/etc/passwd",
    "a/b",
    "a\\b",
    "A",
    "x" * 65,
    "tiny.json",
    "tiny\x00",
    " tiny",
    "-x",
    "é",
]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_are_checked_before_a_path_is_built(bad, tmp_path):
    root = store.Root(tmp_path)
    for build in (root.text_path, root.meta_path, root.annotation_path):
        with pytest.raises(ValueError, match="invalid"):
            build(bad)
    with pytest.raises(ValueError, match="invalid annotator name"):
        root.annotation_path("tiny", annotator=bad)


@pytest.mark.parametrize("arg", ["../outside.json", "/etc/passwd", "corpus/../../x.txt"])
def test_validate_refuses_paths_outside_the_root(valid_root, arg):
    res = run_cli("validate", "--root", valid_root, arg)
    assert res.returncode == 2
    assert str(arg) in res.stderr and "Traceback" not in res.stderr
    assert (
        "no such file" in res.stderr or "not a text, meta or annotation file in corpus/ or annotations/" in res.stderr
    )


@pytest.fixture
def outside(tmp_path):
    """A folder beside the root holding a complete valid corpus: reading it would validate fine."""
    d = tmp_path / "elsewhere"
    shutil.copytree(FIXTURES / "valid", d)
    return d


def _outside_problems(out):
    return [p for p in out["problems"] if p["check"] == "path-outside-root"]


def test_symlinked_annotator_folder_is_refused(valid_root, outside):
    (valid_root / "annotations" / "annotators").mkdir()
    os.symlink(outside / "annotations", valid_root / "annotations" / "annotators" / "x")
    code, out = run_json("--root", valid_root)
    assert code == 1
    hits = _outside_problems(out)
    assert [p["path"] for p in hits] == ["annotations/annotators/x/tiny.json"]
    # refused, not read: no other check ran on it
    assert {p["check"] for p in out["problems"] if p["path"] == hits[0]["path"]} == {"path-outside-root"}


@pytest.mark.parametrize("folder", ["corpus", "annotations"])
def test_symlinked_data_folder_is_refused(valid_root, outside, folder):
    shutil.rmtree(valid_root / folder)
    os.symlink(outside / folder, valid_root / folder)
    code, out = run_json("--root", valid_root)
    assert code == 1
    names = {"corpus": ["corpus/tiny.meta.json", "corpus/tiny.txt"], "annotations": ["annotations/tiny.json"]}[folder]
    assert sorted(p["path"] for p in _outside_problems(out)) == names


def test_symlinked_file_outside_is_refused_inside_is_read(valid_root, outside):
    os.replace(valid_root / "corpus" / "tiny.txt", valid_root / "tiny-text.txt")
    os.symlink("../tiny-text.txt", valid_root / "corpus" / "tiny.txt")  # inside the root: fine
    assert run_json("--root", valid_root)[0] == 0
    os.unlink(valid_root / "corpus" / "tiny.txt")
    os.symlink(outside / "corpus" / "tiny.txt", valid_root / "corpus" / "tiny.txt")
    code, out = run_json("--root", valid_root)
    assert code == 1 and [p["path"] for p in _outside_problems(out)] == ["corpus/tiny.txt"]


@pytest.mark.parametrize("target", ["loop.json", "missing.json"])
def test_link_loops_and_dangling_links_are_reported(valid_root, target):
    os.symlink(target, valid_root / "annotations" / "loop.json")
    code, out = run_json("--root", valid_root)
    assert code == 1
    hits = [p for p in out["problems"] if p["path"] == "annotations/loop.json"]
    assert hits and {p["check"] for p in hits} <= {"file-unreadable", "path-outside-root"}, hits


def test_writes_through_a_link_out_of_the_root_are_refused(valid_root, outside):
    shutil.rmtree(valid_root / "annotations")
    os.symlink(outside / "annotations", valid_root / "annotations")
    before = snapshot(outside)
    root = store.Root(valid_root)
    with pytest.raises(store.OutsideRoot):
        root.write_all([(root.annotation_path("tiny"), b"{}")])
    with pytest.raises(store.OutsideRoot):
        root.write_all([(root.annotation_path("new"), b"{}")])
    (valid_root / "corpus" / "evil.txt").symlink_to(outside / "corpus" / "tiny.txt")
    with pytest.raises(store.OutsideRoot):
        root.write_all([(root.text_path("evil"), b"overwritten")])
    assert snapshot(outside) == before
    assert not list(valid_root.rglob(f"{store.TMP_PREFIX}*"))


# --- no code path turns data into code ------------------------------------------------------
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
UNSAFE_CALLS = {"eval", "exec", "__import__"}
UNSAFE_YAML = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}


def _sources():
    for folder in ("newsspan", "loaders"):
        yield from sorted((REPO / folder).rglob("*.py")) if (REPO / folder).is_dir() else []


def unsafe_uses(source: str, name: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            out += [f"{where}: import {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            out.append(f"{where}: from {node.module} import")
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in UNSAFE_CALLS:
                out.append(f"{where}: {f.id}()")
            elif (
                isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and f.value.id == "yaml"
                and f.attr in UNSAFE_YAML
            ):
                safe = any(k.arg == "Loader" and "Safe" in ast.unparse(k.value) for k in node.keywords) or (
                    len(node.args) > 1 and "Safe" in ast.unparse(node.args[1])
                )
                if not safe:
                    out.append(f"{where}: yaml.{f.attr} without a SafeLoader (use yaml.safe_load)")
            elif (
                isinstance(f, ast.Attribute)
                and f.attr in ("loads", "load")
                and isinstance(f.value, ast.Name)
                and f.value.id in UNSAFE_MODULES
            ):
                out.append(f"{where}: {f.value.id}.{f.attr}()")
            if any(k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords):
                out.append(f"{where}: shell=True")
    return out


def test_no_pickle_eval_or_unsafe_yaml_in_the_package():
    found = []
    for path in _sources():
        found += unsafe_uses(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        "import pickle",
        "from pickle import loads",
        "eval(x)",
        "exec(code)",
        "yaml.load(f)",
        "yaml.load(f, Loader=yaml.FullLoader)",
        "yaml.full_load(f)",
        "subprocess.run(c, shell=True)",
        "marshal.loads(b)",
    ],
)
def test_the_scan_catches_unsafe_code(snippet):
    assert unsafe_uses(snippet, "x.py")


@pytest.mark.parametrize("snippet", ["yaml.safe_load(f)", "yaml.load(f, Loader=yaml.SafeLoader)", "json.loads(s)"])
def test_the_scan_allows_safe_code(snippet):
    assert unsafe_uses(snippet, "x.py") == []


def test_an_import_never_writes_outside_the_root(tmp_path):
    """Path-like document and annotator names in a tool export become safe ids inside the root."""
    root = tmp_path / "deep" / "root"
    shutil.copytree(FIXTURES / "valid", root)
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            [
                {
                    "id": 1,
                    "data": {"text": "Alice met Bob in Paris.", "id": "../../../escape"},
                    "annotations": [
                        {
                            "id": 1,
                            "completed_by": {"email": "../../evil@example.org"},
                            "result": [
                                {
                                    "from_name": "label",
                                    "to_name": "text",
                                    "type": "labels",
                                    "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PERSON"]},
                                }
                            ],
                        }
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    before = {p: h for p, h in snapshot(tmp_path).items() if not p.startswith("deep/root/")}
    res = run_cli("import", "labelstudio", export, "--root", root, "--language", "en")
    assert res.returncode in (0, 1) and "Traceback" not in res.stderr, res.stderr
    after = {p: h for p, h in snapshot(tmp_path).items() if not p.startswith("deep/root/")}
    assert after == before
    for rel in snapshot(root):
        stem = Path(rel).name.split(".")[0]
        assert rel.startswith(("corpus/", "annotations/")) and store.is_valid_id(stem), rel
    if res.returncode == 0:
        assert run_json("--root", root)[0] == 0
