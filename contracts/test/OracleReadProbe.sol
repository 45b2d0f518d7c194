// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITwapOracle} from "../interfaces/ITwapOracle.sol";

/// @notice Measures what a billing read of the oracle costs another contract (cold access included).
contract OracleReadProbe {
    /// @notice Gas spent by one `usdToToken` call from a contract, and its result.
    function measureUsdToToken(ITwapOracle oracle, uint256 amountUsd)
        external
        view
        returns (uint256 gasUsed, uint256 tokens)
    {
        uint256 before = gasleft();
        tokens = oracle.usdToToken(amountUsd);
        gasUsed = before - gasleft();
    }

    /// @notice Gas spent by one `latestRoundData` call from a contract, and the answer.
    function measureLatestRoundData(ITwapOracle oracle) external view returns (uint256 gasUsed, int256 answer) {
        uint256 before = gasleft();
        (, answer,,,) = oracle.latestRoundData();
        gasUsed = before - gasleft();
    }
}
