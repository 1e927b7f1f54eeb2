"""Commands work on the corpus where the user stands (as git finds its repository), name it, and
refuse arguments that name nothing; nothing falls back to the checkout the package came from."""

import json
import shutil

import pytest

from conftest import FIXTURES, REPO, run_cli
from contrib_helpers import snapshot


@pytest.fixture
def shifted_copy(tmp_path):
    """A copy of the shipped corpus (as a second checkout or worktree would hold it) with one
    entity mention shifted by a character."""
    root = tmp_path / "copy"
    for name in ("corpus", "annotations"):
        shutil.copytree(REPO / name, root / name)
    path = next((root / "annotations").glob("*.json"))
    ann = json.loads(path.read_text(encoding="utf-8"))
    ann["entities"][0]["start"] += 1
    ann["entities"][0]["end"] += 1
    path.write_text(json.dumps(ann, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("where", [".", "annotations", "corpus"])
def test_validate_uses_the_corpus_the_user_stands_in(shifted_copy, where):
    res = run_cli("validate", cwd=shifted_copy / where)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "span-text-mismatch" in res.stdout
    assert res.stdout.splitlines()[-1].startswith(f"newsspan validate FAILED in {shifted_copy}: ")


def test_root_option_beats_the_working_directory(shifted_copy):
    res = run_cli("validate", "--root", REPO, cwd=shifted_copy)
    assert res.returncode == 0 and f"passed in {REPO}:" in res.stdout


def test_outside_any_corpus_every_corpus_command_exits_2(tmp_path):
    for cmd in (
        ["validate"],
        ["build"],
        ["add", "x.txt"],
        ["import", "brat", "x"],
        ["export", "conll", "--out", "x"],
        ["canonicalize"],
        ["reanchor"],
        ["recover"],
    ):
        res = run_cli(*cmd, cwd=tmp_path)
        assert res.returncode == 2, (cmd, res.stdout, res.stderr)
        assert "not inside a newsspan corpus" in res.stderr and "--root DIR" in res.stderr, res.stderr
        assert "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("arg", ["annotations/typo.json", "corpus/typo.txt", "typo", "README.md"])
def test_a_path_or_id_that_names_nothing_is_exit_2(tmp_path, arg):
    root = tmp_path / "root"
    shutil.copytree(FIXTURES / "valid", root)
    (root / "README.md").write_text("not corpus data\n")
    res = run_cli("validate", arg, cwd=root)
    assert res.returncode == 2, res.stdout + res.stderr
    assert arg in res.stderr and "Traceback" not in res.stderr
    assert "passed" not in res.stdout


def test_paths_are_taken_from_the_working_directory_or_the_root(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(FIXTURES / "valid", root)
    inside = run_cli("validate", "tiny.json", cwd=root / "annotations")
    from_root = run_cli("validate", "annotations/tiny.json", "--root", root, cwd=tmp_path)
    for res in (inside, from_root):
        assert res.returncode == 0, res.stdout + res.stderr
        assert "1 document," in res.stdout


def test_init_makes_a_root_that_commands_then_find(tmp_path):
    res = run_cli("init", tmp_path / "new")
    assert (
        res.returncode == 0 and (tmp_path / "new" / "corpus").is_dir() and (tmp_path / "new" / "annotations").is_dir()
    )
    before = snapshot(tmp_path / "new")
    again = run_cli("init", cwd=tmp_path / "new")
    assert again.returncode == 0 and "already" in again.stdout and snapshot(tmp_path / "new") == before
    res = run_cli("validate", cwd=tmp_path / "new" / "corpus")
    assert res.returncode == 0 and f"in {tmp_path / 'new'}:" in res.stdout
