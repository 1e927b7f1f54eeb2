"""The `newsspan` command line. Thin: parses arguments and calls the library.

Exit codes: 0 success (warnings allowed), 1 problems found or bad input, 2 usage error or
unusable root.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

from . import __version__, hf, jsonfile, progress, schema, store
from .report import RENDERERS


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2 with a one-line message, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return n


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}


def _size(value: str) -> int:
    """A size in bytes: 500000, 500KB, 128MB, 1GiB."""
    import re

    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", value)
    if not m or m.group(2).upper() not in _UNITS or float(m.group(1)) * _UNITS[m.group(2).upper()] < 1:
        raise argparse.ArgumentTypeError(f"expected a size such as 128MB or 500KB, found {value!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def _add_quiet(p):
    p.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar (one is shown on stderr only when it is a terminal)"
    )


def _add_root(p):
    p.add_argument(
        "--root",
        metavar="DIR",
        help="the corpus root, a folder holding corpus/ and annotations/ (default: the nearest one at or "
        "above the working directory, as git finds its repository)",
    )


def cmd_validate(args) -> int:
    from .validator import Limits, default_jobs, validate_root

    root = store.Root.discover(args.root)
    if args.fix:
        _fix(root, args.paths or None, sys.stdout if args.format == "text" else sys.stderr)
    limits = Limits(max_bytes=args.max_bytes, max_depth=args.max_depth, max_spans=args.max_spans)
    report = validate_root(
        root,
        args.paths or None,
        limits,
        jobs=args.jobs or default_jobs(),
        cache=not args.no_cache,
        progress=progress.wanted(args.quiet, args.format),
        on_wait=_waiting("validate"),
    )
    sys.stdout.write(RENDERERS[args.format](report))
    return 0 if report.ok else 1


def _waiting(command: str):
    """What a command says on stderr when it has to wait for the root's lock."""
    return lambda message: print(f"newsspan {command}: {message}", file=sys.stderr, flush=True)


def _fix(root, paths, out) -> None:
    """validate --fix: move shifted spans onto their unique nearby quotes, in one transaction."""
    from .fix import plan_fix

    root.check()
    with root.writing(on_wait=_waiting("validate --fix")):
        plan = plan_fix(root, paths)
        if plan.writes:
            root.write_all(plan.writes)
    for line in plan.summary:
        print(f"fixed: {line}", file=out)
    for note in plan.notes:
        print(f"not fixed: {note}", file=out)
    n, files = len(plan.summary), len(plan.writes)
    print(
        f"newsspan validate --fix: {n} span{'s' * (n != 1)} moved in {files} file{'s' * (files != 1)} "
        f"in {root.path}; validating what is left",
        file=out,
    )


def cmd_build(args) -> int:
    from .hf import release
    from .hf.rows import BuildError

    root = store.Root.discover(args.root)
    try:
        summary = release.build(
            root,
            args.out,
            args.config,
            include_drafts=args.include_drafts,
            num_proc=args.num_proc,
            max_shard_size=args.max_shard_size,
            cache=not args.no_cache,
            progress=progress.wanted(args.quiet),
            on_wait=_waiting("build"),
        )
    except BuildError as e:
        if e.report is not None:
            sys.stdout.write(RENDERERS["text"](e.report))
        elif e.problems:
            sys.stdout.write(release.render_problems(root, e.problems))
        print(f"newsspan build: {str(e).splitlines()[0].rstrip(':')}", file=sys.stderr)
        return 1
    except OSError as e:  # a folder that cannot be written, a full disk: one line, never a traceback
        print(f"newsspan build: {e}; nothing was built", file=sys.stderr)
        return 1
    sys.stdout.write(release.render_summary(summary))
    return 0


def cmd_recover(args) -> int:
    root = store.Root.discover(args.root)
    root.check()
    from .hf.release import default_out

    with root.lock(on_wait=_waiting("recover")):
        done = root.recover(folders=(default_out(root),))
    for line in done:
        print(line)
    print(
        f"newsspan recover: {len(done)} change{'s' * (len(done) != 1)} in {root.path}"
        if done
        else f"newsspan recover: nothing to recover in {root.path}"
    )
    return 0


def cmd_init(args) -> int:
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


