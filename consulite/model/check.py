"""Health checks: the definition a client sends (CheckType) and the check the agent keeps (HealthCheck)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from consulite.model.fields import BOOL, DURATION, HEADERS, INT, STR, STR_LIST, wire

PASSING, WARNING, CRITICAL, MAINTENANCE = "passing", "warning", "critical", "maintenance"
TTL = "ttl"  # the Type of a TTL check
STATUSES = frozenset({PASSING, WARNING, CRITICAL})




@attrs.define
class CheckType:
    """One entry of a service's `Check`/`Checks` (Consul's structs.CheckType)."""

    __go_name__: ClassVar[str] = "CheckType"
    __wire_ignored__: ClassVar[tuple[str, ...]] = ("serviceid", "service_id")
    check_id: str = wire("CheckID", STR)
    name: str = wire("Name", STR)
    status: str = wire("Status", STR)
    notes: str = wire("Notes", STR)
    script_args: list[str] | None = wire("ScriptArgs", STR_LIST, alias=("args", "script_args"))
    http: str = wire("HTTP", STR)
    header: dict[str, list[str]] | None = wire("Header", HEADERS)
    method: str = wire("Method", STR)
    body: str = wire("Body", STR)
    disable_redirects: bool = wire("DisableRedirects", BOOL)
    tcp: str = wire("TCP", STR)
    tcp_use_tls: bool = wire("TCPUseTLS", BOOL)
    udp: str = wire("UDP", STR)
    interval: int = wire("Interval", DURATION)
    alias_node: str = wire("AliasNode", STR)
    alias_service: str = wire("AliasService", STR)
    docker_container_id: str = wire("DockerContainerID", STR, alias="docker_container_id")
    shell: str = wire("Shell", STR)
    h2ping: str = wire("H2PING", STR)
    h2ping_use_tls: bool = wire("H2PingUseTLS", BOOL, alias="h2ping_use_tls")
    grpc: str = wire("GRPC", STR)
    grpc_use_tls: bool = wire("GRPCUseTLS", BOOL, alias="grpc_use_tls")
    os_service: str = wire("OSService", STR)
    tls_server_name: str = wire("TLSServerName", STR, alias="tls_server_name")
    tls_skip_verify: bool = wire("TLSSkipVerify", BOOL, alias="tls_skip_verify")
    timeout: int = wire("Timeout", DURATION)
    ttl: int = wire("TTL", DURATION)
    success_before_passing: int = wire("SuccessBeforePassing", INT)
    failures_before_warning: int = wire("FailuresBeforeWarning", INT)
    failures_before_critical: int = wire("FailuresBeforeCritical", INT)
    deregister_critical_service_after: int = wire(
        "DeregisterCriticalServiceAfter", DURATION, alias="deregister_critical_service_after"
    )
    output_max_size: int = wire("OutputMaxSize", INT)


@attrs.define
class CheckDefinition(CheckType):
    """A `PUT /v1/agent/check/register` body (Consul's structs.CheckDefinition)."""

    __go_name__ = "CheckDefinition"
    __wire_ignored__ = ()
    id: str = wire("ID", STR)
    service_id: str = wire("ServiceID", STR, alias="service_id")
    token: str = wire("Token", STR)
    namespace: str = wire("Namespace", STR)
    partition: str = wire("Partition", STR)


def check_type_name(c: CheckType) -> str:
    """Consul's CheckType.Type(): the kind of check, decided by which fields are set."""
    if c.alias_node or c.alias_service:
        return "alias"
    if c.docker_container_id:
        return "docker"
    if c.grpc:
        return "grpc"
    if c.h2ping:
        return "h2ping"
    if c.http:
        return "http"
    if c.os_service:
        return "os_service"
    if c.script_args:
        return "script"
    if c.tcp:
        return "tcp"
    if c.udp:
        return "udp"
    if c.ttl:
        return TTL
    return ""


@attrs.define(eq=False)
class HealthCheck:
    """A check as the agent keeps it (Consul's structs.HealthCheck plus its definition)."""

    check_id: str
    name: str
    status: str
    partition: str
    namespace: str
    type: str = ""
    notes: str = ""
    output: str = ""
    service_id: str = ""
    service_name: str = ""
    definition: CheckType | None = None
    #: The node of a check registered through the catalog ("" on the agent's node, as the agent holds it).
    node: str = ""
    #: The agent's newer output while the catalog still shows `output` (an output-only change waits
    #: check_update_interval, as Consul's local state defers it); None when both are the same.
    agent_output: str | None = None

    @property
    def local_output(self) -> str:
        """The output the agent's own endpoints show."""
        return self.output if self.agent_output is None else self.agent_output
    create_index: int = 0
    modify_index: int = 0
