// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ForeignApplication
/// @notice An application deployed elsewhere (as Cartesi's own factory would), for `importApplication`
/// tests: it answers `owner()` and `getTemplateHash()` like one, and can be told to answer them wrongly.
contract ForeignApplication {
    /// @dev A whole word, so a test can make `owner()` answer something that is not an address.
    uint256 private _owner;
    bytes32 private immutable _templateHash;
    bool private _hasTemplateHash = true;

    constructor(address owner_, bytes32 templateHash_) {
        _owner = uint256(uint160(owner_));
        _templateHash = templateHash_;
    }

    /// @notice Makes `owner()` answer `raw` (above 2^160 - 1, not an address).
    function setRawOwner(uint256 raw) external {
        _owner = raw;
    }

    /// @notice Makes `getTemplateHash()` revert, as a contract without it would.
    function dropTemplateHash() external {
        _hasTemplateHash = false;
    }

    function owner() external view returns (uint256) {
        return _owner;
    }

    function getTemplateHash() external view returns (bytes32) {
        require(_hasTemplateHash, "no template hash");
        return _templateHash;
    }
}
