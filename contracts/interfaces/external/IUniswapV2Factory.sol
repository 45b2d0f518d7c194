// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title The part of the Uniswap V2 factory the buy-back uses
/// @notice Matches the deployed `@uniswap/v2-core` 1.0.1 `UniswapV2Factory` (third-party contract).
interface IUniswapV2Factory {
    /// @notice The pair the factory created for `tokenA` and `tokenB` (either order), or zero if none.
    function getPair(address tokenA, address tokenB) external view returns (address pair);
}
