"""The state document of `/_consulite/state` and `consulite agent -state`: every table's rows as JSON, via
cattrs. The document's keys are the store's table names; `layout` gives the type of each."""

from __future__ import annotations

import base64
from typing import Any

import cattrs

from consulite import __version__
from consulite.errors import DecodeError

FORMAT = 1
_CONVERTER = cattrs.Converter(forbid_extra_keys=True)
# byte values (KV values, event payloads) as standard base64 text
_CONVERTER.register_unstructure_hook(bytes, lambda b: base64.b64encode(b).decode())
_CONVERTER.register_structure_hook(bytes, lambda v, _: base64.b64decode(v, validate=True))


def to_json(doc: dict[str, Any]) -> dict[str, Any]:
    return {"Format": FORMAT, "Consulite": __version__, **_CONVERTER.unstructure(doc)}


def from_json(doc: Any, layout: dict[str, Any]) -> dict[str, Any]:
    """The values of a state document, each structured into its type; DecodeError naming what is wrong."""
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
    return out
