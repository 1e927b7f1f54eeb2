"""tokenize.is_boundary (the validator's token-boundary check) agrees with tokenize() everywhere."""

from newsspan import tokenize as T

from conftest import REPO
from synthetic import make_root


def expected(text, pos, starts):
    return pos <= 0 or pos >= len(text) or text[pos - 1].isspace() or text[pos].isspace() or pos in starts


def test_is_boundary_matches_the_tokens_at_every_position(tmp_path):
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((make_root(tmp_path / "r", 8) / "corpus").glob("*.txt"))]
    texts += [
        "U.S.-China talks, Mr. Blinken's trip (2024-01-12) at 2:49 pm: 1,000 people; 美国国务卿布林肯。don't",
        "https://example.com/a,b. www.x.org) ... -- e.g.",
        "no\u00a0break, tab\tsep, ideo\u3000space, line\u2028sep,end. x",
    ]
    for text in texts:
        starts = {t.start for t in T.tokenize(text)}
        for pos in range(len(text) + 1):
            assert T.is_boundary(text, pos) == expected(text, pos, starts), (text[max(0, pos - 10) : pos + 10], pos)
