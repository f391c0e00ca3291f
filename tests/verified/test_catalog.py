"""Verified: catalog (services, service/<s>, nodes, node/<n>, node-services/<n>) and its indexes."""


from tests.verified.helpers import ANY, ANY_INDEX, NONEMPTY_STR, assert_contains, index, newer

NODE = {"Node": "node1", "Address": "127.0.0.1", "Datacenter": "dc1", "ID": NONEMPTY_STR,
        "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX}


def _register(target, base="web", **extra):
    name = target.name(base)
    target.ok("PUT", "/v1/agent/service/register", {"Name": name, "Port": 80, "Tags": ["a"], **extra})
    target.synced()
    return name


def _own(target, services: dict) -> dict:
    return {k: v for k, v in services.items() if k == "consul" or k.startswith(target.prefix)}


def test_services(target):
    name = _register(target)
    r = target.get("/v1/catalog/services")
    assert r.status == 200 and index(r) > 0
    assert _own(target, r.body) == {"consul": [], name: ["a"]}


def test_service_instances(target):
    name = _register(target, Meta={"v": "1"})
    status, _, body = target.get(f"/v1/catalog/service/{name}")
    assert status == 200
    assert_contains(body, [{
        "Node": "node1", "Address": "127.0.0.1", "Datacenter": "dc1", "ID": NONEMPTY_STR,
        "ServiceID": name, "ServiceName": name, "ServiceTags": ["a"], "ServiceAddress": "", "ServicePort": 80,
        "ServiceMeta": {"v": "1"}, "ServiceKind": "", "ServiceEnableTagOverride": False,
        "ServiceWeights": {"Passing": 1, "Warning": 1}, "ServiceConnect": {},
        "ServiceProxy": {"Expose": {}, "MeshGateway": {}}, "NodeMeta": {"consul-network-segment": ""},
        "TaggedAddresses": {"lan": "127.0.0.1", "lan_ipv4": "127.0.0.1", "wan": "127.0.0.1",
                            "wan_ipv4": "127.0.0.1"},
        "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX}])
    # the node's ID is one value everywhere
    node_id = body[0]["ID"]
    assert [n["ID"] for n in target.get("/v1/catalog/nodes").body] == [node_id]
    assert target.get("/v1/catalog/node/node1").body["Node"]["ID"] == node_id


def test_service_tag_filter(target):
    name = _register(target)
    assert len(target.get(f"/v1/catalog/service/{name}?tag=a").body) == 1
    assert target.get(f"/v1/catalog/service/{name}?tag=b").body == []


def test_unknown_service(target):
    r = target.get(f"/v1/catalog/service/{target.name('nope')}")
    assert (r.status, r.body) == (200, [])
    assert index(r) > 0


def test_registration_moves_the_services_index(target):
    before = index(target.get("/v1/catalog/services"))
    name = _register(target)
    after = index(target.get("/v1/catalog/services"))
    assert after > before
    r = target.get(f"/v1/catalog/service/{name}")
    assert index(r) == after == r.body[0]["ModifyIndex"]


def test_unknown_service_answers_the_extinction_index(target):
    gone = _register(target, "gone")
    target.ok("PUT", f"/v1/agent/service/deregister/{gone}")
    target.synced()
    extinct = index(target.get("/v1/catalog/services"))
    _register(target, "other")
    assert index(target.get("/v1/catalog/services")) > extinct
    assert index(target.get(f"/v1/catalog/service/{target.name('nope')}")) == extinct


def test_registration_leaves_the_nodes_index(target):
    _register(target, "first")
    before = index(target.get("/v1/catalog/nodes"))
    _register(target, "second")
    assert index(target.get("/v1/catalog/nodes")) == before


def test_nodes(target):
    status, _, body = target.get("/v1/catalog/nodes")
    assert status == 200
    assert_contains(body, [NODE])


def test_node(target):
    name = _register(target)
    status, _, body = target.get("/v1/catalog/node/node1")
    assert status == 200
    assert_contains(body["Node"], NODE)
    assert set(_own(target, body["Services"])) == {"consul", name}
    assert_contains(body["Services"][name], {
        "ID": name, "Service": name, "Tags": ["a"], "Port": 80, "Address": "", "EnableTagOverride": False,
        "Weights": {"Passing": 1, "Warning": 1}, "Connect": {}, "Proxy": {"Expose": {}, "MeshGateway": {}},
        "CreateIndex": ANY_INDEX, "ModifyIndex": ANY_INDEX})
    assert_contains(body["Services"]["consul"], {"ID": "consul", "Service": "consul", "Tags": [],
                                                 "Port": ANY})


def test_unknown_node(target):
    assert target.get("/v1/catalog/node/no-such-node")[::2] == (200, None)


def test_consul_service_meta(target):
    meta = target.get("/v1/catalog/node/node1").body["Services"]["consul"]["Meta"]
    keys = {"non_voter", "raft_version", "serf_protocol_current", "serf_protocol_max", "serf_protocol_min",
            "version"}
    # read_replica joined non_voter in 1.9 (agent/consul/leader_registrator_v1.go handleAliveMember)
    assert set(meta) == newer(target, "agent/consul/leader_registrator_v1.go handleAliveMember",
                              v187=keys, current=keys | {"read_replica"})


def test_node_services(target):
    name = _register(target)
    status, _, body = target.get("/v1/catalog/node-services/node1")
    assert status == 200
    assert_contains(body["Node"], NODE)
    services = [s for s in body["Services"] if s["ID"] == "consul" or s["ID"].startswith(target.prefix)]
    assert [s["ID"] for s in services] == ["consul", name]
    assert_contains(services[1], {"ID": name, "Service": name, "Tags": ["a"], "Port": 80})


def test_node_services_unknown_node(target):
    assert target.get("/v1/catalog/node-services/no-such-node")[::2] == (200, {"Node": None, "Services": None})


def test_catalog_is_read_only_here(target):
    r = target.put("/v1/catalog/services")
    assert (r.status, r.body) == (405, "method PUT not allowed")


def _proxy(target):
    name, dest = target.name("web-proxy"), target.name("web")
    target.ok("PUT", "/v1/agent/service/register", {
        "Name": name, "Kind": "connect-proxy", "Port": 21000,
        "Proxy": {"DestinationServiceName": dest, "Upstreams": [{"DestinationName": "db", "LocalBindPort": 9191}]}})
    target.synced()
    return name, dest


def test_connect_instances(target):
    name, dest = _proxy(target)
    status, _, body = target.get(f"/v1/catalog/connect/{dest}")
    assert status == 200
    assert_contains(body, [{"ServiceID": name, "ServiceName": name, "ServiceKind": "connect-proxy",
                            "ServicePort": 21000, "ServiceProxy": {"DestinationServiceName": dest}}])
    assert target.get(f"/v1/catalog/connect/{name}").body == []  # by destination, not by the proxy's name
    [entry] = target.get(f"/v1/health/connect/{dest}").body
    assert_contains(entry, {"Service": {"ID": name, "Kind": "connect-proxy"}, "Node": {"Node": "node1"}})


def test_catalog_upstream_keeps_empty_datacenter(target):
    name, _ = _proxy(target)
    [upstream] = target.get(f"/v1/catalog/service/{name}").body[0]["ServiceProxy"]["Upstreams"]
    assert_contains(upstream, {"DestinationName": "db", "DestinationType": "service", "LocalBindPort": 9191,
                               "Datacenter": "", "MeshGateway": {}})
