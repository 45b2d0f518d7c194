// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title The part of a Uniswap V2 pair the buy-back uses
/// @notice Matches the deployed `@uniswap/v2-core` 1.0.1 `UniswapV2Pair` (third-party contract).
interface IUniswapV2Pair {
    /// @notice The pair's lower-sorted token.
    function token0() external view returns (address);

    /// @notice The pair's higher-sorted token.
    function token1() external view returns (address);

    /// @notice The reserves the constant-product invariant is checked against, and when they last changed.
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);

    /// @notice Sends the outputs to `to`; the inputs must already have been transferred to the pair.
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}
