"""ACL objects (reference acl.md §1.4, §2): policies, tokens, roles, identities, auth methods and binding
rules, with the builtin IDs and the rules identities and templated policies stand for. Links are stored by
ID; names are filled in on output."""

from __future__ import annotations

from typing import Any

import attrs

GLOBAL_MANAGEMENT_ID = "00000000-0000-0000-0000-000000000001"
ANONYMOUS_ACCESSOR = "00000000-0000-0000-0000-000000000002"
ANONYMOUS_SECRET = "anonymous"
RESERVED_ID_PREFIX = "00000000-0000-0000-0000-0000000000"
ROOT_NAMES = ("allow", "deny", "manage")

#: the builtin global-management policy's rules (acl.md §1.4)
MANAGEMENT_RULES = """acl = "write"
agent_prefix "" { policy = "write" }
event_prefix "" { policy = "write" }
key_prefix "" { policy = "write" }
keyring = "write"
node_prefix "" { policy = "write" }
operator = "write"
mesh = "write"
peering = "write"
query_prefix "" { policy = "write" }
service_prefix "" { policy = "write" intentions = "write" }
session_prefix "" { policy = "write" }
"""

#: templated policies (acl.md §2.6): name -> (ID, description, rules with {name}, takes a name)
TEMPLATES: dict[str, tuple[str, str, str, bool]] = {
    "builtin/service": (
        "00000000-0000-0000-0000-000000000003",
        "Gives the token or role permissions to register a service and discover services in the Consul "
        "catalog. It also gives the specified service's sidecar proxy the permission to discover and route "
        "traffic to other services.",
        'service "{name}" {{ policy = "write" }}\nservice "{name}-sidecar-proxy" {{ policy = "write" }}\n'
        'service_prefix "" {{ policy = "read" }}\nnode_prefix "" {{ policy = "read" }}\n', True),
    "builtin/node": (
        "00000000-0000-0000-0000-000000000004",
        "Gives the token or role permissions for a register an agent/node into the catalog. A node is "
        "typically a consul agent but can also be a physical server, cloud instance or a container.",
        'node "{name}" {{ policy = "write" }}\nservice_prefix "" {{ policy = "read" }}\n', True),
    "builtin/dns": (
        "00000000-0000-0000-0000-000000000005",
        "Gives the token or role permissions for the Consul DNS to query services in the network.",
        'node_prefix "" {{ policy = "read" }}\nservice_prefix "" {{ policy = "read" }}\n'
        'query_prefix "" {{ policy = "read" }}\n', False),
    "builtin/api-gateway": (
        "00000000-0000-0000-0000-000000000008",
        "Gives the token or role permissions for a Consul api gateway",
        'mesh = "read"\nnode_prefix "" {{ policy = "read" }}\nservice_prefix "" {{ policy = "read" }}\n'
        'service "{name}" {{ policy = "write" }}\n', True),
}
TEMPLATE_SCHEMA = ('{\n  "type": "object",\n  "properties": {\n    "name": { "type": "string", "$ref": '
                   '"#/definitions/min-length-one" }\n  },\n  "required": ["name"],\n  "definitions": {\n    '
                   '"min-length-one": {\n      "type": "string",\n      "minLength": 1\n    }\n  }\n}')


def service_identity_rules(name: str) -> str:
    return TEMPLATES["builtin/service"][2].format(name=name)


def node_identity_rules(name: str) -> str:
    return TEMPLATES["builtin/node"][2].format(name=name)


@attrs.define(eq=False)
class Policy:
    id: str
    name: str
    description: str = ""
    rules: str = ""
    datacenters: list[str] = attrs.field(factory=list)
    partition: str = "default"
    namespace: str = "default"
    create_index: int = 0
    modify_index: int = 0


@attrs.define
class ServiceIdentity:
    service_name: str
    datacenters: list[str] = attrs.field(factory=list)


@attrs.define
class NodeIdentity:
    node_name: str
    datacenter: str


@attrs.define
class TemplatedPolicy:
    template_name: str
    variables: dict[str, str] = attrs.field(factory=dict)
    datacenters: list[str] = attrs.field(factory=list)


@attrs.define(eq=False)
class Links:
    """What a token or a role grants: policies and roles by ID, identities, templated policies."""

    policies: list[str] = attrs.field(factory=list)
    roles: list[str] = attrs.field(factory=list)
    service_identities: list[ServiceIdentity] = attrs.field(factory=list)
    node_identities: list[NodeIdentity] = attrs.field(factory=list)
    templated_policies: list[TemplatedPolicy] = attrs.field(factory=list)


@attrs.define(eq=False)
class Token:
    accessor_id: str
    secret_id: str
    description: str = ""
    links: Links = attrs.field(factory=Links)
    local: bool = False
    auth_method: str = ""
    #: wall-clock seconds, or None
    expiration_time: float | None = None
    create_time: float = 0.0
    partition: str = "default"
    namespace: str = "default"
    create_index: int = 0
    modify_index: int = 0


@attrs.define(eq=False)
class Role:
    id: str
    name: str
    description: str = ""
    links: Links = attrs.field(factory=Links)
    partition: str = "default"
    namespace: str = "default"
    create_index: int = 0
    modify_index: int = 0


@attrs.define(eq=False)
class AuthMethod:
    name: str
    type: str
    display_name: str = ""
    description: str = ""
    max_token_ttl: str = ""
    token_locality: str = ""
    config: dict[str, Any] = attrs.field(factory=dict)
    partition: str = "default"
    namespace: str = "default"
    create_index: int = 0
    modify_index: int = 0


@attrs.define(eq=False)
class BindingRule:
    id: str
    auth_method: str
    bind_type: str
    bind_name: str
    description: str = ""
    selector: str = ""
    partition: str = "default"
    namespace: str = "default"
    create_index: int = 0
    modify_index: int = 0


@attrs.define(eq=False)
class ACLMeta:
    """The bootstrap state: the index of the bootstrap write (0: not bootstrapped)."""

    bootstrap_index: int = 0
    create_index: int = 0
    modify_index: int = 0


#: resources with a name (`service "web"`, `service_prefix ""`) and the unnamed ones (`operator = "read"`)
NAMED = ("agent", "event", "key", "node", "query", "service", "session")
UNNAMED = ("acl", "keyring", "mesh", "operator", "peering")
#: access values in merge order: a stronger one wins when policies are merged (deny > write > list > read)
ACCESS_RANK = {"read": 1, "list": 2, "write": 3, "deny": 4}


@attrs.frozen
class Rule:
    """One grant of a parsed policy. `resource` is a NAMED or UNNAMED resource or `intention` (a service
    rule's `intentions`); `name` is None for unnamed resources; `partition`/`namespace` are the enclosing
    Enterprise blocks as (is_prefix, label), None for the policy's own."""

    resource: str
    name: str | None
    prefix: bool
    access: str
    partition: tuple[bool, str] | None = None
    namespace: tuple[bool, str] | None = None
