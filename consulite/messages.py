"""Every client-visible Consul text, verbatim, in one place.

Sections refer to ../shared/reference/agent-service-api.md unless said otherwise.
"""

# §0 routing
NOT_V1_PATH = "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n"
UNKNOWN_V1_PATH = "Invalid URL path: not a recognized HTTP API endpoint\n"
METHOD_NOT_ALLOWED = "method {method} not allowed"
INVALID_WAIT = "Invalid wait time"
INVALID_INDEX = "Invalid index"
UNIMPLEMENTED = "consulite does not implement {method} {path} yet"
NO_PATH_TO_DC = "No path to datacenter"
STALE_AND_CONSISTENT = "Cannot specify ?stale with ?consistent, conflicting semantics."

# §1.2, §1.4, §1.5, §6
UNKNOWN_SERVICE_ID = "unknown service ID: {id}"
UNKNOWN_SERVICE_ID_UPDATE = 'Unknown service ID "{id}". Ensure that the service ID is passed, not the service name.'
MISSING_SERVICE_ID = "Missing service ID"
MISSING_ENABLE = "Missing value for enable"
INVALID_ENABLE = "Invalid value for enable: {raw}"
SERVICE_MAINT_CHECK_ID = "_service_maintenance:{id}"
SERVICE_MAINT_NAME = "Service Maintenance Mode"
SERVICE_MAINT_NOTES = (
    "Maintenance mode is enabled for this service, but no reason was provided. This is a default message."
)
NODE_MAINT_CHECK_ID = "_node_maintenance"
NODE_MAINT_NAME = "Node Maintenance Mode"
NODE_MAINT_NOTES = "Maintenance mode is enabled for this node, but no reason was provided. This is a default message."

# §1.6 agent health
MISSING_SERVICE_ID_HEALTH = "Missing serviceID"
MISSING_SERVICE_NAME_HEALTH = "Missing service Name"
SERVICE_ID_NOT_FOUND_TEXT = "ServiceId {id} not found"
SERVICE_NAME_NOT_FOUND_TEXT = "ServiceName {name} Not Found"

# §2.2 decoding
REQUEST_DECODE_FAILED = "Request decode failed: {err}"
JSON_UNKNOWN_FIELD = 'json: unknown field "{key}"'
JSON_TYPE_MISMATCH = "json: cannot unmarshal {got} into Go struct field {field} of type {want}"
JSON_VALUE_MISMATCH = "json: cannot unmarshal {got} into Go value of type {want}"
JSON_EOF = "EOF"
INVALID_DURATION = 'time: invalid duration "{raw}"'

# §3 register validation
MISSING_SERVICE_NAME = "Missing service name"
INVALID_SERVICE_ADDRESS = "Invalid service address"
INVALID_WEIGHTS = "Invalid Weights: {err}"
WEIGHT_PASSING = "Passing must be greater than 0"
WEIGHT_WARNING = "Warning must be greater or equal than 0"
WEIGHT_DNS = "DNS Weight must be between 0 and 65535"
INVALID_SERVICE_META = "Invalid Service Meta: {err}"
META_TOO_MANY = "Node metadata cannot contain more than 64 key/value pairs"
META_PAIR = "Couldn't load metadata pair ('{key}', '{value}'): {reason}"
META_KEY_BLANK = "Key cannot be blank"
META_KEY_CHARS = "Key contains invalid characters"
META_KEY_LONG = "Key is too long (limit: 128 characters)"
META_KEY_RESERVED = "Key prefix 'consul-' is reserved for internal use"
META_VALUE_LONG = "Value is too long (limit: 512 characters)"
VALIDATION_FAILED = "Validation failed: {err}"
FAILED_VALIDATION = "Failed Validation: {err}"
INVALID_CHECK = "Invalid check: {err}"
INVALID_SIDECAR_CHECK = "Invalid check in sidecar_service: {err}"
INVALID_SIDECAR = "Invalid SidecarService: {err}"
CHECK_STATUS_VALUES = "Status for checks must 'passing', 'warning', 'critical'"

