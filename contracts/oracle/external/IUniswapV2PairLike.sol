// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The read surface of a Uniswap V2 pair the oracle uses (matches `@uniswap/v2-core` 1.0.1).
interface IUniswapV2PairLike {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
    function price0CumulativeLast() external view returns (uint256);
    function price1CumulativeLast() external view returns (uint256);
}
