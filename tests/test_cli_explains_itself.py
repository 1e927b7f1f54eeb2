"""A CLI that explains itself (issue 11.6): every command's --help describes it and ends with
examples that parse, and progress shows on stderr only when it is a terminal."""

import fcntl
import json
import os
import re
import shlex
import struct
import subprocess
import sys
import tempfile
import termios

import pytest

from newsspan.cli import build_parser, main

from conftest import NOWHERE, cli_env, run_cli

# `newsspan import FORMAT --help` is written per format with the import subcommands (issue 16)
OWN_HELP_ELSEWHERE = {"import"}


def _help(capsys, *args) -> str:
    with pytest.raises(SystemExit) as done:
        main([*args, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def _commands(top_help: str) -> list[str]:
    block = top_help.split("positional arguments:")[1].split("options:")[0]
    return re.findall(r"^    ([a-z]+)\b", block, flags=re.M)


def _examples(text: str) -> list[str]:
    """The example lines that end a help text (everything after its `examples:` line)."""
    tail = text.rstrip("\n").split("\nexamples:\n")
    assert len(tail) == 2, "no examples: section"
    return [line.strip() for line in tail[1].splitlines()]


def _parses(example: str) -> None:
    words = shlex.split(re.split(r"\s(?:#|>)\s", example)[0])
    assert words[0] == "newsspan"
    build_parser().parse_args(words[1:])  # a usage error exits 2 and fails the test


def test_top_level_help_lists_the_commands_and_ends_with_examples(capsys):
    text = _help(capsys)
    commands = _commands(text)
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
    } <= set(commands)
    examples = _examples(text)
    assert len(examples) >= 3
    for ex in examples:
        assert re.match(rf"newsspan ({'|'.join(commands)})\b", ex), ex
        _parses(ex)


def test_every_command_has_a_description_and_ends_with_examples_of_itself(capsys):
    commands = [c for c in _commands(_help(capsys)) if c not in OWN_HELP_ELSEWHERE]
    assert len(commands) >= 9
    for cmd in commands:
        text = _help(capsys, cmd)
        description = text.split("\n\n")[1]
        assert not description.startswith(("positional arguments:", "options:")) and len(description) > 40, (
            cmd,
            description,
        )
        examples = _examples(text)
        assert examples, cmd
        for ex in examples:
            assert ex.startswith(f"newsspan {cmd}"), (cmd, ex)
            _parses(ex)


# progress --------------------------------------------------------------------------------------


def _run_on_terminal(*args, cwd=None):
    """Run the CLI with stderr on a pseudo-terminal (stdout a file): (exit code, stdout, terminal output)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsspan", *map(str, args)],
            stdout=out,
            stderr=slave,
            stdin=subprocess.DEVNULL,
            cwd=cwd or NOWHERE,
            env=cli_env(),
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the process closed the terminal's other side
                break
            if not data:
                break
            chunks.append(data)
        proc.wait()
        os.close(master)
        out.seek(0)
        return proc.returncode, out.read().decode("utf-8"), b"".join(chunks).decode("utf-8", "replace")


BAR = re.compile(r"(validating|exporting|importing): +\d+%\|")


def test_validate_shows_progress_on_a_terminal_only(valid_root):
    code, out, term = _run_on_terminal("validate", "--root", valid_root)
    assert code == 0 and "passed" in out
    assert re.search(r"validating: +\d+%\|.*doc", term), term
    assert "validating" not in out  # never on stdout
    piped = run_cli("validate", "--root", valid_root)
    assert piped.returncode == 0 and piped.stderr == ""


@pytest.mark.parametrize("quiet", [["--quiet"], ["-q"], ["--format", "json"]])
def test_no_progress_when_quiet_or_json(quiet, valid_root):
    code, out, term = _run_on_terminal("validate", "--root", valid_root, *quiet)
    assert code == 0 and not BAR.search(term), term
    if "json" in quiet:
        assert json.loads(out)["summary"]["errors"] == 0


def test_export_and_import_show_progress_on_a_terminal(valid_root, tmp_path):
    code, _, term = _run_on_terminal("export", "labelstudio", "--root", valid_root, "--out", tmp_path / "t.json")
    assert code == 0 and re.search(r"exporting: +\d+%\|", term), term
    piped = run_cli("export", "labelstudio", "--root", valid_root, "--out", tmp_path / "u.json")
    assert piped.returncode == 0 and not BAR.search(piped.stderr)
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Bob Smith spoke.", "label": [[0, 9, "PERSON"]]}) + "\n", encoding="utf-8")
    code, _, term = _run_on_terminal("import", "doccano", path, "--root", valid_root, "--language", "en")
    assert code == 0 and re.search(r"importing: +\d+%\|", term), term
    code, _, term = _run_on_terminal("export", "conll", "--root", valid_root, "--out", tmp_path / "c.conll", "--quiet")
    assert code == 0 and not BAR.search(term), term


def test_build_shows_progress_on_a_terminal_only(valid_root, tmp_path):
    code, out, term = _run_on_terminal("build", "--root", valid_root, "--out", tmp_path / "hf", "--config", "entities")
    assert code == 0, out + term
    assert re.search(r"validating: +\d+%\|", term) and re.search(r"reading: +\d+%\|", term), term  # then the build's
    code, out, term = _run_on_terminal(
        "build", "--root", valid_root, "--out", tmp_path / "hf", "--config", "entities", "-q"
    )
    assert code == 0 and term.strip() == "", term
