"""Reading the files client commands take: every file parsed and decoded before anything is sent."""

from __future__ import annotations

from pathlib import Path

import orjson

from consulite.decode.bodies import BodyDecoder
from consulite.decode.config import EntryCodec
from consulite.decode.files import FileError, config_entry, parse, service_bodies
from consulite.errors import ConsulError
from consulite.model.config import ConfigEntry
from consulite.model.registration import prepare

#: Client commands decode entries as Enterprise does; the agent answers for its own edition.
CODEC = EntryCodec(enterprise=True)


def read(path: str):
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise FileError(path, e.strerror or str(e)) from None
    return text


def services_of(paths: list[str]) -> list[dict]:
    """Register bodies of every service in `paths`, each checked with the agent's register rules, so that
    a run over several files writes nothing when one is wrong; FileError on the first problem."""
    decoder = BodyDecoder(enterprise=True)
    bodies = []
    for path in paths:
        raw = parse(read(path), path)
        found = service_bodies(raw, path) if isinstance(raw, dict) else []
        if not found:
            raise FileError(path, "no service definitions found (expected `service` or `services`)")
        for body in found:
            problem = register_problem(decoder, body)
            if problem:
                raise FileError(path, problem)
        bodies += found
    return bodies


def register_problem(decoder: BodyDecoder, body: dict) -> str | None:
    """What the agent would refuse in a register body (its 400s and 500s), or None."""
    try:
        defn = decoder.service(orjson.dumps(body))
        prepare(defn, defn.partition or "default", defn.namespace or "default", script_checks=True)
    except ConsulError as e:
        return f"service {body.get('Name', '')!r}: {e.text}"
    return None


def entry_of(path: str) -> ConfigEntry:
    """`consul config write`: JSON when the text starts with `{`, else HCL1."""
    text = read(path)
    fmt = "json" if text.lstrip().startswith("{") else "hcl"
    return config_entry(parse(text, path, fmt), path, CODEC)

