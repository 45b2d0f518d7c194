"""The one set of CLI option types: every command parses what people type through these.

Each type turns bad input into a click usage error (one line, exit 2, nothing sent) before any command
runs; the root group prints it. Nothing here imports the chain stack until a value needs it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from synor.cli.context import Context
from synor.errors import SynorError
from synor.units import (
    InputError,
    parse_address,
    parse_bytes32,
    parse_decimal,
    parse_duration,
    parse_interval,
    parse_rpc_url,
)

F = TypeVar("F", bound=Callable[..., Any])

MAX_TOKEN_DECIMALS = 77
"""uint256 has 78 digits: an amount of 10^78 whole tokens or more cannot be held whatever the token's
decimals. The exact check against the token's decimals runs once they are known."""


class _Type(click.ParamType):
    """A ParamType whose parser raises SynorError (InputError); turned into click's usage error."""

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value  # a default already converted
        try:
            return self.parse(value, param, ctx)
        except SynorError as error:
            self.fail(str(error), param, ctx)


class Duration(_Type):
    """``604800``, ``1w``, ``3d``, ``12h``, ``90m``, ``45s``, ``1w2d``: seconds as an int."""

    name = "duration"

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> int:
        seconds = parse_duration(text)
        if seconds < self.minimum:
            least = "one second" if self.minimum == 1 else f"{self.minimum} seconds"
            self.fail(f"must be at least {least}, e.g. 1w, 3d, 12h", param, ctx)
        return seconds


class Amount(_Type):
    """A decimal token amount (``19.99``), checked for syntax now and converted to base units with the
    token's decimals once they are known (``parse_amount(value, decimals)``)."""

    name = "amount"

    def __init__(self, positive: bool = False) -> None:
        self.positive = positive

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        value = parse_decimal(text)
        if value.adjusted() > MAX_TOKEN_DECIMALS:
            self.fail(f"amount {text!r} is too large: more base units than a contract can hold", param, ctx)
        if self.positive and value == 0:
            self.fail(f"{text!r}: must be more than 0", param, ctx)
        return text


class Address(_Type):
    """An address, EIP-55 checksummed; with ``contract=True`` code must live there on the chain."""

    name = "address"

    def __init__(self, contract: bool = False, what: str = "address") -> None:
        self.contract = contract
        self.what = what

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        address = parse_address(text, self.what)
        if self.contract and ctx is not None:
            context = ctx.find_object(Context)
            if context is not None and not context.chain.is_contract(address):
                self.fail(
                    f"{address} is not a contract on chain {context.chain.deployment.chain_id}: "
                    f"expected the {self.what}",
                    param,
                    ctx,
                )
        return address


class Bytes32(_Type):
    """32 bytes as 64 hex digits; ``what`` names it in messages (``salt``, ``template hash``)."""

    name = "bytes32"

    def __init__(self, what: str) -> None:
        self.what = what

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> bytes:
        return parse_bytes32(text, self.what)


_ALIAS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class AccountSpec(_Type):
    """``dev:N`` / ``TEST::N`` (anvil's development accounts) or an ape keyfile alias; the account is
    resolved (and a passphrase asked for) only when the command signs."""

    name = "account"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from synor.accounts import DEV_ACCOUNTS

        for prefix in ("dev:", "TEST::"):
            if text.startswith(prefix):
                index = text.removeprefix(prefix)
                if not index.isdigit() or len(index) > 3:
                    self.fail(f"invalid account {text!r}: use {prefix}N with N a number, e.g. {prefix}1")
                if int(index) >= DEV_ACCOUNTS:
                    self.fail(f"dev account {int(index)} does not exist: use dev:0 to dev:{DEV_ACCOUNTS - 1}")
                return text
        if not _ALIAS.fullmatch(text):
            self.fail(f"invalid account {text!r}: use dev:N or the alias of an ape account")
        return text


_SYMBOL = re.compile(r"[A-Za-z0-9._-]{1,32}")


class TokenRef(_Type):
    """A token by symbol (``USDC``) or address (checksum-checked)."""

    name = "token"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if text.lower().startswith("0x"):
            return parse_address(text, "token address")
        if not _SYMBOL.fullmatch(text):
            self.fail(f"invalid token {text!r}: a symbol such as USDC or an address")
        return text


class Interval(_Type):
    """Seconds between polls: positive and finite."""

    name = "seconds"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> float:
        return parse_interval(text)


class RpcUrl(_Type):
    """A node URL: http(s)://host[:port][/path]."""

    name = "url"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return parse_rpc_url(text)


def _url_parts(text: str, what: str, example: str) -> tuple[str, str | None, str]:
    """(scheme, host, path) of a URL whose port, if any, is in range; else InputError naming ``what``."""
    from urllib.parse import urlsplit

    cleaned = text.strip()
    invalid = f"invalid {what} {text!r}: expected {example}"
    try:
        parts = urlsplit(cleaned)
        port = parts.port
    except ValueError:
        raise InputError(invalid) from None
    if any(c.isspace() or not c.isprintable() for c in cleaned) or port == 0:
        raise InputError(invalid)
    return parts.scheme, parts.hostname, parts.path


