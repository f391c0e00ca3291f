"""Runs checks as a Consul agent does: staggered first run, then every Interval, through thresholds,
reaping services whose check stays critical past DeregisterCriticalServiceAfter.

Consul sources: agent/checks/check.go (each check's run loop and `StatusHandler`), lib.RandomStagger,
agent/agent.go (`addCheck`: minimum interval, FailuresBeforeWarning default, reap timeout minimum;
`reapServicesInternal`) and config's non-user defaults (`check_reap_interval = 30s`,
`check_deregister_interval_min = 1m`). Time comes from an injected `Clock`, probes from an injected
driver, results leave through the `update` and `deregister` callbacks, so this module knows nothing of
the store or HTTP.
"""

from __future__ import annotations

import asyncio
import inspect
import random
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import attrs

from consulite.agent.clock import Clock, Handle
from consulite.agent.probes import RUNNABLE, ProbeDriver
from consulite.model.check import CRITICAL, PASSING, WARNING, CheckType, check_type_name

SECOND = 10**9
MIN_INTERVAL = 1.0  # checks.MinInterval
REAP_INTERVAL = 30.0  # check_reap_interval
DEREGISTER_MIN = 60.0  # check_deregister_interval_min

Probe = Callable[[CheckType], Awaitable[tuple[str, str]]]
Update = Callable[[Hashable, str, str], Any]
Deregister = Callable[[Hashable], Any]


def random_stagger(interval: float, rand: Callable[[], float] = random.random) -> float:
    """lib.RandomStagger: a uniformly random pause in [0, interval)."""
    return rand() * interval if interval > 0 else 0.0


@attrs.define
class StatusHandler:
    """checks.StatusHandler: a status reaches the agent only after enough consecutive results.

    Counters start at their thresholds, so the very first result is reported at once. Passing and
    warning results count as successes; a failure below FailuresBeforeCritical but at or above
    FailuresBeforeWarning reports `warning` with the probe's output.
    """

    success_before_passing: int = 0
    failures_before_warning: int = 0
    failures_before_critical: int = 0
    successes: int = 0
    failures: int = 0

    @classmethod
    def for_check(cls, ct: CheckType) -> StatusHandler:
        warn = ct.failures_before_warning or ct.failures_before_critical  # agent.go's default
        return cls(ct.success_before_passing, warn, ct.failures_before_critical,
                   ct.success_before_passing, ct.failures_before_critical)

    def apply(self, status: str, output: str) -> tuple[str, str] | None:
        """The (status, output) to report for one result, or None while below a threshold."""
        if status in (PASSING, WARNING):
            self.successes += 1
            self.failures = 0
            return (status, output) if self.successes >= self.success_before_passing else None
        self.failures += 1
        self.successes = 0
        if self.failures >= self.failures_before_critical:
            return status, output
        if self.failures >= self.failures_before_warning:
            return WARNING, output
        return None


@attrs.define(eq=False)
class _Running:
    key: Hashable
    check: CheckType
    service_key: Hashable | None
    handler: StatusHandler
    interval: float
    reap_after: float
    critical_since: float | None = None
    due: float = 0.0  # when the next run is scheduled to start
    timer: Handle | None = None
    task: asyncio.Task | None = None
    stopped: bool = False


