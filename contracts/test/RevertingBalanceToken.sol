// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title RevertingBalanceToken
/// @notice A real ERC-20 whose issuer can (1) make `balanceOf` revert for everyone and (2) wipe any holder's
/// balance, like a token with an upgradeable, hostile or broken implementation. Proves that one
/// misbehaving reward token can stall only itself. Anyone may mint, wipe and break it: tests only.
contract RevertingBalanceToken is ERC20 {
    error RevertingBalanceToken_Broken();

    bool public broken;

    constructor() ERC20("Reverting Balance Token", "RBT") {}

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function setBroken(bool value) external {
        broken = value;
    }

    /// @notice Burns `account`'s whole balance, as an issuer's seize or a rebasing bug would.
    function wipe(address account) external {
        _burn(account, super.balanceOf(account));
    }

    function balanceOf(address account) public view override returns (uint256) {
        if (broken) revert RevertingBalanceToken_Broken();
        return super.balanceOf(account);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (broken) revert RevertingBalanceToken_Broken();
        super._update(from, to, value);
    }
}
