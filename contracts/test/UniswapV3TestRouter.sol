// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice The pool calls Uniswap V3 makes on its minter and swapper.
interface IUniswapV3PoolActions {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data)
        external
        returns (uint256 amount0, uint256 amount1);
    function swap(
        address recipient,
        bool zeroForOne,
        int256 amountSpecified,
        uint160 sqrtPriceLimitX96,
        bytes calldata data
    ) external returns (int256 amount0, int256 amount1);
}

/// @title UniswapV3TestRouter
/// @notice Test and demo helper that adds liquidity to and swaps on real Uniswap V3 pools: the pools
/// call back for payment, which this contract pulls from the original caller (who approved it).
/// Not a pool mock; never deploy it where tokens have value (any contract may call the callbacks).
contract UniswapV3TestRouter {
    using SafeERC20 for IERC20;

    /// @notice Adds `liquidity` to `pool` between the ticks for `recipient`, paid by the caller.
    function mint(address pool, address recipient, int24 tickLower, int24 tickUpper, uint128 liquidity)
        external
        returns (uint256 amount0, uint256 amount1)
    {
        return IUniswapV3PoolActions(pool).mint(recipient, tickLower, tickUpper, liquidity, abi.encode(msg.sender));
    }

    /// @notice Swaps on `pool` up to `sqrtPriceLimitX96`, paid by the caller, output to the caller.
    function swap(address pool, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96)
        external
        returns (int256 amount0, int256 amount1)
    {
        return IUniswapV3PoolActions(pool)
            .swap(msg.sender, zeroForOne, amountSpecified, sqrtPriceLimitX96, abi.encode(msg.sender));
    }

    /// @notice Pays the pool what a mint owes.
    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata data) external {
        _pay(amount0Owed, amount1Owed, data);
    }

    /// @notice Pays the pool what a swap owes (the positive delta).
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        _pay(amount0Delta > 0 ? uint256(amount0Delta) : 0, amount1Delta > 0 ? uint256(amount1Delta) : 0, data);
    }

    function _pay(uint256 amount0, uint256 amount1, bytes calldata data) private {
        address payer = abi.decode(data, (address));
        IUniswapV3PoolActions pool = IUniswapV3PoolActions(msg.sender);
        if (amount0 > 0) IERC20(pool.token0()).safeTransferFrom(payer, msg.sender, amount0);
        if (amount1 > 0) IERC20(pool.token1()).safeTransferFrom(payer, msg.sender, amount1);
    }
}
