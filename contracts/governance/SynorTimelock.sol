// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title SynorTimelock
/// @notice OpenZeppelin's TimelockController, unchanged, under a project name so deploy scripts and
/// tests can deploy it: every oracle source change (and any other delayed change) is scheduled in
/// public, waits `getMinDelay()` seconds, then anyone listed as executor runs it.
contract SynorTimelock is TimelockController {
    /// @param minDelay Seconds between scheduling and execution.
    /// @param proposers Accounts that may schedule and cancel.
    /// @param executors Accounts that may execute (`address(0)` = anyone).
    /// @param admin Optional admin for the initial role setup (`address(0)` = none).
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
