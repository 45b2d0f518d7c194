"""CloudEvents 1.0 usage events: parsing, validation, identity and rejection reasons.

An event is JSON such as::

    {"specversion": "1.0", "id": "e-1", "source": "synor://node-7/storage", "type": "synor.usage",
     "subject": "0x…account", "time": "2026-01-01T00:00:00Z",
     "data": {"resource": "storage.retrieval", "quantity": "1000000000", "operator": "0x…", "region": "eu"}}

``quantity`` is an integer of the resource's base quantity (a JSON integer or a string of decimal
digits; never a JSON number with a fraction or an exponent), up to 2²⁵⁶-1. Other ``data`` members
are free dimensions (string, integer, boolean or null values). An event is identified by
(``source``, ``id``). ``time`` is kept to the second (fractions are dropped).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from eth_utils.address import to_checksum_address

from synor.pricing.catalogue import CATALOGUE

SPEC_VERSION = "1.0"
TYPE_PREFIX = "synor.usage"
MAX_QUANTITY = 2**256 - 1
MAX_TEXT = 256
MAX_DIMENSIONS = 32
MAX_LINE_BYTES = 64 * 1024

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_DIGITS = re.compile(r"[0-9]{1,78}")
_RESERVED_DATA = ("resource", "quantity", "operator")


class Reason:
    """Rejection reason codes (stable strings, shown to whoever sent the event)."""

    MALFORMED_JSON = "malformed_json"
    NOT_AN_OBJECT = "not_an_object"
    TOO_LARGE = "too_large"
    MISSING_FIELD = "missing_field"
    BAD_SPECVERSION = "bad_specversion"
    BAD_ID = "bad_id"
    BAD_SOURCE = "bad_source"
    BAD_TYPE = "bad_type"
    BAD_SUBJECT = "bad_subject"
    BAD_TIME = "bad_time"
    BAD_DATA = "bad_data"
    UNKNOWN_RESOURCE = "unknown_resource"
    BAD_QUANTITY = "bad_quantity"
    BAD_OPERATOR = "bad_operator"
    BAD_DIMENSION = "bad_dimension"
    BEFORE_GENESIS = "before_genesis"
    PERIOD_CLOSED = "period_closed"
    IN_FUTURE = "in_future"
    SOURCE_NOT_ALLOWED = "source_not_allowed"
    OPERATOR_NOT_ALLOWED = "operator_not_allowed"


class EventRejected(ValueError):
    """An event that must not reach an aggregate; ``reason`` is a `Reason` code, the message says why."""

    def __init__(self, reason: str, detail: str, source: str | None = None, event_id: str | None = None):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.source = source
        self.event_id = event_id


@dataclass(frozen=True)
class Rejection:
    """What ingest reports for one refused event (``line`` is 1-based when it came from NDJSON)."""

    reason: str
    detail: str
    source: str | None = None
    event_id: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "source": self.source,
            "id": self.event_id,
            "reason": self.reason,
            "detail": self.detail,
        }

    @classmethod
    def of(cls, error: EventRejected, line: int | None = None) -> Rejection:
        return cls(error.reason, error.detail, error.source, error.event_id, line)


@dataclass(frozen=True)
class UsageEvent:
    """A validated usage event. ``subject`` and ``operator`` are EIP-55 checksummed addresses."""

    source: str
    id: str
    type: str
    subject: str
    time: int
    resource: str
    quantity: int
    operator: str
    dimensions: Mapping[str, str | int | bool | None] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        """The event's identity, as CloudEvents defines it: (source, id)."""
        return (self.source, self.id)

    def to_cloudevent(self) -> dict[str, Any]:
        """The event as CloudEvents JSON (quantity as a decimal string); `parse_event` reads it back."""
        return {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": format_time(self.time),
            "data": {
                **self.dimensions,
                "resource": self.resource,
                "quantity": str(self.quantity),
                "operator": self.operator,
            },
        }

    def to_json_line(self) -> str:
        return json.dumps(self.to_cloudevent(), separators=(",", ":"), sort_keys=True)


class _JsonFloat(str):
    """Marks a JSON number with a fraction or exponent (or NaN/Infinity): never a quantity."""


_DECODER = json.JSONDecoder(parse_float=_JsonFloat, parse_constant=_JsonFloat)


