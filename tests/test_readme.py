"""The README's compatibility table matches the route registry."""

from pathlib import Path

from consulite.http.compat import compatibility_table

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_compatibility_table_is_current():
    start = README.index("<!-- compat:start -->") + len("<!-- compat:start -->")
    end = README.index("<!-- compat:end -->")
    assert README[start:end].strip() == compatibility_table(), "run: python -m consulite.http.compat"
