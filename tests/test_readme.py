"""The README's Python examples run as written, from a directory that is no corpus (as conllu's
tests/test_readme.py does): the README cannot drift from the code, nor depend on where it runs."""

import doctest
import os

from conftest import REPO


def test_readme_python_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = (REPO / "README.md").read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, "README.md", str(REPO / "README.md"), 0)
    assert test.examples, "the README has no >>> examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} README examples failed (see above)"
    assert os.listdir(tmp_path) == []  # the examples write nothing where they run
