"""service-intentions (config-entries-and-resolver.md §3.6)."""

from __future__ import annotations

from consulite.model.config.common import META, validate_meta
from consulite.model.config.entry import ConfigEntry, Context, EntryError, Kind, require_name
from consulite.model.config.fields import BOOL, INT, STR_LIST, STR_MAP, STRING, TIME, list_of, struct
from consulite.model.go import multierror

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


def precedence(dest_ns: str, dest_name: str, src_ns: str, src_name: str) -> int:
    """Intention precedence: 9 for exact on both sides, lower as wildcards appear (destination weighs more)."""
    value = 9
    if dest_name == "*":
        value -= 3
    if dest_ns == "*":
        value -= 3
    if src_name == "*":
        value -= 1
    if src_ns == "*":
        value -= 1
    return value


def _normalize(e: ConfigEntry, ctx: Context) -> None:
    for src in e.body.get("Sources") or []:
        if ctx.enterprise:
            src["Namespace"] = src.get("Namespace") or e.namespace
            if not src.get("Peer") and not src.get("SamenessGroup"):
                src["Partition"] = src.get("Partition") or e.partition
        src["Type"] = src.get("Type") or "consul"
        src["Precedence"] = precedence(e.namespace, e.name, src.get("Namespace", "default"), src.get("Name", ""))
        for perm in src.get("Permissions") or []:
            http = perm.get("HTTP")
            if http and http.get("Methods"):
                http["Methods"] = [m.upper() for m in http["Methods"]]


def _validate(e: ConfigEntry, ctx: Context) -> None:
    require_name(e)
    errs = validate_meta(e.meta)
    if "*" in e.name and e.name != "*":
        errs.append("Name: wildcard character '*' cannot be used with partial values")
    seen = set()
    for i, src in enumerate(e.body.get("Sources") or []):
        name = src.get("Name", "")
        if not name:
            errs.append(f"Sources[{i}].Name is required")
        elif "*" in name and name != "*":
            errs.append(f"Sources[{i}].Name: wildcard character '*' cannot be used with partial values")
        if src.get("LegacyID"):
            errs.append(f"Sources[{i}].LegacyID must be omitted")
        perms = src.get("Permissions") or []
        action = src.get("Action", "")
        if perms:
            if action:
                errs.append(f"Sources[{i}].Action must be omitted if Permissions are specified")
            if e.name == "*":
                errs.append(f"Sources[{i}].Permissions cannot be specified on intentions with wildcarded "
                            "destinations")
            for j, perm in enumerate(perms):
                if perm.get("Action") not in ("allow", "deny"):
                    errs.append(f"Sources[{i}].Permissions[{j}].Action must be set to 'allow' or 'deny'")
                if not perm.get("HTTP") and not perm.get("JWT"):
                    errs.append(f"Sources[{i}].Permissions[{j}].HTTP is required")
        elif action not in ("allow", "deny"):
            errs.append(f"Sources[{i}].Action must be set to 'allow' or 'deny'")
        if src.get("Type") != "consul":
            errs.append(f"Sources[{i}].Type must be set to 'consul'")
        ident = (src.get("Peer", ""), src.get("Partition", ""), src.get("Namespace", ""), name)
        if ident in seen:
            errs.append(f'Sources[{i}] defines "{name}" more than once')
        seen.add(ident)
    if errs:
        raise EntryError(errs[0] if len(errs) == 1 else multierror(errs))


SERVICE_INTENTIONS = Kind("service-intentions", INTENTIONS_SPEC, _normalize, _validate)