# §3.1 NodeService.Validate
PROXY_PORT = "Port or SocketPath must be set for a connect-proxy"
PROXY_DEST_EMPTY = "Proxy.DestinationServiceName must be non-empty for Connect proxy services"
PROXY_DEST_WILDCARD = "Proxy.DestinationServiceName must not be a wildcard for Connect proxy services"
PROXY_NATIVE = "A Proxy cannot also be Connect Native, only typical services"
PROXY_HCP_DIR = "Proxy.Config: envoy_hcp_metrics_bind_socket_dir length {n} exceeds max 70"
UPSTREAM_DC_PARTITION = "upstreams cannot target another datacenter in non default partition"
UPSTREAM_PEER_PARTITION = "upstreams must target peers in the same partition as the service"
UPSTREAM_TYPE = 'unknown upstream destination type: "{type}"'
UPSTREAM_NAME_EMPTY = "upstream destination name cannot be empty"
UPSTREAM_NAME_WILDCARD = "upstream destination name cannot be a wildcard"
UPSTREAM_PEER_AND_DC = "upstream cannot specify both destination peer and datacenter"
UPSTREAM_BIND_MISSING = "upstream local bind port or local socket path must be defined and nonzero"
UPSTREAM_BIND_BOTH = "only one of upstream local bind port or local socket path can be defined and nonzero"
UPSTREAM_DUPLICATE = (
    'upstreams cannot contain duplicates of [type="{type}", name="{name}", partition="{partition}", '
    'namespace="{namespace}", peer="{peer}", datacenter="{datacenter}"]'
)
UPSTREAM_DUPLICATE_BIND = (
    'upstreams cannot contain duplicates by local bind address and port or unix path; "{addr}" is specified twice'
)
EXPOSE_EMPTY_PATH = "expose.paths: empty path exposed"
EXPOSE_DUP_PORT = "expose.paths: duplicate listener ports exposed"
EXPOSE_BAD_PORT = "expose.paths: invalid listener port: {port}"
EXPOSE_PROTOCOL = "protocol '{protocol}' not supported for path: {path}, must be in: [http http2]"
GATEWAY_PORT = "Port must be non-zero for a {kind}"
GATEWAY_SIDECAR = "A {kind} cannot have a sidecar service defined"
GATEWAY_PROXY_FIELD = "The Proxy.{field} configuration is invalid for a {kind}"
SIDECAR_ID = "A SidecarService cannot specify an ID as this is managed by the agent"
SIDECAR_NESTED = "A SidecarService cannot have a nested SidecarService"
NATIVE_PORT = "Port or SocketPath must be set for a Connect native service."
TAGGED_ADDRESS_V4 = 'Service tagged address "{key}" must be a valid ipv4 address'
TAGGED_ADDRESS_V6 = 'Service tagged address "{key}" must be a valid ipv6 address'
SIDECAR_PORTS_EXHAUSTED = (
    "no port provided for sidecar_service and none left in the configured range [{low}, {high}]"
)

# §2.1 / CT Validate check texts
CHECK_INTERVAL_AND_TTL = "Interval and TTL cannot both be specified"
CHECK_INTERVAL_REQUIRED = "Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks"
CHECK_ALIAS_INTERVAL = "Interval cannot be set for Alias checks"
CHECK_ALIAS_TTL = "TTL must be not be set for Alias checks"
CHECK_TTL_REQUIRED = "TTL must be > 0 for TTL checks"
CHECK_OUTPUT_MAX = "MaxOutputMaxSize must be positive"
CHECK_FAILURES = "FailuresBeforeWarning can't be higher than FailuresBeforeCritical"
SCRIPTS_DISABLED = (
    "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true"
)
SERVICE_CHECK_NAME = "Service '{name}' check"
SIDECAR_LISTENING_CHECK = "Connect Sidecar Listening"
SIDECAR_ALIAS_CHECK = "Connect Sidecar Aliasing {id}"
TTL_EXPIRED = "TTL expired"
TTL_EXPIRED_WITH_OUTPUT = "TTL expired (last output before timeout follows): {output}"

# agent check endpoints (agent/agent_endpoint.go, agent/acl.go)
MISSING_CHECK_NAME = "Missing check name"
BAD_CHECK_STATUS = "Bad check status"
INVALID_CHECK_STATUS = "Invalid check status: '{status}'"
UNKNOWN_CHECK_ID = 'Unknown check ID "{id}". Ensure that the check ID is passed, not the check name.'
CHECK_NO_TTL = 'CheckID "{id}" does not have associated TTL'
CHECK_SERVICE_MISSING = 'ServiceID "{id}" does not exist'

# catalog and health (agent/catalog_endpoint.go, agent/health_endpoint.go)
MISSING_SERVICE_NAME_CATALOG = "Missing service name"
MISSING_NODE_NAME = "Missing node name"
MISSING_CHECK_STATE = "Missing check state"
INVALID_PASSING = "Invalid value for ?passing"
SEGMENT_WITH_WAN = "Cannot provide a segment with wan=true"

# §7 editions
CE_NS_HEADER = 'Invalid header: "X-Consul-Namespace" - Namespaces are a Consul Enterprise feature'
CE_NS_QUERY = 'Invalid query parameter: "ns" - Namespaces are a Consul Enterprise feature'
CE_PARTITION_HEADER = 'Invalid header: "X-Consul-Partition" - Partitions are a Consul Enterprise feature'
CE_PARTITION_QUERY = 'Invalid query parameter: "partition" - Partitions are a Consul Enterprise feature'

