"""Loading files into an agent at start (`-config-dir`, `-config-file`) through the same paths as the API."""

from __future__ import annotations

import orjson

from consulite.decode.files import FileError, Loaded
from consulite.errors import ConsulError
from consulite.http.context import Agent
from consulite.http.routes.config import context
from consulite.model.config import EntryError
from consulite.model.config.apply import prepare_write, scope
from consulite.model.registration import prepare
from consulite.model.service import DEFAULT


def partitions_used(loaded: Loaded) -> set[str]:
    used = {body.get("Partition") for _, body in loaded.services}
    used |= {e.partition for _, e in loaded.entries}
    used |= {e.name for _, e in loaded.entries if e.kind == "exported-services"}
    return {p for p in used if p} - {DEFAULT}


def apply_loaded(agent: Agent, loaded: Loaded) -> None:
    """Create the partitions the files name, write their config entries, then register their services."""
    store = agent.store
    if agent.config.enterprise:
        for name in sorted(partitions_used(loaded)):
            if name not in store.partitions:
                store.create_partition(name)
    for path, entry in loaded.entries:
        scope(entry, DEFAULT, DEFAULT, agent.config.enterprise)
        try:
            prepare_write(entry, context(agent, entry))
        except EntryError as e:
            raise FileError(path, f"{entry.kind}/{entry.name}: {e.text}") from None
        store.config.apply(entry)
    for path, body in loaded.services:
        try:
            defn = agent.bodies.service(orjson.dumps(body))
            reg = prepare(defn, defn.partition or DEFAULT, defn.namespace or DEFAULT,
                          inherit=agent.config.enterprise, script_checks=agent.config.enable_script_checks)
            store.register(reg)
        except ConsulError as e:
            raise FileError(path, f"service {body.get('Name', '')!r}: {e.text}") from None
