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
import json
import subprocess
import sys

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
N = 200_000


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
    return eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re})  # noqa: S307 - our own source, re.X | re.S only


def code_patterns():
    """(where, pattern, flags, methods used) for every regex in newsspan/; non-literal patterns fail."""
    out, problems = [], []
    for path in sorted((REPO / "newsspan").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        compiled = {}  # module-level NAME = re.compile(...)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
                continue
            method = node.func.attr
            if method in ("escape", "purge", "error", "Match", "Pattern"):
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if not node.args or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                problems.append(f"{where}: re.{method} with a pattern that is not a literal (cannot be audited)")
                continue
            flags = node.keywords[0].value if node.keywords else (node.args[2 if method != "compile" else 1]
                                                                  if len(node.args) > (2 if method != "compile" else 1) else None)
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
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names):
                names[node.value.id][3].add(node.attr)
        for name, entry in names.items():
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
def _items(sub):
    return list(sub.data) if hasattr(sub, "data") else list(sub)


def _width(sub):
    lo, hi = sub.getwidth()
    return lo, hi


def _first_chars(seq, depth=0) -> set | None:
    """Characters the sequence can start with (a sample), or None when it may start with anything."""
    chars = set()
    for op, av in _items(seq):
        if op == C.LITERAL:
            return chars | {chr(av)}
        if op == C.NOT_LITERAL or op == C.ANY:
            return None
        if op == C.IN:
            for sop, sav in av:
                if sop == C.NEGATE or sop == C.CATEGORY:
                    return None
                if sop == C.LITERAL:
                    chars.add(chr(sav))
                elif sop == C.RANGE:
                    chars |= {chr(c) for c in range(sav[0], min(sav[1], sav[0] + 300) + 1)}
            return chars
        if op == C.SUBPATTERN:
            f = _first_chars(av[-1], depth + 1)
            if f is None:
                return None
            chars |= f
            if _width(av[-1])[0] > 0:
                return chars
            continue
        if op in REPEATS:
            f = _first_chars(av[2], depth + 1)
            if f is None:
                return None
            chars |= f
            if av[0] > 0:
                return chars
            continue
        if op == C.BRANCH:
            for b in av[1]:
                f = _first_chars(b, depth + 1)
                if f is None:
                    return None
                chars |= f
            return chars
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        return None
    return chars


def _branches(seq):
    """The alternations of a sequence, groups looked into."""
    for op, av in _items(seq):
        if op == C.BRANCH:
            yield av
            for b in av[1]:
                yield from _branches(b)
        elif op == C.SUBPATTERN:
            yield from _branches(av[-1])


def static_findings(pattern: str, flags: int, methods: set) -> list[str]:
    out = []
    tree = sre_parse.parse(pattern, flags)

    def visit(seq, outer_repeat):
        for op, av in _items(seq):
            if op in REPEATS:
                lo, hi, sub = av
                variable = hi > lo
                unbounded = hi == C.MAXREPEAT or hi > 1000
                if outer_repeat and variable and _width(sub)[1] > 0:
                    out.append(f"nested variable repeat inside an unbounded repeat: {pattern!r}")
                sub_lo, sub_hi = _width(sub)
                if unbounded and sub_lo != sub_hi:
                    # (a+)+, (ab?)*, (a|aa)*: one string splits into iterations in many ways
                    out.append(f"an unbounded repeat of a variable-width part (nested repeat): {pattern!r}")
                if unbounded:
                    for sav in _branches(sub):
                            firsts = [_first_chars(b) for b in sav[1]]
                            for i, a in enumerate(firsts):
                                for b in firsts[i + 1:]:
                                    if a is None or b is None or a & b:
                                        out.append(f"alternatives that can start alike under a repeat: {pattern!r}")
                visit(sub, outer_repeat or unbounded)
            elif op == C.SUBPATTERN:
                visit(av[-1], outer_repeat)
            elif op == C.BRANCH:
                for b in av[1]:
                    visit(b, outer_repeat)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                visit(av[1], outer_repeat)

    visit(tree, False)
    if methods & SEARCHING:
        items = _items(tree)
        first = items[0] if items else None
        if first and first[0] in REPEATS and first[1][0] >= 100:
            out.append(f"a search restarts inside a failed run of {first[1][0]}+ characters (guard it with a look-behind): {pattern!r}")
    return out


@pytest.mark.parametrize("where,pattern,flags,methods", ALL, ids=[w for w, *_ in ALL])
def test_static_rules(where, pattern, flags, methods):
    assert static_findings(pattern, flags, methods) == []


@pytest.mark.parametrize("pattern", [
    r"(a+)+$", r"(?:[^\"\\]|\\.|\\u....)*\"", r"(a|ab)*c", r"(a|aa)*c", r"(aa|a.)*c", r"[0-9]{4000,}", r"(\w+\s?)*$",
])
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

chars = set(' a0"\\\n-.Q[{:x')
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
chars = sorted(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF) + ["\ud800"]
own = sorted(chars)[:10]
strings = [c * n for c in chars]
strings += [(a + b) * (n // 2) for i, a in enumerate(own) for b in own[i + 1:]]
strings += [(c * (m - 1) + "\x00") * (n // m) for m in mins for c in own]
for s in strings:
    for t in (s, s + "\x00", "\x00" + s):
        rx.match(t)
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
        res = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps([pattern, flags, sorted(methods), N]),
                             capture_output=True, text=True, timeout=120, env=cli_env())
    except subprocess.TimeoutExpired:
        pytest.fail(f"{where}: {pattern!r} did not finish on adversarial input of {N} characters (catastrophic backtracking)")
    assert res.returncode == 0, res.stderr
    assert int(res.stdout) > 10


def test_hang_detector_detects_a_quadratic_pattern():
    """The detector's strings do trigger the quadratic case the validator once had."""
    old = r'"(?:[^"\\]|\\.)*"'
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, "-c", CHILD], input=json.dumps([old, 0, ["sub"], N]),
                       capture_output=True, text=True, timeout=5)
