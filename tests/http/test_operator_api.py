"""Coordinates and operator endpoints, through py-consul (its coordinate and operator families) and raw HTTP;
texts as real Consul 1.8.7 answers them (tests/verified/test_operator.py runs the CE ones against it)."""

import consul
import pytest

from consulite import messages as M


def test_py_consul_coordinates(consulite):
    c = consulite.client()
    dcs = c.coordinate.datacenters()
    assert dcs[0]["Datacenter"] == "dc1" and dcs[0]["AreaID"] == "wan"
    assert dcs[0]["Coordinates"][0]["Coord"]["Vec"] == [0.0] * 8
    index, nodes = c.coordinate.nodes()
    assert [n["Node"] for n in nodes] == ["node1"] and int(index) >= 1
    coord = {"Vec": [0.5, 0, 0, 0, 0, 0, 0, 0], "Error": 1.0, "Adjustment": 0.0, "Height": 1e-05}
    assert c.coordinate.update("node1", coord)
    _, mine = c.coordinate.node("node1")
    assert mine == [{"Node": "node1", "Segment": "", "Coord": coord}]
    # Consul answers a node without coordinates 404 before its index header (deferred setMeta): py-consul
    # then misses the header, against real Consul as here
    with pytest.raises(consul.ConsulException, match="Missing index header"):
        c.coordinate.node("nope")


def test_py_consul_operator(consulite):
    c = consulite.client()
    raft = c.operator.raft_config()
    assert [(s["Node"], s["Leader"], s["Voter"]) for s in raft["Servers"]] == [("node1", True, True)]
    conf = c.operator.autopilot_configuration()
    assert conf["LastContactThreshold"] == "200ms" and conf["CleanupDeadServers"] is True
    health = c.operator.autopilot_health()
    assert health["Healthy"] is True and health["Servers"][0]["Leader"] is True
    usage = c.operator.usage()
    assert usage["Usage"]["dc1"]["Services"] == 1  # consul
    with pytest.raises(consul.ConsulException, match="Keyring is empty"):
        c.operator.keyring_list()


async def test_autopilot_put_replaces_and_cas(client):
    r = await client.put("/v1/operator/autopilot/configuration?cas=7", data=b'{"CleanupDeadServers": false}')
    assert await r.json() is False
    r = await client.put("/v1/operator/autopilot/configuration", data=b'{"LastContactThreshold": "300ms"}')
    assert await r.json() is True
    got = await (await client.get("/v1/operator/autopilot/configuration")).json()
    assert got["LastContactThreshold"] == "300ms" and got["ServerStabilizationTime"] == "0s"
    assert got["MaxTrailingLogs"] == 0 and got["CleanupDeadServers"] is False
    r = await client.put(f"/v1/operator/autopilot/configuration?cas={got['ModifyIndex']}", data=b"{}")
    assert await r.json() is True
    r = await client.put("/v1/operator/autopilot/configuration?cas=x", data=b"{}")
    assert r.status == 400 and await r.text() == M.AUTOPILOT_BAD_CAS.format(cas="x")
    r = await client.put("/v1/operator/autopilot/configuration", data=b'{"LastContactThreshold": "x"}')
    assert await r.text() == 'Bad request: Error parsing autopilot config: time: invalid duration "x"'
    state = await (await client.get("/_consulite/state")).json()
    assert state["autopilot"][0]["settings"]["LastContactThreshold"] == "0s"
    await client.put("/_consulite/reset")
    got = await (await client.get("/v1/operator/autopilot/configuration")).json()
    assert got["LastContactThreshold"] == "200ms"


