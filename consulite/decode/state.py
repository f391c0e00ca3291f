"""The state document of `/_consulite/state` and `consulite agent -state`: every table's rows as JSON, via
cattrs. The document's keys are the store's table names; `layout` gives the type of each."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import cattrs
import orjson

from consulite import __version__
from consulite.errors import DecodeError
from consulite.model.config import KINDS

FORMAT = 1
_CONVERTER = cattrs.Converter(forbid_extra_keys=True)
# byte values (KV values, event payloads) as standard base64 text
_CONVERTER.register_unstructure_hook(bytes, lambda b: base64.b64encode(b).decode())
_CONVERTER.register_structure_hook(bytes, lambda v, _: base64.b64decode(v, validate=True))


def to_json(doc: dict[str, Any]) -> dict[str, Any]:
    return {"Format": FORMAT, "Consulite": __version__, **_CONVERTER.unstructure(doc)}


def row_json(row: Any) -> bytes:
    """One table row as JSON bytes, as a state document holds it (the data dir's journal stores these)."""
    return orjson.dumps(_CONVERTER.unstructure(row))


def from_json(doc: Any, layout: dict[str, Any], keys: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """The values of a state document, each structured into its type, then checked table by table with each
    table's row key (`keys`: table name -> key of a row); DecodeError naming what is wrong."""
    if not isinstance(doc, dict) or doc.get("Format") != FORMAT:
        raise DecodeError(f"not a consulite state document (expected an object with \"Format\": {FORMAT})")
    body = {k: v for k, v in doc.items() if k not in ("Format", "Consulite")}
    unknown = sorted(set(body) - set(layout))
    missing = sorted(set(layout) - set(body))
    if unknown or missing:
        raise DecodeError(f"invalid state document: unknown keys {unknown}, missing keys {missing}")
    out = {}
    try:
        for key, kind in layout.items():
            out[key] = _CONVERTER.structure(body[key], kind)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as e:
        details = "; ".join(cattrs.transform_error(e)) if isinstance(e, cattrs.BaseValidationError) else str(e)
        raise DecodeError(f"invalid state document: {key}: {details}") from None
    out["topics"] = [(tuple(tuple(x) if isinstance(x, list) else x for x in t), i) for t, i in out["topics"]]
    problem = inconsistency(out, keys)
    if problem:
        raise DecodeError(f"invalid state document: {problem}")
    return out


#: Consul refuses indexes of 2^63 and above; the store's index must stay a Go uint64 that renders
MAX_INDEX = (1 << 63) - 1


def inconsistency(doc: dict[str, Any], keys: dict[str, Callable[[Any], Any]]) -> str | None:
    """What makes a structured document impossible to serve (None when it is consistent): indexes out of
    range, no default partition, rows of an unknown partition, namespace or kind, two rows of one table with one key."""
    index = doc["index"]
    if not 0 <= index <= MAX_INDEX:
        return f"index {index} is out of range (0 to {MAX_INDEX})"
    names = {p.name for p in doc["partitions"]}
    if "default" not in names:
        return 'no "default" partition (every agent has it)'
    spaces = {(p, "default") for p in names} | {(n.partition, n.name) for n in doc["namespaces"]}
    for table, key_of in keys.items():
        seen: set[Any] = set()
        for row in doc[table]:
            key = key_of(row)
            if key in seen:
                return f"{table}: duplicate key {_shown(key)}"
            seen.add(key)
            partition = getattr(row, "partition", None)
            if table != "partitions" and partition is not None and partition not in names:
                return f"{table}: {_shown(key)} is in a partition the document does not have"
            namespace = getattr(row, "namespace", None)
            if table != "namespaces" and namespace and (partition, namespace) not in spaces:
                return f"{table}: {_shown(key)} is in a namespace the document does not have"
            for attr in ("create_index", "modify_index"):
                value = getattr(row, attr, 0)
                if not isinstance(value, int) or not 0 <= value <= MAX_INDEX:
                    return f"{table}: {attr} {value} is out of range (0 to {MAX_INDEX})"
    kind = next((e.kind for e in doc["entries"] if e.kind not in KINDS), None)
    if kind is not None:
        return f"entries: unknown config entry kind {kind!r}"
    bad_topic = next((i for _, i in doc["topics"] if not 0 <= i <= MAX_INDEX), None)
    if bad_topic is not None:
        return f"topics: index {bad_topic} is out of range (0 to {MAX_INDEX})"
    return None


def _shown(key: Any) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