class CheckRunner:
    """Schedules and runs checks by key (the agent's compound check ID, any hashable).

    `update(key, status, output)` gets every result that passes the thresholds (the agent ignores
    ones that change nothing, as Consul's local state does); `deregister(service_key)` is called
    once a check of that service has been critical longer than its DeregisterCriticalServiceAfter,
    at the next reap pass, after the runner has stopped that service's checks.
    """

    def __init__(self, update: Update, *, deregister: Deregister | None = None, probe: Probe | None = None,
                 clock: Clock | None = None, rand: Callable[[], float] = random.random,
                 reap_interval: float = REAP_INTERVAL, deregister_min: float = DEREGISTER_MIN) -> None:
        self._update = update
        self._deregister = deregister
        self._driver: ProbeDriver | None = None
        if probe is None:
            probe = self._driver = ProbeDriver()
        self._probe: Probe = probe
        self._clock = clock or Clock()
        self._rand = rand
        self._reap_interval = reap_interval
        self._deregister_min = deregister_min
        self._checks: dict[Hashable, _Running] = {}
        self._reap_timer: Handle | None = None
        self._epoch = self._clock.time()  # Consul's reap passes keep the agent's own 30 s beat
        self._tasks: set[asyncio.Task] = set()
        #: probes started so far, and the most any started after its due time (seconds): the benchmark's figure
        self.runs = 0
        self.late_max = 0.0

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self, key: Hashable, check: CheckType, *, service_key: Hashable | None = None) -> None:
        """Run `check` under `key`, replacing any schedule the key had (a re-registration).

        The DeregisterCriticalServiceAfter clock starts at the first critical *result*, as Consul's
        local state sets CriticalTime only in UpdateCheck: a check registered critical, or re-registered,
        starts with no critical time. TTL and alias checks are not probed here, but they are reaped:
        report their status changes with `observe`.
        """
        self._cancel(key)
        interval = max(check.interval / SECOND, MIN_INTERVAL)
        reap_after = 0.0
        if check.deregister_critical_service_after > 0:
            reap_after = max(check.deregister_critical_service_after / SECOND, self._deregister_min)
        run = _Running(key, check, service_key, StatusHandler.for_check(check), interval, reap_after)
        self._checks[key] = run
        if check_type_name(check) in RUNNABLE:
            self._schedule(run, random_stagger(interval, self._rand))
        if reap_after and service_key is not None and self._reap_timer is None:
            self._schedule_reap()

    def stop(self, key: Hashable) -> None:
        """Stop the check at once: no further run, and a probe in flight is cancelled, reporting nothing."""
        self._cancel(key)

    def stop_all(self) -> None:
        for key in list(self._checks):
            self._cancel(key)
        if self._reap_timer is not None:
            self._reap_timer.cancel()
            self._reap_timer = None

    def observe(self, key: Hashable, status: str) -> None:
        """Tell the runner of a status set elsewhere (TTL update or expiry, alias), for reaping."""
        run = self._checks.get(key)
        if run is not None:
            self._track(run, status)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._checks

    def interval(self, key: Hashable) -> float | None:
        """The effective interval (seconds) of a running check."""
        run = self._checks.get(key)
        return run.interval if run else None

    async def settle(self) -> None:
        """Wait for every probe in flight (and the callbacks they make) to finish."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        """Stop everything (probes in flight are cancelled) and close the probe driver's session."""
        self.stop_all()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._driver is not None:
            await self._driver.close()

    # --- internals ------------------------------------------------------------------------------

    def _cancel(self, key: Hashable) -> None:
        run = self._checks.pop(key, None)
        if run is None:
            return
        run.stopped = True
        if run.timer is not None:
            run.timer.cancel()
        if run.task is not None and not run.task.done() and run.task is not _current_task():
            run.task.cancel()  # a script in flight dies with its process group

    def _schedule(self, run: _Running, delay: float) -> None:
        run.due = self._clock.time() + delay
        run.timer = self._clock.call_later(delay, lambda: self._fire(run))

    def _fire(self, run: _Running) -> None:
        if run.stopped:
            return
        run.task = asyncio.get_running_loop().create_task(self._run_once(run))
        self._tasks.add(run.task)
        run.task.add_done_callback(self._tasks.discard)

    async def _run_once(self, run: _Running) -> None:
        self.runs += 1
        self.late_max = max(self.late_max, self._clock.time() - run.due)
        try:
            status, output = await self._probe(run.check)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a broken probe is a critical check, never a dead schedule
            status, output = CRITICAL, str(e) or type(e).__name__
        if run.stopped:
            return
        try:
            reported = run.handler.apply(status, output)
            if reported is not None:
                self._track(run, reported[0])
                await _call(self._update, run.key, *reported)
        finally:
            if not run.stopped:  # Consul waits a full Interval after each run ends
                self._schedule(run, run.interval)

    def _track(self, run: _Running, status: str) -> None:
        if status == CRITICAL:
            if run.critical_since is None:
                run.critical_since = self._clock.time()
        else:
            run.critical_since = None

    def _reap(self) -> None:
        """agent.go reapServicesInternal: one pass over critical checks with a reap timeout."""
        self._reap_timer = None
        now = self._clock.time()
        reaped: set[Hashable] = set()
        for run in list(self._checks.values()):
            service = run.service_key
            if service is None or service in reaped or not run.reap_after or run.critical_since is None:
                continue
            if now - run.critical_since > run.reap_after:
                reaped.add(service)
                for other in [r.key for r in self._checks.values() if r.service_key == service]:
                    self._cancel(other)
                if self._deregister is not None:
                    result = self._deregister(service)
                    if inspect.isawaitable(result):
                        task = asyncio.ensure_future(result)
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
        if any(r.reap_after and r.service_key is not None for r in self._checks.values()):
            self._schedule_reap()

    def _schedule_reap(self) -> None:
        """The next pass on the beat that started with the runner (only while a check can be reaped)."""
        since = self._clock.time() - self._epoch
        passes = int(since // self._reap_interval) + 1
        self._reap_timer = self._clock.call_later(passes * self._reap_interval - since, self._reap)


async def _call(fn: Callable[..., Any], *args: Any) -> None:
    result = fn(*args)
    if inspect.isawaitable(result):
        await result


def _current_task() -> asyncio.Task | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None
