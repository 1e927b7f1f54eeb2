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
    if not m or m.group(2).upper() not in _UNITS or float(m.group(1)) * _UNITS[m.group(2).upper()] < 1:
        raise argparse.ArgumentTypeError(f"expected a size such as 128MB or 500KB, found {value!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def arg(*flags: str, **kwargs) -> tuple:
    return flags, kwargs


def _flag(*flags: str, help: str) -> tuple:
    return arg(*flags, action="store_true", help=help)


def _number(*flags: str, help: str, default: int | None = None) -> tuple:
    return arg(*flags, type=_positive_int, default=default, metavar="N", help=help)


def _format(*choices: str) -> tuple:
    return arg("--format", choices=choices, default="text", help="output format (default: text)")


ROOT_HELP = "the corpus root, holding corpus/ and annotations/ (default: the nearest at or above the working directory)"
ROOT = arg("--root", metavar="DIR", help=ROOT_HELP)
# `newsspan import FORMAT --root DIR`; no default, which would replace that of `newsspan import --root DIR FORMAT`
IMPORT_ROOT = arg("--root", metavar="DIR", default=argparse.SUPPRESS, help=ROOT_HELP)
QUIET = _flag("--quiet", "-q", help="no progress bar (one is shown on stderr only on a terminal)")
IDS = arg("ids", nargs="*", metavar="ID", help="document ids (default: all)")
ID = arg("id", metavar="ID", help="the document id")
NO_CACHE = _flag("--no-cache", help=argparse.SUPPRESS)  # no cache since 0.2; kept for scripts
DRAFTS = _flag("--include-drafts", help="also take draft layers and texts without a released layer")
COMMANDS: dict[str, tuple] = {}


def _wrap(text: str) -> str:
    return textwrap.fill(text, 88, break_on_hyphens=False)  # an option such as --include-drafts stays whole


def command(name: str, summary: str, description: str, examples: tuple[str, ...], *args: tuple, root: bool = True):
    """Declare a subcommand: its --help says what it does and ends with examples; --root first unless root=False."""

    def declare(run):
        COMMANDS[name] = (summary, _wrap(description), examples, (ROOT, *args) if root else args, run)
        return run

    return declare


def _options(args, *names: str) -> dict:
    """The options named that the command has, as keyword arguments of the same names."""
    return {name: getattr(args, name) for name in names if hasattr(args, name)}


def _progress(args, fmt: str = "text") -> bool:
    return not getattr(args, "quiet", False) and fmt != "json" and sys.stderr.isatty()


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
    """A partial plan (canonicalize, reanchor) wrote the documents without errors."""
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


def _run_plan(name: str, args, make_plan, partial: bool = False) -> int:
    """Make the plan make_plan(root) gives under the lock of the root --root names, write it and report it."""
    root = store.Root.discover(args.root)
    return _report_plan(name, edit.run(root, lambda: make_plan(root), _waiting(name)), root, partial)


# checking and building ----------------------------------------------------------------------------


@command(
    "validate",
    "check the corpus and annotations against the schemas and checks",
    "Check the texts, metadata and annotations of the root (or of the documents the PATHs name) against the schemas "
    "and `newsspan checks`. Exit 0 without errors (warnings allowed), 1 with errors, 2 for a usage error or no root.",
    (
        "newsspan validate",
        "newsspan validate annotations/my-article.json my-other-article",
        "newsspan validate --fix",
        "newsspan validate --root path/to/corpus --format json",
        "newsspan validate --format github     # annotations on a pull request's diff",
    ),
    _format(*sorted(RENDERERS)),
    _flag("--fix", help="first move each span onto its quote when found once within 64 characters"),
    QUIET,
    _number("--max-bytes", default=store.MAX_FILE_BYTES, help="largest file accepted, in bytes (default %(default)s)"),
    _number("--jobs", "-j", default=0, help="check documents in N processes (default: all cores)"),
    NO_CACHE,
    arg("paths", nargs="*", metavar="PATH", help="files or document ids to check (default: the whole root)"),
)
def _validate(args) -> int:
    root = store.Root.discover(args.root)
    if args.fix:
        out = sys.stdout if args.format == "text" else sys.stderr
        plan = edit.run(root, lambda: edit.plan_fix(root, args.paths or None), _waiting("validate --fix"))
        lines = [*(f"fixed: {line}" for line in plan.summary), *(f"not fixed: {note}" for note in plan.notes)]
        moved, files = count(len(plan.summary), "span"), count(len(plan.writes), "file")
        done = f"newsspan validate --fix: {moved} moved in {files} in {root.path}; validating what is left"
        print(*lines, done, sep="\n", file=out)
    jobs = args.jobs or validator.default_jobs()
    progress = _progress(args, args.format)
    report = validator.validate_root(root, args.paths or None, jobs=jobs, progress=progress, max_bytes=args.max_bytes)
    sys.stdout.write(RENDERERS[args.format](report))
    return 0 if report.ok else 1


@command(
    "build",
    "validate and build the Hugging Face dataset folder",
    "Validate the corpus (errors refuse it, exit 1), then write a Hugging Face dataset folder of the documents whose "
    "layer is complete or gold; --publish withholds each text whose license does not let it travel.",
    (
        "newsspan build",
        "newsspan build --out DIR --config entities --config claims",
        "newsspan build --include-drafts",
        "newsspan build --publish --out release/",
    ),
    arg("--out", metavar="DIR", help="the folder to write (default: <root>/build/hf); replaced as a whole"),
    arg("--config", action="append", choices=hf.CONFIGS, metavar="NAME", help="only NAME (repeatable): %(choices)s"),
    DRAFTS,
    _flag("--publish", help="withhold each text whose license does not let it travel (standoff/)"),
    _number("--num-proc", help="accepted for older scripts; changes nothing"),
    NO_CACHE,
    arg("--max-shard-size", type=_size, metavar="SIZE", help="most Arrow data per Parquet file (default 128MiB)"),
    QUIET,
)
def _build(args) -> int:
    root = store.Root.discover(args.root)
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
    "Restore the texts a published release withholds from your own copies of the articles (nothing is fetched); "
    "outside a corpus root, into the user's cache, which newsspan.load_dataset() reads.",
    (
        "newsspan rehydrate ~/saved/blinken-talks.html.txt",
        "newsspan rehydrate saved-articles/",
        "newsspan rehydrate --root path/to/corpus copy.txt",
    ),
    arg("sources", nargs="+", metavar="SOURCE", help="a copy of an article, or a folder of copies"),
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
    "Compare two folders `newsspan build` wrote, or two git revisions of the corpus root you stand in: documents "
    "and spans added, removed and changed, and the label counts that changed. --format markdown writes release notes.",
    (
        "newsspan diff HEAD~3 HEAD",
        "newsspan diff v1/hf build/hf --format markdown > NOTES.md",
        "newsspan diff main HEAD --format json",
    ),
    arg("old", metavar="OLD", help="a release folder, or a git revision"),
    arg("new", metavar="NEW", help="a release folder, or a git revision"),
    _format(*diff.RENDERERS),
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
    "Remove the temporary files a killed command left, and put back a build folder whose replacement was cut short.",
    ("newsspan recover", "newsspan recover --root path/to/corpus"),
)
def _recover(args) -> int:
    root = store.Root.discover(args.root)
    with root.lock(on_wait=_waiting("recover")) as cleaned:
        done = cleaned + store.recover_folder(release.default_out(root))
    what = count(len(done), "change") if done else "nothing to recover"
    print(*done, f"newsspan recover: {what} in {root.path}", sep="\n")
    return 0


