"""service-intentions (config-entries-and-resolver.md §3.6)."""

from __future__ import annotations

from typing import Any

from consulite.model.config import kinds as K
from consulite.model.config.chain import service_protocol
from consulite.model.config.common import HTTP_METHODS, META, validate_meta
from consulite.model.config.entry import ConfigEntry, Context, EntryError, Kind, require_name
from consulite.model.config.fields import BOOL, INT, STR_LIST, STR_MAP, STRING, TIME, list_of, struct
from consulite.model.go import multierror
from consulite.model.scope import DEFAULT

_JWT = struct("IntentionJWTRequirement", ("Providers", list_of(struct(
    "IntentionJWTProvider", ("Name", STRING),
    ("VerifyClaims", list_of(struct("IntentionJWTClaimVerification", ("Path", STR_LIST), ("Value", STRING))),
     "verify_claims"))))).ptr()
_HEADER_PERMISSION = struct(
    "IntentionHTTPHeaderPermission", ("Name", STRING), ("Present", BOOL), ("Exact", STRING), ("Prefix", STRING),
    ("Suffix", STRING), ("Contains", STRING), ("Regex", STRING), ("IgnoreCase", BOOL, "ignore_case"),
    ("Invert", BOOL))
_PERMISSION = struct(
    "IntentionPermission", ("Action", STRING),
    ("HTTP", struct("IntentionHTTPPermission", ("PathExact", STRING, "path_exact"),
                    ("PathPrefix", STRING, "path_prefix"), ("PathRegex", STRING, "path_regex"),
                    ("Header", list_of(_HEADER_PERMISSION)), ("Methods", STR_LIST)).ptr()),
    ("JWT", _JWT))
INTENTIONS_SPEC = struct(
    "ServiceIntentionsConfigEntry",
    ("Sources", list_of(struct(
        "SourceIntention", ("Name", STRING), ("Peer", STRING), ("Partition", STRING), ("Namespace", STRING),
        ("SamenessGroup", STRING, "sameness_group"), ("Action", STRING),
        ("Permissions", list_of(_PERMISSION)), ("Precedence", INT, False), ("LegacyID", STRING, "legacy_id"),
        ("Type", STRING, False), ("Description", STRING), ("LegacyMeta", STR_MAP, "legacy_meta"),
        ("LegacyCreateTime", TIME, "legacy_create_time"), ("LegacyUpdateTime", TIME, "legacy_update_time")))),
    ("JWT", _JWT),
    META,
)


def _exact_parts(namespace: str, name: str) -> int:
    """intentionCountExact: 0 for */*, 1 for ns/*, 2 for ns/name (an exact name never follows a wildcard ns)."""
    if namespace == "*":
        return 0
    return 1 if name == "*" else 2


def precedence(dest_ns: str, dest_name: str, src_ns: str, src_name: str) -> int:
    """Intention precedence: 9 for exact on both sides, lower as wildcards appear (destination weighs more)."""
    return 3 * (1 + _exact_parts(dest_ns, dest_name)) - (2 - _exact_parts(src_ns, src_name))


def _normalize(e: ConfigEntry, ctx: Context) -> None:
    for src in e.body.get("Sources") or []:
        src["Type"] = src.get("Type") or "consul"
        if ctx.enterprise:
            if src.get("Peer") or src.get("SamenessGroup"):
                src["Namespace"] = src.get("Namespace") or "default"  # a peer's scope is its own
            else:  # MergeNoWildcard: inherit the destination's scope, but never a wildcard
                src["Namespace"] = src.get("Namespace") or (e.namespace if e.namespace != "*" else "default")
                src["Partition"] = src.get("Partition") or (e.partition if e.partition != "*" else "default")
        src["Precedence"] = precedence(e.namespace or "default", e.name, src.get("Namespace") or "default",
                                       src.get("Name", ""))
        for key in ("LegacyID", "LegacyCreateTime", "LegacyUpdateTime"):  # cleared on a config-entry write
            src.pop(key, None)
        for perm in src.get("Permissions") or []:
            http = perm.get("HTTP")
            if http and http.get("Methods"):
                http["Methods"] = [m.upper() for m in http["Methods"]]
    if e.body.get("Sources"):
        e.body["Sources"].sort(key=lambda src: -src["Precedence"])  # stable: equals keep their order


