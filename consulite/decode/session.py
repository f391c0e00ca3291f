"""Session bodies and JSON: `PUT /v1/session/create` decoded with Consul's defaults and its lenient
unmarshaller (keys case-insensitive, unknown keys ignored), and a session as Consul renders it
(reference kv-sessions-txn.md §2.2, §2.3)."""

from __future__ import annotations

from consulite import messages as M
from consulite.decode.bodies import parse_json
from consulite.decode.duration import parse_duration
from consulite.decode.render import scoped
from consulite.decode.schema import json_kind
from consulite.errors import BadRequest, DecodeError
from consulite.model.session import SERF_HEALTH, ServiceCheck, Session


def go_duration(raw: str) -> int:
    """Go's time.ParseDuration, with its texts (a bare number has no unit)."""
    if raw.lstrip("+-").isdigit() and raw.lstrip("+-") != "0":
        raise DecodeError(f'time: missing unit in duration "{raw}"')
    return parse_duration(raw)


def _lock_delay(value) -> int:
    """A duration string or nanoseconds; anything under 1000 is seconds; any other JSON value is 0
    (structs.Session.UnmarshalJSON switches on the type; real 1.8.7 answers 0 for `true`)."""
    if isinstance(value, str):
        ns = go_duration(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ns = int(value)
    else:
        return 0
    return ns * 10**9 if ns < 1000 else ns


def _strings(value, field: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DecodeError(M.JSON_TYPE_MISMATCH.format(got=json_kind(value), field=f".{field}",
                                                      want="[]string"))
    return value


def _string(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DecodeError(M.JSON_TYPE_MISMATCH.format(got=json_kind(value), field=f".{field}",
                                                      want="string"))
    return value


def decode_session(body: bytes, node: str) -> Session:
    """A create body over Consul's defaults (Node: the agent's, serfHealth, 15s lock-delay, release), the
    check lists reconciled as `fixupEmptySessionChecks` does; 400 `Request decode failed` otherwise."""
    session = Session(id="", node=node, node_checks=[SERF_HEALTH], checks=[SERF_HEALTH])
    try:
        raw = parse_json(body) if body else None
        if raw is not None and not isinstance(raw, dict):
            raise DecodeError(M.SESSION_NOT_OBJECT.format(got=json_kind(raw)))
        for key, value in (raw or {}).items():
            name = key.lower()
            if name in ("name", "node", "behavior", "ttl", "namespace", "partition"):
                setattr(session, name, _string(value, key))
            elif name == "lockdelay" and value is not None:
                session.lock_delay = _lock_delay(value)
            elif name in ("nodechecks", "checks"):
                setattr(session, "node_checks" if name == "nodechecks" else "checks", _strings(value, key))
            elif name == "servicechecks" and value is not None:
                if not isinstance(value, list):
                    raise DecodeError(M.JSON_TYPE_MISMATCH.format(
                        got=json_kind(value), field=".ServiceChecks", want="[]structs.ServiceCheck"))
                session.service_checks = [
                    ServiceCheck(_string(c.get("ID"), "ID"), _string(c.get("Namespace"), "Namespace"))
                    for c in value if isinstance(c, dict)]
    except DecodeError as e:
        raise BadRequest(M.REQUEST_DECODE_FAILED.format(err=e.text)) from None
    if not session.checks:
        session.node_checks = []
        session.checks = None
    elif session.checks == [SERF_HEALTH] or not session.node_checks:
        session.checks = None
    return session


def render_session(s: Session, enterprise: bool) -> dict:
    """structs.Session's JSON: field order as Go marshals it; LockDelay in nanoseconds; Checks omitempty."""
    out = {"ID": s.id, "Name": s.name, "Node": s.node, "LockDelay": s.lock_delay, "Behavior": s.behavior,
           "TTL": s.ttl, "NodeChecks": s.node_checks,
           "ServiceChecks": [{"ID": c.id, "Namespace": c.namespace} for c in s.service_checks]
           if s.service_checks is not None else None}
    if s.checks:
        out["Checks"] = s.checks
    return scoped(out, s, enterprise)
