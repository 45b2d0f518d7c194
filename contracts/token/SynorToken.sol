// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {ISynorToken} from "../interfaces/ISynorToken.sol";

/// @title SynorToken
/// @notice The SYNOR token: fixed supply, permit, burn. No owner and no minter after deployment.
contract SynorToken is ERC20, ERC20Permit, ERC20Burnable, ISynorToken {
    /// @param recipient Receives the whole supply.
    /// @param initialSupply Base units (18 decimals) minted once.
    constructor(address recipient, uint256 initialSupply) ERC20("Synor", "SYNOR") ERC20Permit("Synor") {
        _mint(recipient, initialSupply);
    }

    /// @inheritdoc ISynorToken
    function burn(uint256 value) public override(ERC20Burnable, ISynorToken) {
        super.burn(value);
    }

    /// @inheritdoc ISynorToken
    function burnFrom(address account, uint256 value) public override(ERC20Burnable, ISynorToken) {
        super.burnFrom(account, value);
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, IERC20Permit) returns (uint256) {
        return super.nonces(owner);
    }
}
