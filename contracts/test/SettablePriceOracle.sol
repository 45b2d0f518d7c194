// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SettablePriceOracle
/// @notice The part of `ITwapOracle` the usage escrow and settlement read (`token`, `price`, `usdToToken`),
/// with a price set by hand that can be made unavailable (`price` then reverts, as the TWAP oracle does
/// when its price is stale). Anyone may set it: tests only.
contract SettablePriceOracle {
    error SettablePriceOracle_NoPrice();

    address public immutable token;
    uint256 private _price;

    constructor(address token_, uint256 price_) {
        token = token_;
        _price = price_;
    }

    /// @notice Sets the 18-decimal USD price of one token (0: no price, reads revert).
    function setPrice(uint256 price_) external {
        _price = price_;
    }

    function price() public view returns (uint256) {
        if (_price == 0) revert SettablePriceOracle_NoPrice();
        return _price;
    }

    /// @notice `amountUsd` in token base units (18 decimals) at the price, rounded up like the TWAP oracle.
    function usdToToken(uint256 amountUsd) external view returns (uint256) {
        uint256 p = price();
        uint256 product = amountUsd * 1e18;
        return product / p + (product % p == 0 ? 0 : 1);
    }
}
