"""The agent's configuration, as Consul's builder produces it: defaults, then config files, then flags."""

from __future__ import annotations

import attrs

#: the largest request body on /v1/ routes; past it, Consul's 413 text (README "Limits"). 512 KiB is
#: Consul's own default for kv_max_value_size and txn_max_req_len, and keeps the decode of the worst
#: body (deeply nested JSON) short enough not to hold other clients up
MAX_BODY_BYTES = 512 * 1024
#: the largest state document `PUT /_consulite/state` takes
MAX_STATE_BYTES = 256 * 1024 * 1024


@attrs.define
class AgentConfig:
    datacenter: str = "dc1"
    node_name: str = "node1"
    edition: str = "enterprise"
    enable_script_checks: bool = False
    #: `limits { http_max_conns_per_client = 200 }`: Consul's default; 0 means no limit
    http_max_conns_per_client: int = 200
    #: request bodies past this answer 413 (consulite's own limit; Consul has one per endpoint family)
    http_max_body_bytes: int = MAX_BODY_BYTES
    #: seconds a request head may take to arrive, and a request body to be read
    http_header_timeout: float = 10.0
    http_body_timeout: float = 30.0
    #: seconds an idle keep-alive connection is kept
    http_idle_timeout: float = 60.0

    @property
    def enterprise(self) -> bool:
        return self.edition == "enterprise"
