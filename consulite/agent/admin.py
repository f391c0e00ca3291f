"""The agent's own administration: reload, leave, join and force-leave for a single agent, request and
state metrics (JSON and Prometheus), the log stream of `/v1/agent/monitor`, and the host's facts
(agent/agent_endpoint.go)."""

from __future__ import annotations

import asyncio
import logging
import os
import platform
import shutil
import socket
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from consulite import CONSUL_VERSION
from consulite import messages as M
from consulite.errors import BadRequest, ConsulError
from consulite.logs import LEVELS, JSONFormatter, TextFormatter
from consulite.model.scope import DEFAULT, Scope

if TYPE_CHECKING:
    from consulite.agent.core import Agent
    from consulite.decode.files import Loaded

ROOT_LOGGER = "consulite"
SERF_LAN_PORT = 8301
_TEXT, _JSON = TextFormatter(), JSONFormatter()


def log_level(name: str) -> int:
    """A `?loglevel=` value (case-insensitive), or Consul's 400."""
    level = LEVELS.get(name.strip().lower() or "info")
    if level is None:
        raise BadRequest(M.MONITOR_BAD_LEVEL.format(level=name))
    return level


def format_record(record: logging.LogRecord, as_json: bool = False) -> str:
    """A log line as the agent's own log writes it (`consulite.logs`): hclog's text, or its JSON object."""
    return (_JSON if as_json else _TEXT).format(record)


class Monitor(logging.Handler):
    """Feeds the agent's log records to `/v1/agent/monitor` subscribers, each at its own level."""

    def __init__(self) -> None:
        super().__init__(level=1)
        #: each subscriber's queue: its level and whether it wants JSON lines
        self.subscribers: dict[asyncio.Queue[str], tuple[int, bool]] = {}
        self._logger = logging.getLogger(ROOT_LOGGER)
        self._saved_level = self._logger.level

    def emit(self, record: logging.LogRecord) -> None:
        for queue, (level, as_json) in list(self.subscribers.items()):
            if record.levelno >= level:
                queue.put_nowait(format_record(record, as_json))

    def subscribe(self, level: int, as_json: bool = False) -> asyncio.Queue[str]:
        """A queue of formatted lines at `level` and above; the logger lets them through while subscribed."""
        if not self.subscribers:
            self._saved_level = self._logger.level
            self._logger.addHandler(self)
        queue: asyncio.Queue[str] = asyncio.Queue()
        self.subscribers[queue] = (level, as_json)
        self._logger.setLevel(min(lv for lv, _ in self.subscribers.values()))
        return queue

    def unsubscribe(self, queue: asyncio.Queue[str]) -> None:
        self.subscribers.pop(queue, None)
        if self.subscribers:
            self._logger.setLevel(min(lv for lv, _ in self.subscribers.values()))
        else:
            self._logger.removeHandler(self)
            self._logger.setLevel(self._saved_level)


