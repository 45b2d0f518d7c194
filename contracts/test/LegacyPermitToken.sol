// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title LegacyPermitToken
/// @notice A 6-decimal EIP-2612 token shaped like mainnet USDC: `permit`, `nonces`, `DOMAIN_SEPARATOR` and a
/// `version()` of "2", but no EIP-5267 `eip712Domain()` (it reverts here, as the function is absent there).
/// Proves clients find a permit domain without EIP-5267. Anyone may mint: tests only.
contract LegacyPermitToken is ERC20Permit {
    error LegacyPermitToken_NoEip712Domain();

    constructor() ERC20("Legacy USD Coin", "LUSDC") ERC20Permit("Legacy USD Coin") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function version() external pure returns (string memory) {
        return "1";
    }

    function eip712Domain()
        public
        pure
        override
        returns (bytes1, string memory, string memory, uint256, address, bytes32, uint256[] memory)
    {
        revert LegacyPermitToken_NoEip712Domain();
    }
}
