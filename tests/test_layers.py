"""The layering of ../shared/design.md, enforced with import-linter: imports flow one way."""

import logging
import os
from pathlib import Path

from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_layers_are_respected():
    cwd = os.getcwd()
    os.chdir(ROOT)
    # import-linter's dictConfig disables every logger that exists (consulite's): put them back afterwards
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    disabled = {lg: lg.disabled for lg in loggers}
    try:
        assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True) == EXIT_STATUS_SUCCESS
    finally:
        os.chdir(cwd)
        for lg, was in disabled.items():
            lg.disabled = was
