// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

/// @title Any ERC-20 token the Synor clients read or pay with
/// @notice The generic surface the off-chain clients use on payment and revenue tokens (USDC, DAI, SYNOR,
/// any accepted ERC-20): ERC-20 with its metadata (`name`, `symbol`, `decimals`), the optional EIP-2612
/// `permit` (`nonces`, `DOMAIN_SEPARATOR`) and EIP-5267's `eip712Domain` (which tells a permit signer the
/// token's EIP-712 domain). Its ABI is shipped in the `synor` package, so production clients never depend
/// on a test token's ABI.
/// @dev Declares nothing of its own. A token without `permit` is still used through its ERC-20 part: the
/// clients probe for `permit` and fall back to `approve`.
interface IERC20Token is IERC20Metadata, IERC20Permit, IERC5267 {}
