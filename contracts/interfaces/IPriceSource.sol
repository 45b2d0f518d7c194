// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title A source of fair token prices in US dollars
/// @notice What the fee splitter's buy-back asks to bound its slippage. The TWAP oracle (a later issue)
/// implements it; until one is configured the splitter bounds a swap against the pool's own pre-trade
/// price and the keeper's minimum instead.
/// @dev Dollar amounts are 18-decimal fixed point. Implementations revert when they have no fresh price.
interface IPriceSource {
    /// @notice The dollar value of `amount` base units of `token`.
    /// @param token The token priced.
    /// @param amount Base units of `token`.
    /// @return usd Dollars, 18-decimal fixed point.
    function tokenToUsd(address token, uint256 amount) external view returns (uint256 usd);

    /// @notice How many base units of `token` `usd` dollars buy.
    /// @param token The token priced.
    /// @param usd Dollars, 18-decimal fixed point.
    /// @return amount Base units of `token`.
    function usdToToken(address token, uint256 usd) external view returns (uint256 amount);
}
