"""Builders shared by the metering tests."""

from __future__ import annotations

from typing import Any

from synor.metering.events import UsageEvent, format_time, parse_address

OPERATOR = parse_address("0x" + "22" * 20)
ACCOUNTS = tuple(parse_address("0x" + f"{n:040x}") for n in range(1, 9))
T0 = 1_800_000_000  # a Unix time well after genesis 0


def cloudevent(**overrides: Any) -> dict[str, Any]:
    """A valid CloudEvent as JSON-ready data; ``data_<name>`` overrides a data member."""
    data: dict[str, Any] = {"resource": "storage.retrieval", "quantity": "1000", "operator": OPERATOR}
    document: dict[str, Any] = {
        "specversion": "1.0",
        "id": "e-1",
        "source": "synor://node-1/storage",
        "type": "synor.usage",
        "subject": ACCOUNTS[0],
        "time": format_time(T0),
        "data": data,
    }
    for name, value in overrides.items():
        if name.startswith("data_"):
            data[name[5:]] = value
        else:
            document[name] = value
    return document


def event(
    event_id: str,
    *,
    quantity: int = 1,
    account: str = ACCOUNTS[0],
    resource: str = "storage.retrieval",
    time: int = T0,
    source: str = "src",
) -> UsageEvent:
    return UsageEvent(source, event_id, "synor.usage", account, time, resource, quantity, OPERATOR, {})
