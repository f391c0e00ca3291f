"""The HCL corpus of ../shared/corpus: every snippet Consul's parser accepts loads to Consul's value, every
snippet it rejects is rejected. Where the corpus is absent (it is not shipped with consulite), the run says so
in its summary (tests/conftest.py) and one test here is skipped with the reason."""

import json
from pathlib import Path

import pytest

from consulite.decode.hcl import HCLError, loads

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
ROWS = [json.loads(line) for line in (CORPUS / "oracle.jsonl").read_text().splitlines()] \
    if (CORPUS / "oracle.jsonl").is_file() else []


MISSING = f"{CORPUS} is absent: the HCL corpus test (376 snippets of Consul's docs) did not run"


def test_corpus_is_present():
    if not ROWS:
        pytest.skip(MISSING)
    assert len(ROWS) >= 376


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["file"])
def test_corpus_snippet(row):
    text = (CORPUS / row["file"]).read_text()
    if row["hcl1_ok"]:
        assert loads(text) == row["hcl1_value"]
    else:
        with pytest.raises(HCLError):
            loads(text)