# filters (go-bexpr)
FILTER_FAILED = "Failed to create boolean expression evaluator: {err}"

# partitions (Consul Enterprise; not in the public source: consulite's wording)
PARTITION_MISSING = 'Partition "{name}" does not exist'
PARTITION_EXISTS = 'Partition "{name}" already exists'
PARTITION_NAME_INVALID = 'Invalid partition name "{name}": must be a valid DNS hostname label starting with a lowercase letter'
PARTITION_NAME_MISMATCH = 'Partition name "{body}" does not match the name in the path "{path}"'
PARTITION_DEFAULT_DELETE = "Cannot delete the default partition"
PARTITION_NOT_FOUND = 'Partition not found for "{name}"'

# check probes: the Output of running checks (agent/checks/check.go, grpc.go, docker.go, os_service_unix.go)
CHECK_USER_AGENT = "Consul Health Check"
CHECK_HTTP_ACCEPT = "text/plain, text/*, */*"
CHECK_HTTP_OUTPUT = "HTTP {method} {url}: {status} Output: {output}"
CHECK_HTTP_TIMEOUT = '{op} "{url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
CHECK_CONNECT_SUCCESS = "{kind} connect {addr}: Success"
CHECK_GRPC_SUCCESS = "gRPC check {target}: success"
CHECK_GRPC_STATUS = "gRPC {target} serving status: {status}"
CHECK_GRPC_DIAL = (
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: {err}"'
)
CHECK_GRPC_PREFACE = (
    'rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: {err}"'
)
CHECK_H2_SUCCESS = "HTTP2 ping was successful"
CHECK_H2_DIAL = "Failed to dial to {target}: {err}"
CHECK_H2_FAILED = "HTTP2 ping failed: {err}"
CHECK_TIMED_OUT = "Timed out ({timeout}) running check"
CHECK_CAPTURED = "Captured {size} of {total} bytes\n...\n{output}"
DOCKER_CREATE_FAILED = "create exec failed for container {id}: {err}"
DOCKER_UNKNOWN_CONTAINER = "create exec failed for unknown container {id}"
DOCKER_CREATE_PAUSED = "create exec failed since container {id} is paused or stopped"
DOCKER_CREATE_STATUS = "create exec failed for container {id} with status {code}: {body}"
DOCKER_START_STATUS = "start exec failed for container {id} with status {code}: body: {body} err: <nil>"
DOCKER_START_FAILED = "start exec failed for container {id}: {err}"
OS_SERVICE_NOT_IMPLEMENTED = "not implemented"

# --- issue 11: decode-level hardening ---
# go-bexpr v0.1.2 validate.go: a `matches` operand that Go's regexp.Compile refuses
FILTER_BAD_REGEXP = "Failed to compile regular expression {pattern}: {err}"
# Go regexp/syntax Error.Error(): "error parsing regexp: " + code text [+ ": `" + expr + "`"]
GO_REGEXP_ERROR = "error parsing regexp: {code}"
# consulite's wording: go-bexpr has no nesting limit, consulite's recursive parser does
FILTER_TOO_LONG = "expression chains more than about {limit} terms with and/or (consulite's limit)"
FILTER_TOO_DEEP = "expression nests deeper than {limit} levels of parentheses or \"not\" at offset {offset} (consulite's limit)"
# Go time.ParseDuration (src/time/format.go); {raw} is already quoted as the time package quotes
INVALID_DURATION_QUOTED = "time: invalid duration {raw}"
DURATION_MISSING_UNIT = "time: missing unit in duration {raw}"
DURATION_UNKNOWN_UNIT = "time: unknown unit {unit} in duration {raw}"
# consulite's wording: JSON nesting past this is refused so that whatever is accepted can be rendered back
JSON_TOO_DEEP = "JSON value nests more than {limit} levels of objects and arrays (consulite's limit)"