def cmd_checks(args) -> int:
    from . import catalogue, checks

    if args.markdown:
        sys.stdout.write(catalogue.markdown())
    else:
        for c in sorted(checks.REGISTRY.values(), key=lambda c: (c.scope, c.id)):
            print(f"{c.id:24} {c.severity:8} {c.scope:10} {c.description}")
    return 0


def _report_plan(command: str, plan, root) -> int:
    """Print a plan's problems (stderr) and summary (stdout); exit code 1 when it has errors."""
    for w in plan.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for n in plan.notes:
        print(f"note: {n}", file=sys.stderr)
    for e in plan.errors:
        print(f"error: {e}", file=sys.stderr)
    if plan.errors:
        print(
            f"newsspan {command}: {len(plan.errors)} error(s); nothing was written (root {root.path})", file=sys.stderr
        )
        return 1
    for line in plan.summary:
        print(line)
    n = len(plan.writes)
    print(
        f"newsspan {command}: {n} file{'s' * (n != 1)} written in {root.path}"
        if command != "export"
        else f"newsspan export: from {root.path}"
    )
    return 0


def _run_plan(command: str, root, make_plan) -> int:
    """Build a plan and write it under the root's lock, as one transaction; all or nothing."""
    root.check()
    with root.writing(on_wait=_waiting(command)):  # the lock, then recovery from any command killed before
        plan = make_plan()
        if not plan.ok:
            return _report_plan(command, plan, root)
        root.write_all(plan.writes)
    return _report_plan(command, plan, root)


def cmd_add(args) -> int:
    from .importer import plan_add

    root = store.Root.discover(args.root)
    return _run_plan(
        "add",
        root,
        lambda: plan_add(root, args.paths, doc_id=args.id, language=args.language, split=args.split, force=args.force),
    )


def cmd_import(args) -> int:
    from .importer import plan_import

    root = store.Root.discover(args.root)
    options = {k: getattr(args, k) for k in ("entity_layer", "entity_feature", "ner_key") if hasattr(args, k)}
    return _run_plan(
        "import",
        root,
        lambda: plan_import(
            root,
            args.format,
            args.paths,
            label_map=args.label_map,
            annotator=args.annotator,
            offsets=getattr(args, "offsets", None),
            language=args.language,
            status=args.status,
            force=args.force,
            doc_id=args.id,
            nested=args.nested,
            align=args.align,
            reader_options=options,
            progress=progress.wanted(args.quiet),
        ),
    )


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
    ],
    "conllu": [
        "newsspan import conllu corefud/ --nested outer --label-map 'person=PERSON,place=GPE,organization=ORG,"
        "abstract=ignore,event=ignore,object=ignore,time=ignore'",
        "newsspan import conllu ner.conllu --ner-key NER --label-map 'PER=PERSON,LOC=LOC,ORG=ORG' --language de",
    ],
    "uima": [
        "newsspan import uima cas-json/ --label-map 'PER=PERSON,LOC=LOC,ORG=ORG,OTH=ignore'",
        "newsspan import uima doc.json --entity-layer webanno.custom.Entity --entity-feature type",
    ],
}