def format_time(seconds: int) -> str:
    """RFC 3339 UTC text of a Unix time in seconds."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: Any) -> int:
    """Unix seconds (fraction dropped) of RFC 3339 text with a time zone, e.g. ``2026-01-01T00:00:00Z``."""
    if not isinstance(text, str) or len(text) > 64:
        raise ValueError("time must be RFC 3339 text")
    return _parse_time_text(text)


@lru_cache(maxsize=16_384)
def _parse_time_text(text: str) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"time {text!r} is not RFC 3339") from None
    if moment.tzinfo is None or "T" not in text.upper():
        raise ValueError(f"time {text!r} needs a date, a time and a zone (e.g. 2026-01-01T00:00:00Z)")
    return int(moment.timestamp() // 1)


@lru_cache(maxsize=65_536)
def parse_address(text: str) -> str:
    """The checksummed form of a 0x address; mixed case must be a valid EIP-55 checksum."""
    if not _ADDRESS.fullmatch(text):
        raise ValueError(f"{text[:50]!r} is not a 0x address of 40 hex digits")
    checksummed: str = to_checksum_address(text)
    if text != checksummed and text[2:] not in (text[2:].lower(), text[2:].upper()):
        raise ValueError(f"{text} has a wrong EIP-55 checksum")
    return checksummed


def parse_quantity(value: Any) -> int:
    """An integer quantity from a JSON integer or a string of decimal digits, 0 … 2²⁵⁶-1."""
    if isinstance(value, _JsonFloat | float):
        raise ValueError(f"quantity {value} is a JSON number with a fraction or exponent: send an integer")
    if isinstance(value, bool):
        raise ValueError("quantity must be an integer, not a boolean")
    if isinstance(value, int):
        quantity = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        quantity = int(value)
    else:
        raise ValueError(f"quantity {str(value)[:40]!r} is not an integer or a string of decimal digits")
    if not 0 <= quantity <= MAX_QUANTITY:
        raise ValueError(f"quantity {quantity} is outside 0 … 2^256-1")
    return quantity


def _text(
    document: Mapping[str, Any], name: str, reason: str, source: str | None, event_id: str | None
) -> str:
    if name not in document:
        raise EventRejected(Reason.MISSING_FIELD, f"{name} is missing", source, event_id)
    value = document[name]
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise EventRejected(
            reason, f"{name} must be a non-empty string of at most {MAX_TEXT} characters", source, event_id
        )
    return value


_DIMENSION_TYPES = (str, int, bool)


def _parse_valid(document: dict[str, Any]) -> UsageEvent | None:
    """The event when ``document`` passes every check, else None (then `parse_event` finds the reason).

    The hot path: plain type and length checks that accept exactly what `parse_event`'s detailed
    checks accept, without building any message."""
    get = document.get
    event_id, source, kind, subject, time_text, data = (
        get("id"),
        get("source"),
        get("type"),
        get("subject"),
        get("time"),
        get("data"),
    )
    if not (
        type(event_id) is str
        and type(source) is str
        and type(kind) is str
        and type(subject) is str
        and type(time_text) is str
        and type(data) is dict
        and 0 < len(event_id) <= MAX_TEXT
        and 0 < len(source) <= MAX_TEXT
        and len(kind) <= MAX_TEXT
        and len(time_text) <= 64
        and document.get("specversion") == SPEC_VERSION
        and (kind == TYPE_PREFIX or kind.startswith(TYPE_PREFIX + "."))
    ):
        return None
    resource, quantity, operator = data.get("resource"), data.get("quantity"), data.get("operator")
    if type(resource) is not str or resource not in CATALOGUE or type(operator) is not str:
        return None
    if type(quantity) is str:
        if not _DIGITS.fullmatch(quantity):
            return None
        quantity = int(quantity)
    elif type(quantity) is not int:
        return None
    if not 0 <= quantity <= MAX_QUANTITY:
        return None
    try:
        subject = parse_address(subject)
        time = _parse_time_text(time_text)
        operator = parse_address(operator)
    except ValueError:
        return None
    dimensions: dict[str, str | int | bool | None] = {}
    if len(data) > len(_RESERVED_DATA):
        for name, value in data.items():
            if name in _RESERVED_DATA:
                continue
            if value is not None and type(value) not in _DIMENSION_TYPES:
                return None
            if len(name) > MAX_TEXT or (type(value) is str and len(value) > MAX_TEXT):
                return None
            dimensions[name] = value
        if len(dimensions) > MAX_DIMENSIONS:
            return None
    return UsageEvent(source, event_id, kind, subject, time, resource, quantity, operator, dimensions)


def parse_event(document: Any) -> UsageEvent:
    """Validates a decoded CloudEvent; raises `EventRejected` with the first problem found."""
    if type(document) is dict:
        event = _parse_valid(document)
        if event is not None:
            return event
    return _parse_checked(document)


def _parse_checked(document: Any) -> UsageEvent:
    """`parse_event`'s checks one by one, each with its reason and message."""
    if not isinstance(document, dict):
        raise EventRejected(Reason.NOT_AN_OBJECT, "an event must be a JSON object")
    raw_source, raw_id = document.get("source"), document.get("id")
    source = raw_source if isinstance(raw_source, str) else None
    event_id = raw_id if isinstance(raw_id, str) else None
    event_id = _text(document, "id", Reason.BAD_ID, source, event_id)
    source = _text(document, "source", Reason.BAD_SOURCE, source, event_id)
    if document.get("specversion") != SPEC_VERSION:
        raise EventRejected(Reason.BAD_SPECVERSION, 'specversion must be "1.0"', source, event_id)
    kind = _text(document, "type", Reason.BAD_TYPE, source, event_id)
    if kind != TYPE_PREFIX and not kind.startswith(TYPE_PREFIX + "."):
        raise EventRejected(
            Reason.BAD_TYPE, f"type must be {TYPE_PREFIX} or start with {TYPE_PREFIX}.", source, event_id
        )
    try:
        subject = parse_address(_text(document, "subject", Reason.BAD_SUBJECT, source, event_id))
    except ValueError as error:
        raise EventRejected(
            Reason.BAD_SUBJECT, f"subject (the paying account): {error}", source, event_id
        ) from None
    if "time" not in document:
        raise EventRejected(Reason.MISSING_FIELD, "time is missing", source, event_id)
    try:
        time = parse_time(document["time"])
    except ValueError as error:
        raise EventRejected(Reason.BAD_TIME, str(error), source, event_id) from None
    data = document.get("data")
    if not isinstance(data, dict):
        raise EventRejected(Reason.BAD_DATA, "data must be a JSON object", source, event_id)
    resource = data.get("resource")
    if not isinstance(resource, str) or resource not in CATALOGUE:
        raise EventRejected(
            Reason.UNKNOWN_RESOURCE,
            f"resource {str(resource)[:60]!r} is not in the catalogue",
            source,
            event_id,
        )
    if "quantity" not in data:
        raise EventRejected(Reason.MISSING_FIELD, "data.quantity is missing", source, event_id)
    try:
        quantity = parse_quantity(data["quantity"])
    except ValueError as error:
        raise EventRejected(Reason.BAD_QUANTITY, str(error), source, event_id) from None
    operator_text = data.get("operator")
    if not isinstance(operator_text, str):
        raise EventRejected(
            Reason.BAD_OPERATOR, "data.operator must be the operator's 0x address", source, event_id
        )
    try:
        operator = parse_address(operator_text)
    except ValueError as error:
        raise EventRejected(Reason.BAD_OPERATOR, f"data.operator: {error}", source, event_id) from None
    dimensions: dict[str, str | int | bool | None] = {}
    for name, value in data.items():
        if name in _RESERVED_DATA:
            continue
        if len(dimensions) == MAX_DIMENSIONS:
            raise EventRejected(
                Reason.BAD_DIMENSION, f"more than {MAX_DIMENSIONS} dimensions", source, event_id
            )
        if isinstance(value, _JsonFloat | float) or not (value is None or isinstance(value, str | int)):
            raise EventRejected(
                Reason.BAD_DIMENSION,
                f"dimension {name[:40]!r} must be a string, an integer, a boolean or null",
                source,
                event_id,
            )
        if len(name) > MAX_TEXT or (isinstance(value, str) and len(value) > MAX_TEXT):
            raise EventRejected(
                Reason.BAD_DIMENSION, f"dimension {name[:40]!r} is too long", source, event_id
            )
        dimensions[name] = value
    return UsageEvent(source, event_id, kind, subject, time, resource, quantity, operator, dimensions)


