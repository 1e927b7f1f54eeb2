"""The `newsspan` command line: parses arguments and calls the library.

Exit codes: 0 success (warnings allowed), 1 problems found or bad input, 2 usage error or unusable root.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import (
    adjudicate,
    agreement,
    catalogue,
    checks,
    diff,
    edit,
    formats,
    hf,
    pack,
    rehydrate,
    schema,
    show,
    stats,
    store,
    validator,
)
from .corpus import Corpus
from .formats.offsets import UNITS
from .hf import BuildError, release
from .report import RENDERERS, Problem, count


def _positive_int(value: str) -> int:
    n = int(value) if value.strip().isdigit() else 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return n


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}


def _size(value: str) -> int:
    """A size in bytes: 500000, 500KB, 128MB, 1GiB."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", value)
    size = float(m.group(1)) * _UNITS.get(m.group(2).upper(), 0) if m else 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"expected a size such as 128MB or 500KB, found {value!r}")
    return int(size)


def arg(*flags: str, **kwargs) -> tuple:
    return flags, kwargs


def _flag(*flags: str, help: str) -> tuple:
    return arg(*flags, action="store_true", help=help)


def _number(*flags: str, help: str, default: int | None = None) -> tuple:
    return arg(*flags, type=_positive_int, default=default, metavar="N", help=help)


def _format(*choices: str, what: str = "output") -> tuple:
    return arg("--format", choices=choices, default="text", help=f"{what} format (default: text)")


def _drafts(verb: str, more: str = "") -> tuple:
    """--include-drafts: also `verb` the drafts (build releases them, export exports them)."""
    return _flag("--include-drafts", help=f"also {verb} draft layers and texts without a released layer{more}")


ROOT_HELP = (
    "the corpus root, a folder holding corpus/ and annotations/ (default: the nearest one at or above the "
    "working directory, as git finds its repository)"
)
ROOT = arg("--root", metavar="DIR", help=ROOT_HELP)
# `newsspan import FORMAT --root DIR`; no default, which would replace that of `newsspan import --root DIR FORMAT`
IMPORT_ROOT = arg("--root", metavar="DIR", default=argparse.SUPPRESS, help=ROOT_HELP)
QUIET = _flag("--quiet", "-q", help="no progress bar (one is shown on stderr only on a terminal)")
IDS = arg("ids", nargs="*", metavar="ID", help="document ids (default: all)")
ID = arg("id", metavar="ID", help="the document id")
NO_CACHE = _flag("--no-cache", help=argparse.SUPPRESS)  # no cache since 0.2; kept for scripts
COMMANDS: dict[str, tuple] = {}


def _wrap(text: str) -> str:
    return textwrap.fill(text, 88, break_on_hyphens=False)  # an option such as --include-drafts stays whole


def command(name: str, summary: str, description: str, examples: tuple[str, ...], *args: tuple, root: bool = True):
    """Declare a subcommand: its --help says what it does and ends with examples. Unless root=False, it takes
    --root first and is called as run(args, root) with the root found; otherwise as run(args)."""

    def declare(run):
        declared = (ROOT, *args) if root else args
        COMMANDS[name] = (summary, _wrap(description), examples, declared, _in_root(run) if root else run)
        return run

    return declare


def _in_root(run):
    return lambda args: run(args, store.Root.discover(args.root))


def _options(args, *names: str) -> dict:
    """The options named that the command has, as keyword arguments of the same names."""
    return {name: getattr(args, name) for name in names if hasattr(args, name)}


def _progress(args) -> bool:
    return not getattr(args, "quiet", False) and sys.stderr.isatty()


def _waiting(name: str):
    return lambda message: print(f"newsspan {name}: {message}", file=sys.stderr, flush=True)


def _folder_of(path: str, option: str) -> Path:
    if not Path(path).absolute().parent.is_dir():
        raise store.StoreError(f"{option} {path}: no folder {Path(path).absolute().parent} to write it in")
    return Path(path)


def _refused(name: str, why: str, root, problems=()) -> int:
    """The problems of the files read, then why the command refused (stderr); exit code 1."""
    for p in sorted(problems, key=Problem.sort_key):
        print(p, file=sys.stderr)
    print(f"newsspan {name}: {why} (root {root.path})", file=sys.stderr)
    return 1


def _report_plan(name: str, plan, root, partial: bool = False) -> int:
    """The plan's problems (stderr) and summary; a partial plan (canonicalize, reanchor) was written for the
    documents without errors, so its errors come after the summary of what was done."""
    for severity, problems in (("warning", plan.warnings), ("note", plan.notes), ("error", plan.errors)):
        for p in problems:
            print(f"{severity}: {p}", file=sys.stderr)
    if plan.errors and not partial:
        return _refused(name, f"{len(plan.errors)} error(s); nothing was written", root)
    for line in plan.summary:
        print(line)
    if plan.errors:
        return _refused(name, f"{len(plan.errors)} problem(s); the documents concerned were left unchanged", root)
    if name == "export":
        print(f"newsspan export: from {root.path}")
    elif partial:
        print(f"newsspan {name}: {'done' if plan.summary else 'nothing to do'} in {root.path}")
    else:
        print(f"newsspan {name}: {count(len(plan.writes), 'file')} written in {root.path}")
    return 0


def _run_plan(name: str, root, make_plan, partial: bool = False) -> int:
    """Make the plan make_plan() gives under the root's lock, write it and report it."""
    return _report_plan(name, edit.run(root, make_plan, _waiting(name)), root, partial)


# checking and building ----------------------------------------------------------------------------