@command(
    "init",
    "make a folder a corpus root (corpus/ and annotations/)",
    "Make DIR a new, empty corpus root (corpus/ and annotations/); a folder that is a root already is left as it is.",
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
    "Write every document of the root (its files, byte for byte) as rows of Parquet files in --out, which "
    "ray.data.read_parquet reads and `newsspan unpack` restores; a previous pack there is replaced whole.",
    ("newsspan pack --out corpus-pack", "newsspan pack --root path/to/corpus --out corpus-pack --rows-per-shard 5000"),
    arg("--out", metavar="DIR", required=True, help="the folder to write (part-NNNNN.parquet files)"),
    _number("--rows-per-shard", default=pack.ROWS_PER_SHARD, help="documents per Parquet file (default %(default)s)"),
)
def _pack(args) -> int:
    root = store.Root.discover(args.root)
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
    "Write the files of a pack (a folder, or a URI such as s3://bucket/pack) into the root, byte for byte; a file "
    "the root holds with other contents is refused. Nothing is validated: run `newsspan validate` next.",
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
    "Add raw articles: each becomes a canonical corpus/<id>.txt, its corpus/<id>.meta.json and a draft "
    "annotations/<id>.json with sections pre-annotated from the layout. Nothing is written when anything is wrong.",
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
def _add_articles(args) -> int:
    options = _options(args, "doc_id", "language", "split", "force")
    return _run_plan("add", args, lambda root: edit.plan_add(root, args.paths, **options))


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
NER_KEY = arg("--ner-key", metavar="KEY", help="read BIO tags from this MISC key (e.g. NER for NER=B-PER), not Entity=")
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
        help="TOOL_NAME=NAME[,...] or a JSON file: rename the export's annotators (Label Studio user 2: 2=bob)",
    ),
    _flag("--fix-shifts", help="move a span onto its quote when found once within 64 characters (as validate --fix)"),
    arg("--id", dest="doc_id", metavar="ID", help="the document id, when the export holds one new text"),
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
    "Import the exports of an annotation tool or a research corpus: new texts become corpus documents, the mentions "
    "their annotation layer; nothing is written unless all is well. `newsspan import FORMAT --help` describes each.",
    tuple(IMPORT_EXAMPLES[f][0] for f in formats.IMPORT_FORMATS),
)
def _import(args) -> int:
    options = _options(args, "label_map", "annotator", "annotator_map", "offsets", "language", "status", "force")
    options |= _options(args, "doc_id", "nested", "align", "fix_shifts") | {"progress": _progress(args)}
    options["reader_options"] = _options(args, "entity_layer", "entity_feature", "kb_feature", "ner_key")
    return _run_plan("import", args, lambda root: edit.plan_import(root, args.format, args.paths, **options))


