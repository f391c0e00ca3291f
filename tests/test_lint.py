"""ruff and mypy, configured in pyproject.toml, as tests/test_layers.py runs import-linter.

ruff has no Python API (its package only locates the binary), so it runs as `python -m ruff`;
mypy runs in-process through `mypy.api`.
"""

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"

# The paths held clean today (mypy: strict where pyproject says so, the rest not). Both lists grow
# until each is the whole of `consulite`, `tests` and `bench` (pyproject's mypy `files`), and then
# the tests check exactly that.
RUFF_CLEAN = ["consulite", "tests", "bench"]
MYPY_CLEAN = ["consulite"]


@contextmanager
def _in(directory: Path) -> Iterator[None]:
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(cwd)


def _ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *args],
        cwd=ROOT, input=stdin, capture_output=True, text=True, check=False,
    )


def _mypy(*args: str, cwd: Path = ROOT) -> tuple[str, int]:
    with _in(cwd):
        out, err, status = mypy_api.run(["--config-file", str(PYPROJECT), "--no-error-summary", *args])
    return out + err, status


def test_ruff_is_clean():
    result = _ruff(*RUFF_CLEAN)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_reads_the_project_rules():
    """A file with an unsorted import and an unused one fails: the check can fail, and I (isort) is on."""
    result = _ruff("--stdin-filename", "consulite/model/probe.py", "-", stdin="import sys\nimport os\n")
    assert result.returncode == 1
    assert "I001" in result.stdout and "F401" in result.stdout, result.stdout


def test_mypy_is_clean():
    out, status = _mypy(*MYPY_CLEAN)
    assert status == 0, out


def test_mypy_is_strict_only_where_configured(tmp_path: Path):
    """The same untyped function fails in consulite.model and passes in consulite.http.

    mypy honours `strict` only as a global option (in an override it turns strict on everywhere), so
    pyproject spells out the flags; this keeps both halves of that true.
    """
    for package in ("consulite", "consulite/model", "consulite/http"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("")
    probe = textwrap.dedent("""\
        def untyped(x):
            return x
    """)
    (tmp_path / "consulite/model/probe.py").write_text(probe)
    (tmp_path / "consulite/http/probe.py").write_text(probe)
    out, status = _mypy("--cache-dir", str(tmp_path / ".mypy_cache"), "consulite", cwd=tmp_path)
    assert status == 1, out
    assert "consulite/model/probe.py:1: error: Function is missing a type annotation  [no-untyped-def]" in out, out
    assert "consulite/http/probe.py" not in out, out


@pytest.mark.parametrize("path", sorted(set(RUFF_CLEAN + MYPY_CLEAN)))
def test_the_clean_paths_exist(path: str):
    """A renamed folder would leave a check that lints nothing."""
    assert (ROOT / path).exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("@pytest.mark.no_such_marker\ndef test_x():\n    pass\n", "'no_such_marker' not found in `markers`"),
        ("@pytest.mark.xfail\ndef test_x():\n    pass\n", "XPASS(strict)"),
        ("@pytest.mark.slow\ndef test_x():\n    pass\n", "1 passed"),
    ],
    ids=["unregistered-marker-refused", "xpass-fails", "slow-is-registered"],
)
def test_pytest_settings_take_effect(tmp_path: Path, body: str, expected: str):
    """pyproject's pytest settings, run for real: a typo'd marker and an unexpected pass both fail."""
    (tmp_path / "test_probe.py").write_text("import pytest\n\n\n" + body)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(PYPROJECT),
         "--rootdir", str(tmp_path), str(tmp_path / "test_probe.py")],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},  # the settings are pytest's own; plugins cost 10 s
    )
    assert expected in result.stdout, result.stdout + result.stderr
    assert (result.returncode == 0) == (expected == "1 passed"), result.stdout
