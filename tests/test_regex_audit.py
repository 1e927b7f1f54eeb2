"""No regular expression in the schemas or the code can backtrack catastrophically.

Every pattern is found automatically (the schemas' `pattern` keywords, and every `re.*` call
in newsspan/ found by parsing the source), so a new regex is audited without anyone listing
it. Two kinds of audit:

- static rules on the parsed pattern, for the known shapes of super-linear matching:
  nested variable repeats ((a+)+), alternatives that can start alike under a repeat
  ((a|ab)*), and, for patterns used to search, a long mandatory run that a failed attempt
  would rescan from every position ([0-9]{4000,} without a look-behind);
- a hang detector: each pattern, used the way the code uses it, runs against adversarial
  strings of 200,000 characters built from its own characters, in a subprocess with a
  generous timeout. Linear patterns take well under a second; a quadratic one takes
  minutes. The timeout detects hangs only; no test asserts a timing.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, cli_env

try:  # Python 3.11+
    import re._constants as C
    import re._parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants as C
    import sre_parse

import re

REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT} | ({C.POSSESSIVE_REPEAT} if hasattr(C, "POSSESSIVE_REPEAT") else set())
SEARCHING = {"search", "sub", "subn", "finditer", "findall", "split"}
N = 100_000


# --- finding the patterns -------------------------------------------------------------------
def schema_patterns():
    out = []

    def walk(v, where):
        if isinstance(v, dict):
            for k, x in v.items():
                if k == "pattern" and isinstance(x, str):
                    out.append((f"{where}/pattern", x, 0, {"search"}))  # jsonschema uses re.search
                elif k == "patternProperties" and isinstance(x, dict):
                    out.extend((f"{where}/patternProperties", p, 0, {"search"}) for p in x)
                walk(x, f"{where}/{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{where}/{i}")

    for path in sorted((REPO / "schema").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), path.name)
    return out


def _flags(node) -> int:
    if node is None:
        return 0
    return eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re})  # our own source, re.X | re.S only


def _built_pattern(path: Path, tree: ast.Module, call: ast.Call):
    """The compiled pattern a module-level, argument-less function builds with this call, or None."""
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef) and fn.lineno <= call.lineno <= fn.end_lineno:
            if fn.args.args or fn.args.vararg or fn.args.kwonlyargs or fn.args.kwarg:
                return None
            module = importlib.import_module(".".join(path.relative_to(REPO).with_suffix("").parts))
            value = getattr(module, fn.name)()
            return (fn.name, value) if isinstance(value, re.Pattern) else None
    return None


def _uses_of_builder(tree: ast.Module, fn: str) -> set:
    """Methods called on what fn() returns: fn().search(...), or x = fn(); x.finditer(...)."""

    def is_call(n):
        return isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn

    names, methods = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and is_call(node.value):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (
            is_call(node.value) or (isinstance(node.value, ast.Name) and node.value.id in names)
        ):
            methods.add(node.attr)
    return methods or {"match", "fullmatch", "search", "finditer"}  # not found: assume the worst


def code_patterns():
    """(where, pattern, flags, methods used) for every regex in newsspan/; non-literal patterns fail."""
    out, problems = [], []
    for path in sorted((REPO / "newsspan").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        compiled = {}  # module-level NAME = re.compile(...)
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
            ):
                continue
            method = node.func.attr
            if method in ("escape", "purge", "error", "Match", "Pattern"):
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if not node.args or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                built = _built_pattern(path, tree, node)
                if built is None:
                    problems.append(
                        f"{where}: re.{method} with a pattern that is neither a literal nor built by a "
                        "module-level function without arguments (cannot be audited)"
                    )
                else:  # built at run time (the tokenizer's): audited as built, used as the module uses it
                    fn, value = built
                    out.append([where, value.pattern, value.flags, _uses_of_builder(tree, fn)])
                continue
            flags = (
                node.keywords[0].value
                if node.keywords
                else (
                    node.args[2 if method != "compile" else 1]
                    if len(node.args) > (2 if method != "compile" else 1)
                    else None
                )
            )
            if method in ("sub", "subn") and len(node.args) < 4 and not node.keywords:
                flags = None
            entry = [where, node.args[0].value, _flags(flags), set() if method == "compile" else {method}]
            out.append(entry)
            if method == "compile":
                compiled[node.lineno] = entry
        # methods called on module-level compiled patterns: NAME = re.compile(...); NAME.search(...)
        names = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.lineno in compiled:
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        names[t.id] = compiled[node.value.lineno]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names:
                names[node.value.id][3].add(node.attr)
        for entry in names.values():
            if not entry[3]:
                entry[3].update({"match", "fullmatch", "search"})  # passed around: assume the worst
    return [tuple(e) for e in out], problems


SCHEMA = schema_patterns()
CODE, NON_LITERAL = code_patterns()
ALL = SCHEMA + CODE


def test_patterns_are_found():
    assert len(SCHEMA) >= 10 and len(CODE) >= 8
    assert any("[0-9]{4000,}" in p for _, p, _, _ in CODE)


def test_every_regex_is_a_literal():
    assert NON_LITERAL == []


# --- static rules ---------------------------------------------------------------------------
try:  # Python 3.11+
    import re._compiler as sre_compile
except ImportError:  # Python 3.10
    import sre_compile

SINGLE = {C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY}
LOOK = {C.ASSERT, C.ASSERT_NOT, C.AT}
# the characters the character-set reasoning looks at: Latin, punctuation, combining marks,
# a few of every other script the code names, and every character a pattern names
SAMPLE = [
    chr(c)
    for c in list(range(0x250))
    + list(range(0x300, 0x370))
    + list(range(0x2000, 0x2070))
    + [0x0E01, 0x0E48, 0x1780, 0x3042, 0x30A2, 0x4E00, 0x4E8C, 0xAC00, 0xFF10, 0x20000]
]


def _items(sub):
    return list(sub.data) if hasattr(sub, "data") else list(sub)


def _width(sub):
    return sub.getwidth()


class _Sets:
    """Which sample characters a single-character node matches, computed by the regex engine itself."""

    def __init__(self, tree):
        self.state = tree.state
        self.flags = tree.state.flags
        self.sample = SAMPLE + sorted({chr(av) for op, av in self._walk(tree) if op == C.LITERAL})

    def _walk(self, seq):
        for op, av in _items(seq):
            yield op, av
            if op in (C.MAX_REPEAT, C.MIN_REPEAT):
                yield from self._walk(av[2])
            elif op == C.SUBPATTERN:
                yield from self._walk(av[-1])
            elif op == C.BRANCH:
                for b in av[1]:
                    yield from self._walk(b)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                yield from self._walk(av[1])

    def of(self, node) -> frozenset:
        sub = sre_parse.SubPattern(self.state, [node])
        rx = sre_compile.compile(sub, self.flags)
        return frozenset(c for c in self.sample if rx.match(c))

    def first(self, seq) -> frozenset:
        """Characters a match of seq can begin with (look-arounds ignored: an over-estimate)."""
        out = set()
        for op, av in _items(seq):
            if op in SINGLE:
                return frozenset(out | self.of((op, av)))
            if op == C.SUBPATTERN:
                out |= self.first(av[-1])
                if _width(av[-1])[0] > 0:
                    return frozenset(out)
            elif op in REPEATS:
                out |= self.first(av[2])
                if av[0] > 0 and _width(av[2])[0] > 0:
                    return frozenset(out)
            elif op == C.BRANCH:
                for b in av[1]:
                    out |= self.first(b)
                if all(_width(b)[0] > 0 for b in av[1]):
                    return frozenset(out)
            elif op in LOOK:
                continue
            else:  # back-references and the like: anything
                return frozenset(self.sample)
        return frozenset(out)

    def every(self, seq) -> frozenset:
        """Characters a match of seq can contain anywhere (look-arounds consume nothing)."""
        out = set()
        for op, av in _items(seq):
            if op in SINGLE:
                out |= self.of((op, av))
            elif op == C.SUBPATTERN:
                out |= self.every(av[-1])
            elif op in REPEATS:
                out |= self.every(av[2])
            elif op == C.BRANCH:
                for b in av[1]:
                    out |= self.every(b)
            elif op not in LOOK:
                return frozenset(self.sample)
        return frozenset(out)


def _separated(sets: _Sets, body) -> bool:
    """Whether body begins with one character that the rest of it can never contain: then the
    iterations of a repeat of body split a string in one way only, like (?:,[0-9]+)*."""
    items = _items(body)
    while len(items) == 1 and items[0][0] == C.SUBPATTERN:
        items = _items(items[0][1][-1])
    if not items or items[0][0] not in SINGLE:
        return False
    head = sets.of(items[0])
    return not (head & sets.every(items[1:]))


def _branches(seq):
    """The alternations of a sequence, groups looked into (not repeats: they are visited on their own)."""
    for op, av in _items(seq):
        if op == C.BRANCH:
            yield av
            for b in av[1]:
                yield from _branches(b)
        elif op == C.SUBPATTERN:
            yield from _branches(av[-1])


def _short(pattern: str) -> str:
    return pattern if len(pattern) <= 100 else pattern[:60] + " ... " + pattern[-35:]


def static_findings(pattern: str, flags: int, methods: set) -> list[str]:
    """Known shapes of super-linear matching in pattern; [] when there are none."""
    out = []
    tree = sre_parse.parse(pattern, flags)
    sets = _Sets(tree)

    def visit(seq):
        for op, av in _items(seq):
            if op in REPEATS:
                _, hi, sub = av
                unbounded = hi == C.MAXREPEAT or hi > 1000
                sub_lo, sub_hi = _width(sub)
                if unbounded and sub_lo != sub_hi and not _separated(sets, sub):
                    # (a+)+, (ab?)*, (a|aa)*: one string splits into iterations in many ways
                    out.append(
                        f"an unbounded repeat of a variable-width part that is not separated: {_short(pattern)!r}"
                    )
                if unbounded:
                    for branch in _branches(sub):
                        firsts = [sets.first(b) for b in branch[1]]
                        if any(a & b for i, a in enumerate(firsts) for b in firsts[i + 1 :]):
                            out.append(f"alternatives that can start alike under a repeat: {_short(pattern)!r}")
                visit(sub)
            elif op == C.SUBPATTERN:
                visit(av[-1])
            elif op == C.BRANCH:
                for b in av[1]:
                    visit(b)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                visit(av[1])

    visit(tree)
    if methods & SEARCHING:
        items = _items(tree)
        first = items[0] if items else None
        if first and first[0] in REPEATS and first[1][0] >= 100:
            out.append(
                f"a search restarts inside a failed run of {first[1][0]}+ characters "
                f"(guard it with a look-behind): {_short(pattern)!r}"
            )
    return out


@pytest.mark.parametrize("where,pattern,flags,methods", ALL, ids=[w for w, *_ in ALL])
def test_static_rules(where, pattern, flags, methods):
    assert static_findings(pattern, flags, methods) == []


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+$",
        r"(?:[^\"\\]|\\.|\\u....)*\"",
        r"(a|aa)*c",
        r"(aa|a.)*c",
        r"[0-9]{4000,}",
        r"(\w+\s?)*$",
    ],
)
def test_static_rules_catch_known_bad_shapes(pattern):
    assert static_findings(pattern, 0, {"search"}), pattern


# --- the hang detector ----------------------------------------------------------------------
CHILD = r"""
import re, sys, json
pattern, flags, methods, n = json.loads(sys.stdin.read())
methods = set(methods)
rx = re.compile(pattern, flags)
try:
    import re._parser as sre_parse, re._constants as C