GUM_ARGUMENTS = (
    IMPORT_ROOT,
    arg("paths", nargs="+", metavar="DIR", help="GUM's dep/ folder, or its .conllu files"),
    arg("--genre", choices=("news", "interview", "all"), default="news", help="which documents (default: news)"),
    arg("--report", metavar="FILE", help="also write the conversion report as JSON"),
)


def _import_gum(args) -> int:
    genres = ("news", "interview") if args.genre == "all" else (args.genre,)
    report: dict = {}

    def make(root):
        plan, found = edit.plan_gum(root, args.paths, genres)
        report.update(found)
        return plan

    code = _run_plan("import gum", args, make)
    print(json.dumps(report.get("counts", {})))
    if args.report and report:
        store.write_atomic(_folder_of(args.report, "--report"), json.dumps(report, indent=1).encode("utf-8"))
    return code


@command(
    "export",
    "export the released annotations for annotation tools and trainers",
    "Export the documents a build releases (--include-drafts as in `newsspan build`), or one split of them, in an "
    "annotation tool's format, as CoNLL or as a spaCy DocBin. The corpus must validate.",
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
    DRAFTS,
    _flag("--force", help="replace an existing output"),
    QUIET,
)
def _export(args) -> int:
    root = store.Root.discover(args.root)
    options = _options(args, "force", "include_drafts", "split")
    return _report_plan("export", edit.export(root, args.format, args.out, progress=_progress(args), **options), root)


@command(
    "canonicalize",
    "rewrite non-canonical corpus texts and re-anchor their annotations",
    "Rewrite each text saved with CRLF line ends, a byte order mark or decomposed characters in canonical form "
    "(UTF-8, LF, NFC), mapping every span of its annotations exactly. The fix of the text-not-canonical check.",
    ("newsspan canonicalize", "newsspan canonicalize my-article"),
    IDS,
)
def _canonicalize(args) -> int:
    return _run_plan("canonicalize", args, lambda root: edit.plan_canonicalize(root, args.ids), partial=True)


@command(
    "reanchor",
    "move spans onto a corrected text (old and new text aligned) and update the hashes",
    "Move the spans of each document whose text was corrected onto the new text, aligned word by word with the old; "
    "a span whose own first or last word changed is listed and its document left unchanged (or --drop-unplaced).",
    ("newsspan reanchor", "newsspan reanchor my-article", "newsspan reanchor --drop-unplaced my-article"),
    IDS,
    _flag("--drop-unplaced", help="remove the spans that cannot be placed (IDs needed)"),
)
def _reanchor(args) -> int:
    root = store.Root.discover(args.root)
    if args.drop_unplaced and not args.ids:
        raise store.StoreError(
            "--drop-unplaced removes annotations: name the documents (newsspan reanchor --drop-unplaced ID)"
        )
    plan = edit.run(root, lambda: edit.plan_reanchor(root, args.ids, args.drop_unplaced), _waiting("reanchor"))
    return _report_plan("reanchor", plan, root, partial=True)


@command(
    "remove",
    "remove documents: text, metadata and every annotation layer",
    "Remove every file of each document named (text, metadata, every annotation layer), printing each. Nothing is "
    "asked; --dry-run only prints them.",
    ("newsspan remove my-article", "newsspan remove --dry-run my-article other-article"),
    arg("ids", nargs="+", metavar="ID", help="document ids"),
    _flag("--dry-run", help="print the files that would be removed, and remove nothing"),
)
def _remove(args) -> int:
    root = store.Root.discover(args.root)
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
    "Rename every file of document OLD to NEW and rewrite the ids inside them; refused when NEW is no valid id or "
    "names an existing document.",
    ("newsspan rename my-article my-better-id",),
    arg("old", metavar="OLD", help="the document's id"),
    arg("new", metavar="NEW", help="its new id"),
)
def _rename(args) -> int:
    return _run_plan("rename", args, lambda root: edit.plan_rename(root, args.old, args.new))


