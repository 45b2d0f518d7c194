// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BlacklistableToken
/// @notice A real ERC-20 that, like USDC, refuses transfers to or from blacklisted accounts, to prove a
/// blacklisted recipient cannot block anyone else's payout. Anyone may mint and blacklist: tests only.
contract BlacklistableToken is ERC20 {
    error BlacklistableToken_Blacklisted(address account);

    mapping(address account => bool) public blacklisted;

    constructor() ERC20("Blacklistable USD", "BUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function setBlacklisted(address account, bool value) external {
        blacklisted[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blacklisted[from]) revert BlacklistableToken_Blacklisted(from);
        if (blacklisted[to]) revert BlacklistableToken_Blacklisted(to);
        super._update(from, to, value);
    }
}
