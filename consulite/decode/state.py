"""The state document of `/_consulite/state` and `consulite agent -state`: a Snapshot as JSON, via cattrs."""

from __future__ import annotations

import cattrs

from consulite import __version__
from consulite.errors import DecodeError
from consulite.model.snapshot import Snapshot

FORMAT = 1
_CONVERTER = cattrs.Converter(forbid_extra_keys=True)


def to_json(snapshot: Snapshot) -> dict:
    return {"Format": FORMAT, "Consulite": __version__, **_CONVERTER.unstructure(snapshot)}


def from_json(doc) -> Snapshot:
    """A Snapshot from a state document; DecodeError naming what is wrong."""
    if not isinstance(doc, dict) or doc.get("Format") != FORMAT:
        raise DecodeError(f"not a consulite state document (expected an object with \"Format\": {FORMAT})")
    body = {k: v for k, v in doc.items() if k not in ("Format", "Consulite")}
    try:
        snapshot = _CONVERTER.structure(body, Snapshot)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as e:
        details = "; ".join(cattrs.transform_error(e)) if isinstance(e, cattrs.BaseValidationError) else str(e)
        raise DecodeError(f"invalid state document: {details}") from None
    snapshot.topics = [(tuple(_tuple(t)), i) for t, i in snapshot.topics]
    return snapshot


def _tuple(topic):
    return [tuple(x) if isinstance(x, list) else x for x in topic]
