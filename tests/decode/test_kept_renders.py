"""JSON kept on the objects it renders (EntryCodec.fragment, Renderer.health_entry): rendered again once the
object, or what its view depends on, changes."""

import orjson

from consulite.decode.config import EntryCodec
from consulite.decode.render import Renderer
from consulite.model.check import CRITICAL, PASSING, HealthCheck
from consulite.model.config import ConfigEntry
from consulite.model.partition import Node
from consulite.model.service import Service


def test_an_entry_renders_again_when_its_modify_index_moves():
    codec = EntryCodec(enterprise=False)
    entry = ConfigEntry(kind="service-defaults", name="web", partition="default", namespace="default",
                        body={"Protocol": "http"}, modify_index=3)
    first = codec.fragment(entry)
    assert codec.fragment(entry) is first
    entry.modify_index = 4
    assert orjson.loads(orjson.dumps(codec.fragment(entry)))["ModifyIndex"] == 4


def _health(render: Renderer, svc: Service, checks: list[HealthCheck]) -> dict:
    return orjson.loads(orjson.dumps(render.health_entry(svc, checks)))


def test_a_health_entry_renders_again_when_a_check_changes_in_place():
    render = Renderer(False, "dc1", Node(name="n1", id="id", address="127.0.0.1", datacenter="dc1"))
    svc = Service(kind="", id="web-1", name="web", partition="default", namespace="default", tags=["a"], meta={})
    check = HealthCheck(check_id="c", name="c", status=CRITICAL, partition="default", namespace="default",
                        service_id="web-1", service_name="web", modify_index=5)
    assert _health(render, svc, [check])["Checks"][0]["Status"] == CRITICAL
    check.status, check.modify_index = PASSING, 6  # as ChecksTable.touched does
    assert _health(render, svc, [check])["Checks"][0]["Status"] == PASSING
    assert _health(render, svc, [])["Checks"] == []
