"""Reading the files client commands take: every file parsed and decoded before anything is sent."""

from __future__ import annotations

from pathlib import Path

from consulite.decode.config import EntryCodec
from consulite.decode.files import FileError, config_entry, parse, service_bodies
from consulite.model.config import ConfigEntry

#: Client commands decode entries as Enterprise does; the agent answers for its own edition.
CODEC = EntryCodec(enterprise=True)


def read(path: str):
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise FileError(path, e.strerror or str(e)) from None
    return text


def services_of(paths: list[str]) -> list[dict]:
    """Register bodies of every service in `paths`; FileError on the first bad file."""
    bodies = []
    for path in paths:
        raw = parse(read(path), path)
        found = service_bodies(raw, path) if isinstance(raw, dict) else []
        if not found:
            raise FileError(path, "no service definitions found (expected `service` or `services`)")
        bodies += found
    return bodies


def entry_of(path: str) -> ConfigEntry:
    """`consul config write`: JSON when the text starts with `{`, else HCL1."""
    text = read(path)
    fmt = "json" if text.lstrip().startswith("{") else "hcl"
    return config_entry(parse(text, path, fmt), path, CODEC)

