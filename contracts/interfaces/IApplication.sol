// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title A registered application
/// @notice The on-chain identity of a dApp created by a `PayableDAppFactory`: who owns it and which
/// machine template it runs. Its runway (how long a node is paid to run it) lives in the factory.
/// Ownership moves in two steps: the owner proposes, the new owner accepts. Accessors carry Cartesi's names
/// (`owner()`, `getTemplateHash()`), so Cartesi/Sunodo's off-chain tools read it as one of theirs.
interface IApplication {
    /// @notice The caller is not the factory that created this application, or it is already initialized.
    /// @param caller The account that tried to initialize.
    error Application_Unauthorized(address caller);

    /// @notice The factory tried to initialize an application with the zero address as owner.
    error Application_ZeroOwner();

    /// @notice Sets the first owner. Called once, by the factory, in the transaction that creates it.
    /// @param initialOwner The application's owner.
    function initialize(address initialOwner) external;

    /// @notice The factory that created this application and keeps its runway.
    function factory() external view returns (address);

    /// @notice The hash of the machine template this application runs (Cartesi's accessor).
    function getTemplateHash() external view returns (bytes32);

    /// @notice Where this application's machine snapshot is stored (a URL, an IPFS CID...), as recorded
    /// by its factory's `MachineLocation` event; empty if it was created without one.
    function getMachineLocation() external view returns (string memory);
}
