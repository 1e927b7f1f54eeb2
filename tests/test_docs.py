"""The docs say what the code does: the README's Python examples run as written; README.md,
CONTRIBUTING.md and docs/*.md name only real commands, options and files; docs/checks.md is
generated from the check registry; the pre-commit hook and the workflow run what CI runs."""

import doctest
import functools
import json
import os
import re
from collections import Counter

import pytest
import yaml

from newsspan import catalogue, checks, schema
from newsspan.formats import EXPORT_FORMATS, IMPORT_FORMATS
from newsspan.formats.labelstudio import labeling_config
from newsspan.model import GUIDELINES_VERSION

from conftest import REPO, run_cli

GUIDE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
DOCS = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]


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


def test_docs_checks_md_is_current():
    """docs/checks.md is generated; regenerate with `newsspan checks --markdown > docs/checks.md`."""
    assert (REPO / "docs" / "checks.md").read_text(encoding="utf-8") == catalogue.markdown()


def test_catalogue_lists_every_check_once():
    md = catalogue.markdown()
    for check_id in checks.REGISTRY:
        assert md.count(f"| `{check_id}` |") == 1


def test_checks_command_prints_catalogue():
    res = run_cli("checks", "--markdown")
    assert res.returncode == 0
    assert res.stdout == catalogue.markdown()


# the docs name real things -------------------------------------------------------------------

# Paths the docs name that commands make, or that the user chooses: never in the checkout.
MADE = ("build/", "newsspan/_corpus")
# Paths named as examples of hostile input (docs/reliability.md's catalogue), not as files.
EXAMPLES = {"annotations/annotators/x"}
TOP = {p.name for p in REPO.iterdir()} - {"build", ".git"}


def _fenced_and_prose(text: str) -> tuple[list[str], str]:
    """The lines of fenced code blocks, and the rest of the text."""
    code, prose, fenced = [], [], False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        (code if fenced else prose).append(line)
    return code, "\n".join(prose)