# KV, sessions, transactions, events (reference kv-sessions-txn.md; agent/kvs_endpoint.go,
# agent/session_endpoint.go, agent/consul/session_endpoint.go, agent/consul/state/kvs.go, session.go,
# txn.go, agent/txn_endpoint.go, agent/event_endpoint.go)
MISSING_KEY_NAME = "Missing key name"  # §1.2, §1.5
CONFLICTING_FLAGS = "Conflicting flags: {query}"  # §1.5 (MPL-era text: no trailing newline)
PARSE_UINT = 'strconv.ParseUint: parsing "{raw}": invalid syntax'  # §1.5
KV_LIMIT_DOC = "https://www.consul.io/docs/agent/config/config-files#kv_max_value_size"  # §1.5, in BODY_TOO_LARGE
MISSING_SESSION_ID = "missing session"  # §1.5 acquire/release with an empty session
INVALID_SESSION = 'invalid session "{id}"'  # §1.5
MISSING_SESSION = "Missing session"  # §2.4: destroy/info/renew with an empty ID
MISSING_NODE_REGISTRATION = "Missing node registration"  # §2.2
MUST_PROVIDE_NODE = "Must provide Node"  # agent/consul/session_endpoint.go
MISSING_CHECK_REGISTRATION = "Missing check '{id}' registration"  # §2.2
CHECK_CRITICAL = "Check '{id}' is in critical state"  # §2.2
INVALID_BEHAVIOR = "Invalid Behavior setting '{behavior}'"  # §2.2
SESSION_TTL_INVALID = "Session TTL '{ttl}' invalid: {err}"  # §2.2
SESSION_TTL_RANGE = "Invalid Session TTL '{ns}', must be between [{min}={max}]"  # §2.2
SESSION_NOT_FOUND = "Session id '{id}' not found"  # §2.4 renew
TXN_PARSE_FAILED = "Failed to parse body: {err}"  # §3.1
TXN_TOO_MANY = "Transaction contains too many operations ({n} > {max})"  # §3.2 (128 since 1.14)
TXN_LIMIT_DOC = "https://www.consul.io/docs/agent/config/config-files#txn_max_req_len"  # §3.2, in BODY_TOO_LARGE
TXN_VALUE_TOO_LARGE = 'Value for key "{key}" is too large ({size} > {max} bytes)'  # §3.2
TXN_MUST_PROVIDE_KEY = "Must provide key"  # §3.3
TXN_LOCK_DELAY = 'failed to lock key "{key}" due to lock delay'  # §3.3, §3.5
TXN_STALE_SET = 'failed to set key "{key}", index is stale'  # §3.5
TXN_LOCK_HELD = 'failed to lock key "{key}", lock is already held'
TXN_UNLOCK = 'failed to unlock key "{key}", lock isn\'t held, or is held by another session'
TXN_KEY_MISSING = 'key "{key}" doesn\'t exist'
TXN_CHECK_INDEX_MISSING = 'failed to check index, key "{key}" doesn\'t exist'
TXN_CHECK_INDEX = 'failed index check for key "{key}", current modify index {current} != {wanted}'
TXN_CHECK_SESSION_MISSING = 'failed to check session, key "{key}" doesn\'t exist'
TXN_CHECK_SESSION = 'failed session check for key "{key}", current session "{current}" != "{wanted}"'
TXN_KEY_EXISTS = 'key "{key}" exists'
TXN_DELETE_STALE = 'failed to delete key "{key}", index is stale'
TXN_UNKNOWN_VERB = 'unknown {family} verb "{verb}"'  # §3.5, §3.6 (KV, Node, Service, Check)
TXN_NODE_MISSING = 'node "{node}" doesn\'t exist'  # §3.6
TXN_SERVICE_MISSING = 'service "{id}" on node "{node}" doesn\'t exist'
TXN_SERVICE_STALE = 'failed to {op} service "{id}" on node "{node}", index is stale'
TXN_CHECK_MISSING = 'check "{id}" on node "{node}" doesn\'t exist'
TXN_CHECK_STALE = 'failed to {op} check "{id}" on node "{node}", index is stale'
TXN_NODE_STALE = 'failed to {op} node "{node}", index is stale'
EVENT_MISSING_NAME = "Missing name"  # agent/event_endpoint.go
SESSION_LOOKUP_FAILED = "failed session lookup: index error: UUID must be 36 characters"  # memdb's UUID index (real 1.8.7)
SESSION_NOT_OBJECT = "json: cannot unmarshal {got} into Go value of type struct {{ LockDelay interface {{}}; *structs.Alias }}"

# alias checks: the Output an alias reports (agent/checks/alias.go processChecks, checked against 1.8.7)
ALIAS_NO_CHECKS = "No checks found."
ALIAS_ALL_PASSING = "All checks passing."
ALIAS_FAILING = 'Aliased check "{name}" failing: {output}'
ALIAS_NOT_FOUND = "Service {id} could not be found on node {node}"

