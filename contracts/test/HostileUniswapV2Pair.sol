// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title HostileUniswapV2Pair
/// @notice A contract that looks like a Uniswap V2 pair of `token0`/`token1` (same accessors, sorted tokens,
/// plausible reserves) but keeps what it is sent and pays out only `payoutBps` of what `swap` asks for
/// (zero: nothing), from SYNOR it was funded with. It also answers a factory's `getPair` with its own
/// address, so a splitter built with it as its "factory" accepts it: that proves the buy-back's check on
/// the SYNOR actually received holds even if a wrong pair got past the factory check. Tests only.
contract HostileUniswapV2Pair {
    address public immutable token0;
    address public immutable token1;
    uint112 private _reserve0;
    uint112 private _reserve1;
    uint256 public payoutBps;

    constructor(address tokenA, address tokenB, uint112 reserveA, uint112 reserveB) {
        (token0, token1, _reserve0, _reserve1) =
            tokenA < tokenB ? (tokenA, tokenB, reserveA, reserveB) : (tokenB, tokenA, reserveB, reserveA);
    }

    function setPayoutBps(uint256 bps) external {
        payoutBps = bps;
    }

    function getReserves() external view returns (uint112, uint112, uint32) {
        return (_reserve0, _reserve1, uint32(block.timestamp));
    }

    /// @notice As the canonical factory's `getPair`: this pair for its two tokens, in either order.
    function getPair(address tokenA, address tokenB) external view returns (address) {
        bool ours = (tokenA == token0 && tokenB == token1) || (tokenA == token1 && tokenB == token0);
        return ours ? address(this) : address(0);
    }

    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata) external {
        if (amount0Out != 0) IERC20(token0).transfer(to, amount0Out * payoutBps / 10_000);
        if (amount1Out != 0) IERC20(token1).transfer(to, amount1Out * payoutBps / 10_000);
    }
}
