// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IApplication} from "../interfaces/IApplication.sol";
import {IPayableDAppFactory} from "../interfaces/IPayableDAppFactory.sol";

/// @title Application
/// @notice The implementation behind every application's minimal clone (EIP-1167 with immutable
/// arguments). The clone's argument is its template hash; the factory is this implementation's
/// deployer, baked into its code, so every clone reads the same factory, which also keeps its machine location.
contract Application is Ownable2Step, IApplication {
    address private immutable _factory;

    /// @dev The implementation owns itself, so it can never be initialized; clones start with no owner.
    constructor() Ownable(address(this)) {
        _factory = msg.sender;
    }

    /// @inheritdoc IApplication
    /// @dev Only the factory calls this, once, right after creating the clone. The factory never calls
    /// it again for an existing application, so a renounced ownership cannot be re-initialized.
    function initialize(address initialOwner) external {
        if (msg.sender != _factory || owner() != address(0)) revert Application_Unauthorized(msg.sender);
        if (initialOwner == address(0)) revert Application_ZeroOwner();
        _transferOwnership(initialOwner);
    }

    /// @inheritdoc IApplication
    function factory() external view returns (address) {
        return _factory;
    }

    /// @inheritdoc IApplication
    function getTemplateHash() external view returns (bytes32) {
        return abi.decode(Clones.fetchCloneArgs(address(this)), (bytes32));
    }

    /// @inheritdoc IApplication
    function getMachineLocation() external view returns (string memory) {
        return IPayableDAppFactory(_factory).machineLocation(address(this));
    }
}
