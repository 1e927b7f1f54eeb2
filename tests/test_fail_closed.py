"""Fail closed: an error inside the validator is a reported error (exit 1), never a pass or a traceback."""

from __future__ import annotations

import subprocess
import sys

from newsspan import jsonfile
from newsspan.validator import validate_root

from conftest import cli_env


def test_an_error_outside_any_check_is_an_internal_error_of_the_document(valid_root, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("injected")

    monkeypatch.setattr(jsonfile, "parse", broken)  # a reader, not a registered check
    report = validate_root(valid_root)
    assert not report.ok
    errs = [p for p in report.problems if p.check == "internal-error"]
    assert len(errs) == 1 and errs[0].path == "corpus/tiny.txt" and errs[0].document_id == "tiny"
    assert "validating document 'tiny' failed: MemoryError: injected" in errs[0].message


INJECT = """
import sys
import newsspan.validator as v
def boom(*a, **k):
    raise RuntimeError("injected failure")
v.validate_root = boom
from newsspan.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_command_line_turns_a_bug_into_one_line_and_exit_1(valid_root):
    res = subprocess.run(
        [sys.executable, "-c", INJECT, "validate", "--root", str(valid_root)],
        capture_output=True,
        text=True,
        env=cli_env(),
    )
    assert res.returncode == 1
    assert res.stdout == "" and "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsspan validate: internal error: RuntimeError: injected failure")
    debug = subprocess.run(
        [sys.executable, "-c", INJECT, "validate", "--root", str(valid_root)],
        capture_output=True,
        text=True,
        env=cli_env(NEWSSPAN_DEBUG="1"),
    )
    assert debug.returncode == 1 and "Traceback" in debug.stderr  # for whoever fixes it
