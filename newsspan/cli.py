"""The `newsspan` command line. Thin: parses arguments and calls the library.

Exit codes: 0 success (warnings allowed), 1 problems found or bad input, 2 usage error or
unusable root.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__, hf, store
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


def _add_root(p):
    p.add_argument("--root", metavar="DIR", help="corpus root holding corpus/ and annotations/ (default: this repository's)")


def cmd_validate(args) -> int:
    from .validate import Limits, default_jobs, validate_root

    limits = Limits(max_bytes=args.max_bytes, max_depth=args.max_depth, max_spans=args.max_spans)
    report = validate_root(store.Root(args.root), args.paths or None, limits,
                           jobs=args.jobs or default_jobs(), cache=not args.no_cache, on_wait=_waiting("validate"))
    sys.stdout.write(RENDERERS[args.format](report))
    return 0 if report.ok else 1


def _waiting(command: str):
    """What a command says on stderr when it has to wait for the root's lock."""
    return lambda message: print(f"newsspan {command}: {message}", file=sys.stderr, flush=True)


def cmd_build(args) -> int:
    from .hf import release
    from .hf.rows import BuildError

    root = store.Root(args.root)
    try:
        summary = release.build(root, args.out, args.config, include_drafts=args.include_drafts, num_proc=args.num_proc,
                                max_shard_size=args.max_shard_size, cache=not args.no_cache, on_wait=_waiting("build"))
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
    root = store.Root(args.root)
    root.check()
    from .hf.release import default_out

    with root.lock(on_wait=_waiting("recover")):
        done = root.recover(folders=(default_out(root),))
    for line in done:
        print(line)
    print(f"newsspan recover: {len(done)} change{'s' * (len(done) != 1)}" if done else "newsspan recover: nothing to recover")
    return 0


def cmd_checks(args) -> int:
    from . import catalogue, checks

    if args.markdown:
        sys.stdout.write(catalogue.markdown())
    else:
        for c in sorted(checks.REGISTRY.values(), key=lambda c: (c.scope, c.id)):
            print(f"{c.id:24} {c.severity:8} {c.scope:10} {c.description}")
    return 0


def _report_plan(command: str, plan) -> int:
    """Print a plan's problems (stderr) and summary (stdout); exit code 1 when it has errors."""
    for w in plan.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for n in plan.notes:
        print(f"note: {n}", file=sys.stderr)
    for e in plan.errors:
        print(f"error: {e}", file=sys.stderr)
    if plan.errors:
        print(f"newsspan {command}: {len(plan.errors)} error(s); nothing was written", file=sys.stderr)
        return 1
    for line in plan.summary:
        print(line)
    return 0


def _run_plan(command: str, root, make_plan) -> int:
    """Build a plan and write it under the root's lock, as one transaction; all or nothing."""
    root.check()
    with root.writing(on_wait=_waiting(command)):  # the lock, then recovery from any command killed before
        plan = make_plan()
        if not plan.ok:
            return _report_plan(command, plan)
        root.write_all(plan.writes)
    return _report_plan(command, plan)


def cmd_add(args) -> int:
    from .importer import plan_add

    root = store.Root(args.root)
    return _run_plan("add", root, lambda: plan_add(root, args.paths, doc_id=args.id, language=args.language,
                                                    split=args.split, force=args.force))


def cmd_import(args) -> int:
    from .importer import plan_import

    root = store.Root(args.root)
    return _run_plan("import", root, lambda: plan_import(
        root, args.format, args.path, label_map=args.label_map, annotator=args.annotator, offsets=args.offsets,
        language=args.language, status=args.status, force=args.force))


def cmd_export(args) -> int:
    from .exporter import plan_export, write_output

    root = store.Root(args.root)
    root.check()
    plan, files = plan_export(root, args.format, args.out, force=args.force)
    if plan.ok:
        write_output(args.format, args.out, files)
    return _report_plan("export", plan)


def cmd_canonicalize(args) -> int:
    from .repair import plan_canonicalize

    root = store.Root(args.root)
    return _run_partial("canonicalize", root, lambda: plan_canonicalize(root, args.ids))


