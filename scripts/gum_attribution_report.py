"""Every attribution relation of GUM's Wikinews documents and what became of it in the released corpus.

For each relation (GUM's eRST `attribution-positive` / `attribution-negative`, as the review kit proposed
it), the report gives the claim of the released layer that holds its content (the claim that overlaps
the proposal's content span most), or, when none does, the reason the annotator gave for rejecting it
(from the worksheet of the annotator whose layer was released; for an adjudicated document, of each
annotator and of the adjudicator). Writes review/attribution-report.json and prints the counts.

    python scripts/gum_attribution_report.py [--root DIR]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def report(root: Path) -> dict:
    out, counts = [], Counter()
    for released in sorted((root / "annotations").glob("gum_*.json")):
        doc = json.loads(released.read_text(encoding="utf-8"))
        who = [a for a in doc["annotators"] if (root / "review" / a / released.name).is_file()]
        sheets = {a: json.loads((root / "review" / a / released.name).read_text(encoding="utf-8")) for a in who}
        sheets = {a: w for a, w in sheets.items() if "proposals" in w}  # (the adjudicator's file holds decisions)
        first = next(iter(sheets.values()), None)
        if first is None:
            continue
        for p in (p for p in first["proposals"] if p["kind"] == "claim"):
            best = max(doc["claims"], key=lambda c: _overlap(c, p), default=None)
            item = {"document": doc["document_id"], "relation": p["from"].split(":", 1)[1], "edu": p["gum"]["edu"]}
            item |= {"content": p["text"], "start": p["start"], "end": p["end"]}
            if best is not None and _overlap(best, p) * 2 >= min(best["end"] - best["start"], p["end"] - p["start"]):
                item |= {"claim": best["id"], "type": best["attribution"]["type"], "claim_text": best["text"]}
                counts[f"claim ({best['attribution']['type']})"] += 1
            else:
                reasons = {
                    a: s["reason"]
                    for a, w in sheets.items()
                    for s in w["proposals"]
                    if s["id"] == p["id"] and s.get("reason")
                }
                item["not_a_claim"] = reasons
                counts["not a claim"] += 1
            out.append(item)
    return {"counts": dict(counts), "relations": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the corpus root (default: here)")
    root = Path(parser.parse_args().root)
    result = report(root)
    (root / "review" / "attribution-report.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(json.dumps(result["counts"]), f"({len(result['relations'])} relations)")


if __name__ == "__main__":
    main()