class StoreUrl(_Type):
    """The usage store: ``sqlite:PATH`` (or a plain path) or ``postgresql://…`` / ``postgres://…``."""

    name = "store"
    EXAMPLE = "sqlite:PATH, a file path or postgresql://user@host[:port]/database"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        cleaned = text.strip()
        scheme, _, _ = _url_parts(cleaned, "store URL", self.EXAMPLE)
        if scheme in ("postgresql", "postgres") and cleaned.startswith(f"{scheme}://"):
            return cleaned
        path = cleaned.removeprefix("sqlite:").removeprefix("//")
        if "://" in cleaned and not cleaned.startswith("sqlite://"):
            raise InputError(f"invalid store URL {text!r}: unknown kind; expected {self.EXAMPLE}")
        if not path:
            raise InputError(f"invalid store URL {text!r}: no file path; expected {self.EXAMPLE}")
        return cleaned


class RedisUrl(_Type):
    """A Redis URL: ``redis://`` or ``rediss://`` with a host and a port in range, or ``unix://PATH``."""

    name = "url"
    EXAMPLE = "redis://host[:port][/db], rediss://… or unix:///path/to/socket"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        scheme, host, path = _url_parts(text, "Redis URL", self.EXAMPLE)
        if (scheme in ("redis", "rediss") and host) or (scheme == "unix" and path):
            return text.strip()
        raise InputError(f"invalid Redis URL {text!r}: expected {self.EXAMPLE}")


_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class Host(_Type):
    """A host to listen on: an IPv4 or IPv6 address or a host name (``127.0.0.1``, ``::``, ``localhost``)."""

    name = "host"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        import ipaddress

        cleaned = text.strip()
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_address(cleaned))
        labels = cleaned.removesuffix(".").split(".")
        if len(cleaned) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
            self.fail(f"invalid host {text!r}: an IP address or a host name such as 127.0.0.1 or localhost")
        return cleaned


class Name(_Type):
    """A name without spaces (1 to ``length`` letters, digits and ``_ . : @ -``): ``what`` in messages."""

    name = "name"
    _PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]*")

    def __init__(self, what: str, length: int = 128) -> None:
        self.what = what
        self.length = length

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if len(text) > self.length or not self._PATTERN.fullmatch(text):
            self.fail(
                f"invalid {self.what} {text[:40]!r}: 1 to {self.length} letters, digits and _ . : @ -, "
                "starting with a letter or digit"
            )
        return text


class UriReference(_Type):
    """A CloudEvents ``source``: a non-empty URI reference without spaces, at most 256 characters."""

    name = "source"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not text or len(text) > 256 or any(c.isspace() or not c.isprintable() for c in text):
            self.fail(
                f"invalid source {text[:40]!r}: a URI reference of 1 to 256 characters without spaces, "
                "e.g. synor://node-1/storage"
            )
        return text


BLOCK = click.IntRange(min=0)
"""A block number: 0 or more."""

COUNT = click.IntRange(min=1)
"""A number of rounds, polls, steps or attempts: 1 or more."""

BASE_UNITS = click.IntRange(min=1)
"""An amount in a token's base units: 1 or more."""


def _set_flag(name: str) -> Callable[[click.Context, click.Parameter, bool], bool]:
    def callback(ctx: click.Context, _: click.Parameter, value: bool) -> bool:
        context = ctx.find_object(Context)
        if value and context is not None:
            setattr(context, name, True)
        return value

    return callback


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    is_eager=True,
    callback=_set_flag("json"),
    help='Machine-readable output: one JSON object per line on stdout; errors as {"error": …} on stderr.',
)

dry_run_option = click.option(
    "--dry-run",
    is_flag=True,
    is_eager=True,
    callback=_set_flag("dry_run"),
    help="Print the transactions this would send, their gas and fee, and what it pays; send nothing.",
)

account_option = click.option(
    "--account",
    type=AccountSpec(),
    help="Signer: dev:N (anvil's account N), an ape account alias, or omit to use SYNOR_PRIVATE_KEY.",
)

once_option = click.option("--once", is_flag=True, help="Run one round, then exit.")


def interval_option(default: float, help: str = "Seconds between rounds.") -> Callable[[F], F]:
    return click.option("--interval", type=Interval(), default=default, show_default=True, help=help)


oracle_option = click.option(
    "--oracle",
    "address",
    type=Address(contract=True, what="oracle"),
    help="Oracle address (default: the deployment's `oracle`).",
)


SYNOR_DECIMALS = 18
MAX_CEILING = 2**96 - 2
"""The largest per-period ceiling the escrow stores, in SYNOR base units (``2**96 - 1`` means none)."""


class Ceiling(_Type):
    """A per-period SYNOR ceiling: a positive amount (``50``, ``12.5``) or ``none`` (no ceiling); base units
    as an int, or None for no ceiling."""

    name = "amount|none"

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> int | None:
        from synor.units import parse_amount

        if text.strip().lower() == "none":
            return None
        base_units = parse_amount(text, SYNOR_DECIMALS)
        if base_units == 0:
            self.fail(f"{text!r}: a ceiling must be more than 0 (or none for no ceiling)", param, ctx)
        if base_units > MAX_CEILING:
            self.fail(
                f"ceiling {text!r} is too large: at most {MAX_CEILING} base units, or none for no ceiling",
                param,
                ctx,
            )
        return base_units
