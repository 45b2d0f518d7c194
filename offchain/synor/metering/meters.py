"""The five meters: small, pure, stateful transformers from what services emit to usage events.

Every meter accumulates amounts into fixed **windows** (``window`` seconds, aligned to the billing
genesis and dividing the period length, so no window straddles a period) and, on ``flush(now_us)``,
emits one event per (account, resource, closed window) with a **deterministic id**: a hash of
(meter, source, account, resource, window). A meter restarted after a crash re-emits the same ids,
so the store counts each window once; ``state()`` / ``restore()`` checkpoint a meter exactly.

Exactness: sample times are integer microseconds. Levels (bytes stored, memory, GPUs, active
domains) are held from one sample to the next and integrated exactly, split at window boundaries;
integrals in unit·µs and CPU time in µs are converted to whole base quantities (unit·s) with the
remainder carried to the next window, so the quantities emitted for a stream always sum to
``floor(total / 10⁶)`` — never more than the usage, less by under one base quantity. Counters
(queries, invocations, egress bytes, CPU µs) count the increase between samples: a new ``epoch``
(boot id, container instance) is a reset (the counter restarted from 0); a decrease within an epoch
is a wrap-around when the counter has a width (``width_bits``), and a reset otherwise. The first sample
of a counter is its baseline unless ``fresh=True`` says it started from 0.

Late samples: amounts at a time inside an already-flushed window go to the first open window, and a
level sample older than the level's last sample takes effect at that last sample: nothing is lost and
nothing is counted twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from synor.metering.events import TYPE_PREFIX, UsageEvent, parse_address, parse_time
from synor.metering.periods import PERIOD_LENGTH
from synor.pricing.catalogue import CATALOGUE

US = 1_000_000
"""Microseconds per second."""
WINDOW = 3_600


def event_id(meter: str, source: str, subject: str, resource: str, start: int, end: int) -> str:
    """The deterministic id of a meter's event for one window (hex, 32 digits)."""
    text = "\x1f".join((meter, source, subject, resource, str(start), str(end)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class MeterConfig:
    """Who emits (source, operator), and the window layout (aligned to ``genesis``, in seconds)."""

    source: str
    operator: str
    genesis: int = 0
    window: int = WINDOW
    period_length: int = PERIOD_LENGTH

    def __post_init__(self) -> None:
        if self.window <= 0 or self.period_length % self.window:
            raise ValueError(
                f"the window ({self.window} s) must divide the period length ({self.period_length} s)"
            )
        parse_address(self.operator)


class Meter:
    """The machinery the five meters share: windows, integrators, counters, carries, emission."""

    name = "meter"

    def __init__(self, config: MeterConfig) -> None:
        self.config = config
        self._operator = parse_address(config.operator)
        self._window_us = config.window * US
        self._genesis_us = config.genesis * US
        # (account, resource, window index) -> amount in the resource's scaled unit
        self._pending: dict[tuple[str, str, int], int] = {}
        # (account, resource) -> scaled amount not yet emitted (below one base quantity)
        self._carry: dict[tuple[str, str], int] = {}
        # (account, resource, entity) -> [level, since_us]
        self._levels: dict[tuple[str, str, str], list[int]] = {}
        # (account, resource, entity) -> [value, epoch or ""]
        self._counters: dict[tuple[str, str, str], list[Any]] = {}
        self._closed_until_us = self._genesis_us
        self._scales: dict[str, int] = {}

    # -- accumulation ---------------------------------------------------------------------------
    def _window(self, at_us: int) -> int:
        if at_us < self._genesis_us:
            raise ValueError(f"sample time {at_us} µs is before the genesis {self.config.genesis} s")
        return (max(at_us, self._closed_until_us) - self._genesis_us) // self._window_us

    def _add(self, account: str, resource: str, at_us: int, amount: int, scale: int = 1) -> None:
        if amount < 0:
            raise ValueError("amounts are never negative")
        self._scales.setdefault(resource, scale)
        if amount:
            key = (account, resource, self._window(at_us))
            self._pending[key] = self._pending.get(key, 0) + amount

    def _integrate(self, key: tuple[str, str, str], until_us: int) -> None:
        state = self._levels[key]
        level, since = state
        start = since
        while start < until_us:
            window = (start - self._genesis_us) // self._window_us
            stop = min(until_us, self._genesis_us + (window + 1) * self._window_us)
            if level:
                pending_key = (key[0], key[1], window)
                self._pending[pending_key] = self._pending.get(pending_key, 0) + level * (stop - start)
            start = stop
        state[1] = max(since, until_us)

    def _level(self, account: str, resource: str, entity: str, level: int, at_us: int) -> None:
        """A level (held until the next sample) integrated in level·µs (emitted in level·s)."""
        if level < 0:
            raise ValueError("levels are never negative")
        if at_us < self._genesis_us:
            raise ValueError(f"sample time {at_us} µs is before the genesis {self.config.genesis} s")
        self._scales.setdefault(resource, US)
        key = (account, resource, entity)
        if key not in self._levels:
            self._levels[key] = [level, max(at_us, self._closed_until_us)]
            return
        self._integrate(key, at_us)
        self._levels[key][0] = level

    def _counter(
        self,
        account: str,
        resource: str,
        entity: str,
        value: int,
        at_us: int,
        *,
        epoch: str | None = None,
        fresh: bool = False,
        width_bits: int | None = None,
        scale: int = 1,
    ) -> int:
        """Adds the counter's increase since its last sample; returns it."""
        if value < 0 or (width_bits is not None and value >= 2**width_bits):
            raise ValueError(f"counter value {value} is outside the counter's range")
        key = (account, resource, entity)
        previous = self._counters.get(key)
        if previous is None:
            delta = value if fresh else 0
        elif fresh or (epoch is not None and epoch != previous[1]):
            delta = value  # a new epoch: the counter restarted from 0
        elif value >= previous[0]:
            delta = value - previous[0]
        elif width_bits is not None:
            delta = value + 2**width_bits - previous[0]  # wrapped around within the same epoch
        else:
            delta = value  # a decrease without a width: reset
        self._counters[key] = [value, epoch if epoch is not None else (previous[1] if previous else "")]
        self._add(account, resource, at_us, delta, scale)
        return delta

    # -- emission -------------------------------------------------------------------------------
    def flush(self, now_us: int) -> list[UsageEvent]:
        """Events for every window that ended at or before ``now_us``, in window order."""
        boundary = self._genesis_us + max(0, (now_us - self._genesis_us) // self._window_us) * self._window_us
        if boundary <= self._closed_until_us:
            return []
        for key in list(self._levels):
            if self._levels[key][1] < boundary:
                self._integrate(key, boundary)
            if self._levels[key][0] == 0:
                # A zero level adds nothing: forgetting it keeps memory flat as containers and
                # domains come and go (a later sample starts a new level at the same point).
                del self._levels[key]
        last_window = (boundary - self._genesis_us) // self._window_us  # first window still open
        closing = sorted((w, a, r) for (a, r, w) in self._pending if w < last_window)
        events = []
        for window, account, resource in closing:
            scaled = self._pending.pop((account, resource, window)) + self._carry.get((account, resource), 0)
            scale = self._scales.get(resource, 1)
            quantity, rest = divmod(scaled, scale)
            if rest:
                self._carry[(account, resource)] = rest
            else:
                self._carry.pop((account, resource), None)
            if quantity:
                events.append(self._event(account, resource, window, quantity))
        self._closed_until_us = boundary
        return events

    def _event(self, account: str, resource: str, window: int, quantity: int) -> UsageEvent:
        start = self.config.genesis + window * self.config.window
        end = start + self.config.window
        return UsageEvent(
            source=self.config.source,
            id=event_id(self.name, self.config.source, account, resource, start, end),
            type=f"{TYPE_PREFIX}.{self.name}",
            subject=account,
            time=start,
            resource=resource,
            quantity=quantity,
            operator=self._operator,
            dimensions={"meter": self.name, "window_start": start, "window_end": end},
        )

    # -- checkpoints ----------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Everything the meter holds, as JSON-compatible data (for a checkpoint after each flush)."""
        return {
            "closed_until_us": self._closed_until_us,
            "pending": [[*key, value] for key, value in self._pending.items()],
            "carry": [[*key, value] for key, value in self._carry.items()],
            "levels": [[*key, *value] for key, value in self._levels.items()],
            "counters": [[*key, *value] for key, value in self._counters.items()],
            "scales": dict(self._scales),
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        """Continues exactly where the meter whose `state()` this is stopped."""
        self._closed_until_us = int(state["closed_until_us"])
        self._pending = {(a, r, int(w)): int(v) for a, r, w, v in state["pending"]}
        self._carry = {(a, r): int(v) for a, r, v in state["carry"]}
        self._levels = {(a, r, e): [int(level), int(since)] for a, r, e, level, since in state["levels"]}
        self._counters = {(a, r, e): [int(value), epoch] for a, r, e, value, epoch in state["counters"]}
        self._scales = {name: int(scale) for name, scale in state["scales"].items()}


def _account(text: str) -> str:
    return parse_address(text)


class StorageMeter(Meter):
    """Bytes stored (level samples → byte-seconds), bytes retrieved, deals created."""

    name = "storage"

    def stored(self, account: str, stored_bytes: int, at_us: int, *, volume: str = "") -> None:
        self._level(_account(account), "storage.capacity", volume, stored_bytes, at_us)

    def retrieved(self, account: str, retrieved_bytes: int, at_us: int) -> None:
        self._add(_account(account), "storage.retrieval", at_us, retrieved_bytes)

    def deals_created(self, account: str, deals: int, at_us: int) -> None:
        self._add(_account(account), "storage.deal", at_us, deals)


class HostingMeter(Meter):
    """Access logs (nginx or Caddy JSON lines) → bandwidth bytes; active domains and certificates."""

    name = "hosting"

    def __init__(self, config: MeterConfig, domains: Mapping[str, str]) -> None:
        super().__init__(config)
        self._domains = {host.lower(): _account(account) for host, account in domains.items()}

    def access_log(self, line: str | bytes) -> str | None:
        """Counts one access-log line; returns why it was skipped, or None when it was counted.

        Caddy: ``ts`` (Unix seconds), ``request.host``, ``size`` (response body bytes). nginx with a
        JSON ``log_format``: ``msec`` or ``time_iso8601``, ``host`` (or ``http_host``/``server_name``),
        ``bytes_sent`` (all bytes sent to the client) or ``body_bytes_sent``.
        """
        try:
            entry = json.loads(line, parse_float=Decimal)
        except ValueError:
            return "not_json"
        if not isinstance(entry, dict):
            return "not_json"
        request = entry.get("request")
        if isinstance(request, dict) and "ts" in entry:  # Caddy
            host, sent, at_us = request.get("host"), entry.get("size"), _seconds_to_us(entry.get("ts"))
        else:  # nginx
            host = entry.get("host") or entry.get("http_host") or entry.get("server_name")
            sent = entry.get("bytes_sent", entry.get("body_bytes_sent"))
            if "msec" in entry:
                at_us = _seconds_to_us(entry["msec"])
            else:
                try:
                    at_us = parse_time(entry.get("time_iso8601")) * US
                except ValueError:
                    at_us = None
        if at_us is None:
            return "no_time"
        try:
            size = int(sent) if not isinstance(sent, bool) and isinstance(sent, int | str) else -1
        except ValueError:
            size = -1
        if size < 0:
            return "no_bytes"
        if not isinstance(host, str):
            return "unknown_host"
        account = self._domains.get(host.split(":", 1)[0].lower())
        if account is None:
            return "unknown_host"
        try:
            self._add(account, "hosting.bandwidth", at_us, size)
        except ValueError:
            return "no_time"
        return None

    def domain(self, account: str, domain: str, active: bool, at_us: int) -> None:
        self._level(_account(account), "hosting.domain", domain.lower(), int(active), at_us)

    def certificate(self, account: str, domain: str, active: bool, at_us: int) -> None:
        self._level(_account(account), "hosting.ssl", domain.lower(), int(active), at_us)


def _seconds_to_us(value: Any) -> int | None:
    """Exact µs of a Unix time in seconds given as a JSON number or text (``1700000000.123``)."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        return None
    try:
        micro = Decimal(value).scaleb(6)
    except InvalidOperation:
        return None
    if not micro.is_finite() or micro < 0:
        return None
    return int(micro)


class DatabaseMeter(Meter):
    """Query and vector-search counters (monotonic, resets handled) and database size."""

    name = "database"

    def counters(
        self,
        account: str,
        at_us: int,
        *,
        queries: int | None = None,
        vector_searches: int | None = None,
        instance: str = "",
        epoch: str | None = None,
        fresh: bool = False,
    ) -> None:
        who = _account(account)
        if queries is not None:
            self._counter(who, "database.queries", instance, queries, at_us, epoch=epoch, fresh=fresh)
        if vector_searches is not None:
            self._counter(
                who, "database.vector_search", instance, vector_searches, at_us, epoch=epoch, fresh=fresh
            )

    def size(self, account: str, size_bytes: int, at_us: int, *, instance: str = "") -> None:
        self._level(_account(account), "database.capacity", instance, size_bytes, at_us)


def parse_cpu_stat(text: str) -> int:
    """``usage_usec`` from a cgroup v2 ``cpu.stat`` file."""
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == "usage_usec":
            return int(value)
    raise ValueError("cpu.stat has no usage_usec line")


def parse_memory_current(text: str) -> int:
    """Bytes in a cgroup v2 ``memory.current`` file."""
    return int(text.strip())


class ComputeMeter(Meter):
    """cgroup v2 samples per container → core-seconds, memory byte-seconds, GPU-seconds; invocations."""

    name = "compute"

    def cgroup(
        self,
        account: str,
        container: str,
        at_us: int,
        *,
        usage_usec: int,
        memory_current: int,
        gpus: int = 0,
        gpu_model: str = "rtx4090",
        epoch: str | None = None,
        fresh: bool = False,
    ) -> None:
        """One sample of a container's ``cpu.stat`` usage_usec, ``memory.current`` and attached GPUs.

        ``epoch`` names the container instance (a restarted container's counters start from 0).
        """
        who = _account(account)
        gpu_resource = f"compute.gpu.{gpu_model}"
        if gpu_resource not in CATALOGUE:
            raise ValueError(f"{gpu_resource} is not in the catalogue")
        self._counter(who, "compute.cpu", container, usage_usec, at_us, epoch=epoch, fresh=fresh, scale=US)
        self._level(who, "compute.memory", container, memory_current, at_us)
        self._level(who, gpu_resource, container, gpus, at_us)

    def stopped(self, account: str, container: str, at_us: int, *, gpu_model: str = "rtx4090") -> None:
        """The container is gone: its memory and GPUs stop counting at ``at_us``."""
        who = _account(account)
        for resource in ("compute.memory", f"compute.gpu.{gpu_model}"):
            if (who, resource, container) in self._levels:
                self._level(who, resource, container, 0, at_us)

    def invocations(
        self,
        account: str,
        total: int,
        at_us: int,
        *,
        function: str = "",
        epoch: str | None = None,
        fresh: bool = False,
    ) -> None:
        """A serverless function's invocation counter."""
        self._counter(
            _account(account), "compute.serverless", function, total, at_us, epoch=epoch, fresh=fresh
        )


class NetworkMeter(Meter):
    """Egress byte counters per account and interface, with resets and wrap-around."""

    name = "network"

    def __init__(self, config: MeterConfig, width_bits: int = 64) -> None:
        super().__init__(config)
        self.width_bits = width_bits

    def egress(
        self,
        account: str,
        interface: str,
        total_bytes: int,
        at_us: int,
        *,
        epoch: str | None = None,
        fresh: bool = False,
    ) -> int:
        """One reading of an interface's transmitted-bytes counter; returns the bytes counted."""
        return self._counter(
            _account(account),
            "network.egress",
            interface,
            total_bytes,
            at_us,
            epoch=epoch,
            fresh=fresh,
            width_bits=self.width_bits,
        )
