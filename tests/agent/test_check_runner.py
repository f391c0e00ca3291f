"""CheckRunner under a manual clock and a scripted probe: schedule, thresholds, reaping.

Consul sources: agent/checks/check.go (run loops, StatusHandler), lib.RandomStagger,
agent/agent.go (addCheck minimums, reapServicesInternal), config's non-user defaults.
"""

from __future__ import annotations

import asyncio

import pytest

from consulite.agent.check_runner import CheckRunner, StatusHandler, random_stagger
from consulite.model.check import CheckType
from tests.conftest import ManualClock

S = 10**9


class ScriptedProbe:
    """Answers each run with the next scripted result (the last one repeats); records run times."""

    def __init__(self, clock: ManualClock, *results: tuple[str, str]) -> None:
        self.clock = clock
        self.results = list(results) or [("passing", "ok")]
        self.runs: list[tuple[str, float]] = []
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def __call__(self, ct: CheckType) -> tuple[str, str]:
        self.runs.append((ct.http or ct.tcp, self.clock.now))
        if self.gate is not None and ct.tcp == "hang":
            self.started.set()
            await self.gate.wait()
        return self.results.pop(0) if len(self.results) > 1 else self.results[0]


class Harness:
    def __init__(self, *results, rand=lambda: 0.0) -> None:
        self.clock = ManualClock()
        self.probe = ScriptedProbe(self.clock, *results)
        self.updates: list[tuple] = []
        self.queue: asyncio.Queue = asyncio.Queue()
        self.deregistered: list = []
        self.runner = CheckRunner(self._update,
                                  deregister=self.deregistered.append, probe=self.probe,
                                  clock=self.clock, rand=rand)

    def _update(self, key, status, output) -> None:
        self.updates.append((key, status, output))
        self.queue.put_nowait((key, status, self.clock.now))

    async def run_for(self, seconds: float, step: float = 0.5) -> None:
        """Advance the clock in steps, letting probes in flight finish at each one."""
        await self.runner.settle()
        for _ in range(round(seconds / step)):
            self.clock.advance(step)
            await self.runner.settle()

    def statuses(self, key="c1") -> list[str]:
        return [s for k, s, _ in self.updates if k == key]


def http(interval_s: float = 10, **kw) -> CheckType:
    return CheckType(http="http://x/", interval=int(interval_s * S), **kw)


def test_random_stagger_is_within_the_interval():
    assert random_stagger(10.0, lambda: 0.0) == 0.0
    assert random_stagger(10.0, lambda: 0.999) < 10.0
    assert random_stagger(0.0) == 0.0


async def test_first_run_after_the_stagger_then_every_interval():
    h = Harness(rand=lambda: 0.5)
    h.runner.start("c1", http(10))
    await h.run_for(4.5)
    assert h.probe.runs == []  # RandomStagger(10s) drew 5s here
    await h.run_for(0.5)
    assert h.probe.runs == [("http://x/", 5.0)]
    assert h.updates == [("c1", "passing", "ok")]
    await h.run_for(20)
    assert [t for _, t in h.probe.runs] == [5.0, 15.0, 25.0]


async def test_lateness_is_measured_from_each_runs_due_time():
    h = Harness(rand=lambda: 0.5)
    h.runner.start("c1", http(10))
    await h.run_for(5, step=5)
    assert (h.runner.runs, h.runner.late_max) == (1, 0.0)  # started exactly when due
    h.clock.advance(13)  # the next run was due at 15: it starts 3 s late
    await h.runner.settle()
    assert (h.runner.runs, h.runner.late_max) == (2, 3.0)


async def test_interval_below_one_second_is_raised_to_it():
    h = Harness()
    h.runner.start("c1", http(0.1))
    assert h.runner.interval("c1") == 1.0  # checks.MinInterval
    await h.run_for(3)
    assert [t for _, t in h.probe.runs] == [0.5, 1.5, 2.5]  # first at the first step, then every 1 s


