// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceSource} from "../interfaces/IPriceSource.sol";

/// @title FixedPriceSource
/// @notice An `IPriceSource` with prices set by hand, standing in for the TWAP oracle (a later issue) in
/// tests of the buy-back's slippage bound. Anyone may set prices: tests only.
contract FixedPriceSource is IPriceSource {
    /// @dev 18-decimal dollars per base unit of each token, scaled by 1e18.
    mapping(address token => uint256) public usdPerUnit;

    function setPrice(address token, uint256 usdPerUnitE18) external {
        usdPerUnit[token] = usdPerUnitE18;
    }

    function tokenToUsd(address token, uint256 amount) external view returns (uint256) {
        return amount * usdPerUnit[token] / 1e18;
    }

    function usdToToken(address token, uint256 usd) external view returns (uint256) {
        return usd * 1e18 / usdPerUnit[token];
    }
}