def _inline_code(prose: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", prose)


def command_mentions():
    """(doc, words) for every `newsspan <command> ...` the docs show, as shell words."""
    out = []
    for doc in DOCS:
        code, prose = _fenced_and_prose(doc.read_text(encoding="utf-8"))
        lines = [line.strip().removeprefix("$ ") for line in code] + _inline_code(prose)
        for line in lines:
            # a command line; `# comment`, `> file` and `|` end it; {a,b} and [OPTIONAL] are notation
            m = re.match(r"newsspan ([a-z][a-z-]*)((?: [^#|>]*)?)", line)
            if m:
                out.append((doc.name, m.group(1), m.group(2).replace("[", " ").replace("]", " ").split()))
    return out


@functools.cache
def _help(*words) -> str:
    res = run_cli(*words, "--help")
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_the_docs_show_commands():
    named = {cmd for _, cmd, _ in command_mentions()}
    assert {"validate", "build", "add", "import", "export", "canonicalize", "reanchor", "recover", "checks"} <= named


@pytest.mark.parametrize("doc,cmd,words", command_mentions(), ids=lambda x: x if isinstance(x, str) else None)
def test_every_command_and_option_the_docs_name_exists(doc, cmd, words):
    commands = re.findall(r"^    ([a-z]+)\b", _help().split("positional arguments:")[1], flags=re.M)
    assert cmd in commands, f"{doc} names `newsspan {cmd}`, which is no command"
    # an import format selects its own help where the CLI has one per format
    path = [cmd] + ([words[0]] if cmd == "import" and words and words[0] in (*IMPORT_FORMATS, "gum") else [])
    known = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", _help(*path)))
    for option in (w.split("=")[0] for w in words if w.startswith("--")):
        assert option in known, f"{doc} names `newsspan {cmd} ... {option}`, which `newsspan {' '.join(path)}` has not"


def file_mentions():
    """(doc, path, how) for every repository file the docs link to or name in backticks: a path
    under a top-level entry of the checkout, a file name such as `make_corpus.py`, or a test
    such as `test_containment.py::test_name`."""
    out = []
    for doc in DOCS:
        _, prose = _fenced_and_prose(doc.read_text(encoding="utf-8"))
        out += [
            (doc, (doc.parent / target).resolve().relative_to(REPO).as_posix(), "link")
            for target in re.findall(r"\]\(([^)#\s]+)[^)]*\)", prose)
            if not re.match(r"[a-z]+:", target)
        ]  # a URL is no file
        for span in _inline_code(prose):
            m = re.fullmatch(r"([\w.-]+\.py)::(\w+)", span)
            if m:
                out.append((doc, span, "test"))
            elif not re.fullmatch(r"[\w./-]+", span) or span.startswith(MADE) or span in EXAMPLES:
                continue
            elif span.split("/")[0] in TOP and "/" in span:
                out.append((doc, span, "path"))
            elif "/" not in span and re.search(r"\w\.(py|md|toml|ya?ml)$", span):
                out.append((doc, span, "file"))
    return out


def _found(path: str, how: str) -> bool:
    if how in ("link", "path"):
        return (REPO / path).exists()
    name, _, func = path.partition("::")
    files = [f for f in REPO.rglob(name) if ".git" not in f.parts]
    return bool(files) and (
        not func or any(re.search(rf"^def {func}\b", f.read_text(encoding="utf-8"), re.M) for f in files)
    )


@pytest.mark.parametrize("doc,path,how", file_mentions(), ids=lambda x: x if isinstance(x, str) else None)
def test_every_file_the_docs_name_exists(doc, path, how):
    assert _found(path, how), f"{doc.name} names {path!r} ({how}), which the repository does not hold"


def test_the_docs_name_files_at_all():
    named = {path for _, path, _ in file_mentions()}
    assert {"docs/checks.md", "docs/guidelines.md", ".pre-commit-hooks.yaml", "bench/RESULTS.md"} <= named


def test_the_guidelines_counts_match_the_gold_annotation():
    text = (REPO / "docs/guidelines.md").read_text(encoding="utf-8")
    table = text[text.index("<!-- counts:begin -->") : text.index("<!-- counts:end -->")]
    ann_name = re.search(r"`(annotations/[\w.]+\.json)`", table).group(1)
    ann = json.loads((REPO / ann_name).read_text(encoding="utf-8"))
    assert ann["text_sha256"].startswith(re.search(r"text_sha256 `([0-9a-f]+)…`", table).group(1))
    rows = {
        (layer, label): int(n)
        for layer, label, n in re.findall(r"^\| ([a-z ()]+) \| ([A-Za-z_]+) \| (\d+) \|$", table, re.M)
    }
    want = {("sections", k): v for k, v in Counter(s["label"] for s in ann["sections"]).items()}
    want |= {("entities", k): v for k, v in Counter(e["label"] for e in ann["entities"]).items()}
    want |= {
        ("claims (attribution)", k): v for k, v in Counter(c["attribution"]["type"] for c in ann["claims"]).items()
    }
    want |= {
        ("claims (checkworthy)", str(k).lower()): v for k, v in Counter(c["checkworthy"] for c in ann["claims"]).items()
    }
    assert {k: v for k, v in rows.items() if v} == want
    labels = set(schema.section_labels()) | set(schema.entity_labels())
    assert {label for (layer, label) in rows if not layer.startswith("claims")} == labels  # every label has a row


# CONTRIBUTING.md, the hooks and the workflow ----------------------------------------------------


def test_guide_covers_every_command_and_format():
    for cmd in ("add", "import", "export", "canonicalize", "reanchor", "validate"):
        assert f"newsspan {cmd}" in GUIDE, cmd
    for fmt in IMPORT_FORMATS:
        assert f"newsspan import {fmt}" in GUIDE, fmt
    for fmt in EXPORT_FORMATS:
        assert fmt in GUIDE


def test_guide_names_only_real_checks_and_the_current_label_config():
    table = GUIDE[GUIDE.index("| check | what it means |") :]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    named = {n for row in rows for n in re.findall(r"`([a-z-]+)`", row.split("|")[1])}
    assert len(named) >= 10 and named <= set(checks.REGISTRY), named - set(checks.REGISTRY)
    assert labeling_config() in GUIDE


def test_guidelines_version_matches_the_docs():
    assert f"Version **{GUIDELINES_VERSION}**" in (REPO / "docs/guidelines.md").read_text(encoding="utf-8")


def test_pre_commit_hook_runs_the_validator_on_corpus_files(valid_root):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "newsspan-validate")
    assert hook["entry"] == "newsspan validate" and hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    for path in ("corpus/a.txt", "corpus/a.meta.json", "annotations/a.json", "annotations/annotators/jane/a.json"):
        assert files.search(path), path
    for path in ("corpus/notes.md", "README.md", "schema/annotation.schema.json", "annotations/x/y/z.json"):
        assert not files.search(path), path
    # what pre-commit runs: the entry with the changed files as arguments
    res = run_cli(*hook["entry"].split()[1:], "--root", valid_root, "annotations/tiny.json", "corpus/tiny.txt")
    assert res.returncode == 0 and "1 document," in res.stdout


def test_workflow_validates_changed_files_for_github():
    wf = yaml.safe_load((REPO / ".github/workflows/validate.yml").read_text(encoding="utf-8"))
    steps = wf["jobs"]["validate"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'newsspan validate --format github "${files[@]}"' in runs
    assert "git diff --name-only --diff-filter=d" in runs
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    assert hook["files"] in runs  # the same file pattern in both places


def test_pre_commit_config_runs_what_ci_runs_with_the_dev_extra():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    ci_lines = {line.strip() for line in ci.splitlines()}
    # the same tools as CI: nothing downloaded at commit time, so they come from the [dev] extra
    assert {"ruff check .", "ruff format --check .", "mypy", "lint-imports"} <= ci_lines
    assert "pip install -q -e '.[dev]'" in ci_lines
    tools = {
        " ".join(h["entry"].split()[:2]) if h["entry"].startswith("ruff") else h["entry"].split()[0]
        for h in hooks.values()
        if h["id"] != "newsspan-validate"
    }
    assert tools == {"ruff check", "ruff format", "mypy", "lint-imports"}
    assert all(h["language"] == "system" for h in hooks.values())
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    dev = pyproject[pyproject.index("\ndev = [") :]
    dev = dev[: dev.index("\n]")]
    for tool in ("ruff", "mypy", "import-linter"):
        assert f'"{tool}>=' in dev, tool
    # the corpus hook is the one other repositories get from .pre-commit-hooks.yaml
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    local = hooks["newsspan-validate"]
    assert (local["entry"], local["files"], local["pass_filenames"]) == (
        published["entry"],
        published["files"],
        published["pass_filenames"],
    )