async def test_restart_with_a_new_interval_replaces_the_schedule():
    h = Harness()
    h.runner.start("c1", http(10))
    await h.run_for(1)
    h.runner.start("c1", http(2))
    await h.run_for(5)
    times = [t for _, t in h.probe.runs]
    assert times == [0.5, 1.5, 3.5, 5.5]  # the 10 s schedule is gone


async def test_stop_ends_the_schedule_and_cancels_a_probe_in_flight():
    h = Harness()
    h.probe.gate = asyncio.Event()
    h.runner.start("c1", CheckType(tcp="hang", interval=10 * S))
    h.clock.advance(0.5)
    await h.probe.started.wait()  # the probe is in flight, blocked on its gate
    assert len(h.probe.runs) == 1
    task = next(iter(h.runner._tasks))
    h.runner.stop("c1")
    await h.runner.settle()
    assert task.cancelled()  # the probe in flight is cancelled, not left to finish
    await h.run_for(30)
    assert h.updates == [] and len(h.probe.runs) == 1
    assert "c1" not in h.runner


async def test_a_hanging_probe_never_delays_another_check():
    h = Harness()
    h.probe.gate = asyncio.Event()
    h.runner.start("stuck", CheckType(tcp="hang", interval=10 * S))
    h.runner.start("c1", http(1))
    seen = []
    for _ in range(3):  # c1 runs at 0.5, 1.5, 2.5 while "stuck" never answers
        h.clock.advance(0.5)
        seen.append(await h.queue.get())
        h.clock.advance(0.5)
    assert seen == [("c1", "passing", 0.5), ("c1", "passing", 1.5), ("c1", "passing", 2.5)]
    h.probe.gate.set()
    await h.runner.aclose()


async def test_a_probe_that_raises_reports_critical_and_keeps_its_schedule():
    h = Harness()

    async def broken(ct):
        raise RuntimeError("boom")

    h.runner._probe = broken
    h.runner.start("c1", http(1))
    await h.run_for(2)
    assert h.updates == [("c1", "critical", "boom"), ("c1", "critical", "boom")]


def test_status_handler_follows_consuls():
    # check.go StatusHandler: counters start at the thresholds, so the first result is reported
    sh = StatusHandler.for_check(CheckType(success_before_passing=2, failures_before_warning=1,
                                           failures_before_critical=3))
    seq = ["critical", "passing", "passing", "critical", "critical", "critical", "warning", "passing"]
    got = [sh.apply(s, s) for s in seq]
    assert got == [("critical", "critical"), None, ("passing", "passing"), ("warning", "critical"),
                   ("warning", "critical"), ("critical", "critical"), None, ("passing", "passing")]


def test_failures_before_warning_defaults_to_failures_before_critical():
    # agent.go addCheck: FailuresBeforeWarning = FailuresBeforeCritical when unset
    sh = StatusHandler.for_check(CheckType(failures_before_critical=3))
    sh.apply("passing", "")
    assert [sh.apply("critical", "x") for _ in range(3)] == [None, None, ("critical", "x")]


async def test_thresholds_through_the_runner():
    h = Harness(("passing", "up"), ("critical", "down"), ("critical", "down"), ("passing", "up"),
                ("passing", "up"))
    h.runner.start("c1", http(1, failures_before_critical=2, success_before_passing=2))
    await h.run_for(5)
    assert h.updates == [("c1", "passing", "up"), ("c1", "critical", "down"), ("c1", "passing", "up")]


async def test_deregister_after_critical_for_long_enough():
    h = Harness(("critical", "down"))
    h.runner.start("c1", http(10, deregister_critical_service_after=90 * S), service_key="web")
    h.runner.start("c2", CheckType(ttl=30 * S), service_key="web")  # another check of the service
    await h.run_for(90)
    assert h.deregistered == []  # critical since 0.5 s: at the 90 s reap pass only 89.5 s
    await h.run_for(30)
    assert h.deregistered == ["web"]  # the 120 s pass (check_reap_interval 30 s)
    assert "c1" not in h.runner and "c2" not in h.runner  # the service's checks stop with it
    await h.run_for(60)
    assert h.deregistered == ["web"]