class Admin:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.log = logging.getLogger(f"{ROOT_LOGGER}.agent")
        #: set by the start-up path: re-reads the agent's config files and flags (None: nothing to re-read)
        self.reloader: Callable[[], Loaded] | None = None
        #: what the files held at start (or at the last reload): services gone from them are deregistered
        self.files: Loaded | None = None
        #: set by the start-up path: stops the process (None: an embedded agent keeps serving)
        self.on_leave: Callable[[], None] | None = None
        #: HTTP requests served, by (method, route pattern, status): the pipeline's one counting hook
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.monitor = Monitor()
        self.started = time.time()

    def count(self, method: str, route: str, status: int) -> None:
        self.requests[(method, route, status)] += 1

    # -- reload, leave, join, force-leave ----------------------------------------------------------

    def reload(self) -> None:
        """`PUT /v1/agent/reload`: re-read the config files and register what they hold, as the agent's
        start did; a file that no longer loads is Consul's 500 and changes nothing."""
        self.log.info("Reloading configuration...")
        if self.reloader is None:
            return
        try:
            loaded = self.reloader()
        except Exception as e:  # ConfigError / FileError: the files' text, as Consul's reload answers it
            raise ConsulError(M.RELOAD_FAILED.format(err=getattr(e, "text", str(e)).rstrip())) from None
        gone = self._file_services(self.files) - self._file_services(loaded)
        for partition, namespace, service_id in sorted(gone):  # defined in a file no more: deregistered
            scope = Scope(partition, namespace)
            if self.agent.store.services.get(scope.key(service_id)) is not None:
                self.agent.services.deregister(scope, service_id)
        self.agent.state.load(loaded)
        self.files = loaded

    def _file_services(self, loaded: Loaded | None) -> set[tuple[str, str, str]]:
        """(partition, namespace, ID) of the services the files define."""
        found = set()
        for _, body in loaded.services if loaded is not None else ():
            defn = self.agent.bodies.service(orjson.dumps(body))
            found.add((defn.partition or DEFAULT, defn.namespace or DEFAULT, defn.id or defn.name))
        return found

    def leave(self) -> None:
        """`PUT /v1/agent/leave`: answer, then stop (graceful leave of a one-node cluster)."""
        self.log.info("Requesting shutdown")
        self.log.info("server starting leave")
        if self.on_leave is not None:
            asyncio.get_running_loop().call_later(0.05, self.on_leave)

    def join(self, address: str, wan: bool) -> int:
        """`PUT /v1/agent/join/<address>`: a one-agent cluster joins only itself."""
        port = SERF_LAN_PORT + (1 if wan else 0)
        host, _, given = address.rpartition(":") if address.count(":") == 1 else (address, "", "")
        target = f"{host}:{given or port}"
        if host in (self.agent.node.address, "localhost") and int(given or port) == port:
            return 1
        raise ConsulError(M.JOIN_FAILED.format(address=address, target=target))

    def force_leave(self, node: str) -> None:
        """`PUT /v1/agent/force-leave/<node>`: the only member is alive, so forcing it out does nothing."""
        names = (self.agent.node.name, f"{self.agent.node.name}.{self.agent.config.datacenter}")
        if node not in names:
            raise ConsulError(M.FORCE_LEAVE_UNKNOWN.format(node=node))

    # -- metrics --------------------------------------------------------------------------------

    def metrics(self) -> dict[str, Any]:
        """`/v1/agent/metrics`: go-metrics' in-memory sink shape, with the agent's real counts."""
        store = self.agent.store
        gauges = {"consul.raft.applied_index": store.index, "consul.raft.last_index": store.index,
                  "consul.autopilot.healthy": 1, "consul.autopilot.failure_tolerance": 0,
                  "consul.catalog.services": len({(s.partition, s.namespace, s.name)
                                                  for s in store.services.dump()}),
                  "consul.state.services": len(store.services.rows), "consul.state.config_entries":
                  len(store.config.rows), "consul.state.partitions": len(store.partitions.rows),
                  "consul.state.prepared_queries": len(store.queries.rows),
                  "consul.runtime.num_goroutines": len(asyncio.all_tasks())}
        counters = []
        for (method, route, status), n in sorted(self.requests.items()):
            labels = {"method": method, "route": route, "code": str(status)}
            counters.append({"Name": "consul.http.requests", "Count": n, "Rate": n / 10, "Sum": n, "Min": 1,
                             "Max": 1, "Mean": 1, "Stddev": 0, "Labels": labels})
        stamp = time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(time.time() // 10 * 10))
        return {"Timestamp": stamp, "Gauges": [{"Name": k, "Value": v, "Labels": {}} for k, v in sorted(
            gauges.items())], "Points": [], "Counters": counters, "Samples": []}

    def prometheus(self) -> str:
        """The same metrics in Prometheus' text exposition format."""
        data = self.metrics()
        lines = []
        for g in data["Gauges"]:
            name = g["Name"].replace(".", "_")
            lines += [f"# HELP {name} {name}", f"# TYPE {name} gauge", f"{name} {g['Value']}"]
        if data["Counters"]:
            lines += ["# HELP consul_http_requests consul_http_requests", "# TYPE consul_http_requests counter"]
        for c in data["Counters"]:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(c["Labels"].items()))
            lines.append(f"consul_http_requests{{{labels}}} {c['Count']}")
        return "\n".join(lines) + "\n"

    # -- host -----------------------------------------------------------------------------------

    def host(self) -> dict[str, Any]:
        """`/v1/agent/host` (debug/host.go): memory, CPUs, host and disk of the machine, as gopsutil names them."""
        mem = _meminfo()
        total, avail = mem.get("MemTotal", 0), mem.get("MemAvailable", 0)
        disk = shutil.disk_usage(os.getcwd())
        uname = platform.uname()
        return {
            "Memory": {"total": total, "available": avail, "used": total - avail, "free": mem.get("MemFree", 0),
                       "usedPercent": 100.0 * (total - avail) / total if total else 0.0},
            "CPU": [{"cpu": i, "vendorId": "", "modelName": uname.processor or uname.machine, "cores": 1}
                    for i in range(os.cpu_count() or 1)],
            "Host": {"hostname": socket.gethostname(), "uptime": int(time.time() - self.started),
                     "bootTime": int(self.started), "procs": len(_pids()), "os": uname.system.lower(),
                     "platform": uname.system.lower(), "kernelVersion": uname.release,
                     "kernelArch": uname.machine, "hostid": self.agent.node.id},
            "Disk": {"path": os.getcwd(), "fstype": "", "total": disk.total, "free": disk.free,
                     "used": disk.used, "usedPercent": 100.0 * disk.used / disk.total if disk.total else 0.0},
            "CollectionTime": time.time_ns(), "Errors": None, "ConsulVersion": CONSUL_VERSION}


def _meminfo() -> dict[str, int]:
    try:
        with open("/proc/meminfo") as f:
            return {k: int(v.split()[0]) * 1024 for k, v in (line.split(":", 1) for line in f)}
    except OSError:
        return {}


def _pids() -> list[str]:
    try:
        return [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []
