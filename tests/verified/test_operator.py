"""Coordinates, operator, agent administration, prepared queries and gateway services: the same requests
against consulite (CE) and real Consul 1.8.7."""

import json

from tests.verified.helpers import ANY, ANY_INDEX, NONEMPTY_STR, assert_contains, assert_error, newer

COORD = {"Vec": [0.0] * 8, "Error": 1.5, "Adjustment": 0.0, "Height": 1e-05}
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def test_coordinate_reads(target):
    status, _, dcs = target.get("/v1/coordinate/datacenters")
    assert status == 200
    assert_contains(dcs, [{"Datacenter": "dc1", "AreaID": "wan", "Coordinates": [
        {"Node": "node1", "Segment": "", "Coord": ANY}]}])
    status, headers, nodes = target.get("/v1/coordinate/nodes")
    assert status == 200 and int(headers["x-consul-index"]) >= 1
    # real Consul lists a node once its first coordinate update is flushed (batched): [] early in a run
    assert [n["Node"] for n in nodes] in (["node1"], [])
    assert all(set(n["Coord"]) == set(COORD) for n in nodes)
    status, headers, body = target.get("/v1/coordinate/node/nope")
    assert (status, body) == (404, "") and "x-consul-index" not in headers
    assert_error(target.delete("/v1/coordinate/node/node1"), 405, "method DELETE not allowed")


def test_coordinate_update_refusals(target):
    assert target.put("/v1/coordinate/update", {"Node": "node1", "Coord": COORD}).status == 200
    assert_error(target.put("/v1/coordinate/update", {"Node": "node1", "Coord": {"Vec": "x"}}), 400,
                 "Request decode failed: json: cannot unmarshal string into Go struct field Coordinate.Coord.Vec "
                 "of type []float64")
    text = newer(target, "agent/consul/coordinate_endpoint.go (Update: rejected bad coordinate)",
                 v187="incompatible coordinate", current="rejected bad coordinate: &{[1 0] 1.5 0 1e-05}")
    assert_error(target.put("/v1/coordinate/update", {"Node": "node1", "Coord": {**COORD, "Vec": [1, 0]}}),
                 500, text)


def test_coordinate_update_syntax_error_text(target):
    assert_error(target.put("/v1/coordinate/update", b"x"), 400,
                 "Request decode failed: invalid character 'x' looking for beginning of value")


def test_raft_and_autopilot(target):
    status, _, raft = target.get("/v1/operator/raft/configuration")
    assert status == 200
    assert_contains(raft, {"Servers": [{"ID": NONEMPTY_STR, "Node": "node1", "Address": NONEMPTY_STR,
                                        "Leader": True, "ProtocolVersion": "3", "Voter": True}], "Index": ANY})
    address = raft["Servers"][0]["Address"]
    assert_error(target.delete("/v1/operator/raft/peer"), 400, "Bad request: Must specify either ?id with the "
                 "server's ID or ?address with IP:port of peer to remove")
    assert_error(target.delete("/v1/operator/raft/peer?id=x"), 500, 'id "x" was not found in the Raft configuration')
    assert_error(target.delete("/v1/operator/raft/peer?address=1.2.3.4:8300"), 500,
                 'address "1.2.3.4:8300" was not found in the Raft configuration')
    assert address
    _, _, conf = target.get("/v1/operator/autopilot/configuration")
    assert_contains(conf, {"CleanupDeadServers": True, "LastContactThreshold": "200ms", "MaxTrailingLogs": 250,
                           "MinQuorum": 0, "ServerStabilizationTime": "10s", "RedundancyZoneTag": "",
                           "DisableUpgradeMigration": False, "UpgradeVersionTag": "", "CreateIndex": ANY_INDEX,
                           "ModifyIndex": ANY_INDEX})
    assert_error(target.put("/v1/operator/autopilot/configuration?cas=x", {}), 400,
                 'Bad request: Error parsing cas value: strconv.ParseUint: parsing "x": invalid syntax')
    assert_error(target.put("/v1/operator/autopilot/configuration", {"LastContactThreshold": "x"}), 400,
                 'Bad request: Error parsing autopilot config: time: invalid duration "x"')
    assert target.put("/v1/operator/autopilot/configuration?cas=999999", conf).body is False
    status, _, health = target.get("/v1/operator/autopilot/health")  # 429 while autopilot has no data yet
    health = json.loads(health) if isinstance(health, str) else health  # a 429 carries no JSON content type
    assert status in (200, 429) and {"Healthy", "FailureTolerance", "Servers"} <= set(health)
    for server in health["Servers"] or []:
        assert_contains(server, {"Name": "node1", "Leader": True, "Voter": True, "SerfStatus": "alive"})
    status, _, text = target.get("/v1/operator/keyring")
    assert status == 500 and "Keyring is empty (encryption not enabled)" in text