def _wildcard_problem(name: str, namespace: str, partition: str, peer: str = "", sameness: str = "") -> str | None:
    """validateIntentionWildcards."""
    namespace = namespace or "default"
    if namespace != "*" and "*" in namespace:
        return "Namespace: wildcard character '*' cannot be used with partial values"
    if name != "*":
        if "*" in name:
            return "Name: wildcard character '*' cannot be used with partial values"
        if namespace == "*":
            return "Name: exact value cannot follow wildcard namespace"
    if "*" in (partition or "default"):
        return "Partition: cannot use wildcard '*' in partition"
    if "*" in peer:
        return "Peer: cannot use wildcard '*' in peer"
    if "*" in sameness:
        return "SamenessGroup: cannot use wildcard '*' in sameness group"
    return None


def _check_jwt(jwt: dict[str, Any] | None) -> None:
    missing = ["JWT provider name is required" for p in (jwt or {}).get("Providers") or [] if not p.get("Name")]
    if missing:
        raise EntryError(multierror(missing))


def _validate(e: ConfigEntry, ctx: Context) -> None:
    """Consul's checks in its order; the first failing one is the answer."""
    require_name(e)
    problem = _wildcard_problem(e.name, e.namespace, e.partition)
    if problem:
        raise EntryError(problem)
    dest_is_wild = e.name == "*" or e.namespace == "*"
    _check_jwt(e.body.get("JWT"))
    errs = validate_meta(e.meta)
    if errs:
        raise EntryError(multierror(errs))
    if not e.body.get("Sources"):
        raise EntryError("At least one source is required")
    seen = set()
    for i, src in enumerate(e.body["Sources"]):
        _validate_source(i, src, dest_is_wild)
        ident = (src.get("Peer", ""), src.get("SamenessGroup", ""), src.get("Partition", ""),
                 src.get("Namespace", ""), src["Name"])
        if ident in seen:
            qualifier = (f'peer("{ident[0]}") ' if ident[0] else
                         f'sameness-group("{ident[1]}") ' if ident[1] else "")
            raise EntryError(f'Sources[{i}] defines {qualifier}"{src["Name"]}" more than once')
        seen.add(ident)


def _validate_source(i: int, src: dict[str, Any], dest_is_wild: bool) -> None:
    name, peer, sameness = src.get("Name", ""), src.get("Peer", ""), src.get("SamenessGroup", "")
    if not name:
        raise EntryError(f"Sources[{i}].Name is required")
    problem = _wildcard_problem(name, src.get("Namespace", ""), src.get("Partition", ""), peer, sameness)
    if problem:
        raise EntryError(f"Sources[{i}].{problem}")
    if peer and src.get("Partition"):
        raise EntryError(f"Sources[{i}].Peer: cannot set Peer and Partition at the same time.")
    if sameness and src.get("Partition"):
        raise EntryError(f"Sources[{i}].SamenessGroup: cannot set SamenessGroup and Partition at the same time")
    if sameness and peer:
        raise EntryError(f"Sources[{i}].SamenessGroup: cannot set SamenessGroup and Peer at the same time")
    if len(src.get("Description", "")) > 512:
        raise EntryError(f"Sources[{i}].Description exceeds maximum length 512")
    if src.get("LegacyMeta"):
        raise EntryError(f"Sources[{i}].LegacyMeta must be omitted")
    perms = src.get("Permissions") or []
    if not perms and src.get("Action") not in ("allow", "deny"):
        raise EntryError(f"Sources[{i}].Action must be set to 'allow' or 'deny'")
    if perms and src.get("Action"):
        raise EntryError(f"Sources[{i}].Action must be omitted if Permissions are specified")
    if perms and dest_is_wild:
        raise EntryError(f"Sources[{i}].Permissions cannot be specified on intentions with wildcarded destinations")
    if src.get("Type") != "consul":
        raise EntryError(f"Sources[{i}].Type must be set to 'consul'")
    for j, perm in enumerate(perms):
        _validate_permission(f"Sources[{i}].Permissions[{j}]", perm)


