"""The `newsspan` command line. Thin: parses arguments and calls the library.

Exit codes: 0 success (warnings allowed), 1 problems found or bad input, 2 usage error or
unusable root.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__, store
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


def _add_root(p):
    p.add_argument("--root", metavar="DIR", help="corpus root holding corpus/ and annotations/ (default: this repository's)")


def cmd_validate(args) -> int:
    from .validate import Limits, validate_root

    limits = Limits(max_bytes=args.max_bytes, max_depth=args.max_depth, max_spans=args.max_spans)
    report = validate_root(store.Root(args.root), args.paths or None, limits)
    sys.stdout.write(RENDERERS[args.format](report))
    return 0 if report.ok else 1


def cmd_build(args) -> int:
    from .validate import validate_root

    report = validate_root(store.Root(args.root))
    if not report.ok:
        sys.stdout.write(RENDERERS["text"](report))
        print("newsspan build: the corpus has errors; nothing was built", file=sys.stderr)
        return 1
    print(report.summary_line())
    print("newsspan build: the Hugging Face builder is not implemented yet; the corpus validates.")
    return 0


def cmd_recover(args) -> int:
    root = store.Root(args.root)
    root.check()
    with root.lock():
        done = root.recover()
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
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or document ids to check (default: the whole root)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="validate and build the Hugging Face dataset folder")
    _add_root(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("recover", help="finish or undo what a killed command left in the root (writing commands do it first)")
    _add_root(p)
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("checks", help="list the validator's checks")
    p.add_argument("--markdown", action="store_true", help="print the catalogue as docs/checks.md")
    p.set_defaults(func=cmd_checks)
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
    except Exception as e:  # noqa: BLE001 - a bug is one clear line and exit 1, never a traceback
        if os.environ.get("NEWSSPAN_DEBUG"):
            raise
        print(f"newsspan {args.command}: internal error: {type(e).__name__}: {e} "
              "(nothing was reported as valid; set NEWSSPAN_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
