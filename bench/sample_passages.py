"""Sample 40 top hybrid hits of the blind set with every section of the paper, for judging the shown passage by hand.

Run: .venv/bin/python bench/sample_passages.py indexes /tmp/passages_sample.json
"""
import json, random, sys
from kb import KnowledgeBase
from kb.evaluate import load_queries
from pathlib import Path
kb = KnowledgeBase.open(sys.argv[1] if len(sys.argv) > 1 else "indexes")
qs = load_queries(Path("bench/queries_blind.jsonl"))
random.seed(18)
sample = random.sample(qs, 40)
out = []
for q in sample:
    h = kb.ask(q.query, 1, since=q.since, until=q.until)[0]
    secs = kb.sql("SELECT section, text FROM chunks WHERE paper_id = ? ORDER BY ordinal", [h.paper_id]).rows
    out.append({"qid": q.qid, "query": q.query, "paper_id": h.paper_id, "shown_section": h.section, "shown": h.text,
                "sections": {s: t[:160].replace("\n", " ") for s, t in secs}})
Path(sys.argv[2] if len(sys.argv) > 2 else "passages_sample.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))