def _add_import_parsers(sub) -> None:
    """`newsspan import FORMAT PATH...`: one subcommand per format, with only the options that apply to it."""
    from .formats import (
        DEFAULT_ENTITY_FEATURE,
        DEFAULT_ENTITY_LAYER,
        IMPORT_FORMATS,
        LAYER_FORMATS,
        OFFSET_FORMATS,
        import_module,
    )
    from .formats.offsets import UNITS
    from .mentions import ALIGNMENT_MODES, NESTED_POLICIES

    p = sub.add_parser(
        "import",
        help="import annotation tools' exports (brat, labelstudio, doccano, prodigy, webanno, conllu, uima)",
        description="Import the exports of an annotation tool or a research corpus: new texts become corpus "
        "documents, the mentions their annotation layer. Everything is checked first; nothing is "
        "written unless all is well. `newsspan import FORMAT --help` describes each format.",
        epilog="examples:\n" + "\n".join(IMPORT_EXAMPLES[f][0] for f in IMPORT_FORMATS),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_root(p)
    formats = p.add_subparsers(dest="format", required=True, metavar="FORMAT", parser_class=_Parser)
    for fmt in IMPORT_FORMATS:
        doc = import_module(fmt).__doc__.strip()
        q = formats.add_parser(
            fmt,
            help=doc.splitlines()[0].split(":")[0],
            description=doc,
            epilog="examples:\n" + "\n".join(IMPORT_EXAMPLES[fmt]),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        q.add_argument(
            "--root",
            metavar="DIR",
            default=argparse.SUPPRESS,
            help="corpus root holding corpus/ and annotations/ (default: found from the current folder)",
        )
        q.add_argument("paths", nargs="+", metavar="PATH", help="export files or folders (several for a whole corpus)")
        q.add_argument(
            "--label-map",
            action="append",
            metavar="SPEC|FILE",
            help="TOOL_LABEL=TARGET[,...] or a JSON file; TARGET: an entity label, sections:<label>, claims, "
            "ignore (repeatable)",
        )
        if fmt in LAYER_FORMATS:
            q.add_argument(
                "--entity-layer",
                metavar="LAYER",
                default=DEFAULT_ENTITY_LAYER,
                help=f"the span layer (UIMA type) of the entity mentions (default: {DEFAULT_ENTITY_LAYER})",
            )
            q.add_argument(
                "--entity-feature",
                metavar="FEATURE",
                default=DEFAULT_ENTITY_FEATURE,
                help=f"the layer's feature holding the label (default: {DEFAULT_ENTITY_FEATURE}; '' for none)",
            )
        if fmt == "conllu":
            q.add_argument(
                "--ner-key",
                metavar="KEY",
                help="read BIO tags from this MISC key (e.g. NER for NER=B-PER) instead of CorefUD Entity=",
            )
        if fmt in OFFSET_FORMATS:
            q.add_argument(
                "--offsets", choices=UNITS, help="the tool's offset unit (default: the tool's own; doccano: utf16)"
            )
        q.add_argument(
            "--nested",
            choices=NESTED_POLICIES,
            default="error",
            help="mentions inside others: error (default; lists the pairs), outer (keep the longest), "
            "inner (keep the shortest); after the label map",
        )
        q.add_argument(
            "--align",
            choices=ALIGNMENT_MODES,
            default="strict",
            help="a mention whose edge falls inside a newsspan token: strict (default; an error naming it), "
            "contract or expand to token boundaries (spaCy's modes)",
        )
        q.add_argument(
            "--annotator", metavar="NAME", help="write to annotations/annotators/NAME/ instead of the released layer"
        )
        q.add_argument(
            "--id", metavar="ID", help="the document id, when the export holds one new text (default: from file names)"
        )
        q.add_argument("--language", metavar="L", help="BCP 47 language tag for texts new to the corpus")
        q.add_argument(
            "--status",
            choices=schema.statuses(),
            help="status of the written layers (default: kept, or draft when new)",
        )
        q.add_argument("--force", action="store_true", help="replace existing non-empty layers that the import changes")
        _add_quiet(q)
        q.set_defaults(func=cmd_import)
    _add_gum_parser(formats)


def _add_gum_parser(formats) -> None:
    """`newsspan import gum DIR...`: GUM's Wikinews documents with their GUM-derived layer (newsspan.formats.gum)."""
    from .formats import gum

    q = formats.add_parser(
        "gum",
        help="GUM's Wikinews news and interviews (dep/*.conllu) as documents with a GUM-derived draft layer",
        description=gum.__doc__,
        epilog="examples:\nnewsspan import gum gum/dep/ --genre all --report gum-report.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    q.add_argument("--root", metavar="DIR", default=argparse.SUPPRESS, help="corpus root (default: found from here)")
    q.add_argument("paths", nargs="+", metavar="DIR", help="GUM's dep/ folder or .conllu files")
    q.add_argument("--genre", choices=("news", "interview", "all"), default="news", help="default: news")
    q.add_argument("--report", metavar="FILE", help="also write the conversion report as JSON")
    q.set_defaults(func=cmd_import_gum)


def cmd_import_gum(args) -> int:
    """Write each document's text, meta and layer annotations/annotators/gum-import/<id>.json, and a draft
    released layer where the document has none; a text that differs from the corpus's is refused."""
    import json
    from collections import Counter

    from .formats import gum
    from .model import dump_json

    root = store.Root.discover(getattr(args, "root", None))
    genres = ("news", "interview") if args.genre == "all" else (args.genre,)
    docs = gum.read([Path(p) for p in args.paths], genres)
    errors, written = [], 0
    with root.writing(on_wait=_waiting("import gum")):
        for d in docs:
            text_path = root.text_path(d.id)
            if text_path.exists() and text_path.read_bytes() != d.text.encode("utf-8"):
                errors.append(f"{root.rel(text_path)}: differs from the text GUM gives; left as it is")
                continue
            files = [(text_path, d.text.encode("utf-8")), (root.meta_path(d.id), dump_json(d.meta))]
            files.append((root.annotation_path(d.id, "gum-import"), d.annotation.dumps()))
            if not root.annotation_path(d.id).exists():
                files.append((root.annotation_path(d.id), d.annotation.dumps()))
            for path, data in files:
                if not path.exists() or path.read_bytes() != data:
                    root.write_atomic(path, data)
                    written += 1
    items = [r for d in docs for r in d.report]
    for r in items:
        why = f" ({r['why']})" if "why" in r else ""
        print(f"{r['kind']}: {r['doc']} {r['gum']['text']!r} -> {r['text']!r} {r.get('label', '')}{why}")
    counts = {
        "documents": len(docs),
        "tokens": sum(len(d.words) for d in docs),
        "sections": dict(Counter(s.label for d in docs for s in d.annotation.sections)),
        "entities": dict(Counter(e.label for d in docs for e in d.annotation.entities)),
        "with_kb_id": sum(e.kb_id is not None for d in docs for e in d.annotation.entities),
        "claim_proposals": sum(len(d.claims) for d in docs),
        **Counter(r["kind"] for r in items),
    }
    print(json.dumps(counts))
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if args.report:
        Path(args.report).write_bytes(dump_json({"counts": counts, "errors": errors, "items": items}))
    print(f"newsspan import gum: {len(docs)} documents, {written} files written in {root.path}")
    return 1 if errors else 0


def cmd_export(args) -> int:
    from .exporter import plan_export, write_output

    root = store.Root.discover(args.root)
    root.check()
    plan, files = plan_export(
        root,
        args.format,
        args.out,
        force=args.force,
        include_drafts=args.include_drafts,
        split=args.split,
        progress=progress.wanted(args.quiet),
    )
    if plan.ok:
        write_output(args.format, args.out, files)
    return _report_plan("export", plan, root)


def cmd_canonicalize(args) -> int:
    from .repair import plan_canonicalize

    root = store.Root.discover(args.root)
    return _run_partial("canonicalize", root, lambda: plan_canonicalize(root, args.ids))


def cmd_reanchor(args) -> int:
    from .repair import plan_reanchor

    root = store.Root.discover(args.root)
    return _run_partial("reanchor", root, lambda: plan_reanchor(root, args.ids))


def _run_partial(command: str, root, make_plan) -> int:
    """Per-document plans: the documents that are clean are written, the others listed (exit 1)."""
    root.check()
    with root.writing(on_wait=_waiting(command)):
        plan = make_plan()
        root.write_all(plan.writes)
    for w in plan.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for e in plan.errors:
        print(f"error: {e}", file=sys.stderr)
    for line in plan.summary:
        print(line)
    if not plan.summary and not plan.errors:
        print(f"newsspan {command}: nothing to do in {root.path}")
    if plan.errors:
        print(
            f"newsspan {command}: {len(plan.errors)} problem(s); the documents concerned were left unchanged "
            f"(root {root.path})",
            file=sys.stderr,
        )
        return 1
    if plan.summary:
        print(f"newsspan {command}: done in {root.path}")
    return 0


def _wrap(text: str) -> str:
    return textwrap.fill(text, 88, break_on_hyphens=False)  # an option such as --include-drafts stays whole


def _refused(command: str, e, root) -> int:
    """Print why a command refused (newsspan.annotators.Refused): the problems of the files read, as the
    validator prints them, then one line (stderr); exit code 1."""
    from .report import Report, render_text

    if e.problems:
        sys.stderr.write("".join(render_text(Report(problems=list(e.problems))).splitlines(True)[:-1]))
    print(f"newsspan {command}: {e} (root {root.path})", file=sys.stderr)
    return 1


def cmd_agree(args) -> int:
    from . import agreement
    from .annotators import Refused, agree

    root = store.Root.discover(args.root)
    try:
        result = agree(root, args.a, args.b)
    except Refused as e:
        return _refused("agree", e, root)
    sys.stdout.write(agreement.render_json(result) if args.format == "json" else agreement.render_text(result))
    if args.format == "text":
        n = len(result.documents)
        print(f"newsspan agree: {n} document{'s' * (n != 1)} compared in {root.path}")
    return 0


def cmd_adjudicate(args) -> int:
    from . import adjudicate, annotators
    from .annotators import Refused

    root = store.Root.discover(args.root)
    if args.out and not Path(args.out).absolute().parent.is_dir():
        raise store.StoreError(f"--out {args.out}: no folder {Path(args.out).absolute().parent} to write it in")
    root.check()
    with root.writing():  # the lock, then recovery from any command killed before
        try:
            adj = annotators.adjudicate(root, args.id, args.a, args.b, force=args.force)
        except Refused as e:
            return _refused("adjudicate", e, root)
        path = root.annotation_path(args.id)
        root.write_all([(path, adj.annotation.dumps())])
        if args.out:
            store.write_atomic(Path(args.out), adjudicate.render_json(adj).encode("utf-8"))
    sys.stdout.write(adjudicate.render_text(adj))
    kept = ", ".join(f"{adj.kept(layer)} {layer}" for layer in schema.layers())
    n = len(adj.disagreements)
    print(
        f"newsspan adjudicate: wrote {root.rel(path)} (draft; agreed: {kept}; {n} disagreement{'s' * (n != 1)} to review"
        + (f", written to {args.out}" if args.out else "")
        + f") in {root.path}"
    )
    return 0


def cmd_stats(args) -> int:
    from . import stats
    from .corpus import Corpus

    root = store.Root.discover(args.root)
    corpus = Corpus(root)
    try:
        st = stats.statistics(corpus.released() if args.released else corpus)
    except ValueError as e:  # a file that does not parse as an annotation
        print(f"newsspan stats: {e}; nothing was counted (root {root.path})", file=sys.stderr)
        return 1
    sys.stdout.write(stats.RENDERERS[args.format](st))
    if args.format == "text":
        print(
            f"newsspan stats: {st.documents} document{'s' * (st.documents != 1)}"
            f"{' released' if args.released else ''} in {root.path}"
        )
    return 0


def cmd_show(args) -> int:
    from . import show
    from .annotators import Refused

    root = store.Root.discover(args.root)
    out = Path(args.out)
    if not out.absolute().parent.is_dir():
        raise store.StoreError(f"--out {args.out}: no folder {out.absolute().parent} to write it in")
    if args.diff and args.annotator:
        raise store.StoreError("--annotator and --diff show different things: give one of them")
    try:
        page = show.page(root, args.id, args.annotator, args.diff)
    except Refused as e:
        return _refused("show", e, root)
    store.write_atomic(out, page.encode("utf-8"))
    print(
        f"newsspan show: wrote {args.out} ({args.id}, "
        + (
            f"{args.diff[0]} and {args.diff[1]}"
            if args.diff
            else f"annotator {args.annotator}"
            if args.annotator
            else "released layer"
        )
        + f") from {root.path}"
    )
    return 0


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _command(sub, name: str, summary: str, description: str, examples: tuple[str, ...]):
    """A subcommand whose --help says what it does and ends with examples."""
    return sub.add_parser(
        name,
        help=summary,
        description=_wrap(description),
        epilog=_examples(*examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsspan",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_wrap(
            "The newsspan corpus: validate, build and convert annotations. Every command works on the corpus root you "
            "stand in (the nearest folder at or above the working directory holding corpus/ and annotations/), or the "
            "one --root DIR names. `newsspan COMMAND --help` shows a command's options and examples."
        ),
        epilog=_examples(
            "newsspan validate                  # check the corpus you stand in",
            "newsspan validate --fix            # move shifted spans onto their quotes, then check",
            "newsspan build                     # validate, then write the Hugging Face folder build/hf",
            "newsspan add article.txt           # a new article with draft sections",
            "newsspan import labelstudio export.json --label-map 'Person=PERSON'",
            "newsspan export conll --out ner.conll",
        ),
    )
    parser.add_argument("--version", action="version", version=f"newsspan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    p = _command(
        sub,
        "validate",
        "check the corpus and annotations against the schemas and checks",
        "Check every text, metadata and annotation file of the root (or the documents the PATHs name) "
        "against the JSON Schemas and the semantic checks (`newsspan checks`), and report every problem "
        "with its file, line, JSON pointer and fix. Exit 0 without errors (warnings allowed), 1 with errors, "
        "2 for a usage error or no corpus root. --fix first moves each span whose quote occurs exactly once "
        "near its offsets onto that occurrence (the one safe fix), and leaves every other problem as it was.",
        (
            "newsspan validate",
            "newsspan validate annotations/my-article.json my-other-article",
            "newsspan validate --fix",
            "newsspan validate --root path/to/corpus --format json",
            "newsspan validate --format github     # annotations on a pull request's diff",
        ),
    )
    _add_root(p)
    p.add_argument("--format", choices=sorted(RENDERERS), default="text", help="report format (default: text)")
    p.add_argument(
        "--fix",
        action="store_true",
        help="first move each shifted span onto its quote when it occurs exactly once within 64 characters "
        "of its offsets (printing each move), then report what is left",
    )
    _add_quiet(p)
    p.add_argument(
        "--max-bytes",
        type=_positive_int,
        default=store.MAX_FILE_BYTES,
        metavar="N",
        help=f"largest file accepted, in bytes (default {store.MAX_FILE_BYTES})",
    )
    p.add_argument(
        "--max-depth",
        type=_positive_int,
        default=jsonfile.MAX_DEPTH,
        metavar="N",
        help=f"deepest JSON nesting accepted (default {jsonfile.MAX_DEPTH})",
    )
    p.add_argument(
        "--max-spans",
        type=_positive_int,
        default=store.MAX_SPANS,
        metavar="N",
        help=f"most spans accepted in one annotation file (default {store.MAX_SPANS})",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=0,
        metavar="N",
        help="check documents in N processes (default: all cores); the report is the same",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file afresh, ignoring and not updating the root's .newsspan-cache/",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or document ids to check (default: the whole root)")
    p.set_defaults(func=cmd_validate)

    p = _command(
        sub,
        "build",
        "validate and build the Hugging Face dataset folder",
        "Validate the corpus (a corpus with errors is refused with the report, exit 1), then write a Hugging "
        "Face dataset folder: Parquet files per config and split and a README.md dataset card, which plain "
        "datasets.load_dataset reads offline. Released are the documents whose layer has status complete or "
        "gold; the others are named, and --include-drafts includes them.",
        (
            "newsspan build",
            "newsspan build --out DIR --config entities --config claims",
            "newsspan build --include-drafts",
        ),
    )
    _add_root(p)
    p.add_argument("--out", metavar="DIR", help="the folder to write (default: <root>/build/hf); replaced as a whole")
    p.add_argument(
        "--config",
        action="append",
        choices=hf.CONFIGS,
        metavar="NAME",
        help=f"build only this config, one of {', '.join(hf.CONFIGS)} (repeatable; default: all)",
    )
    p.add_argument(
        "--include-drafts", action="store_true", help="also release draft layers and texts without a released layer"
    )
    p.add_argument(
        "--num-proc",
        type=_positive_int,
        metavar="N",
        help="processes for datasets to build with (default: all cores from 2,000 documents on, else 1)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="validate every file afresh, ignoring the root's validation cache (.newsspan-cache/)",
    )
    p.add_argument(
        "--max-shard-size",
        type=_size,
        metavar="SIZE",
        help="most Arrow data per Parquet file, e.g. 64MB (default 128MiB); larger splits get several shards",
    )
    _add_quiet(p)
    p.set_defaults(func=cmd_build)

    p = _command(
        sub,
        "recover",
        "finish or undo what a killed command left in the root (writing commands do it first)",
        "Complete the transaction a killed command left half done (its journal is replayed), or undo one "
        "that never started (its temporary files are removed). Every command that writes does this first.",
        ("newsspan recover", "newsspan recover --root path/to/corpus"),
    )
    _add_root(p)
    p.set_defaults(func=cmd_recover)

    p = _command(
        sub,
        "init",
        "make a folder a corpus root (corpus/ and annotations/)",
        "Make DIR (default: the working directory) a new, empty corpus root: a folder holding corpus/ and "
        "annotations/. Nothing is changed in a folder that is a root already.",
        ("newsspan init my-corpus", "newsspan init"),
    )
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the folder (default: the working directory)")
    p.set_defaults(func=cmd_init)

    p = _command(
        sub,
        "checks",
        "list the validator's checks",
        "List every check the validator runs: its stable id, severity, scope and what it means.",
        ("newsspan checks", "newsspan checks --markdown > docs/checks.md"),
    )
    p.add_argument("--markdown", action="store_true", help="print the catalogue as docs/checks.md")
    p.set_defaults(func=cmd_checks)

    from .formats import EXPORT_FORMATS

    p = _command(
        sub,
        "add",
        "add raw articles to the corpus (canonical text, metadata, draft sections)",
        "Add raw articles: each becomes corpus/<id>.txt in canonical form (UTF-8, LF, NFC), "
        "corpus/<id>.meta.json with what the text says about itself, and a draft annotations/<id>.json "
        "whose sections are pre-annotated from the layout. Prints the status of each layer written and how "
        "to release a draft. Nothing is written when anything is wrong.",
        (
            "newsspan add article.txt",
            "newsspan add article.txt --id my-article --language fr --split test",
            "newsspan add folder-of-txt-files/",
        ),
    )
    _add_root(p)
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files, or folders of .txt files")
    p.add_argument(
        "--id",
        help="document id (one file only; default: the file stem made safe); "
        "1-64 of a-z 0-9 _ -, starting with a letter or digit",
    )
    p.add_argument("--language", metavar="L", help="BCP 47 language tag, for articles without a header that says it")
    p.add_argument("--split", choices=schema.splits(), help="pin the document to a split")
    p.add_argument("--force", action="store_true", help="replace an existing text and metadata of the same id")
    p.set_defaults(func=cmd_add)

    _add_import_parsers(sub)

    p = _command(
        sub,
        "export",
        "export the released annotations for annotation tools and trainers",
        "Export the documents a build releases (layers with status complete or gold; --include-drafts as in "
        "`newsspan build`), or one split of them, in an annotation tool's format (to pre-annotate) or as "
        "CoNLL for trainers. The corpus must validate; the output is written atomically.",
        (
            "newsspan export conll --out ner.conll",
            "newsspan export conll --split test --out test.conll",
            "newsspan export labelstudio --include-drafts --out tasks.json",
            "newsspan export brat --out brat-folder/",
        ),
    )
    _add_root(p)
    p.add_argument("format", choices=EXPORT_FORMATS, metavar="FORMAT", help=f"one of {', '.join(EXPORT_FORMATS)}")
    p.add_argument("--out", required=True, metavar="PATH", help="output folder (brat) or file")
    p.add_argument("--split", choices=schema.splits(), help="export only the documents of this split")
    p.add_argument(
        "--include-drafts",
        action="store_true",
        help="also export draft layers and texts without a released layer, as `newsspan build --include-drafts`",
    )
    p.add_argument("--force", action="store_true", help="replace an existing output")
    _add_quiet(p)
    p.set_defaults(func=cmd_export)

    p = _command(
        sub,
        "canonicalize",
        "rewrite non-canonical corpus texts and re-anchor their annotations",
        "Rewrite each text saved with CRLF line ends, a byte order mark or decomposed characters (NFD) in "
        "canonical form (UTF-8, LF, NFC), and map every span of its annotations through that change "
        "exactly. The fix of the text-not-canonical check.",
        ("newsspan canonicalize", "newsspan canonicalize my-article"),
    )
    _add_root(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="document ids (default: all)")
    p.set_defaults(func=cmd_canonicalize)

    p = _command(
        sub,
        "reanchor",
        "move spans onto a corrected text (old and new text aligned) and update the hashes",
        "After a text was corrected (a typo, a removed advertisement), the spans of the documents whose "
        "text_sha256 no longer matches follow the correction: the old text, rebuilt from the stored quotes, "
        "is aligned with the new one word by word. Spans around an edit move with it; a span that contains "
        "an edit keeps its ends and gets its quote updated (listed for review); the hashes are updated. A "
        "span whose own first or last word was changed or deleted is listed, never guessed nor moved onto "
        "another occurrence of its quote, and its document is left unchanged.",
        ("newsspan reanchor", "newsspan reanchor my-article"),
    )
    _add_root(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="document ids (default: all)")
    p.set_defaults(func=cmd_reanchor)

    p = _command(
        sub,
        "agree",
        "inter-annotator agreement of two annotators",
        "Score annotator B against annotator A on the documents both annotated: per layer and label, "
        "precision, recall and F1 for exact span matches (same start, end and label) and for overlap matches "
        "(same label, at least one character in common, each span matched at most once); Cohen's kappa on "
        "tokens for sections; agreement on the attribution type and check-worthiness of matched claims; "
        "and every disagreement with its text. A and B are names of annotations/annotators/ or folders of "
        "<id>.json files. The formulas are in docs/agreement.md.",
        (
            "newsspan agree alice bob",
            "newsspan agree alice bob --format json > agreement.json",
            "newsspan agree path/to/alice-export path/to/bob-export --root path/to/corpus",
        ),
    )
    _add_root(p)
    p.add_argument("a", metavar="A", help="the reference annotator: a name under annotations/annotators/, or a folder")
    p.add_argument("b", metavar="B", help="the annotator scored against A: a name, or a folder")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_agree)

    p = _command(
        sub,
        "adjudicate",
        "merge two annotators' layers into a draft of what they agree on",
        "Write the document's released layer (annotations/ID.json) as a draft holding, in every layer, the "
        "spans on which annotators A and B agree exactly (same offsets and label; for claims also the same "
        "attribution and check-worthiness), and print each disagreement side by side for a reviewer "
        "(--out FILE also writes them as JSON). The draft is checked by the validator before it is written. "
        "A released layer that is more than a draft is never replaced without --force.",
        (
            "newsspan adjudicate 000_1afbb3b63b1bfa60 alice bob",
            "newsspan adjudicate my-article alice bob --out review.json",
            "newsspan adjudicate my-article alice bob --force   # replace a complete or gold layer",
        ),
    )
    _add_root(p)
    p.add_argument("id", metavar="ID", help="the document id")
    p.add_argument(
        "a", metavar="A", help="an annotator: a name under annotations/annotators/, or a folder (its ids are kept)"
    )
    p.add_argument("b", metavar="B", help="the other annotator: a name, or a folder")
    p.add_argument("--out", metavar="FILE", help="also write the disagreements as JSON to FILE")
    p.add_argument("--force", action="store_true", help="replace a released layer that is complete or gold")
    p.set_defaults(func=cmd_adjudicate)

    p = _command(
        sub,
        "stats",
        "statistics of the corpus: documents, tokens, spans per label and per document",
        "Count the documents of the root per language, status and split; their tokens (those inside "
        "sections, as in the entities and claims configs); sections and entity mentions per label; claims per "
        "attribution type and check-worthiness; and the spans per document (minimum, median, maximum). The "
        "dataset card that `newsspan build` writes shows the same figures, computed by the same function, "
        "for the released documents (--released).",
        (
            "newsspan stats",
            "newsspan stats --released --format markdown > STATS.md",
            "newsspan stats --root path/to/corpus --format json",
        ),
    )
    _add_root(p)
    p.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)"
    )
    p.add_argument(
        "--released",
        action="store_true",
        help="only the documents a release holds (status complete or gold), as the dataset card counts them",
    )
    p.set_defaults(func=cmd_stats)

    p = _command(
        sub,
        "show",
        "an annotated article as one self-contained HTML page",
        "Write one HTML page (inline CSS; no script, font or URL to fetch) showing the document's metadata, "
        "a legend of the entity labels in the schema's colours, and the article with its section labels in "
        "the margin, entity mentions highlighted per label and claims underlined and linked to their source "
        "mention; hovering a span shows its id, label and offsets. By default the released layer; "
        "--annotator NAME shows one annotator's layer, --diff A B two annotators' entity mentions side by "
        "side with agreements and disagreements marked. All text is escaped.",
        (
            "newsspan show 000_1afbb3b63b1bfa60 --out article.html",
            "newsspan show my-article --annotator alice --out alice.html",
            "newsspan show my-article --diff alice bob --out diff.html",
        ),
    )
    _add_root(p)
    p.add_argument("id", metavar="ID", help="the document id")
    p.add_argument("--out", required=True, metavar="FILE.html", help="the page to write")
    p.add_argument("--annotator", metavar="NAME", help="show this annotator's layer (a name, or a folder)")
    p.add_argument("--diff", nargs=2, metavar=("A", "B"), help="show two annotators' entity mentions side by side")
    p.set_defaults(func=cmd_show)
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
