"""The command line: exit codes (0 passed, 1 problems, 2 usage or no root), the root found from the
working directory as git finds its repository, --help with examples for every command, the text,
json and github formats, progress on a terminal only, and bad input that is never a traceback."""

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsspan import validator
from newsspan.cli import build_parser
from newsspan.formats import IMPORT_FORMATS
from test_files import CASES

from conftest import FIXTURES, REPO, cli_env, snapshot


def test_the_shipped_corpus_validates_where_one_stands_in_it(cli):
    code, out, _ = cli("validate", cwd=REPO)
    assert code == 0, out
    assert re.match(
        rf"newsspan validate passed in {re.escape(str(REPO))}: \d+ documents, \d+ files checked, 0 errors",
        out.splitlines()[-1],
    )


def test_an_unusable_root_exits_2(cli, tmp_path):
    code, out, err = cli("validate", "--root", tmp_path / "nope")
    assert (code, out) == (2, "") and f"{tmp_path / 'nope'}: no such folder" in err
    code, _, err = cli("validate", "--root", tmp_path)
    assert code == 2 and "no corpus/ and no annotations/ folder" in err and f"newsspan init {tmp_path}" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["validate", "--format", "yaml"], "invalid choice: 'yaml'"),
        (["validate", "--max-bytes", "0"], "expected a positive whole number, got '0'"),
        (["validate", "--max-bytes", "many"], "expected a positive whole number"),
        (["validate", "--jobs", "-5"], "expected a positive whole number"),
        (["build", "--max-shard-size", "lots"], "expected a size such as 128MB"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_a_usage_error_exits_2_with_one_line(cli, args, message):
    code, out, err = cli(*args)
    assert (code, out) == (2, "") and message in err and err.startswith("usage: newsspan")


def test_version(cli):
    code, out, _ = cli("--version")
    assert code == 0 and re.fullmatch(r"newsspan \d+\.\d+\.\d+\n", out)


# where users stand ---------------------------------------------------------------------------


@pytest.fixture
def shifted_copy(tmp_path):
    """A copy of the shipped corpus (as a second checkout or a worktree holds it) with one entity
    mention shifted by a character."""
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
def test_validate_uses_the_corpus_the_user_stands_in(cli, shifted_copy, where):
    code, out, _ = cli("validate", cwd=shifted_copy / where)
    assert code == 1 and "span-text-mismatch" in out
    assert out.splitlines()[-1].startswith(f"newsspan validate FAILED in {shifted_copy}: ")


def test_the_root_option_beats_the_working_directory(cli, shifted_copy):
    code, out, _ = cli("validate", "--root", REPO, cwd=shifted_copy)
    assert code == 0 and f"passed in {REPO}:" in out


CORPUS_COMMANDS = [
    ["validate"],
    ["build"],
    ["add", "x.txt"],
    ["import", "brat", "x"],
    ["export", "conll", "--out", "x"],
    ["canonicalize"],
    ["reanchor"],
    ["recover"],
    ["agree", "a", "b"],
    ["adjudicate", "x", "a", "b"],
    ["stats"],
    ["show", "x", "--out", "x.html"],
]


@pytest.mark.parametrize("args", CORPUS_COMMANDS, ids=lambda a: a[0])
def test_outside_any_corpus_every_corpus_command_exits_2(cli, tmp_path, args):
    code, _, err = cli(*args, cwd=tmp_path)
    assert code == 2, err
    assert "not inside a newsspan corpus" in err and "--root DIR" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("arg", ["annotations/typo.json", "corpus/typo.txt", "typo", "README.md"])
def test_a_path_or_id_that_names_nothing_exits_2(cli, valid_root, arg):
    (valid_root / "README.md").write_text("not corpus data\n")
    code, out, err = cli("validate", arg, cwd=valid_root)
    assert code == 2 and arg in err and out == ""


def test_a_path_outside_the_root_exits_2(cli, valid_root, tmp_path):
    stray = tmp_path / "stray.json"
    stray.write_text("{}")
    code, _, err = cli("validate", "--root", valid_root, stray)
    assert code == 2 and f"{stray}: not a text, meta or annotation file in corpus/ or annotations/" in err


def test_paths_are_taken_from_the_working_directory_or_the_root(cli, valid_root, tmp_path):
    for args, cwd in (
        (["tiny.json"], valid_root / "annotations"),
        (["annotations/tiny.json", "--root", valid_root], tmp_path),
        (["tiny"], valid_root / "corpus"),
    ):
        code, out, err = cli("validate", *args, cwd=cwd)
        assert code == 0 and "1 document, 3 files checked" in out, out + err


def test_init_makes_a_root_that_commands_then_find(cli, tmp_path):
    new = tmp_path / "new"
    code, out, _ = cli("init", new)
    assert code == 0 and (new / "corpus").is_dir() and (new / "annotations").is_dir() and "newsspan add" in out
    before = snapshot(new)
    code, out, _ = cli("init", cwd=new)
    assert code == 0 and "already" in out and snapshot(new) == before
    code, out, _ = cli("validate", cwd=new / "corpus")
    assert code == 0 and f"in {new}: 0 documents" in out
    (tmp_path / "file").write_text("x")
    assert cli("init", tmp_path / "file")[0] == 2


# formats ------------------------------------------------------------------------------------


def test_the_report_formats(cli, fixture_root):
    root, _ = fixture_root("span-text-mismatch")
    code, out, _ = cli("validate", "--root", root)
    first = out.splitlines()[0]
    assert (
        code == 1
        and first.startswith("annotations/tiny.json:")
        and "error[span-text-mismatch] /entities/0/text:" in first
    )
    assert out.splitlines()[1].startswith("    fix: ")
    assert out.splitlines()[-1].startswith(f"newsspan validate FAILED in {root}: 1 document")

    code, out, _ = cli("validate", "--root", root, "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["summary"]["errors"] == 1 and doc["summary"]["by_check"] == {"span-text-mismatch": 1}
    (p,) = doc["problems"]
    assert p["document_id"] == "tiny" and p["line"] and p["column"] and p["pointer"] == "/entities/0/text"

    code, out, _ = cli("validate", "--root", root, "--format", "github")
    first, *_, last = out.splitlines()
    prefix = (
        f"::error file=annotations/tiny.json,line={p['line']},col={p['column']},title=newsspan span-text-mismatch::"
    )
    assert code == 1 and first.startswith(prefix) and "%0A" not in first[: len(prefix)]
    assert last.startswith("newsspan validate FAILED")


# --help --------------------------------------------------------------------------------------


def help_text(cli, *args) -> str:
    code, out, _ = cli(*args, "--help")
    assert code == 0
    return out


def commands(top_help: str) -> list[str]:
    block = top_help.split("positional arguments:")[1].split("options:")[0]
    return re.findall(r"^    ([a-z]+)\b", block, flags=re.M)


def examples(text: str) -> list[str]:
    """The example lines that end a help text (everything after its `examples:` line)."""
    tail = text.rstrip("\n").partition("\nexamples:\n")[2]
    assert tail, "no examples: section"
    return [line.strip() for line in tail.splitlines()]


def parses(example: str) -> None:
    words = shlex.split(re.split(r"\s(?:#|>)\s", example)[0])
    assert words[0] == "newsspan"
    build_parser().parse_args(words[1:])  # a usage error exits 2 and fails the test


def test_the_top_level_help_lists_the_commands_and_ends_with_examples(cli):
    text = help_text(cli)
    names = commands(text)
    assert {
        "validate",
        "build",
        "add",
        "import",
        "export",
        "canonicalize",
        "reanchor",
        "recover",
        "init",
        "checks",
    } <= set(names)
    assert len(examples(text)) >= 3
    for ex in examples(text):
        assert re.match(rf"newsspan ({'|'.join(names)})\b", ex), ex
        parses(ex)


def test_every_command_describes_itself_and_ends_with_examples_of_itself(cli):
    names = commands(help_text(cli))
    assert len(names) >= 14
    for cmd in names:
        for path in [[cmd]] + ([["import", f] for f in IMPORT_FORMATS] if cmd == "import" else []):
            text = help_text(cli, *path)
            description = text.split("\n\n")[1]
            assert not description.startswith(("positional arguments:", "options:")) and len(description) > 40, path
            assert examples(text), path
            for ex in examples(text):
                assert ex.startswith(f"newsspan {' '.join(path)}"), (path, ex)
                parses(ex)


# progress -------------------------------------------------------------------------------------

BAR = re.compile(r"(validating|exporting|importing): +\d+%\|")


@pytest.fixture
def terminal(monkeypatch):
    """stderr as a terminal: the CLI shows progress there (still captured by capsys)."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)


def test_progress_shows_on_a_terminal_only_and_never_on_stdout(cli, valid_root, tmp_path, monkeypatch):
    code, out, err = cli("validate", "--root", valid_root)
    assert code == 0 and err == ""  # stderr no terminal: no bar
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = cli("validate", "--root", valid_root)
    assert code == 0 and re.search(r"validating: +\d+%\|.*doc", err) and "validating" not in out
    for quiet in (["--quiet"], ["-q"], ["--format", "json"]):
        code, out, err = cli("validate", "--root", valid_root, *quiet)
        assert code == 0 and not BAR.search(err), quiet
    code, _, err = cli("export", "labelstudio", "--root", valid_root, "--out", tmp_path / "t.json")
    assert code == 0 and re.search(r"exporting: +\d+%\|", err), err
    code, _, err = cli("export", "conll", "--root", valid_root, "--out", tmp_path / "c.conll", "--quiet")
    assert code == 0 and not BAR.search(err)
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Bob Smith spoke.", "label": [[0, 9, "PERSON"]]}) + "\n", encoding="utf-8")
    code, _, err = cli("import", "doccano", path, "--root", valid_root, "--language", "en")
    assert code == 0 and re.search(r"importing: +\d+%\|", err), err


def test_build_shows_progress_on_a_terminal_only(cli, valid_root, tmp_path, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = cli("build", "--root", valid_root, "--out", tmp_path / "hf", "--config", "entities")
    assert code == 0, out + err
    assert re.search(r"validating: +\d+%\|", err) and re.search(r"reading: +\d+%\|", err), (
        err
    )  # then the documents read
    code, out, err = cli("build", "--root", valid_root, "--out", tmp_path / "hf", "--config", "entities", "-q")
    assert code == 0 and err.strip() == "", err


# bad input is never a traceback -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_file_is_a_problem_report_with_exit_1(cli, valid_root, name):
    make, check = CASES[name]
    path = valid_root / "annotations/tiny.json"
    path.write_bytes(make(path.read_text(encoding="utf-8")))
    code, out, err = cli("validate", "--root", valid_root)
    assert code == 1 and err == ""
    assert re.search(rf"^annotations/tiny\.json(:\d+:\d+)?: error\[{check}\]", out, re.M), out
    code, out, _ = cli("validate", "--root", valid_root, "--format", "json")
    hits = [p for p in json.loads(out)["problems"] if p["check"] == check]
    assert code == 1 and hits and all(p["path"] == "annotations/tiny.json" for p in hits)


INJECTED = RuntimeError("injected failure")


def test_a_bug_is_one_line_and_exit_1_and_the_traceback_is_there_when_asked(cli, valid_root, monkeypatch):
    def boom(*args, **kwargs):
        raise INJECTED

    monkeypatch.setattr(validator, "validate_root", boom)
    code, out, err = cli("validate", "--root", valid_root)
    assert (code, out) == (1, "")
    assert err.startswith("newsspan validate: internal error: RuntimeError: injected failure") and err.count("\n") == 1
    monkeypatch.setenv("NEWSSPAN_DEBUG", "1")
    with pytest.raises(RuntimeError, match="injected failure"):  # for whoever fixes it
        cli("validate", "--root", valid_root)


# real processes: the console script, and `python -m newsspan` into a closed pipe ---------------------------------


def test_the_console_script_runs():
    script = Path(sys.executable).with_name("newsspan")
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable} (newsspan is not installed in this environment)")
    res = subprocess.run(
        [script, "validate", "--root", REPO], capture_output=True, text=True, env=cli_env(), cwd=FIXTURES
    )
    assert res.returncode == 0 and f"passed in {REPO}" in res.stdout, res.stderr


def test_a_closed_pipe_is_no_traceback(valid_root):
    """`python -m newsspan validate | head -1` ends quietly when head stops reading."""
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


# messages that lead to the fix ----------------------------------------------------------------


def new_root(tmp_path):
    root = tmp_path / "root"
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    return root


def test_a_label_map_lists_every_unknown_target_at_once(cli, valid_root, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Bob met Acme in Paris.", "label": [[0, 3, "A"], [8, 12, "B"], [16, 21, "C"]]}))
    before = snapshot(valid_root)
    maps = ["--label-map", "A=Person,B=ORGANIZATION", "--label-map", "C=LOCATION,D=sections:Paragraph"]
    code, _, err = cli("import", "doccano", path, "--root", valid_root, *maps)
    assert code == 1 and "4 problems in the label map" in err
    for target, meant in (
        ("Person", "'PERSON'"),
        ("ORGANIZATION", "'ORG'"),
        ("LOCATION", "'LOC'"),
        ("sections:Paragraph", "'sections:paragraph'"),
    ):
        line = next(line for line in err.splitlines() if f"={target}:" in line)
        assert f"did you mean {meant}?" in line, line
    assert snapshot(valid_root) == before


def test_unmapped_tool_labels_are_suggested_case_insensitively_and_by_alias(cli, tmp_path):
    path = tmp_path / "d.jsonl"
    labels = [[0, 3, "Person"], [8, 12, "Organization"], [16, 21, "LOCATION"], [23, 26, "Action"]]
    path.write_text(json.dumps({"text": "Bob met Acme in Paris. Run!", "label": labels}) + "\n", encoding="utf-8")
    root = new_root(tmp_path)
    code, _, err = cli("import", "doccano", path, "--root", root)
    assert code == 1 and "--label-map 'Action=ignore,LOCATION=LOC,Organization=ORG,Person=PERSON'" in err
    assert snapshot(root) == {}


def test_add_with_an_invalid_id_says_what_is_allowed_and_suggests_one(cli, tmp_path):
    root = new_root(tmp_path)
    src = tmp_path / "a.txt"
    src.write_text("Strike ends\n\nWorkers returned on Monday.\n", encoding="utf-8")
    code, _, err = cli("add", "--root", root, src, "--id", "news/2024/strike")
    assert code == 1 and "'news/2024/strike' is not a valid document id" in err
    assert "a-z, 0-9, '_' and '-'" in err and "'news-2024-strike'" in err
    assert snapshot(root) == {}
    assert cli("add", "--root", root, src, "--id", "news-2024-strike")[0] == 0  # the suggestion is valid
    assert (root / "corpus/news-2024-strike.txt").is_file()


def test_add_and_import_print_each_layer_s_status_and_how_to_release_a_draft(cli, valid_root, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Strike ends\n\nWorkers returned on Monday.\n", encoding="utf-8")
    code, out, _ = cli("add", "--root", valid_root, src, "--language", "en")
    assert code == 0 and "annotations/a.json: status draft (2 sections, 0 entities, 0 claims)" in out
    hint = next(line for line in out.splitlines() if line.startswith("to release"))
    assert "annotations/a.json" in hint and '"status" to "complete" or "gold"' in hint and "--include-drafts" in hint

    text = (valid_root / "corpus/tiny.txt").read_text(encoding="utf-8")
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[0, 14, "PERSON"]]}) + "\n", encoding="utf-8")
    code, out, _ = cli("import", "doccano", path, "--root", valid_root, "--annotator", "bob")
    assert code == 0 and "annotations/annotators/bob/tiny.json: status draft (2 sections, 1 entities, 0 claims)" in out
    assert "to release" not in out  # an annotator's layer is never released
    new = tmp_path / "n.jsonl"
    new.write_text(json.dumps({"text": "Bob Smith spoke.", "label": [[0, 9, "PERSON"]]}) + "\n", encoding="utf-8")
    code, out, _ = cli("import", "doccano", new, "--root", valid_root, "--language", "en")
    assert code == 0 and "status draft (" in out and "to release annotations/n-1.json" in out
    code, out, _ = cli("import", "doccano", new, "--root", valid_root, "--status", "complete", "--force")
    assert code == 0 and "status complete" in out and "to release" not in out


def test_build_names_the_documents_it_left_out_and_the_option(cli, tmp_path):
    root = new_root(tmp_path)
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(13):
        (folder / f"doc-{i:02d}.txt").write_text(f"Headline {i}\n\nOfficials met on Monday ({i}).\n", encoding="utf-8")
    assert cli("add", "--root", root, folder, "--language", "en")[0] == 0
    before = snapshot(root)
    code, _, err = cli("build", "--root", root, "--out", tmp_path / "hf")  # nothing released yet
    assert code == 1 and "nothing to release" in err and "doc-00 (draft)" in err and "--include-drafts" in err
    assert snapshot(root) == before and not (tmp_path / "hf").exists()
    path = root / "annotations/doc-12.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"draft"', '"gold"'), encoding="utf-8")
    (root / "annotations/doc-11.json").unlink()
    code, out, err = cli("build", "--root", root, "--out", tmp_path / "hf", "--config", "sections")
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("not released:"))
    shown = ", ".join(f"doc-{i:02d} (draft)" for i in range(10))
    assert line.startswith(f"not released: {shown} and 2 more; --include-drafts includes them"), line
    assert "doc-11" not in line and "doc-12" not in line  # doc-10 (draft) and doc-11 (no layer) are the 2 more