# -- HTTP hardening: limits, refused input, shutdown ------------------------------------------------
# agent/http.go parseCacheControl: a max-age or stale-if-error that is not an integer
INVALID_CACHE_CONTROL = "Invalid Cache-Control header."
# agent/kvs_endpoint.go and agent/txn_endpoint.go: Consul's 413 for a body past its limit
BODY_TOO_LARGE = "Request body({size} bytes) too large, max size: {limit} bytes. See {doc}."
BODY_TOO_LARGE_CHUNKED = "Request body too large, max size: {limit} bytes. See {doc}."
BODY_LIMIT_DOC = "consulite's README, Limits"  # consulite's own limit, for the routes Consul has none on
# agent/agent.go (connLimiter, via hashicorp/go-connlimit): the 429 past http_max_conns_per_client
TOO_MANY_CONNS = "Your IP is issuing too many concurrent connections, please rate limit your calls\n"
# agent/config_endpoint.go: ?cas= parsed with strconv.ParseUint (Go's error text)
PARSE_UINT = 'strconv.ParseUint: parsing "{raw}": invalid syntax'
PARSE_UINT_RANGE = 'strconv.ParseUint: parsing "{raw}": value out of range'
# consulite's wording: Go keeps the raw bytes; consulite refuses a name that is not UTF-8 at the gate
NOT_UTF8 = "Invalid {what}: not valid UTF-8"
# consulite's wording: a body that did not arrive within http_body_timeout (Go's ReadTimeout closes instead)
BODY_TIMEOUT = "Request body not received within {seconds}s"
# consulite's wording: the answer to a client that left mid-body (nobody reads it; the pipeline logs it)
CLIENT_LEFT = "client left before its request body arrived"

# --- issue 16: verified against Consul 1.8.7 ---
# Go encoding/json: a body cut short (io.ErrUnexpectedEOF) and a syntax error (scanner.go, quoteChar + context)
JSON_UNEXPECTED_EOF = "unexpected EOF"
JSON_END_OF_INPUT = "unexpected end of JSON input"  # json.Unmarshal of a text cut short
JSON_INVALID_CHARACTER = "invalid character {char} {context}"
# agent/structs/config_entry_gateways.go IngressGatewayConfigEntry.Validate
INGRESS_WILDCARD_HOSTS = "Associating hosts to a wildcard service is not supported (listener on port {port})"


# -- data dir and snapshots (consulite's own) ------------------------------------------------------------
DATA_DIR_WRITE_FAILED = "consulite: the data dir could not be written ({error}); this agent no longer acknowledges writes"

# --- issue 16: filters as go-bexpr v0.1.2 over Consul's typed structs ---
# consulite's wording: go-bexpr panics on a selector through a nil pointer and Consul then answers nothing
FILTER_NIL_POINTER = ("filter selector {selector} goes through {field}, which is nil on this object: go-bexpr "
                      "panics there and Consul closes the connection without an answer (consulite's text)")
# go-bexpr v0.1.2 evaluate.go: a selector reaching a value that has no fields (a nil element of a list)
FILTER_NOT_NESTED = "Value at selector {selector} with type invalid does not support nested field selection"

# --- issue 15: coordinates, operator, agent administration, prepared queries, exported services ---
# encoding/json UnmarshalTypeError.Error(), as Consul's decodeBody reports it
GO_UNMARSHAL = "json: cannot unmarshal {kind} into Go struct field {field} of type {type}"
GO_UNMARSHAL_VALUE = "json: cannot unmarshal {kind} into Go value of type {type}"
# agent/consul/coordinate_endpoint.go Update (Consul 1.17; 1.8.7 says "incompatible coordinate")
COORDINATE_REJECTED = "rejected bad coordinate: {coord}"
# agent/operator_endpoint.go OperatorRaftPeer; hashicorp/raft's texts via agent/consul/operator_raft_endpoint.go
RAFT_PEER_MISSING = "Bad request: Must specify either ?id with the server's ID or ?address with IP:port of peer to remove"
RAFT_ID_NOT_FOUND = 'id "{id}" was not found in the Raft configuration'
RAFT_ADDRESS_NOT_FOUND = 'address "{address}" was not found in the Raft configuration'
# hashicorp/raft configuration.go checkConfiguration, removing the only voter (real Consul 1.8.7's answer)
RAFT_REMOVE_LEADER = "Need at least one voter in configuration: {[]}"
# hashicorp/raft api.go LeadershipTransfer: no other voter to pick (raft pickServer); Consul 1.17 wraps nothing
RAFT_TRANSFER_ALONE = "cannot find peer"
RAFT_TRANSFER_UNKNOWN = "cannot find peer {id}"
# agent/operator_endpoint.go OperatorAutopilotConfiguration
AUTOPILOT_BAD_CAS = 'Bad request: Error parsing cas value: strconv.ParseUint: parsing "{cas}": invalid syntax'
AUTOPILOT_BAD_CONFIG = "Bad request: Error parsing autopilot config: {err}"
# agent/operator_endpoint.go KeyringOperation with gossip encryption off (serf's "Keyring is empty" per pool)
KEYRING_EMPTY = ("4 errors occurred:\n\t* WAN error: 1/1 nodes reported failure\n\t* {node}.{dc}: Keyring is empty"
                 " (encryption not enabled)\n\t* {dc} (LAN) error: 1/1 nodes reported failure\n\t* {node}: Keyring"
                 " is empty (encryption not enabled)\n")
