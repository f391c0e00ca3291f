"""The HCL corpus of ../shared/corpus: every snippet Consul's parser accepts loads to Consul's value, every
snippet it rejects is rejected. Skipped where the corpus is absent (it is not shipped with consulite)."""

import json
from pathlib import Path

import pytest

from consulite.decode.hcl import HCLError, loads

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
ROWS = [json.loads(line) for line in (CORPUS / "oracle.jsonl").read_text().splitlines()] \
    if (CORPUS / "oracle.jsonl").is_file() else []


@pytest.mark.skipif(not ROWS, reason="../shared/corpus is not present")
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["file"])
def test_corpus_snippet(row):
    text = (CORPUS / row["file"]).read_text()
    if row["hcl1_ok"]:
        assert loads(text) == row["hcl1_value"]
    else:
        with pytest.raises(HCLError):
            loads(text)
