// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Test helper: runs several calls from one account in one transaction (so in one block), as
/// an attacker's contract would: e.g. pump two pools at once, or pull liquidity, call the oracle's
/// `update()` and put the liquidity back. Holds the tokens it trades. Never deploy it with value.
contract CallBatcher {
    /// @notice A call failed; its revert data.
    error CallBatcher_CallFailed(uint256 index, bytes reason);

    /// @notice Calls `targets[i]` with `data[i]` in order; reverts if any call does.
    function run(address[] calldata targets, bytes[] calldata data) external {
        for (uint256 i; i < targets.length; ++i) {
            // slither-disable-next-line calls-loop,low-level-calls (a test helper that makes arbitrary calls)
            (bool ok, bytes memory reason) = targets[i].call(data[i]);
            if (!ok) revert CallBatcher_CallFailed(i, reason);
        }
    }
}
