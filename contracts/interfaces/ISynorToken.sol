// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title The SYNOR token
/// @notice An 18-decimal ERC-20 with a fixed supply minted once at deployment, EIP-2612 permit and
/// burning. Burning lowers `totalSupply`; that is how the protocol's burn share leaves circulation.
interface ISynorToken is IERC20, IERC20Metadata, IERC20Permit {
    /// @notice Destroys `value` tokens of the caller, lowering the total supply.
    /// @param value Base units to destroy.
    function burn(uint256 value) external;

    /// @notice Destroys `value` tokens of `account`, spending the caller's allowance from `account`.
    /// @param account Holder whose tokens are destroyed.
    /// @param value Base units to destroy.
    function burnFrom(address account, uint256 value) external;
}
