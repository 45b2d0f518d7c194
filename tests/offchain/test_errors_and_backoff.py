"""Revert data decodes to the contracts' named errors; network failures are retried with back-off."""

from __future__ import annotations

import pytest
import requests
from eth_abi.abi import encode
from eth_utils.abi import function_signature_to_4byte_selector

from synor.chain import ChainError, with_backoff
from synor.errors import decode_revert, describe_revert


def test_custom_error_is_decoded_by_name_and_arguments():
    data = function_signature_to_4byte_selector("PayableDAppFactory_CostAboveMax(uint256,uint256)") + encode(
        ["uint256", "uint256"], [5, 4]
    )
    assert decode_revert(data) == ("PayableDAppFactory_CostAboveMax", {"cost": 5, "maxCost": 4})
    assert describe_revert(data) == "PayableDAppFactory_CostAboveMax(cost=5, maxCost=4)"


def test_error_without_arguments():
    data = function_signature_to_4byte_selector("PayableDAppFactory_ZeroSeconds()")
    assert describe_revert(data) == "PayableDAppFactory_ZeroSeconds()"


def test_unknown_or_empty_revert_data():
    assert decode_revert(b"\x01\x02") is None
    assert describe_revert(b"") == "reverted without a reason"
    assert describe_revert(b"\xde\xad\xbe\xef") == "reverted with data 0xdeadbeef"


def test_backoff_retries_then_succeeds_and_says_so():
    calls: list[int] = []
    logs: list[str] = []
    sleeps: list[float] = []

    def flaky():
        calls.append(1)
        if len(calls) < 4:
            raise requests.exceptions.ConnectionError("refused")
        return "ok"

    assert with_backoff(flaky, "reading", logs.append, sleep=sleeps.append, max_delay=1.5) == "ok"
    assert sleeps == [0.5, 1.0, 1.5]
    assert len(logs) == 3 and "retrying in 0.5s (attempt 1)" in logs[0]


def test_backoff_gives_up_after_the_attempts():
    def down():
        raise TimeoutError("slow")

    with pytest.raises(ChainError, match="reading failed after 2 attempts"):
        with_backoff(down, "reading", lambda _: None, attempts=2, sleep=lambda _: None)


def test_backoff_does_not_swallow_other_errors():
    def broken():
        raise KeyError("bug")

    with pytest.raises(KeyError):
        with_backoff(broken, "reading", lambda _: None, sleep=lambda _: None)


def test_access_control_roles_are_named():
    from eth_utils.crypto import keccak

    data = function_signature_to_4byte_selector("AccessControlUnauthorizedAccount(address,bytes32)") + encode(
        ["address", "bytes32"], ["0x" + "ab" * 20, keccak(text="KEEPER_ROLE")]
    )
    assert (
        describe_revert(data)
        == "AccessControlUnauthorizedAccount(account=0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB, neededRole=KEEPER_ROLE)"
    )


def test_every_user_facing_error_derives_from_the_one_root():
    from synor.accounts import AccountError
    from synor.deployments import DeploymentError
    from synor.errors import SynorError
    from synor.units import InputError

    assert all(
        issubclass(error, SynorError) for error in (ChainError, AccountError, DeploymentError, InputError)
    )