async def test_raft_peer_and_transfer_on_one_server(client):
    r = await client.delete("/v1/operator/raft/peer")
    assert r.status == 400 and await r.text() == M.RAFT_PEER_MISSING
    r = await client.delete("/v1/operator/raft/peer?id=x")
    assert r.status == 500 and await r.text() == 'id "x" was not found in the Raft configuration'
    r = await client.delete("/v1/operator/raft/peer?address=1.2.3.4:8300")
    assert await r.text() == 'address "1.2.3.4:8300" was not found in the Raft configuration'
    r = await client.delete("/v1/operator/raft/peer?address=127.0.0.1:8300")
    assert r.status == 500 and await r.text() == "Need at least one voter in configuration: {[]}"
    r = await client.post("/v1/operator/raft/transfer-leader")
    assert r.status == 500 and await r.text() == M.RAFT_TRANSFER_ALONE


async def test_coordinate_update_errors_and_state(client):
    r = await client.put("/v1/coordinate/update", data=b'{"Node":"node1","Coord":{"Vec":[1,0]}}')
    assert r.status == 500 and await r.text() == "rejected bad coordinate: &{[1 0] 0 0 0}"
    r = await client.put("/v1/coordinate/update", data=b'{"Node":"node1","Coord":{"Vec":"x"}}')
    assert r.status == 400 and await r.text() == ("Request decode failed: json: cannot unmarshal string into Go "
                                                  "struct field Coordinate.Coord.Vec of type []float64")
    r = await client.put("/v1/coordinate/update", data=b"x")
    assert r.status == 400 and (await r.text()).startswith("Request decode failed:")
    r = await client.put("/v1/coordinate/update", data=b'{"Node":"elsewhere","Coord":{"Vec":[0,0,0,0,0,0,0,0]}}')
    assert r.status == 200
    vec = [1, 0, 0, 0, 0, 0, 0, 0]
    r = await client.put("/v1/coordinate/update", json={"Node": "node1", "Coord": {"Vec": vec, "Error": 1.5}})
    doc = await (await client.get("/_consulite/state")).json()
    assert [c["node"] for c in doc["coordinates"]] == ["node1"]
    await client.put("/_consulite/state", json=doc)
    nodes = await (await client.get("/v1/coordinate/nodes")).json()
    assert nodes[0]["Coord"]["Vec"] == vec


async def test_coordinate_nodes_block_until_an_update(client, blocked):
    r = await client.get("/v1/coordinate/nodes")
    index = r.headers["X-Consul-Index"]
    waiting = await blocked(client, client.get(f"/v1/coordinate/nodes?index={index}&wait=5s"))
    await client.put("/v1/coordinate/update", json={"Node": "node1", "Coord": {"Vec": [2, 0, 0, 0, 0, 0, 0, 0]}})
    r = await waiting
    assert int(r.headers["X-Consul-Index"]) > int(index)
    assert (await r.json())[0]["Coord"]["Vec"][0] == 2


async def test_license_per_edition(client, ce_client):
    body = await (await client.get("/v1/operator/license")).json()
    assert body["Valid"] is True and body["Warnings"] == []
    assert body["License"]["product"] == "consul" and "Namespaces" in body["License"]["features"]
    assert set(body["License"]) >= {"license_id", "customer_id", "installation_id", "issue_time", "start_time",
                                    "expiration_time", "flags", "features"}
    r = await ce_client.get("/v1/operator/license")
    assert r.status == 404  # not a route of Consul CE (real 1.8.7: 404)


async def test_self_carries_the_enterprise_signals(client, ce_client):
    me = await (await client.get("/v1/agent/self")).json()
    assert "Namespaces" in me["Stats"]["license"]["features"]  # Nomad's check (a string, comma-separated)
    assert "Admin Partitions" in me["Stats"]["license"]["features"]
    debug = me["DebugConfig"]
    assert debug["ConnectEnabled"] is True and debug["GRPCPort"] == 8502 and debug["GRPCTLSPort"] == -1
    assert debug["DNSPort"] == 8600 and debug["DNSAddrs"] and debug["SessionTTLMin"] == "0s"
    assert me["Config"]["Partition"] == "default"
    ce = await (await ce_client.get("/v1/agent/self")).json()
    assert "license" not in ce["Stats"] and "Partition" not in ce["Config"]
