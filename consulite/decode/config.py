"""Whole config entries: a JSON map to a `ConfigEntry` (Kind lookup, then the kind's fields), and back."""

from __future__ import annotations

import orjson

from consulite.decode.bodies import check_depth
from consulite.decode.entries import decode_body, render_body
from consulite.decode.gojson import unmarshal_error
from consulite.decode.render import scoped
from consulite.errors import DecodeError
from consulite.model.config import KINDS, ConfigEntry, Kind
from consulite.model.config.fields import STRING, UINT, Field, Struct


class EntryCodec:
    """Decodes and renders config entries for one edition (Enterprise knows Partition and Namespace)."""

    def __init__(self, enterprise: bool):
        self.enterprise = enterprise
        self._specs = {name: self._top_level(kind) for name, kind in KINDS.items()}

    def _top_level(self, kind: Kind) -> Struct:
        fields = []
        if kind.kind_field:
            fields.append(Field("Kind", STRING, omitempty=False))
        if kind.has_name:
            fields.append(Field("Name", STRING, omitempty=False))
        fields += kind.spec.fields
        if kind.has_hash:
            fields.append(Field("Hash", UINT))
        if self.enterprise:
            fields += [Field("Partition", STRING), Field("Namespace", STRING)]
        return Struct(kind.spec.name, tuple(fields))

    def kind_of(self, name: str) -> Kind:
        kind = KINDS.get(name)
        if kind is None or (kind.enterprise_only and not self.enterprise):
            raise DecodeError(f"invalid config entry kind: {name}")
        return kind

    def decode(self, raw) -> ConfigEntry:
        """`structs.DecodeConfigEntry` (config-entries-and-resolver.md §2); DecodeError with Consul's text."""
        if not isinstance(raw, dict):
            raise DecodeError("json: cannot unmarshal array into Go value of type map[string]interface {}")
        check_depth(raw)  # a value nested past what renders is refused here too (files, state, tests)
        kind_value = raw["Kind"] if "Kind" in raw else raw.get("kind", _MISSING)
        if kind_value is _MISSING:
            raise DecodeError("Payload does not contain a kind/Kind key at the top level")
        if not isinstance(kind_value, str):
            raise DecodeError("Kind value in payload is not a string")
        kind = self.kind_of(kind_value)
        body = decode_body(self._specs[kind.name], raw, self.enterprise)
        for key in ("Kind", "Hash"):
            body.pop(key, None)
        return ConfigEntry(kind=kind.name, name=body.pop("Name", ""), partition=body.pop("Partition", ""),
                           namespace=body.pop("Namespace", ""), body=body)

    def request_body(self, entry: ConfigEntry) -> dict:
        """The JSON `consul config write` sends for an entry: Partition/Namespace only when set."""
        body = self.render(entry)
        for key in ("Partition", "Namespace"):
            if not body.get(key):
                body.pop(key, None)
        return body

    def fragment(self, entry: ConfigEntry) -> orjson.Fragment:
        """An entry's JSON, rendered once per ModifyIndex and kept on the entry (stored entries are replaced,
        not changed, on a write)."""
        kept = entry.rendered
        if kept is None or kept[0] != entry.modify_index:
            kept = entry.rendered = (entry.modify_index, orjson.Fragment(orjson.dumps(self.render(entry))))
        return kept[1]

    def render(self, entry: ConfigEntry) -> dict:
        kind = KINDS[entry.kind]
        out: dict = {"Kind": entry.kind}
        if kind.has_name:
            out["Name"] = entry.name
        out.update(render_body(kind.spec, entry.body))
        return scoped(out, entry, self.enterprise)


_MISSING = object()


def json_text_error(text: str) -> str | None:
    """Go's `json.Unmarshal` refusal of a text held in an entry (Context.json_error), None when it is JSON."""
    return unmarshal_error(text.encode())
