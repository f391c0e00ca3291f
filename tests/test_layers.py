"""The layering of ../shared/design.md, enforced with import-linter: imports flow one way.

The contract lives in pyproject.toml (`[tool.importlinter]`).
"""

import logging
import os
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import EXIT_STATUS_ERROR, EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _lint(config: Path) -> int:
    cwd = os.getcwd()
    os.chdir(ROOT)
    # import-linter's dictConfig disables every logger that exists (consulite's): put them back afterwards
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    disabled = {lg: lg.disabled for lg in loggers}
    try:
        return lint_imports(config_filename=str(config), no_cache=True)
    finally:
        os.chdir(cwd)
        for lg, was in disabled.items():
            lg.disabled = was


def _contracts() -> list[dict]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_layers_are_respected():
    assert _lint(PYPROJECT) == EXIT_STATUS_SUCCESS


def test_the_contract_names_the_layers():
    """An emptied or renamed contract would pass vacuously: it must still layer the package."""
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    flat = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    assert {"consulite.http", "consulite.decode", "consulite.resolve", "consulite.model"} <= flat


def test_a_broken_contract_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The same contract upside down must fail: the check can fail, so its passing means something."""
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    config = tmp_path / "pyproject.toml"
    names = ", ".join(f'"{layer}"' for layer in reversed(layers["layers"]))
    config.write_text(
        '[tool.importlinter]\nroot_package = "consulite"\n\n'
        f'[[tool.importlinter.contracts]]\nname = "upside down"\ntype = "layers"\nlayers = [{names}]\n',
        encoding="utf-8",
    )
    assert _lint(config) == EXIT_STATUS_ERROR
    assert "1 broken" in capsys.readouterr().out  # broken by imports, not refused as a bad configuration


@pytest.mark.parametrize("legacy", [".importlinter", "setup.cfg"])
def test_no_second_import_linter_config(legacy: str):
    """One home for the contract: a bare `lint-imports` would read a leftover INI file instead of pyproject.toml."""
    path = ROOT / legacy
    assert not path.exists() or "importlinter" not in path.read_text(encoding="utf-8")