def _validate_permission(where: str, perm: dict[str, Any]) -> None:
    if perm.get("Action") not in ("allow", "deny"):
        raise EntryError(f"{where}.Action must be set to 'allow' or 'deny'")
    http = perm.get("HTTP")
    if http is None:
        raise EntryError(f"{where}.HTTP is required")
    for key in ("PathExact", "PathPrefix"):
        if http.get(key) and not http[key].startswith("/"):
            raise EntryError(f"{where}.HTTP.{key} doesn't start with '/': \"{http[key]}\"")
    parts = sum(bool(http.get(k)) for k in ("PathExact", "PathPrefix", "PathRegex"))
    if parts > 1:
        raise EntryError(f"{where}.HTTP should only contain at most one of PathExact, PathPrefix, or PathRegex")
    for k, header in enumerate(http.get("Header") or []):
        if not header.get("Name"):
            raise EntryError(f"{where}.HTTP.Header[{k}] missing required Name field")
        if sum(bool(header.get(f)) for f in ("Present", "Exact", "Prefix", "Suffix", "Contains", "Regex")) != 1:
            raise EntryError(f"{where}.HTTP.Header[{k}] should only contain one of Present, Exact, Prefix, Suffix, "
                             "or Regex")
        parts += 1
    if http.get("Methods"):
        seen: set[str] = set()
        for method in http["Methods"]:
            if method not in HTTP_METHODS:
                raise EntryError(f'{where}.HTTP.Methods contains an invalid method "{method}"')
            if method in seen:
                raise EntryError(f'{where}.HTTP.Methods contains "{method}" more than once')
            seen.add(method)
        parts += 1
    if not parts:
        raise EntryError(f"{where}.HTTP should not be empty")
    _check_jwt(perm.get("JWT"))


SERVICE_INTENTIONS = Kind("service-intentions", INTENTIONS_SPEC, _normalize, _validate)


# -- the service graph on write (reference config-entries-and-resolver.md §3.6) ----------------------------

_HTTP_LIKE = frozenset({"http", "http2", "grpc"})  # structs.IsProtocolHTTPLike


def require_l7_protocol(e: ConfigEntry, ctx: Context) -> None:
    """Intentions with L7 permissions need an HTTP-like protocol for their destination (a wildcard destination
    is not checked); checked when they are written and when the destination's protocol may change."""
    if e.name == "*" or not any(src.get("Permissions") for src in e.body.get("Sources") or ()):
        return
    protocol = service_protocol(ctx.lookup, e.partition, e.namespace, e.name)
    if protocol not in _HTTP_LIKE:
        raise EntryError(f'service "{e.name}" has protocol "{protocol}", which is incompatible with L7 '
                         "intentions permissions")


def require_jwt_providers(e: ConfigEntry, ctx: Context) -> None:
    """Every JWT provider an intention names (its own, then each source permission's) is a jwt-provider entry
    of its partition."""
    jwts = [e.body.get("JWT")] + [perm.get("JWT") for src in e.body.get("Sources") or ()
                                  for perm in src.get("Permissions") or ()]
    for jwt in jwts:
        for provider in (jwt or {}).get("Providers") or ():
            if ctx.lookup(K.JWT_PROVIDER, e.partition, DEFAULT, provider["Name"]) is None:
                raise EntryError(f"Referenced JWT Provider does not exist. Provider Name: {provider['Name']}")
