// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferToken
/// @notice A real ERC-20 that, like PAXG or STA, burns `feeBps` of every transfer between two holders, so
/// the recipient receives less than the amount sent. Proves contracts count what actually arrived.
/// Anyone may mint and set the fee: tests only.
contract FeeOnTransferToken is ERC20 {
    uint256 public feeBps = 100;

    constructor() ERC20("Fee-on-transfer Token", "FOT") {}

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function setFeeBps(uint256 bps) external {
        feeBps = bps;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = (value * feeBps) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
