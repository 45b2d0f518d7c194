// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title CallbackToken
/// @notice A real ERC-20 that, like ERC-777 hooks, calls out during every transfer: it calls `hookTarget`
/// with `hookData` and bubbles up a revert, to prove reentrancy into the revenue contracts is refused.
/// Anyone may mint and set the hook: tests only.
contract CallbackToken is ERC20 {
    address public hookTarget;
    bytes public hookData;
    bool private _inHook;

    constructor() ERC20("Callback Token", "CBT") {}

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hookTarget != address(0) && !_inHook && from != address(0)) {
            _inHook = true;
            (bool ok, bytes memory reason) = hookTarget.call(hookData);
            _inHook = false;
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(reason, 0x20), mload(reason))
                }
            }
        }
    }
}