# agent/agent_endpoint.go AgentMonitor (real Consul 1.8.7's answer)
MONITOR_BAD_LEVEL = "Bad request: Unknown log level: {level}"
# agent/agent_endpoint.go AgentReload: the reload's error as Consul's 500 text
RELOAD_FAILED = "Failed reloading config: {err}"
# agent/agent.go JoinLAN via memberlist: a one-agent cluster has no one to dial (1.8.7's text, refused dial)
JOIN_FAILED = "1 error occurred:\n\t* Failed to join {address}: dial tcp {target}: connect: connection refused\n\n"
# serf.go RemoveFailedNodePrune via agent.go ForceLeave (real Consul 1.8.7's answer)
FORCE_LEAVE_UNKNOWN = "agent: No node found with name '{node}'"
# agent/consul/prepared_query_endpoint.go Apply and parseQuery; state store lookups (real Consul 1.8.7's answers)
QUERY_NO_SERVICE = "Invalid prepared query: Must provide a Service name to query"
QUERY_NAME_UUID = "Invalid prepared query: Query name cannot be a UUID"
QUERY_NAME_TAKEN = "name '{name}' aliases an existing query name"
QUERY_NOT_FOUND = "Query not found"
QUERY_INDEX_ERROR = "failed prepared query lookup: index error: UUID must be 36 characters"
QUERY_LOOKUP_FAILED = "Prepared Query lookup failed: " + QUERY_INDEX_ERROR
QUERY_MODIFY_MISSING = "Cannot modify non-existent prepared query: '{id}'"
# agent/prepared_query_endpoint.go parseLimit
QUERY_BAD_LIMIT = 'Bad request: Invalid limit: strconv.Atoi: parsing "{limit}": invalid syntax'

# ACL (reference acl.md): resolution, 403 texts, the /v1/acl API's errors
ACL_DISABLED = "ACL support disabled"
BAD_REQUEST = "Bad request: {reason}"
ACL_NOT_FOUND = "ACL not found"
ACL_ROOT = "Cannot resolve root ACL"
ACL_DENIED = "Permission denied: token with AccessorID '{accessor}' lacks permission '{perm}'{on}"
ACL_DENIED_PROVIDED = "Permission denied: provided token lacks permission '{perm}'{on}"
ACL_DENIED_ANONYMOUS = ("Permission denied: anonymous token lacks permission '{perm}'{on}. The anonymous token "
                        "is used implicitly when a request does not specify a token.")
ACL_RULES_PARSE = "Failed to parse ACL rules: {err}"
ACL_INVALID_RULE = "Invalid {kind} policy: {dump}"
ACL_BOOTSTRAP_DONE = "Permission denied: ACL bootstrap no longer allowed (reset index: {index})"
ACL_BOOTSTRAP_DESCRIPTION = "Bootstrap Token (Global Management)"
ACL_INITIAL_DESCRIPTION = "Initial Management Token"
ACL_ANONYMOUS_DESCRIPTION = "Anonymous Token"
ACL_MANAGEMENT_DESCRIPTION = "Builtin Policy that grants unlimited access"
ACL_DECODE = "{what} decoding failed: {err}"
ACL_MISSING_ID = "Missing {what} ID"
ACL_MISSING_ACCESSOR = "Missing token AccessorID"
ACL_MISSING_NAME = "Missing {what} Name"
ACL_ID_MISMATCH = "{what} ID in URL and payload do not match"
ACL_CREATE_WITH_ID = "Cannot specify the ID when creating a new {what}"
ACL_NOT_EXIST = "Requested {what} does not exist: ACL not found"
ACL_CANNOT_FIND_DELETE = "Cannot find {what} to delete"
ACL_LOOKUP_UUID = "failed acl {what} lookup: index error: UUID must be 36 characters"
ACL_SELF_MISSING = "Supplied token does not exist"
POLICY_NO_NAME = "Invalid Policy: no Name is set"
POLICY_BAD_NAME = ("Invalid Policy: invalid Name. Only alphanumeric characters, a single '/', '-' and '_' are "
                   "allowed")
