"""CONTRIBUTING.md, the pre-commit hook and the GitHub workflow stay true to the code."""

import re

import yaml

from newsspan import checks
from newsspan.formats import EXPORT_FORMATS, IMPORT_FORMATS
from newsspan.formats.labelstudio import labeling_config

from conftest import REPO, run_cli

GUIDE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


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
    from newsspan.model import GUIDELINES_VERSION

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
    assert {"ruff check .", "ruff format --check .", "mypy"} <= ci_lines
    assert "pip install -q -e '.[dev]'" in ci_lines
    tools = {
        " ".join(h["entry"].split()[:2]) if h["entry"].startswith("ruff") else h["entry"].split()[0]
        for h in hooks.values()
        if h["id"] != "newsspan-validate"
    }
    assert tools == {"ruff check", "ruff format", "mypy"}
    assert all(h["language"] == "system" for h in hooks.values())
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    dev = pyproject[pyproject.index("\ndev = [") :]
    dev = dev[: dev.index("\n]")]
    for tool in ("ruff", "mypy"):
        assert f'"{tool}>=' in dev, tool
    # the corpus hook is the one other repositories get from .pre-commit-hooks.yaml
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    local = hooks["newsspan-validate"]
    assert (local["entry"], local["files"], local["pass_filenames"]) == (
        published["entry"],
        published["files"],
        published["pass_filenames"],
    )