def test_agent_admin_refusals(target):
    assert_error(target.get("/v1/agent/monitor?loglevel=bogus"), 400, "Bad request: Unknown log level: bogus")
    assert_error(target.put("/v1/agent/force-leave/nope"), 500, "agent: No node found with name 'nope'")
    assert target.put("/v1/agent/reload").status == 200
    status, _, metrics = target.get("/v1/agent/metrics")
    assert status == 200 and {"Timestamp", "Gauges", "Counters", "Samples", "Points"} <= set(metrics)
    status, _, host = target.get("/v1/agent/host")
    assert status == 200 and {"Memory", "CPU", "Host", "Disk"} <= set(host)


def test_prepared_queries(target):
    web = target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {"Name": web, "Tags": ["v1"], "Port": 80})
    target.synced()
    assert_error(target.post("/v1/query", {"Name": target.name("q")}), 500,
                 "Invalid prepared query: Must provide a Service name to query")
    _, _, created = target.post("/v1/query", {"Name": target.name("q"), "Service": {
        "Service": web, "OnlyPassing": True, "Tags": ["v1"]}, "DNS": {"TTL": "10s"}})
    qid = created["ID"]
    try:
        _, _, [got] = target.get(f"/v1/query/{qid}")
        assert got == {"ID": qid, "Name": target.name("q"), "Session": "", "Token": "",
                       "Template": {"Type": "", "Regexp": "", "RemoveEmptyTags": False},
                       "Service": {"Service": web, "Failover": {"NearestN": 0, "Datacenters": None},
                                   "OnlyPassing": True, "IgnoreCheckIDs": None, "Near": "", "Tags": ["v1"],
                                   "NodeMeta": None, "ServiceMeta": None, "Connect": False},
                       "DNS": {"TTL": "10s"}, "CreateIndex": got["CreateIndex"], "ModifyIndex": got["CreateIndex"]}
        assert_error(target.post("/v1/query", {"Name": target.name("q"), "Service": {"Service": web}}), 500,
                     f"name '{target.name('q')}' aliases an existing query name")
        _, _, result = target.get(f"/v1/query/{target.name('q')}/execute")
        assert_contains(result, {"Service": web, "DNS": {"TTL": "10s"}, "Datacenter": "dc1", "Failovers": 0,
                                 "Nodes": [{"Node": {"Node": "node1"}, "Service": {"ID": web, "Tags": ["v1"]},
                                            "Checks": [{"CheckID": "serfHealth"}]}]})
        assert_contains(target.get(f"/v1/query/{qid}/explain").body, {"Query": {"ID": qid}, "KnownLeader": True})
        for method, path in (("GET", f"/v1/query/{UNKNOWN}"), ("GET", f"/v1/query/{UNKNOWN}/execute"),
                             ("GET", "/v1/query/nope/explain")):
            assert_error(target.request(method, path), 404, "Query not found")
        assert_error(target.get("/v1/query/nope"), 500,
                     "failed prepared query lookup: index error: UUID must be 36 characters")
        assert_error(target.delete(f"/v1/query/{UNKNOWN}"), 500,
                     f"Cannot modify non-existent prepared query: '{UNKNOWN}'")
    finally:
        assert target.delete(f"/v1/query/{qid}").status == 200


def test_gateway_services(target):
    ing, term, web = target.name("ing"), target.name("term"), target.name("web")
    target.ok("PUT", "/v1/config", {"Kind": "ingress-gateway", "Name": ing, "Listeners": [
        {"Port": 8080, "Protocol": "tcp", "Services": [{"Name": web}]}]})
    target.ok("PUT", "/v1/config", {"Kind": "terminating-gateway", "Name": term, "Services": [
        {"Name": web, "CAFile": "/ca.pem", "SNI": "web.x"}]})
    status, _, found = target.get(f"/v1/catalog/gateway-services/{ing}")
    assert status == 200
    assert_contains(found, [{"Gateway": {"Name": ing}, "Service": {"Name": web}, "GatewayKind": "ingress-gateway",
                             "Port": 8080, "Protocol": "tcp", "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX}])
    assert set(found[0]) == {"Gateway", "Service", "GatewayKind", "Port", "Protocol", "CreateIndex", "ModifyIndex"}
    assert_contains(target.get(f"/v1/catalog/gateway-services/{term}").body, [
        {"Gateway": {"Name": term}, "Service": {"Name": web}, "GatewayKind": "terminating-gateway",
         "CAFile": "/ca.pem", "SNI": "web.x"}])
    status, _, body = target.get(f"/v1/catalog/gateway-services/{target.name('none')}")
    # newer Consul answers an empty list for a gateway with no entry (py-consul 1.8's
    # test_catalog_gateway_services, run against Consul 1.20+, asserts []); 1.8.7 answered null
    assert (status, body) == (200, newer(target, "agent/catalog_endpoint.go GatewayServices (py-consul 1.8)",
                                         v187=None, current=[]))
    assert target.get(f"/v1/health/ingress/{web}").body == []