POLICY_NAME_LENGTH = "Invalid Policy: invalid Name. Length must be greater than 0 and less than 128"
POLICY_NAME_RESERVED = "Invalid Policy: invalid Name. Names cannot be prefixed with '/' or 'builtin/'"
POLICY_EXISTS = 'Invalid Policy: A Policy with Name "{name}" already exists'
POLICY_RENAME_EXISTS = 'Invalid Policy: A policy with name "{name}" already exists'
POLICY_ID_INVALID = "Policy ID invalid UUID"
POLICY_CANNOT_FIND = "cannot find policy {id}"
POLICY_MGMT_RULES = "Changing the Rules for the builtin global-management policy is not permitted"
POLICY_MGMT_DCS = "Changing the Datacenters of the builtin global-management policy is not permitted"
POLICY_MGMT_DELETE = "Delete operation not permitted on the builtin global-management policy"
ROLE_NO_NAME = "Invalid Role: no Name is set"
ROLE_BAD_NAME = "Invalid Role: invalid Name. Only alphanumeric characters, '-' and '_' are allowed"
ROLE_EXISTS = 'Invalid Role: A Role with Name "{name}" already exists'
ROLE_RENAME_EXISTS = 'Invalid Role: A role with name "{name}" already exists'
ROLE_ID_INVALID = "Role ID invalid UUID"
ROLE_CANNOT_FIND = "cannot find role {id}"
TOKEN_FIELD_INVALID = "Invalid Token: {field} - not a valid UUID"
TOKEN_FIELD_RESERVED = ('Invalid Token: {field} - UUIDs with the prefix "00000000-0000-0000-0000-0000000000" '
                        "are reserved")
TOKEN_FIELD_IN_USE = "Invalid Token: {field} is already in use"
TOKEN_TTL_NEGATIVE = "Token Expiration TTL '{ttl}' should be > 0"
TOKEN_TTL_AND_TIME = "Token Expiration TTL and Expiration Time cannot both be set"
TOKEN_EXPIRY_BEFORE = "ExpirationTime cannot be before CreateTime"
TOKEN_EXPIRY_RANGE = "ExpirationTime cannot be {cmp} than {bound} in the future (was {was})"
TOKEN_AUTH_METHOD = "AuthMethod field is disallowed outside of login"
TOKEN_CANNOT_FIND = 'Cannot find token "{id}"'
TOKEN_SECRET_CHANGE = "Changing a token's SecretID is not permitted"
TOKEN_LOCAL_CHANGE = "Cannot toggle local mode of {id}"
TOKEN_EXPIRY_CHANGE = "Cannot change expiration time of {id}"
TOKEN_CLONE_AUTH = "Cannot clone a token created from an auth method"
TOKEN_DELETE_ANONYMOUS = "Delete operation not permitted on the anonymous token"
TOKEN_DELETE_SELF = "Deletion of the request's authorization token is not permitted"
TOKEN_ACCESSOR_MISMATCH = "Token Accessor ID in URL and payload do not match"
LINK_NO_POLICY_NAME = 'No such ACL policy with name "{name}"'
LINK_NO_POLICY_ID = 'No such ACL policy with ID "{id}"'
LINK_NO_ROLE_NAME = 'No such ACL role with name "{name}"'
LINK_NO_ROLE_ID = 'No such ACL role with ID "{id}"'
IDENTITY_NO_SERVICE = "Service identity is missing the service name field on this {what}"
IDENTITY_LOCAL_DCS = 'Service identity "{name}" cannot specify a list of datacenters on a local token'
IDENTITY_BAD_SERVICE = ('Service identity "{name}" has an invalid name. Only lowercase alphanumeric characters, '
                        "'-' and '_' are allowed")
IDENTITY_NO_NODE = "Node identity is missing the node name field on this {what}"
IDENTITY_NO_DC = "Node identity is missing the datacenter field on this {what}"
IDENTITY_BAD_NODE = ("Node identity has an invalid name. Only lowercase alphanumeric characters, '-' and '_' "
                     "are allowed")
TEMPLATE_MISSING = "acl templated policy does not exist: {name}"
TEMPLATE_NO_NAME = "Failed to validate variables for templated policy {name}: name is required"
AUTH_METHOD_NO_NAME = "Invalid Auth Method: no Name is set"
AUTH_METHOD_NO_TYPE = "Invalid Auth Method: No Type is set."
AUTH_METHOD_BAD_TYPE = 'Invalid Auth Method: Type should be one of: [jwt kubernetes oidc] (was "{type}")'
AUTH_METHOD_NOT_FOUND = 'auth method "{name}" not found'
AUTH_METHOD_CANNOT_FIND = "Cannot find auth method to delete"
AUTH_METHOD_CONFIG = "Invalid Auth Method: {err}"
BINDING_RULE_NO_METHOD = "Invalid Binding Rule: no AuthMethod is set"
BINDING_RULE_NO_BIND_NAME = "Invalid Binding Rule: no BindName is set"
BINDING_RULE_BAD_TYPE = "Invalid Binding Rule: unknown BindType {type!r}"
BINDING_RULE_UNKNOWN_METHOD = 'Invalid Binding Rule: unknown auth method "{name}"'
BINDING_RULE_ID_MISMATCH = "BindingRule ID in URL and payload do not match"
LOGIN_FAILED = "Permission denied: failed to validate the bearer token: {err}"
LOGIN_NO_BINDINGS = "Permission denied"
LOGOUT_NO_TOKEN = "Supplied token does not exist"
LOGOUT_NOT_LOGIN = "Permission denied: token wasn't created via login"

