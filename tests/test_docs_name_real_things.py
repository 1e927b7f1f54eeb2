"""The docs say what the code does (issue 11.9): every command, option and repository file that
README.md, CONTRIBUTING.md and docs/*.md name exists, judged against the real argument parser
and the checkout; and the counts table of the guidelines matches the gold annotation."""

import contextlib
import io
import json
import re
from collections import Counter

import pytest

from newsspan import schema
from newsspan.cli import main
from newsspan.formats import IMPORT_FORMATS

from conftest import REPO

DOCS = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]

# Paths the docs name that commands make, or that the user chooses: never in the checkout.
MADE = ("build/", ".newsspan-cache/", "newsspan/_corpus")
# Paths named as examples of hostile input (docs/reliability.md's catalogue), not as files.
EXAMPLES = {"annotations/annotators/x"}
TOP = {p.name for p in REPO.iterdir()} - {"build", ".newsspan-cache", ".git"}


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


def _help(*words) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pytest.raises(SystemExit):
        main([*words, "--help"])
    return buf.getvalue()


def test_the_docs_show_commands():
    named = {cmd for _, cmd, _ in command_mentions()}
    assert {"validate", "build", "add", "import", "export", "canonicalize", "reanchor", "recover", "checks"} <= named


@pytest.mark.parametrize("doc,cmd,words", command_mentions(), ids=lambda x: x if isinstance(x, str) else None)
def test_every_command_and_option_the_docs_name_exists(doc, cmd, words):
    commands = re.findall(r"^    ([a-z]+)\b", _help().split("positional arguments:")[1], flags=re.M)
    assert cmd in commands, f"{doc} names `newsspan {cmd}`, which is no command"
    # an import format selects its own help where the CLI has one per format
    path = [cmd] + ([words[0]] if cmd == "import" and words and words[0] in IMPORT_FORMATS else [])
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
