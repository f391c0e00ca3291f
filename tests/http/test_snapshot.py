"""`/v1/snapshot`: consulite's archive (a gzip'd tar of a manifest and the state document); a bad archive is
Consul's 500 and changes nothing. The round trip itself is in test_state.py."""

from __future__ import annotations

import gzip
import io
import tarfile

import orjson
import pytest

from consulite.decode import snapshot


async def test_the_archive_holds_a_manifest_and_the_state_document(client):
    await client.put("/v1/agent/service/register", json={"Name": "web"})
    r = await client.get("/v1/snapshot")
    assert r.status == 200 and r.headers["X-Consul-Knownleader"] == "true"
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(await r.read()))) as tar:
        assert tar.getnames() == ["meta.json", "state.json"]
        meta = orjson.loads(tar.extractfile("meta.json").read())
        state = orjson.loads(tar.extractfile("state.json").read())
    assert state == await (await client.get("/_consulite/state")).json()
    assert meta["Index"] == state["index"] == int(r.headers["X-Consul-Index"])
    assert meta["Tables"]["services"] == 2 and meta["Format"] == 1 and meta["Datacenter"] == "dc1"


def _archive(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb") as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


@pytest.mark.parametrize("body, text", [
    (b"garbage\n", "failed to decompress snapshot: unexpected EOF"),  # Consul 1.8.7's answer to these bytes
    (b"not a gzip stream at all", "failed to decompress snapshot: gzip: invalid header"),
    (_archive({"other.txt": b"x"}), "failed to read snapshot: not a consulite snapshot (no meta.json and state.json)"),
    (_archive({"meta.json": b'{"Format": 9, "Consulite": "9.0"}', "state.json": b"{}"}),
     "failed to read snapshot: unsupported snapshot format 9 (written by consulite 9.0; this one reads 1)"),
    (_archive({"meta.json": b'{"Format": 1, "SHA256": "0"}', "state.json": b"{}"}),
     "failed to read snapshot: state.json does not match the manifest's SHA256"),
], ids=["short", "not-gzip", "foreign-tar", "newer", "tampered"])
async def test_a_bad_archive_is_a_500_and_changes_nothing(client, body, text):
    await client.put("/v1/agent/service/register", json={"Name": "keep"})
    r = await client.put("/v1/snapshot", data=body)
    assert (r.status, await r.text()) == (500, text)
    assert list(await (await client.get("/v1/agent/services")).json()) == ["keep"]


async def test_an_archive_whose_state_does_not_decode_changes_nothing(client):
    doc = await (await client.get("/_consulite/state")).json()
    await client.put("/v1/agent/service/register", json={"Name": "keep"})
    r = await client.put("/v1/snapshot", data=snapshot.pack({**doc, "services": "nope"}, "dc1", "node1"))
    assert r.status == 500 and (await r.text()).startswith("invalid state document: services")
    assert list(await (await client.get("/v1/agent/services")).json()) == ["keep"]


async def test_only_get_and_put(client):
    r = await client.post("/v1/snapshot")
    assert (r.status, r.headers["Allow"], await r.text()) == (405, "OPTIONS,GET,PUT", "method POST not allowed")
