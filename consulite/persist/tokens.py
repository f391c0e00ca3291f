"""`acl.enable_token_persistence`: the agent tokens set through `PUT /v1/agent/token/<kind>` kept in
`<data dir>/acl-tokens.json`, as Consul's agent/token/persistence.go keeps them (only API-set tokens, snake_case
keys, `agent_master` read as `agent_recovery`, written atomically with mode 0600)."""

from __future__ import annotations

import os
from pathlib import Path

import orjson

FILE = "acl-tokens.json"
KINDS = ("replication", "agent_recovery", "default", "agent", "config_file_service_registration")


class TokenFile:
    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.path = Path(data_dir) / FILE

    def load(self) -> dict[str, str]:
        """The persisted tokens (none for a missing file); ValueError with Consul's text for one that fails."""
        try:
            raw = orjson.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except OSError as e:
            raise ValueError(f"failed reading tokens file {str(self.path)!r}: {e.strerror}") from None
        except orjson.JSONDecodeError as e:
            raise ValueError(f"failed to decode tokens file {str(self.path)!r}: {e}") from None
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k, ""), str) for k in (*KINDS, "agent_master")):
            raise ValueError(f"failed to decode tokens file {str(self.path)!r}: not an object of strings")
        found = {k: raw[k] for k in KINDS if raw.get(k)}
        if not found.get("agent_recovery") and raw.get("agent_master"):
            found["agent_recovery"] = raw["agent_master"]
        return found

    def save(self, tokens: dict[str, str]) -> None:
        """Write `tokens` (the API-set ones) atomically: a temporary file renamed over the old one."""
        data = orjson.dumps({k: tokens[k] for k in KINDS if tokens.get(k)})
        tmp = self.path.with_name(f"{FILE}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