except ImportError:
    import sre_parse, sre_constants as C

generic = set(' a0"\\\n-.Q[{:x')
chars = set(generic)
mins = set()
def walk(seq):
    for op, av in (seq.data if hasattr(seq, "data") else seq):
        if op == C.LITERAL:
            chars.add(chr(av))
        elif op == C.IN:
            for sop, sav in av:
                if sop == C.LITERAL:
                    chars.add(chr(sav))
                elif sop == C.RANGE:
                    chars.update({chr(sav[0]), chr(sav[1])})
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            if av[0] > 1:
                mins.add(av[0])
            walk(av[2])
        elif op == C.SUBPATTERN:
            walk(av[-1])
        elif op == C.BRANCH:
            for b in av[1]:
                walk(b)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            walk(av[1])
walk(sre_parse.parse(pattern, flags))
import random
chars = sorted(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF)
chars = sorted(set(random.Random(0).sample(chars, min(len(chars), 24))) | set(generic)) + ["\ud800"]
own = sorted(chars)[:10]
strings = [c * n for c in chars]
strings += [(a + b) * (n // 2) for i, a in enumerate(own) for b in own[i + 1:]]
strings += [(c * (m - 1) + "\x00") * (n // m) for m in mins for c in own]
for s in strings:
    for t in (s, s + "\x00", "\x00" + s):
        if "match" in methods:
            rx.match(t)
        if "fullmatch" in methods:
            rx.fullmatch(t)
        if methods & {"search", "sub", "subn", "finditer", "findall", "split"}:
            rx.search(t)
            for _ in rx.finditer(t):
                pass
print(len(strings))
"""


@pytest.mark.parametrize("where,pattern,flags,methods", ALL, ids=[w for w, *_ in ALL])
def test_no_pattern_hangs_on_adversarial_input(where, pattern, flags, methods):
    try:
        res = subprocess.run(
            [sys.executable, "-c", CHILD],
            input=json.dumps([pattern, flags, sorted(methods), N]),
            capture_output=True,
            text=True,
            timeout=120,
            env=cli_env(),
        )
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"{where}: {_short(pattern)!r} did not finish on adversarial input of {N} characters (catastrophic backtracking)"
        )
    assert res.returncode == 0, res.stderr
    assert int(res.stdout) > 10


def test_hang_detector_detects_a_quadratic_pattern():
    """The detector's strings do trigger the quadratic case the validator once had."""
    old = r'"(?:[^"\\]|\\.)*"'
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run(
            [sys.executable, "-c", CHILD],
            input=json.dumps([old, 0, ["sub"], N]),
            capture_output=True,
            text=True,
            timeout=5,
        )


# --- the super-linear cases once found, through the public functions ------------------------
HOSTILE = {
    "escaped quotes in an unterminated string (depth scan)": "from newsspan import jsonfile; jsonfile.bounds('[' * 65 + '\"' + '\\\\\"' * 1_000_000)",
    "runs of 3,999 digits (huge-number scan)": "from newsspan import jsonfile; jsonfile.bounds(('1' * 3999 + ',') * 2000)",
    "a million combining marks (NFC search)": "from newsspan.text import first_non_canonical; first_non_canonical('x' + '\\u0301' * 1_000_000 + 'e\\u0301')",
    "a URL of dots ending in a letter (tokenizer)": "from newsspan.tokenize import tokenize; tokenize('http://' + '.' * 1_000_000 + 'x')",
    "a blank run in a byline (author split)": "from newsspan.edit.add import split_authors; split_authors('a' + ' ' * 1_000_000 + 'b')",
    "a letter run before a date (dateline parse)": "from newsspan.edit.add import parse_published; parse_published('a' * 1_000_000 + ' 5, 2024')",
    "100,000 stale spans over a long text (quote search)": "from newsspan.checks.annotation import span_text_mismatch, Context\n"
    "from newsspan.model import well_formed\n"
    "text = 'ab' * 500_000\n"
    "ann, places = well_formed({'entities': [{'start': 2 * i + 1, 'end': 2 * i + 2, 'text': 'c'} for i in range(100_000)]})\n"
    "n = sum(1 for _ in span_text_mismatch(ann, Context.of(ann, places, 'x', text, None)))\n"
    "assert n == 100_000",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_once_quadratic_inputs_finish(case):
    try:
        res = subprocess.run(
            [sys.executable, "-c", HOSTILE[case]], capture_output=True, text=True, timeout=120, env=cli_env()
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case}: did not finish (super-linear again?)")
    assert res.returncode == 0, res.stderr
