// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ReentrantSignerWallet
/// @notice A hostile ERC-1271 contract wallet, registered as an operator's signer, that tries to reenter the
/// settlement contract from `isValidSignature` with a call prepared in advance (e.g. `settle` of the same
/// report again). Tests only.
/// @dev In `Strict` mode it vouches for a signature only when its reentrant call succeeded, so the outcome
/// tells whether reentry was possible; in `Always` mode it vouches regardless, so the outer report is charged
/// and the test checks it was charged once.
contract ReentrantSignerWallet {
    bytes4 internal constant _MAGIC = 0x1626ba7e; // IERC1271.isValidSignature.selector

    enum Mode {
        Always,
        Strict
    }

    address public target;
    bytes public reentry;
    Mode public mode;

    function arm(address target_, bytes calldata reentry_, Mode mode_) external {
        target = target_;
        reentry = reentry_;
        mode = mode_;
    }

    /// @notice ERC-1271, declared non-view so it can attempt the reentrant call (verifiers reach it by a
    /// static call, where any state change fails: the point of the test), then vouches by the mode.
    function isValidSignature(bytes32, bytes memory) external returns (bytes4) {
        bool ok = false;
        if (target != address(0)) {
            (ok,) = target.call(reentry);
        }
        if (mode == Mode.Strict && !ok) return 0xffffffff;
        return _MAGIC;
    }
}