def cmd_reanchor(args) -> int:
    from .repair import plan_reanchor

    root = store.Root(args.root)
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
        print(f"newsspan {command}: nothing to do")
    if plan.errors:
        print(f"newsspan {command}: {len(plan.errors)} problem(s); the documents concerned were left unchanged", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="newsspan", description="The newsspan corpus: validate, build and convert annotations.")
    parser.add_argument("--version", action="version", version=f"newsspan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check the corpus and annotations against the schemas and checks")
    _add_root(p)
    p.add_argument("--format", choices=sorted(RENDERERS), default="text", help="report format (default: text)")
    p.add_argument("--max-bytes", type=_positive_int, default=store.MAX_FILE_BYTES, metavar="N",
                   help=f"largest file accepted, in bytes (default {store.MAX_FILE_BYTES})")
    p.add_argument("--max-depth", type=_positive_int, default=64, metavar="N", help="deepest JSON nesting accepted (default 64)")
    p.add_argument("--max-spans", type=_positive_int, default=store.MAX_SPANS, metavar="N",
                   help=f"most spans accepted in one annotation file (default {store.MAX_SPANS})")
    p.add_argument("--jobs", "-j", type=_positive_int, default=0, metavar="N",
                   help="check documents in N processes (default: all cores); the report is the same")
    p.add_argument("--no-cache", action="store_true",
                   help="check every file afresh, ignoring and not updating the root's .newsspan-cache/")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or document ids to check (default: the whole root)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="validate and build the Hugging Face dataset folder")
    _add_root(p)
    p.add_argument("--out", metavar="DIR", help="the folder to write (default: <root>/build/hf); replaced as a whole")
    p.add_argument("--config", action="append", choices=hf.CONFIGS,
                   metavar="NAME", help=f"build only this config, one of {', '.join(hf.CONFIGS)} (repeatable; default: all)")
    p.add_argument("--include-drafts", action="store_true",
                   help="also release draft layers and texts without a released layer")
    p.add_argument("--num-proc", type=_positive_int, metavar="N", help="processes for datasets to build with (default: all cores from 2,000 documents on, else 1)")
    p.add_argument("--no-cache", action="store_true",
                   help="validate every file afresh, ignoring the root's validation cache (.newsspan-cache/)")
    p.add_argument("--max-shard-size", type=_size, metavar="SIZE",
                   help="most Arrow data per Parquet file, e.g. 64MB (default 128MiB); larger splits get several shards")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("recover", help="finish or undo what a killed command left in the root (writing commands do it first)")
    _add_root(p)
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("checks", help="list the validator's checks")
    p.add_argument("--markdown", action="store_true", help="print the catalogue as docs/checks.md")
    p.set_defaults(func=cmd_checks)

    from . import schema
    from .formats import EXPORT_FORMATS, IMPORT_FORMATS
    from .formats.offsets import UNITS

    p = sub.add_parser("add", help="add raw articles to the corpus (canonical text, metadata, draft sections)")
    _add_root(p)
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files, or folders of .txt files")
    p.add_argument("--id", help="document id (one file only; default: the file stem made safe)")
    p.add_argument("--language", metavar="L", help="BCP 47 language tag, for articles without a header that says it")
    p.add_argument("--split", choices=schema.splits(), help="pin the document to a split")
    p.add_argument("--force", action="store_true", help="replace an existing text and metadata of the same id")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("import", help="import an annotation tool's export")
    _add_root(p)
    p.add_argument("format", choices=IMPORT_FORMATS, metavar="FORMAT", help=f"one of {', '.join(IMPORT_FORMATS)}")
    p.add_argument("path", metavar="PATH", help="the export (file, or folder for brat and per-user doccano exports)")
    p.add_argument("--label-map", action="append", metavar="SPEC|FILE",
                   help="TOOL_LABEL=TARGET[,...] or a JSON file; TARGET: an entity label, sections:<label>, claims, ignore (repeatable)")
    p.add_argument("--annotator", metavar="NAME", help="write to annotations/annotators/NAME/ instead of the released layer")
    p.add_argument("--offsets", choices=UNITS, help="the tool's offset unit (default: the tool's own; doccano: utf16)")
    p.add_argument("--language", metavar="L", help="BCP 47 language tag for texts new to the corpus")
    p.add_argument("--status", choices=schema.statuses(), help="status of the written layers (default: kept, or draft when new)")
    p.add_argument("--force", action="store_true", help="replace existing non-empty layers that the import changes")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export the released annotations for annotation tools and trainers")
    _add_root(p)
    p.add_argument("format", choices=EXPORT_FORMATS, metavar="FORMAT", help=f"one of {', '.join(EXPORT_FORMATS)}")
    p.add_argument("--out", required=True, metavar="PATH", help="output folder (brat) or file")
    p.add_argument("--force", action="store_true", help="replace an existing output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("canonicalize", help="rewrite non-canonical corpus texts and re-anchor their annotations")
    _add_root(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="document ids (default: all)")
    p.set_defaults(func=cmd_canonicalize)

    p = sub.add_parser("reanchor", help="move spans onto corrected texts (the old text, rebuilt from the quotes, aligned "
                                        "with the new) and update the hashes")
    _add_root(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="document ids (default: all)")
    p.set_defaults(func=cmd_reanchor)
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
    except Exception as e:  # noqa: BLE001 - a bug is one clear line and exit 1, never a traceback
        if os.environ.get("NEWSSPAN_DEBUG"):
            raise
        print(f"newsspan {args.command}: internal error: {type(e).__name__}: {e} "
              "(nothing was reported as valid; set NEWSSPAN_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