async def test_deregister_after_has_a_one_minute_floor():
    h = Harness(("critical", "down"))
    h.runner.start("c1", http(5, deregister_critical_service_after=10 * S), service_key="web")
    await h.run_for(60)
    assert h.deregistered == []  # check_deregister_interval_min = 1m
    await h.run_for(30)
    assert h.deregistered == ["web"]


async def test_recovery_resets_the_critical_clock():
    h = Harness(*([("critical", "down")] * 5), ("passing", "up"), ("critical", "down"))
    h.runner.start("c1", http(10, deregister_critical_service_after=60 * S), service_key="web")
    await h.run_for(120)
    assert h.deregistered == []  # passing at 50.5 s restarted the count at 60.5 s


async def test_node_checks_are_never_reaped():
    h = Harness(("critical", "down"))
    h.runner.start("c1", http(10, deregister_critical_service_after=60 * S))
    await h.run_for(200)
    assert h.deregistered == [] and "c1" in h.runner


async def test_observed_ttl_status_is_reaped_too():
    h = Harness()
    h.runner.start("ttl", CheckType(ttl=10 * S, deregister_critical_service_after=60 * S), service_key="web")
    await h.run_for(30)
    assert h.probe.runs == []  # TTL checks are not probed
    h.runner.observe("ttl", "critical")  # the agent saw the TTL expire at 30 s
    await h.run_for(60)
    assert h.deregistered == []
    await h.run_for(30)
    assert h.deregistered == ["web"]


async def test_stop_all():
    h = Harness()
    h.runner.start("c1", http(1))
    h.runner.start("c2", http(1))
    h.runner.stop_all()
    await h.run_for(5)
    assert h.probe.runs == []


@pytest.mark.parametrize("rand", [0.0, 0.25, 0.999])
async def test_first_run_happens_within_one_interval(rand):
    h = Harness(rand=lambda: rand)
    h.runner.start("c1", http(4))
    await h.run_for(4)
    assert len(h.probe.runs) == 1


async def test_thresholds_as_real_consul_applied_them():
    # 1.8.7, FailuresBeforeCritical 2 and SuccessBeforePassing 2 on an HTTP check that answered
    # 200, 200, 503, 503, 200, 200: reported passing (hit1), passing (hit2), still passing (hit2),
    # critical (hit4), still critical (hit4), passing (hit6)
    results = [("passing", "hit1"), ("passing", "hit2"), ("critical", "hit3"), ("critical", "hit4"),
               ("passing", "hit5"), ("passing", "hit6")]
    h = Harness(*results)
    h.runner.start("c1", http(1, failures_before_critical=2, success_before_passing=2))
    shown = []
    for _ in results:
        h.clock.advance(0.5)
        await h.runner.settle()
        shown.append(h.updates[-1][1:])
        h.clock.advance(0.5)
    assert shown == [("passing", "hit1"), ("passing", "hit2"), ("passing", "hit2"), ("critical", "hit4"),
                     ("critical", "hit4"), ("passing", "hit6")]


async def test_reap_passes_keep_the_runners_beat():
    # agent.go reapServices: one pass every 30 s since the agent started, not since the registration.
    # 1.8.7: DeregisterCriticalServiceAfter "10s" (raised to 1m) on a check failing from ~1 s went at ~67 s.
    h = Harness(("critical", "down"))
    await h.run_for(10)
    h.runner.start("c1", http(1, deregister_critical_service_after=10 * S), service_key="web")
    await h.run_for(60)  # critical since 10.5 s: the 60 s pass is too soon, the 90 s one is not
    assert h.deregistered == []
    await h.run_for(20)
    assert h.deregistered == ["web"] and h.clock.now == 90


async def test_an_update_that_stops_its_own_check_is_not_cut_short():
    h = Harness(("critical", "down"))
    done = []

    def update(key, status, output):
        h.runner.stop(key)  # as an agent deregistering on a result would
        done.append(status)

    h.runner._update = update
    h.runner.start("c1", http(1))
    await h.run_for(5)
    assert done == ["critical"] and "c1" not in h.runner