# -- agent tokens persisted in the data dir (agent/token/persistence.go) -----------------------------------
TOKENS_NOT_PERSISTED = "Failed to persist tokens - {err}"

# -- agent configuration: flags and keys of `consul agent` (agent/config/builder.go, command/agent) --------
CONFIG_FORMAT = "config: -config-format must be either 'hcl' or 'json'"
CONFIG_BAD_PORT = "ports.{name}: invalid port: {port}"
CONFIG_PORT_ZERO = "{flag} must be greater than zero"
CONFIG_BAD_IP = "{name}: invalid ip address: {addr}"
BIND_EMPTY = "bind_addr cannot be empty"
BIND_MULTIPLE = "bind_addr cannot contain multiple addresses. Use 'addresses.{dns,http,https}' instead."
ADVERTISE_ANY = "Advertise address cannot be 0.0.0.0, :: or [::]"
ENCRYPT_BAD_KEY = "encrypt has invalid key: illegal base64 data at input byte {at}"
DATACENTER_BAD = 'datacenter cannot be "{dc}". Please use only [a-z0-9-_]'
EXPECT_NEGATIVE = "bootstrap_expect cannot be {n}. Must be greater than or equal to zero"
EXPECT_NOT_SERVER = "'bootstrap_expect > 0' requires 'server = true'"
EXPECT_DEV = "'bootstrap_expect > 0' not allowed in dev mode"
EXPECT_BOOTSTRAP = "'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive"
NODE_ID_BAD = "failed to setup node ID: specified NodeID is invalid: {err}"
#: one line for each flag or key consulite accepts and ignores
IGNORED_SETTING = "Ignored: no meaning in consulite"

# -- catalog register/deregister and other nodes (agent/consul/catalog_endpoint.go, state/catalog.go); 500s
CATALOG_MISSING_NODE = "Must provide node"
CATALOG_MISSING_ADDRESS = "Must provide address if SkipNodeUpdate is not set"
CATALOG_BAD_NODE_ID = "Bad node ID: {err}"
CATALOG_SERVICE_NAME_WITH_ID = "Must provide service name (Service.Service) when service ID is provided"
CATALOG_SERVICE_NO_ID = "failed inserting service: failed inserting service: object missing primary index"
CATALOG_CHECK_NODE = "Node '{node}' for check '{check}' doesn't match register request node '{want}'"
CATALOG_CHECK_SERVICE = "Unknown service ID '{service}' for check ID '{check}'"
CATALOG_CHECK_NO_ID = 'failed inserting check on node "{node}": failed inserting check: object missing primary index'
UUID_LENGTH = "uuid string is wrong length"
UUID_FORMAT = "uuid is improperly formatted"
HEX_INVALID_BYTE = "encoding/hex: invalid byte: {rune}"

# -- check views (clicheck) ---------------------------------------------------------------------------------
#: agent/checks/check.go CheckTTL.SetStatus: a TTL check's output over its limit
TTL_OUTPUT_CAPPED = "{output} ... (captured {size} of {total} bytes)"

# -- txn catalog verbs (txncat; reference kv-sessions-txn.md §3.6; agent/consul/state/catalog.go) -------------
TXN_MISSING_SERVICE = "Missing service registration"  # ensureCheckTxn: a check's ServiceID not on its node
TXN_CHECK_NO_ID = "failed inserting check: object missing primary index"  # a check with no CheckID and no Name

# --- issue 15: namespaces (Consul Enterprise; its source is not public) ---
# the server's refusal of a write into a missing namespace, as Consul Enterprise 1.8 logged it
# (hashicorp/consul#8123: `Namespace "luke" does not exist`)
NAMESPACE_MISSING = 'Namespace "{name}" does not exist'
# Consul Enterprise's namespace write, as consul-k8s reported it (hashicorp/consul-k8s#593; the names: #846)
NAMESPACE_RESERVED = 'Namespace "{name}" is reserved for future internal use'
# api/namespace.go Create (the Go client refuses it before sending; the server answers the same here)
NAMESPACE_NO_NAME = "Must specify a Name for Namespace creation"
# consulite's wording, after Consul's namespace validation (internal/tenancy/internal/types/namespace.go)
NAMESPACE_NAME_INVALID = 'Namespace name "{name}" is not a valid DNS hostname'
# consulite's wording, as for partitions
NAMESPACE_NAME_MISMATCH = 'Namespace name "{body}" does not match the name in the path "{path}"'
NAMESPACE_DEFAULT_DELETE = "Cannot delete the default namespace"
NAMESPACE_NOT_FOUND = 'Namespace not found for "{name}"'