@command(
    "validate",
    "check the corpus and annotations against the schemas and checks",
    "Check every text, metadata and annotation file of the root (or the documents the PATHs name) against the "
    "JSON Schemas and the semantic checks (`newsspan checks`), and report every problem with its file, line, JSON "
    "pointer and fix. Exit 0 without errors (warnings allowed), 1 with errors, 2 for a usage error or no corpus "
    "root. --fix first moves each span whose quote occurs exactly once near its offsets onto that occurrence (the "
    "one safe fix), and leaves every other problem as it was.",
    (
        "newsspan validate",
        "newsspan validate annotations/my-article.json my-other-article",
        "newsspan validate --fix",
        "newsspan validate --root path/to/corpus --format json",
        "newsspan validate --format github     # annotations on a pull request's diff",
    ),
    _format(*sorted(RENDERERS), what="report"),
    _flag(
        "--fix",
        help="first move each shifted span onto its quote when it occurs exactly once within 64 characters of its "
        "offsets (printing each move), then report what is left",
    ),
    QUIET,
    _number("--max-bytes", default=store.MAX_FILE_BYTES, help="largest file accepted, in bytes (default %(default)s)"),
    _number(
        "--jobs", "-j", default=0, help="check documents in N processes (default: all cores); the report is the same"
    ),
    NO_CACHE,
    arg("paths", nargs="*", metavar="PATH", help="files or document ids to check (default: the whole root)"),
)
def _validate(args, root) -> int:
    if args.fix:
        out = sys.stdout if args.format == "text" else sys.stderr
        plan = edit.run(root, lambda: edit.plan_fix(root, args.paths or None), _waiting("validate --fix"))
        lines = [*(f"fixed: {line}" for line in plan.summary), *(f"not fixed: {note}" for note in plan.notes)]
        moved, files = count(len(plan.summary), "span"), count(len(plan.writes), "file")
        done = f"newsspan validate --fix: {moved} moved in {files} in {root.path}; validating what is left"
        print(*lines, done, sep="\n", file=out)
    jobs = args.jobs or validator.default_jobs()
    progress = args.format != "json" and _progress(args)
    report = validator.validate_root(root, args.paths or None, jobs=jobs, progress=progress, max_bytes=args.max_bytes)
    sys.stdout.write(RENDERERS[args.format](report))
    return 0 if report.ok else 1


@command(
    "build",
    "validate and build the Hugging Face dataset folder",
    "Validate the corpus (a corpus with errors is refused with the report, exit 1), then write a Hugging Face "
    "dataset folder: Parquet files per config and split and a README.md dataset card, which plain "
    "datasets.load_dataset reads offline. Released are the documents whose layer has status complete or gold; "
    "the others are named, and --include-drafts includes them. --publish writes the folder to upload to a hub: its "
    "configs hold only the texts whose license lets them travel, and standoff/ the others without their text "
    "(`newsspan rehydrate` restores them from a copy of the article).",
    (
        "newsspan build",
        "newsspan build --out DIR --config entities --config claims",
        "newsspan build --include-drafts",
        "newsspan build --publish --out release/",
    ),
    arg("--out", metavar="DIR", help="the folder to write (default: <root>/build/hf); replaced as a whole"),
    arg(
        "--config",
        action="append",
        choices=hf.CONFIGS,
        metavar="NAME",
        help="build only this config, one of %(choices)s (repeatable; default: all)",
    ),
    _drafts("release"),
    _flag(
        "--publish",
        help="withhold each text whose license does not let it travel (its annotations go to standoff/, quotes hashed)",
    ),
    _number(
        "--num-proc",
        help="accepted for older scripts; changes nothing (one process writes as fast as datasets did with two)",
    ),
    NO_CACHE,
    arg(
        "--max-shard-size",
        type=_size,
        metavar="SIZE",
        help="most Arrow data per Parquet file, e.g. 64MB (default 128MiB); larger splits get several shards",
    ),
    QUIET,
)
def _build(args, root) -> int:
    options = _options(args, "include_drafts", "num_proc", "max_shard_size", "publish")
    try:
        summary = release.build(root, args.out, args.config, progress=_progress(args), **options)
    except BuildError as e:
        if e.report is not None:
            sys.stdout.write(RENDERERS["text"](e.report))
        print(f"newsspan build: {str(e).splitlines()[0].rstrip(':')}", file=sys.stderr)
        return 1
    except OSError as e:  # a folder that cannot be written, a full disk: one line, never a traceback
        print(f"newsspan build: {e}; nothing was built", file=sys.stderr)
        return 1
    sys.stdout.write(release.render_summary(summary))
    return 0


@command(
    "rehydrate",
    "restore withheld texts from your own copies of the articles",
    "A published release (the wheel, `newsspan build --publish`) carries a text whose license keeps it from "
    "travelling as standoff only: offsets, labels and a hash of each quote. Give your own copy of each such "
    "article (a file, or a folder of them: the bytes as saved from its URL, or a canonical text; nothing is "
    "fetched). Each copy is matched to its document (by text hash, source hash, else by content), and the "
    "annotation placed on it: exact (the same text), re-anchored (every span placed; those moved are listed) or "
    "partial (the spans not placed are listed, never guessed, and the layer becomes a draft). Outside a corpus "
    "root, the installed package's documents go to the user's cache (~/.cache/newsspan/rehydrated), and "
    "newsspan.load_dataset() includes them from then on. A copy that is not UTF-8, empty, a link out of its "
    "folder, or matches no or two documents is refused and nothing is written.",
    (
        "newsspan rehydrate ~/saved/blinken-talks.html.txt",
        "newsspan rehydrate saved-articles/",
        "newsspan rehydrate --root path/to/corpus copy.txt",
    ),
    ROOT,
    arg("sources", nargs="+", metavar="SOURCE", help="a copy of an article, or a folder of copies"),
    root=False,  # outside a corpus root: the installed package's
)
def _rehydrate(args) -> int:
    shipped = args.root is None and store.find_root() is None and store.user_root() is not None
    root = store.Root(store.shipped_root()) if shipped else store.Root.discover(args.root)
    done, problems = rehydrate.rehydrate(root, args.sources)
    if problems:
        return _refused("rehydrate", f"{count(len(problems), 'problem')}; nothing was written", root, problems)
    for r in done:
        if r.kind == "present":
            print(f"{r.doc_id}: already in the corpus; left as it is ({r.source})")
            continue
        placed = f"{r.spans - len(r.unplaced)} of {r.spans} spans placed"
        draft = "; its layer is now a draft" if r.unplaced else ""
        moves = [*(f"  moved {m}" for m in r.moved), *(f"  not placed {u}" for u in r.unplaced)]
        print(f"{r.doc_id}: {r.kind} from {r.source} ({placed}, {len(r.moved)} moved{draft})", *moves, sep="\n")
    root = rehydrate.write(root, done, _waiting("rehydrate"))
    restored = [r for r in done if r.writes]
    print(f"newsspan rehydrate: {count(len(restored), 'document')} restored in {root.path}")
    return 0