# annotation quality --------------------------------------------------------------------------------


@command(
    "agree",
    "inter-annotator agreement of two annotators",
    "Score annotator B against annotator A on the documents both annotated: precision, recall and F1 per layer and "
    "label, Cohen's kappa for sections, and every disagreement (the formulas are in docs/agreement.md).",
    (
        "newsspan agree alice bob",
        "newsspan agree alice bob --format json > agreement.json",
        "newsspan agree path/to/alice-export path/to/bob-export --root path/to/corpus",
    ),
    arg("a", metavar="A", help="the reference annotator: a name under annotations/annotators/, or a folder"),
    arg("b", metavar="B", help="the annotator scored against A: a name, or a folder"),
    _format("text", "json"),
)
def _agree(args) -> int:
    root = store.Root.discover(args.root)
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
    "Write the document's released layer as a draft of the spans annotators A and B agree on, and print each "
    "disagreement; --prefer, --decisions or --interactive decide them, then --status writes gold or complete.",
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
    arg("--prefer", action="append", default=[], metavar="A|B[:LAYER[:LABEL]]", help="take that side (repeatable)"),
    arg("--decisions", metavar="FILE", help='[{"id": ..., "take": "A", "B" or "neither"}], as in --out FILE'),
    _flag("--interactive", help="ask on the terminal for each disagreement left undecided"),
    arg("--status", choices=schema.statuses(), default="draft", help="the status once every disagreement is decided"),
    arg("--adjudicator", default="adjudicator", metavar="NAME", help="who decides, added to the layer's annotators"),
)
def _adjudicate(args) -> int:
    root = store.Root.discover(args.root)
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
    """--interactive: the choices made on the terminal for what decisions leave undecided; a span left
    in no section is asked about last, once the choices it follows from are made."""
    asked: set[str] = set()
    answers: dict = {}
    sides = {"a": adjudicate.A, "b": adjudicate.B, "n": adjudicate.NEITHER}
    while (adj := run(decisions | answers, write=False)[0]) is not None:
        pending = [d for d in adj.unresolved if d.id not in asked]
        keys = [d.id for d in pending if d.kind != adjudicate.NO_SECTION] or [d.id for d in pending]
        for k, key in enumerate(keys := list(dict.fromkeys(keys)), 1):
            asked.add(key)
            print(f"\n({k} of {len(keys)}) " + adjudicate.render_question(adj, key), end="")
            answer = ""
            try:
                while answer not in ("a", "b", "n", "s", "q"):
                    answer = input("[a]/[b]/[n]either/[s]kip/[q]uit? ").strip().lower()[:1]
            except EOFError:
                answer = "q"
            if answer == "q":
                return answers
            if answer in sides:
                answers[key] = adjudicate.Choice(sides[answer], "the terminal")
        if not keys:
            break
    return answers


@command(
    "stats",
    "statistics of the corpus: documents, tokens, spans per label and per document",
    "Count the documents of the root per language, status and split, their tokens, the spans per label and per "
    "document; with --released only those a release holds, as the dataset card of `newsspan build` counts them.",
    (
        "newsspan stats",
        "newsspan stats --released --format markdown > STATS.md",
        "newsspan stats --root path/to/corpus --format json",
    ),
    _format("text", "json", "markdown"),
    _flag("--released", help="only the documents a release holds (status complete or gold)"),
)
def _stats(args) -> int:
    root = store.Root.discover(args.root)
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
    "Write one self-contained HTML page of the document: its metadata, and the article with its sections, entity "
    "mentions and claims marked; by default the released layer, or one annotator's, or two annotators' side by side.",
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
def _show(args) -> int:
    root = store.Root.discover(args.root)
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
    for name, (summary, description, examples, args, run) in COMMANDS.items():
        p = _subparser(sub, name, summary, description, examples, args, run)
        if name == "import":  # one subcommand per format, each with its own options and --help
            tools = p.add_subparsers(dest="format", required=True, metavar="FORMAT")
            gum = "GUM's Wikinews news and interviews (dep/*.conllu) as documents with a GUM-derived draft layer"
            examples = ("newsspan import gum path/to/gum/dep/ --genre all --report gum-report.json",)
            _subparser(tools, "gum", gum, edit.gum.__doc__ or gum, examples, GUM_ARGUMENTS, _import_gum)
            for fmt in formats.IMPORT_FORMATS:
                doc = (formats.import_module(fmt).__doc__ or fmt).strip()
                summary = doc.splitlines()[0].split(":")[0]
                _subparser(tools, fmt, summary, doc, IMPORT_EXAMPLES[fmt], _import_arguments(fmt), run)
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
