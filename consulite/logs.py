"""Log lines as a Consul agent writes them (hclog): `<time> [LEVEL] <module>: <message>: key=value ...`,
or with `-log-json` one JSON object per line with `@level`, `@message`, `@module`, `@timestamp` and the
key-values as fields. Modules are the logger's name without `consulite.` (`agent`, `agent.http`).

Call `kv(logger, level, message, key=value, ...)`; the key-values travel in the record's `kv`.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import orjson

LEVELS = {"trace": logging.DEBUG, "debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
          "err": logging.ERROR, "error": logging.ERROR}
_NAMES = {logging.DEBUG: "DEBUG", logging.INFO: "INFO", logging.WARNING: "WARN", logging.ERROR: "ERROR",
          logging.CRITICAL: "ERROR"}


def kv(logger: logging.Logger, level: int, message: str, **fields: Any) -> None:
    """Log `message` with hclog-style key-values (nothing is formatted when the level is off)."""
    if logger.isEnabledFor(level):
        logger.log(level, message, extra={"kv": fields})


_AGENT = logging.getLogger("consulite.agent")


def event(message: str, **fields: Any) -> None:
    """One info line of the agent's own (a registration, a deregistration, a config write)."""
    if not _AGENT.isEnabledFor(logging.INFO):
        return  # the hot path of writes: nothing to build
    kv(_AGENT, logging.INFO, message, **{k: v for k, v in fields.items() if v not in ("", "default", None)})


def _module(record: logging.LogRecord) -> str:
    name = record.name
    return name[len("consulite."):] if name.startswith("consulite.") else name


def _timestamp(record: logging.LogRecord, sep: str = "T") -> str:
    t = time.gmtime(record.created)
    return time.strftime(f"%Y-%m-%d{sep}%H:%M:%S", t) + f".{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        level = _NAMES.get(record.levelno, record.levelname)
        line = f"{_timestamp(record)} [{level}] {' ' * (5 - len(level))}{_module(record)}: {record.getMessage()}"
        fields = getattr(record, "kv", None)
        if fields:
            line += ": " + " ".join(f"{k}={_text(v)}" for k, v in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _text(value: Any) -> str:
    s = str(value)
    return f'"{s}"' if (" " in s or not s) else s


class JSONFormatter(logging.Formatter):
    """`consul agent -log-json`: one object a line."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {"@level": _NAMES.get(record.levelno, record.levelname).lower(),
                               "@message": record.getMessage(), "@module": _module(record),
                               "@timestamp": _timestamp(record)}
        for k, v in (getattr(record, "kv", None) or {}).items():
            doc[k] = v if isinstance(v, (int, float, bool, str)) or v is None else str(v)
        if record.exc_info:
            doc["error"] = self.formatException(record.exc_info)
        return orjson.dumps(doc).decode()


def configure(level: str = "info", json_lines: bool = False, stream=None) -> None:
    """The agent's log set-up: one handler on stderr, text or JSON lines. aiohttp's own messages about
    malformed requests or clients leaving mid-body go to debug, as one line."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JSONFormatter() if json_lines else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(LEVELS.get(level, logging.INFO))
    for name in ("aiohttp.server", "aiohttp.web", "aiohttp.access"):
        logging.getLogger(name).addFilter(_quiet_protocol_errors)


def _quiet_protocol_errors(record: logging.LogRecord) -> bool:
    """aiohttp logs a bad request line or a client gone mid-body at ERROR with a traceback: keep one line
    at debug instead."""
    if record.levelno >= logging.ERROR and record.exc_info:
        exc = record.exc_info[1]
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        record.msg, record.args = f"{record.getMessage()}: {type(exc).__name__}: {exc}", ()
        record.exc_info = record.exc_text = None
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
    return True