def _has_float(document: Any) -> bool:
    """Whether orjson gave a float where it matters: a member of the event or of its ``data``.

    orjson reads a JSON number with a fraction or an exponent *and an integer beyond 64 bits* as a
    float, so such a document is decoded again exactly (`_decode_exact`)."""
    if type(document) is list:
        return any(_has_float(item) for item in document)
    if type(document) is not dict:
        return type(document) is float
    for value in document.values():
        if type(value) is float:
            return True
    data = document.get("data")
    if type(data) is dict:
        for value in data.values():
            if type(value) is float:
                return True
    return False


def _decode_exact(line: str | bytes) -> Any:
    try:
        return _DECODER.decode(line if isinstance(line, str) else line.decode())
    except (ValueError, RecursionError) as error:
        raise EventRejected(Reason.MALFORMED_JSON, f"not JSON ({error})") from None


def decode(line: str | bytes, limit: int = MAX_LINE_BYTES) -> Any:
    """JSON text to Python, with every non-integer number marked so it can never become a quantity.

    orjson decodes; whatever it refuses, and any document in which it saw a float (a fraction, an
    exponent, or an integer beyond 64 bits, such as a quantity above 2⁶⁴), is decoded again by the
    standard library, exactly (big integers stay integers, other numbers are marked)."""
    if len(line) > limit:
        raise EventRejected(Reason.TOO_LARGE, f"at most {limit} bytes are accepted")
    try:
        document = orjson.loads(line)
    except orjson.JSONDecodeError:
        return _decode_exact(line)  # the same verdict (and message) as before, or NaN/Infinity marked
    if _has_float(document):
        return _decode_exact(line)
    return document


def parse_line(line: str | bytes) -> UsageEvent:
    """One NDJSON line to a validated event; raises `EventRejected`."""
    return parse_event(decode(line))