@command(
    "diff",
    "what changed between two releases, or two git revisions of the corpus (release notes)",
    "Compare two folders `newsspan build` wrote, or two git revisions of the corpus root you stand in (read from "
    "git, the working tree untouched): documents added, removed and changed; spans added, removed, relabelled, "
    "moved and changed, per layer and label, matched by document, layer and id; and the label counts that "
    "changed. --format markdown writes release notes.",
    (
        "newsspan diff HEAD~3 HEAD",
        "newsspan diff v1/hf build/hf --format markdown > NOTES.md",
        "newsspan diff main HEAD --format json",
    ),
    ROOT,
    arg("old", metavar="OLD", help="a release folder, or a git revision"),
    arg("new", metavar="NEW", help="a release folder, or a git revision"),
    _format(*diff.RENDERERS),
    root=False,  # only two git revisions need one
)
def _diff(args) -> int:
    folders = [Path(x).is_dir() for x in (args.old, args.new)]
    try:
        if all(folders):
            sides = [diff.release(Path(x)) for x in (args.old, args.new)]
        elif any(folders):
            raise diff.DiffError("give two release folders or two git revisions, not one of each")
        else:
            root = store.Root.discover(args.root)
            sides = [diff.revision(root.path, x) for x in (args.old, args.new)]
    except (diff.DiffError, OSError) as e:
        print(f"newsspan diff: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(diff.RENDERERS[args.format](diff.compare(sides[0], sides[1], (args.old, args.new))))
    return 0


@command(
    "recover",
    "remove what a killed command left in the root (writing commands do it first)",
    "Remove the temporary files of writes a killed command left, and put back a build folder whose replacement "
    "was cut short. Every command that writes does this first.",
    ("newsspan recover", "newsspan recover --root path/to/corpus"),
)
def _recover(args, root) -> int:
    with root.lock(on_wait=_waiting("recover")) as cleaned:
        done = cleaned + store.recover_folder(release.default_out(root))
    what = count(len(done), "change") if done else "nothing to recover"
    print(*done, f"newsspan recover: {what} in {root.path}", sep="\n")
    return 0


@command(
    "init",
    "make a folder a corpus root (corpus/ and annotations/)",
    "Make DIR (default: the working directory) a new, empty corpus root: a folder holding corpus/ and "
    "annotations/. Nothing is changed in a folder that is a root already.",
    ("newsspan init my-corpus", "newsspan init"),
    arg("dir", nargs="?", default=".", metavar="DIR", help="the folder (default: the working directory)"),
    root=False,
)
def _init(args) -> int:
    root = Path(args.dir).absolute()
    if store.is_root(root):
        print(f"newsspan init: {root} is a newsspan corpus root already")
        return 0
    if root.exists() and not root.is_dir():
        raise store.StoreError(f"{root} is a file, not a folder")
    for name in ("corpus", "annotations"):
        (root / name).mkdir(parents=True, exist_ok=True)
    print(f"newsspan init: made a corpus root in {root} (corpus/ and annotations/)")
    print("next: `newsspan add ARTICLE.txt` or `newsspan import FORMAT EXPORT`, then `newsspan validate`")
    return 0


@command(
    "checks",
    "list the validator's checks",
    "List every check the validator runs: its stable id, severity, scope and what it means.",
    ("newsspan checks", "newsspan checks --markdown > docs/checks.md"),
    _flag("--markdown", help="print the catalogue as docs/checks.md"),
    root=False,
)
def _checks(args) -> int:
    if args.markdown:
        sys.stdout.write(catalogue.markdown())
    else:
        for c in sorted(checks.REGISTRY.values(), key=lambda c: (c.scope, c.id)):
            print(f"{c.id:24} {c.severity:8} {c.scope:10} {c.description}")
    return 0


@command(
    "pack",
    "write the corpus as Parquet shards of whole documents (for Ray Data, object storage)",
    "Write every document of the root (its text, metadata and annotation files, byte for byte) as rows of Parquet "
    "files in --out, the form in which a large corpus travels to object storage and a cluster: "
    "ray.data.read_parquet(DIR) reads it, newsspan.ray validates and builds it, `newsspan unpack` restores the "
    "files. Files that belong to no document are left out (and named). A previous pack in --out is replaced whole; "
    "nothing is written if a file cannot be read.",
    ("newsspan pack --out corpus-pack", "newsspan pack --root path/to/corpus --out corpus-pack --rows-per-shard 5000"),
    arg("--out", metavar="DIR", required=True, help="the folder to write (part-NNNNN.parquet files)"),
    _number(
        "--rows-per-shard",
        default=pack.ROWS_PER_SHARD,
        help="documents per Parquet file (default %(default)s: about 4 MB for news articles)",
    ),
)
def _pack(args, root) -> int:
    done = pack.pack(root, Path(args.out), args.rows_per_shard, on_wait=_waiting("pack"))
    if done.problems:
        return _refused("pack", "files that cannot be read; nothing was written", root, done.problems)
    if done.left_out:
        more = f" and {len(done.left_out) - 10} more" if len(done.left_out) > 10 else ""
        names = ", ".join(done.left_out[:10]) + more
        print(f"newsspan pack: left out {count(len(done.left_out), 'file')} of no document: {names}", file=sys.stderr)
    written = f"{count(done.documents, 'document')} ({count(done.files, 'file')}) written to {args.out}"
    print(f"newsspan pack: {written} in {count(done.shards, 'Parquet file')} (root {root.path})")
    return 0


@command(
    "unpack",
    "restore the files of a pack into a corpus root",
    "Write the files of a pack made by `newsspan pack` (a folder, or a URI such as s3://bucket/pack that pyarrow "
    "reads) into the root, byte for byte; an absent or empty --root becomes a new root. A file the root holds "
    "already with other contents is refused, and then nothing is written. Nothing is validated: run `newsspan "
    "validate` next.",
    ("newsspan unpack corpus-pack --root restored", "newsspan unpack s3://bucket/corpus-pack --root ."),
    arg("dir", metavar="DIR", help="the pack: a folder of Parquet files, or a URI"),
    arg("--root", metavar="DIR", help="the corpus root to write into (default: the one you stand in)"),
    root=False,
)
def _unpack(args) -> int:
    root = args.root if args.root is not None else store.Root.discover().path
    done = pack.unpack(args.dir, root, on_wait=_waiting("unpack"))
    if done.problems:
        return _refused("unpack", "nothing was written", done.root, done.problems)
    written = f"{count(done.written, 'file')} written, {done.unchanged} unchanged in {done.root.path}"
    print(f"newsspan unpack: {written}; run `newsspan validate` to check them")
    return 0


# writing the corpus ------------------------------------------------------------------------------


@command(
    "add",
    "add raw articles to the corpus (canonical text, metadata, draft sections)",
    "Add raw articles: each becomes corpus/<id>.txt in canonical form (UTF-8, LF, NFC), corpus/<id>.meta.json "
    "with what the text says about itself, and a draft annotations/<id>.json whose sections are pre-annotated "
    "from the layout. Prints the status of each layer written and how to release a draft. Nothing is written "
    "when anything is wrong.",
    (
        "newsspan add article.txt",
        "newsspan add article.txt --id my-article --language fr --split test",
        "newsspan add folder-of-txt-files/",
    ),
    arg("paths", nargs="+", metavar="PATH", help="article files, or folders of .txt files"),
    arg(
        "--id",
        dest="doc_id",
        metavar="ID",
        help="document id (one file only; default: the file stem made safe); 1-64 of a-z 0-9 _ -, starting with a "
        "letter or digit",
    ),
    arg("--language", metavar="L", help="BCP 47 language tag, for articles without a header that says it"),
    arg("--split", choices=schema.splits(), help="pin the document to a split"),
    _flag("--force", help="replace an existing text and metadata of the same id"),
)
def _add_articles(args, root) -> int:
    options = _options(args, "doc_id", "language", "split", "force")
    return _run_plan("add", root, lambda: edit.plan_add(root, args.paths, **options))


IMPORT_EXAMPLES = {
    "brat": ["newsspan import brat brat-folder/ --label-map 'Person=PERSON,Organization=ORG'"],
    "labelstudio": ["newsspan import labelstudio export.json --label-map 'Person=PERSON,Organization=ORG'"],
    "doccano": [
        "newsspan import doccano admin.jsonl --label-map labels.json",
        "newsspan import doccano project-export.zip --offsets grapheme",
    ],
    "prodigy": ["newsspan import prodigy ner.jsonl --annotator jane-doe"],
    "webanno": [
        "newsspan import webanno tsv-export/ --label-map 'PER=PERSON,LOC=LOC,ORG=ORG,OTH=ignore'",
        "newsspan import webanno doc.tsv --entity-layer webanno.custom.Entity --entity-feature type --id my-article",
        "newsspan import webanno a.tsv b.tsv --nested outer --align expand --status complete",
        "newsspan import webanno inception/ --kb-feature webanno.custom.EntityLink:identifier --label-map 'PER=PERSON'",
    ],
    "conllu": [
        "newsspan import conllu corefud/ --nested outer --label-map 'person=PERSON,place=GPE,organization=ORG,"
        "abstract=ignore,event=ignore,object=ignore,time=ignore'",
        "newsspan import conllu ner.conllu --ner-key NER --label-map 'PER=PERSON,LOC=LOC,ORG=ORG' --language de",
    ],
    "uima": [
        "newsspan import uima cas-json/ --label-map 'PER=PERSON,LOC=LOC,ORG=ORG,OTH=ignore'",
        "newsspan import uima doc.json --entity-layer webanno.custom.Entity --entity-feature type",
        "newsspan import uima cas-json/ --kb-feature EntityLink:kbid --label-map 'PER=PERSON,LOC=GPE,ORG=ORG'",
    ],
}
LABEL_MAP_HELP = "TOOL_LABEL=TARGET[,...] or a JSON file; TARGET: an entity label, sections:<label>, claims, ignore"
LAYER_ARGUMENTS = (
    arg(
        "--entity-layer",
        metavar="LAYER",
        default=formats.DEFAULT_ENTITY_LAYER,
        help="the span layer (UIMA type) of the entity mentions (default: %(default)s)",
    ),
    arg(
        "--entity-feature",
        metavar="FEATURE",
        default=formats.DEFAULT_ENTITY_FEATURE,
        help="the layer's feature holding the label (default: %(default)s; '' for none)",
    ),
    arg(
        "--kb-feature",
        metavar="LAYER:FEATURE",
        help="the span layer and feature holding the mentions' Wikidata IRIs, when another layer links them (default: "
        "the entity layer's identifier); a link counts on a mention with the same offsets",
    ),
)
NER_KEY = arg(
    "--ner-key",
    metavar="KEY",
    help="read BIO tags from this MISC key (e.g. NER for NER=B-PER) instead of CorefUD Entity=",
)
OFFSETS = arg("--offsets", choices=UNITS, help="the tool's offset unit (default: the tool's own; doccano: utf16)")
COMMON_IMPORT_ARGUMENTS = (
    arg(
        "--nested",
        choices=edit.NESTED_POLICIES,
        default="error",
        help="mentions inside others: error (default; lists the pairs), outer (keep the longest), inner (keep the "
        "shortest); after the label map",
    ),
    arg(
        "--align",
        choices=edit.ALIGNMENT_MODES,
        default="strict",
        help="a mention whose edge falls inside a newsspan token: strict (default; an error naming it), contract or "
        "expand to token boundaries (spaCy's modes)",
    ),
    arg("--annotator", metavar="NAME", help="write to annotations/annotators/NAME/ instead of the released layer"),
    arg(
        "--annotator-map",
        action="append",
        metavar="SPEC|FILE",
        help="TOOL_NAME=NAME[,...] or a JSON file: rename the export's annotators (Label Studio user 2: 2=bob or "
        "annotator-2=bob)",
    ),
    _flag(
        "--fix-shifts",
        help="move a span whose quote occurs exactly once within 64 characters of its offsets onto it (as validate "
        "--fix does), printing each move",
    ),
    arg(
        "--id",
        dest="doc_id",
        metavar="ID",
        help="the document id, when the export holds one new text (default: file names)",
    ),
    arg("--language", metavar="L", help="BCP 47 language tag for texts new to the corpus"),
    arg("--status", choices=schema.statuses(), help="status of the written layers (default: kept, or draft when new)"),
    _flag("--force", help="replace existing non-empty layers that the import changes"),
    QUIET,
)


def _import_arguments(fmt: str) -> list[tuple]:
    """The options of `newsspan import FORMAT`: only those that apply to the format."""
    return [
        IMPORT_ROOT,
        arg("paths", nargs="+", metavar="PATH", help="export files or folders (several for a whole corpus)"),
        arg("--label-map", action="append", metavar="SPEC|FILE", help=LABEL_MAP_HELP + " (repeatable)"),
        *(LAYER_ARGUMENTS if fmt in formats.LAYER_FORMATS else ()),
        *([NER_KEY] if fmt == "conllu" else []),
        *([OFFSETS] if fmt in formats.OFFSET_FORMATS else []),
        *COMMON_IMPORT_ARGUMENTS,
    ]


@command(
    "import",
    "import annotation tools' exports (brat, labelstudio, doccano, prodigy, webanno, conllu, uima)",
    "Import the exports of an annotation tool or a research corpus: new texts become corpus documents, the "
    "mentions their annotation layer. Everything is checked first; nothing is written unless all is well. "
    "`newsspan import FORMAT --help` describes each format.",
    tuple(IMPORT_EXAMPLES[f][0] for f in formats.IMPORT_FORMATS),
)
def _import(args, root) -> int:
    options = _options(args, "label_map", "annotator", "annotator_map", "offsets", "language", "status", "force")
    options |= _options(args, "doc_id", "nested", "align", "fix_shifts") | {"progress": _progress(args)}
    options["reader_options"] = _options(args, "entity_layer", "entity_feature", "kb_feature", "ner_key")
    return _run_plan("import", root, lambda: edit.plan_import(root, args.format, args.paths, **options))


GUM_ARGUMENTS = (
    IMPORT_ROOT,
    arg("paths", nargs="+", metavar="DIR", help="GUM's dep/ folder, or its .conllu files"),
    arg("--genre", choices=("news", "interview", "all"), default="news", help="which documents (default: news)"),
    arg("--report", metavar="FILE", help="also write the conversion report as JSON"),
)


def _import_gum(args, root) -> int:
    genres = ("news", "interview") if args.genre == "all" else (args.genre,)
    report: dict = {}

    def make():
        plan, found = edit.plan_gum(root, args.paths, genres)
        report.update(found)
        return plan

    code = _run_plan("import gum", root, make)
    print(json.dumps(report.get("counts", {})))
    if args.report and report:
        store.write_atomic(_folder_of(args.report, "--report"), json.dumps(report, indent=1).encode("utf-8"))
    return code


@command(
    "export",
    "export the released annotations for annotation tools and trainers",
    "Export the documents a build releases (layers with status complete or gold; --include-drafts as in "
    "`newsspan build`), or one split of them, in an annotation tool's format (to pre-annotate) or as CoNLL or "
    "a spaCy DocBin for trainers. The corpus must validate; the output is written atomically.",
    (
        "newsspan export conll --out ner.conll",
        "newsspan export conll --split test --out test.conll",
        "newsspan export labelstudio --include-drafts --out tasks.json",
        "newsspan export brat --out brat-folder/",
        "newsspan export webanno --out inception-tsv/",
        "newsspan export conllu --out corpus.conllu",
        "newsspan export spacy --split train --out train.spacy",
    ),
    arg("format", choices=formats.EXPORT_FORMATS, metavar="FORMAT", help="one of %(choices)s"),
    arg("--out", required=True, metavar="PATH", help=f"output folder ({', '.join(formats.FOLDER_FORMATS)}) or file"),
    arg("--split", choices=schema.splits(), help="export only the documents of this split"),
    _drafts("export", ", as `newsspan build --include-drafts`"),
    _flag("--force", help="replace an existing output"),
    QUIET,
)
def _export(args, root) -> int:
    options = _options(args, "force", "include_drafts", "split")
    return _report_plan("export", edit.export(root, args.format, args.out, progress=_progress(args), **options), root)


@command(
    "canonicalize",
    "rewrite non-canonical corpus texts and re-anchor their annotations",
    "Rewrite each text saved with CRLF line ends, a byte order mark or decomposed characters (NFD) in canonical "
    "form (UTF-8, LF, NFC), and map every span of its annotations through that change exactly. The fix of the "
    "text-not-canonical check.",
    ("newsspan canonicalize", "newsspan canonicalize my-article"),
    IDS,
)
def _canonicalize(args, root) -> int:
    return _run_plan("canonicalize", root, lambda: edit.plan_canonicalize(root, args.ids), partial=True)


@command(
    "reanchor",
    "move spans onto a corrected text (old and new text aligned) and update the hashes",
    "After a text was corrected (a typo, a removed advertisement), the spans of the documents whose text_sha256 "
    "no longer matches follow the correction: the old text, rebuilt from the stored quotes, is aligned with the "
    "new one word by word. Spans around an edit move with it; a span that contains an edit keeps its ends and gets "
    "its quote updated (listed for review); the hashes are updated. A span whose own first or last word was "
    "changed or deleted is listed, never guessed nor moved onto another occurrence of its quote, and its document "
    "is left unchanged, unless --drop-unplaced removes such spans (from every layer of the documents named).",
    ("newsspan reanchor", "newsspan reanchor my-article", "newsspan reanchor --drop-unplaced my-article"),
    IDS,
    _flag("--drop-unplaced", help="remove the spans that cannot be placed, printing each (IDs needed)"),
)
def _reanchor(args, root) -> int:
    if args.drop_unplaced and not args.ids:
        raise store.StoreError(
            "--drop-unplaced removes annotations: name the documents (newsspan reanchor --drop-unplaced ID)"
        )
    return _run_plan("reanchor", root, lambda: edit.plan_reanchor(root, args.ids, args.drop_unplaced), partial=True)


@command(
    "remove",
    "remove documents: text, metadata and every annotation layer",
    "Remove each document named: corpus/ID.txt, corpus/ID.meta.json, annotations/ID.json and every annotator's "
    "annotations/annotators/NAME/ID.json, printing each file. Nothing is asked; --dry-run only prints them.",
    ("newsspan remove my-article", "newsspan remove --dry-run my-article other-article"),
    arg("ids", nargs="+", metavar="ID", help="document ids"),
    _flag("--dry-run", help="print the files that would be removed, and remove nothing"),
)
def _remove(args, root) -> int:
    if args.dry_run:
        plan = edit.plan_remove(root, args.ids, dry_run=True)
    else:
        plan = edit.run(root, lambda: edit.plan_remove(root, args.ids), _waiting("remove"))
    print("\n".join(plan.summary))
    done = "would be removed" if args.dry_run else "removed"
    print(f"newsspan remove: {count(len(plan.summary), 'file')} {done} in {root.path}")
    return 0


@command(
    "rename",
    "give a document another id: every file renamed, its id inside them rewritten",
    "Rename every file of document OLD (text, metadata, released layer, every annotator's layer) to NEW and rewrite "
    "the `id` and `document_id` inside them. Refused when NEW is no valid id or names an existing document. The files "
    "are checked as `newsspan validate` checks them before they are written.",
    ("newsspan rename my-article my-better-id",),
    arg("old", metavar="OLD", help="the document's id"),
    arg("new", metavar="NEW", help="its new id"),
)
def _rename(args, root) -> int:
    return _run_plan("rename", root, lambda: edit.plan_rename(root, args.old, args.new))


# annotation quality --------------------------------------------------------------------------------


@command(
    "agree",
    "inter-annotator agreement of two annotators",
    "Score annotator B against annotator A on the documents both annotated: per layer and label, precision, "
    "recall and F1 for exact span matches (same start, end and label) and for overlap matches (same label, at "
    "least one character in common, each span matched at most once); Cohen's kappa on tokens for sections; "
    "agreement on the attribution type and check-worthiness of matched claims; and every disagreement with its "
    "text. A and B are names of annotations/annotators/ or folders of <id>.json files. The formulas are in "
    "docs/agreement.md.",
    (
        "newsspan agree alice bob",
        "newsspan agree alice bob --format json > agreement.json",
        "newsspan agree path/to/alice-export path/to/bob-export --root path/to/corpus",
    ),
    arg("a", metavar="A", help="the reference annotator: a name under annotations/annotators/, or a folder"),
    arg("b", metavar="B", help="the annotator scored against A: a name, or a folder"),
    _format("text", "json"),
)
def _agree(args, root) -> int:
    try:
        result, errors = agreement.agree(root, args.a, args.b)
    except ValueError as e:
        return _refused("agree", str(e), root)
    if result is None:
        why = f"{count(len(errors), 'error')} in the layers compared; fix them (`newsspan validate`) and run it again"
        return _refused("agree", why + "; nothing was compared", root, errors)
    sys.stdout.write(agreement.render_json(result) if args.format == "json" else agreement.render_text(result))
    if args.format == "text":
        print(f"newsspan agree: {count(len(result.documents), 'document')} compared in {root.path}")
    return 0


@command(
    "adjudicate",
    "merge two annotators' layers into a draft of what they agree on, and decide their disagreements",
    "Write the document's released layer (annotations/ID.json) as a draft holding, in every layer, the spans on "
    "which annotators A and B agree exactly (same offsets and label; for claims also the same attribution and "
    "check-worthiness), and print each disagreement side by side for a reviewer (--out FILE also writes them as "
    "JSON, each with its id). A disagreement is decided by taking a side: --prefer takes A's or B's spans in every "
    "disagreement of a layer or label (the most specific rule wins), --decisions FILE and --interactive decide "
    "them one by one (A, B or neither). Once every disagreement is decided, --status gold (or complete) writes that "
    "status; the layer records the adjudicator and its provenance. The layer is checked by the validator before it "
    "is written. A released layer that is more than a draft is never replaced without --force.",
    (
        "newsspan adjudicate 000_1afbb3b63b1bfa60 alice bob",
        "newsspan adjudicate my-article alice bob --out review.json",
        "newsspan adjudicate my-article alice bob --prefer B --prefer A:claims --status gold",
        "newsspan adjudicate my-article alice bob --prefer A:entities:DATE --decisions review.json",
        "newsspan adjudicate my-article alice bob --interactive --adjudicator carol --status gold",
        "newsspan adjudicate my-article alice bob --force   # replace a complete or gold layer",
    ),
    ID,
    arg("a", metavar="A", help="an annotator: a name under annotations/annotators/, or a folder (its ids are kept)"),
    arg("b", metavar="B", help="the other annotator: a name, or a folder"),
    arg("--out", metavar="FILE", help="also write the disagreements as JSON to FILE"),
    _flag("--force", help="replace a released layer that is complete or gold"),
    arg(
        "--prefer",
        action="append",
        default=[],
        metavar="A|B[:LAYER[:LABEL]]",
        help="take that side in the disagreements of every layer, of a layer, or of spans of a label (repeatable)",
    ),
    arg(
        "--decisions",
        metavar="FILE",
        help='JSON: a list of {"id": ..., "take": "A", "B" or "neither", "reason": ...}, or the --out FILE with its '
        "take fields filled in; a decision overrides any --prefer",
    ),
    _flag("--interactive", help="ask on the terminal for each disagreement left undecided"),
    arg(
        "--status",
        choices=schema.statuses(),
        default="draft",
        help="the status to write once every disagreement is decided (until then: draft)",
    ),
    arg("--adjudicator", default="adjudicator", metavar="NAME", help="who decides, added to the layer's annotators"),
)
def _adjudicate(args, root) -> int:
    out = _folder_of(args.out, "--out") if args.out else None
    if args.decisions and not Path(args.decisions).is_file():
        raise store.StoreError(f"--decisions {args.decisions}: no such file")
    if args.interactive and not sys.stdin.isatty():
        raise store.StoreError(
            "--interactive asks on a terminal, and stdin is none: write the choices in --decisions FILE"
        )
    try:
        rules = tuple(adjudicate.parse_rule(rule) for rule in args.prefer)
    except ValueError as e:
        raise store.StoreError(str(e)) from None

    def run(decisions, write=True):
        how = adjudicate.Decide(rules, decisions, args.status, args.adjudicator)
        return adjudicate.adjudicate(root, args.id, args.a, args.b, args.force, how, write)

    try:
        decisions = adjudicate.read_decisions(Path(args.decisions)) if args.decisions else {}
        if args.interactive:
            decisions |= _ask(run, decisions)
        adj, errors = run(decisions)
    except ValueError as e:
        return _refused("adjudicate", str(e), root)
    if adj is None:
        why = f"{count(len(errors), 'error')} in the layers of {args.id}; nothing was written"
        return _refused("adjudicate", why, root, errors)
    if out is not None:
        store.write_atomic(out, adjudicate.render_json(adj).encode("utf-8"))
    sys.stdout.write(adjudicate.render_text(adj))
    kept = ", ".join(f"{adj.kept(layer)} {layer}" for layer in schema.layers())
    n, left = len(adj.disagreements), len(adj.unresolved)
    if rules or decisions or args.status != "draft" or args.interactive:
        sys.stdout.write(adjudicate.render_choices(adj))
        what = f"{adj.annotation.status}; kept: {kept}; {count(n, 'disagreement')}, {n - left} resolved"
        if left:
            so_not = f", so not {args.status}" if args.status != "draft" else ""
            what += f", {left} unresolved{so_not}: decide them with --prefer A|B, --decisions FILE or --interactive"
    else:
        what = f"draft; agreed: {kept}; {count(n, 'disagreement')} to review"
    written = f", written to {args.out}" if args.out else ""
    print(f"newsspan adjudicate: wrote {root.rel(root.annotation_path(args.id))} ({what}{written}) in {root.path}")
    return 0


def _ask(run, decisions) -> dict:
    """--interactive: the choices made on the terminal for what decisions leave undecided. A span in no agreed
    section follows from the choices about sections, so it is asked about once those are made."""
    asked: set[str] = set()
    answers: dict = {}
    sides = {"a": adjudicate.A, "b": adjudicate.B, "n": adjudicate.NEITHER}
    while (adj := run(decisions | answers, write=False)[0]) is not None:
        pending = [d for d in adj.unresolved if d.id not in asked]
        first = [d for d in pending if d.kind != adjudicate.NO_SECTION] or pending
        keys = list(dict.fromkeys(d.id for d in first))
        if not keys:
            break
        asked.update(keys)
        for k, key in enumerate(keys, 1):
            print(f"\n({k} of {len(keys)}) " + adjudicate.render_question(adj, key), end="")
            answer = ""
            try:
                while answer not in (*sides, "s", "q"):
                    answer = input("[a]/[b]/[n]either/[s]kip/[q]uit? ").strip().lower()[:1]
            except EOFError:
                answer = "q"
            if answer == "q":
                return answers
            if answer in sides:
                answers[key] = adjudicate.Choice(sides[answer], "the terminal")
    return answers


@command(
    "stats",
    "statistics of the corpus: documents, tokens, spans per label and per document",
    "Count the documents of the root per language, status and split; their tokens (those inside sections, as in "
    "the entities and claims configs); sections and entity mentions per label; claims per attribution type and "
    "check-worthiness; and the spans per document (minimum, median, maximum). The dataset card that `newsspan "
    "build` writes shows the same figures, computed by the same function, for the released documents (--released).",
    (
        "newsspan stats",
        "newsspan stats --released --format markdown > STATS.md",
        "newsspan stats --root path/to/corpus --format json",
    ),
    _format("text", "json", "markdown"),
    _flag(
        "--released",
        help="only the documents a release holds (status complete or gold), as the dataset card counts them",
    ),
)
def _stats(args, root) -> int:
    corpus = Corpus(root)
    try:
        st = stats.statistics(corpus.released() if args.released else corpus)
    except ValueError as e:  # a file that does not parse as an annotation
        return _refused("stats", f"{e}; nothing was counted", root)
    sys.stdout.write(stats.RENDERERS[args.format](st))
    if args.format == "text":
        released = " released" if args.released else ""
        print(f"newsspan stats: {count(st.documents, 'document')}{released} in {root.path}")
    return 0


@command(
    "show",
    "an annotated article as one self-contained HTML page",
    "Write one HTML page (inline CSS; no script, font or URL to fetch) showing the document's metadata, a legend "
    "of the entity labels in the schema's colours, and the article with its section labels in the margin, entity "
    "mentions highlighted per label and claims underlined and linked to their source mention; hovering a span "
    "shows its id, label and offsets. By default the released layer; --annotator NAME shows one annotator's layer, "
    "--diff A B two annotators' entity mentions side by side with agreements and disagreements marked. All text is "
    "escaped.",
    (
        "newsspan show 000_1afbb3b63b1bfa60 --out article.html",
        "newsspan show my-article --annotator alice --out alice.html",
        "newsspan show my-article --diff alice bob --out diff.html",
    ),
    ID,
    arg("--out", required=True, metavar="FILE.html", help="the page to write"),
    arg("--annotator", metavar="NAME", help="show this annotator's layer (a name, or a folder)"),
    arg("--diff", nargs=2, metavar=("A", "B"), help="show two annotators' entity mentions side by side"),
)
def _show(args, root) -> int:
    out = _folder_of(args.out, "--out")
    if args.diff and args.annotator:
        raise store.StoreError("--annotator and --diff show different things: give one of them")
    page, errors = show.page(root, args.id, args.annotator, args.diff)
    if page is None:
        why = f"{count(len(errors), 'error')} in what would be shown; nothing was written"
        return _refused("show", why, root, errors)
    store.write_atomic(out, page.encode("utf-8"))
    shown = (
        " and ".join(args.diff) if args.diff else f"annotator {args.annotator}" if args.annotator else "released layer"
    )
    print(f"newsspan show: wrote {args.out} ({args.id}, {shown}) from {root.path}")
    return 0


# the parser ---------------------------------------------------------------------------------------


def _subparser(sub, name: str, summary: str, description: str, examples, args, run):
    p = sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog=_examples(examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for flags, kwargs in args:
        p.add_argument(*flags, **kwargs)
    p.set_defaults(func=run)
    return p


def _examples(lines) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsspan",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_wrap(
            "The newsspan corpus: validate, build and convert annotations. Every command works on the corpus root you "
            "stand in (the nearest folder at or above the working directory holding corpus/ and annotations/), or the "
            "one --root DIR names. `newsspan COMMAND --help` shows a command's options and examples."
        ),
        epilog=_examples(
            (
                "newsspan validate                  # check the corpus you stand in",
                "newsspan validate --fix            # move shifted spans onto their quotes, then check",
                "newsspan build                     # validate, then write the Hugging Face folder build/hf",
                "newsspan add article.txt           # a new article with draft sections",
                "newsspan import labelstudio export.json --label-map 'Person=PERSON'",
                "newsspan export conll --out ner.conll",
            )
        ),
    )
    try:
        installed = version("newsspan")
    except PackageNotFoundError:  # run from a source tree that was never installed
        installed = "(not installed)"
    parser.add_argument("--version", action="version", version=f"newsspan {installed}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, declared in COMMANDS.items():
        p = _subparser(sub, name, *declared)
        if name == "import":  # one subcommand per format, each with its own options and --help
            tools = p.add_subparsers(dest="format", required=True, metavar="FORMAT")
            gum = "GUM's Wikinews news and interviews (dep/*.conllu) as documents with a GUM-derived draft layer"
            examples = ("newsspan import gum path/to/gum/dep/ --genre all --report gum-report.json",)
            _subparser(tools, "gum", gum, edit.gum.__doc__ or gum, examples, GUM_ARGUMENTS, _in_root(_import_gum))
            for fmt in formats.IMPORT_FORMATS:
                doc = (formats.import_module(fmt).__doc__ or fmt).strip()
                summary = doc.splitlines()[0].split(":")[0]
                _subparser(tools, fmt, summary, doc, IMPORT_EXAMPLES[fmt], _import_arguments(fmt), _in_root(_import))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except store.StoreError as e:
        print(f"newsspan {args.command}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`newsspan validate | head`): not an error of ours, and no traceback;
        # point stdout at /dev/null so the interpreter's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # a bug is one clear line and exit 1, never a traceback
        if os.environ.get("NEWSSPAN_DEBUG"):
            raise
        print(
            f"newsspan {args.command}: internal error: {type(e).__name__}: {e} "
            "(nothing was reported as valid; set NEWSSPAN_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
