// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Pay-per-second application runway
/// @notice Keeps the Cartesi/Sunodo `PayableDAppFactory` surface (`newApplication(owner, templateHash,
/// location, prefundSeconds)`, `importApplication`, `token`, `cost`, `runway`, `extendRunway`,
/// `FinancialRunway`, `MachineLocation`) so existing node controllers work unchanged. It differs on purpose
/// where Sunodo's would take money for nothing: extending an unknown application or by zero seconds reverts.
/// An application's runway is an absolute timestamp: a node runs it while `runway(app) > now`.
/// Anyone may buy runway for any registered application; the tokens go straight to the immutable
/// `payee` and the factory holds none. A lapsed runway restarts from now, so gaps are never charged.
/// @dev `pricePerSecond` is an 18-decimal fixed-point number of the payment token's base units, so a
/// price below one base unit per second is exact. Costs round up to a whole base unit: buying runway
/// in many small pieces never costs less than buying it at once.
interface IPayableDAppFactory {
    // ------------------------------------------------------------------ events

    /// @notice An application was created and registered.
    /// @param app The new application's address.
    /// @param owner Its first owner.
    /// @param templateHash The machine template it runs.
    /// @param salt The caller-chosen CREATE2 salt (before it is bound to the creator); for a count-numbered
    /// creation, the creation count, which lives in a salt space of its own (see `newApplication`).
    event ApplicationCreated(address indexed app, address indexed owner, bytes32 indexed templateHash, bytes32 salt);

    /// @notice An application deployed elsewhere was registered here by its owner (`importApplication`).
    /// @param app The application.
    /// @param owner Its owner, who imported it.
    /// @param templateHash The machine template it reports (`getTemplateHash()`).
    event ApplicationImported(address indexed app, address indexed owner, bytes32 indexed templateHash);

    /// @notice Where the Cartesi machine snapshot of `application` is stored (Sunodo's `IMachineProtocol`
    /// event, unchanged): node controllers download the machine from here. Any format (URL, IPFS CID).
    /// @param application The application.
    /// @param location The storage location of its machine snapshot.
    event MachineLocation(address indexed application, string location);

    /// @notice The application's paid runway now ends at `until` (Sunodo's `IFinancialProtocol` event, unchanged).
    /// @param application The application.
    /// @param until Unix time at which its runway ends; `until <= now` means no node should run it.
    event FinancialRunway(address indexed application, uint256 until);

    /// @notice `payer` bought `seconds_` of runway for `app` and paid `amount` to the payee.
    /// @param app The application.
    /// @param payer Who paid.
    /// @param seconds_ Seconds of runway bought.
    /// @param amount Base units of the payment token paid.
    event RunwayPaid(address indexed app, address indexed payer, uint256 seconds_, uint256 amount);

    // ------------------------------------------------------------------ errors

    /// @notice `app` was not created by this factory.
    error PayableDAppFactory_UnknownApplication(address app);

    /// @notice A runway extension of zero seconds was asked for.
    error PayableDAppFactory_ZeroSeconds();

    /// @notice The cost exceeds the caller's limit.
    /// @param cost What the runway costs.
    /// @param maxCost The most the caller agreed to pay.
    error PayableDAppFactory_CostAboveMax(uint256 cost, uint256 maxCost);

    /// @notice The runway would end after `MAX_TIMESTAMP`, or more seconds than that were asked for.
    /// @param seconds_ The seconds asked for.
    error PayableDAppFactory_Overflow(uint256 seconds_);

    /// @notice Pulling the payment failed (no allowance, no balance, or the token refused).
    /// @param payer The account that was to pay.
    /// @param amount The base units that were to be paid.
    error PayableDAppFactory_PaymentFailed(address payer, uint256 amount);

    /// @notice A constructor or creation argument was the zero address.
    error PayableDAppFactory_ZeroAddress();

    /// @notice The price per second is zero.
    error PayableDAppFactory_ZeroPrice();

    /// @notice The price per second is above `MAX_PRICE_PER_SECOND`.
    error PayableDAppFactory_PriceTooHigh(uint256 pricePerSecond);

    /// @notice A batch's arrays differ in length or are empty.
    error PayableDAppFactory_BadBatch();

    /// @notice A machine location was empty: a node would have no machine to run.
    error PayableDAppFactory_EmptyLocation();

    /// @notice A machine location is longer than `MAX_LOCATION_LENGTH` bytes.
    /// @param length Its length in bytes.
    error PayableDAppFactory_LocationTooLong(uint256 length);

    /// @notice `app` is already registered here (created or imported before).
    error PayableDAppFactory_AlreadyRegistered(address app);

    /// @notice `app` does not answer `owner()` and `getTemplateHash()` as an application does.
    error PayableDAppFactory_NotAnApplication(address app);

    /// @notice Only the application's owner may import it.
    /// @param app The application.
    /// @param caller Who tried to import it.
    error PayableDAppFactory_NotApplicationOwner(address app, address caller);

    // ------------------------------------------------------------------ configuration

    /// @notice The latest a runway may end (Unix time), and the most seconds one purchase may buy.
    function MAX_TIMESTAMP() external view returns (uint256);

    /// @notice The highest accepted `pricePerSecond` (18-decimal fixed point), so costs cannot overflow.
    function MAX_PRICE_PER_SECOND() external view returns (uint256);

    /// @notice The longest machine location accepted, in bytes.
    function MAX_LOCATION_LENGTH() external view returns (uint256);

    /// @notice The ERC-20 token runway is paid in.
    function paymentToken() external view returns (IERC20);

    /// @notice The ERC-20 token runway is paid in (Sunodo's name for `paymentToken`).
    function token() external view returns (IERC20);

    /// @notice Base units of `paymentToken` per second, as an 18-decimal fixed-point number.
    function pricePerSecond() external view returns (uint256);

    /// @notice Receives every payment.
    function payee() external view returns (address);

    /// @notice The implementation every application is a minimal clone of.
    function applicationImplementation() external view returns (address);

    /// @notice How many applications this factory has created (imports not counted).
    function applicationCount() external view returns (uint256);

    // ------------------------------------------------------------------ pricing

    /// @notice What `seconds_` of runway costs, in base units, rounded up.
    /// @dev Reverts `PayableDAppFactory_Overflow` above `MAX_TIMESTAMP` seconds.
    function cost(uint256 seconds_) external view returns (uint256);

    /// @notice The most seconds of runway `amount` base units buy (rounded down), so that
    /// `cost(secondsFor(amount)) <= amount`. Capped at `MAX_TIMESTAMP`.
    function secondsFor(uint256 amount) external view returns (uint256);

    // ------------------------------------------------------------------ applications

    /// @notice Creates an application, registers it, and prepays `prefundSeconds` of runway paid by
    /// the caller. A zero prefund registers it without payment: its runway ends now, no node runs.
    /// @dev The CREATE2 salt is derived from the creation count in a salt space of its own, apart from
    /// caller-chosen salts, so no explicit salt can take the address a count-numbered creation needs. The
    /// address is `calculateApplicationAddress(msg.sender, owner, templateHash)` at the time it is mined;
    /// use a salted overload for an address that is fixed whatever others do first.
    /// @return app The application's address.
    function newApplication(address owner, bytes32 templateHash, uint256 prefundSeconds) external returns (address app);

    /// @notice As `newApplication(owner, templateHash, prefundSeconds)` with a caller-chosen salt: the
    /// address is `calculateApplicationAddress(msg.sender, owner, templateHash, salt)`.
    /// @return app The application's address.
    function newApplication(address owner, bytes32 templateHash, uint256 prefundSeconds, bytes32 salt)
        external
        returns (address app);

    /// @notice Cartesi/Sunodo's `newApplication`: as `newApplication(owner, templateHash, prefundSeconds)`,
    /// and records where its machine snapshot is stored, emitting `MachineLocation(app, location)` so node
    /// controllers know which machine to run. The location is readable from the application.
    /// @param location The machine snapshot's location (URL, IPFS CID...), 1 to `MAX_LOCATION_LENGTH` bytes.
    /// @return app The application's address.
    function newApplication(address owner, bytes32 templateHash, string calldata location, uint256 prefundSeconds)
        external
        returns (address app);

    /// @notice As `newApplication(owner, templateHash, location, prefundSeconds)` with a caller-chosen
    /// salt: the address is `calculateApplicationAddress(msg.sender, owner, templateHash, salt)`.
    /// @return app The application's address.
    function newApplication(
        address owner,
        bytes32 templateHash,
        string calldata location,
        uint256 prefundSeconds,
        bytes32 salt
    ) external returns (address app);

    /// @notice Cartesi/Sunodo's `importApplication`: registers an application deployed elsewhere, records
    /// its machine location (`MachineLocation`) and prepays `prefundSeconds` of runway paid by the caller
    /// (zero registers it without payment). Only the application's owner may import it, so nobody can
    /// point someone else's application at another machine.
    /// @dev The application must answer `owner()` (the caller) and `getTemplateHash()`; an application
    /// already registered here reverts `PayableDAppFactory_AlreadyRegistered`.
    /// @param application The application to import.
    /// @param location The machine snapshot's location, 1 to `MAX_LOCATION_LENGTH` bytes.
    /// @param prefundSeconds Runway to prepay.
    function importApplication(address application, string calldata location, uint256 prefundSeconds) external;

    /// @notice The address a salted `newApplication` will create, computed before it exists.
    /// @param creator The account that will call `newApplication`.
    /// @param owner Its owner.
    /// @param templateHash Its template.
    /// @param salt The salt passed to `newApplication`.
    function calculateApplicationAddress(address creator, address owner, bytes32 templateHash, bytes32 salt)
        external
        view
        returns (address);

    /// @notice The address a count-numbered `newApplication` by `creator` would create if mined now (at
    /// the current `applicationCount()`; another creation first moves it).
    /// @param creator The account that will call `newApplication`.
    /// @param owner Its owner.
    /// @param templateHash Its template.
    function calculateApplicationAddress(address creator, address owner, bytes32 templateHash)
        external
        view
        returns (address);

    /// @notice Whether `app` was created or imported here.
    function isRegistered(address app) external view returns (bool);

    /// @notice Where the machine snapshot of `app` is stored; empty if none was given.
    function machineLocation(address app) external view returns (string memory);

    // ------------------------------------------------------------------ runway

    /// @notice When the runway of `app` ends (Unix time); 0 for an unknown application (Sunodo's getter).
    function runway(address app) external view returns (uint256);

    /// @notice Whether a node should be running `app` now (`runway(app) > block.timestamp`).
    function isActive(address app) external view returns (bool);

    /// @notice Buys `seconds_` of runway for `app`, paid by the caller, who must have approved this
    /// factory for `cost(seconds_)`. A lapsed runway restarts from now. Sunodo's signature; unlike
    /// Sunodo's, an unknown application or zero seconds reverts rather than take a payment for nothing.
    /// @return until When the runway now ends.
    function extendRunway(address app, uint256 seconds_) external returns (uint256 until);

    /// @notice As `extendRunway`, reverting `PayableDAppFactory_CostAboveMax` if it costs more than `maxCost`.
    function extendRunway(address app, uint256 seconds_, uint256 maxCost) external returns (uint256 until);

    /// @notice As `extendRunway` with `maxCost`, approving through an EIP-2612 permit of `maxCost` in
    /// the same transaction. A permit that was already used (e.g. front-run) is tolerated when the
    /// allowance it granted is still there.
    function extendRunwayWithPermit(
        address app,
        uint256 seconds_,
        uint256 maxCost,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 until);

    /// @notice Extends several runways in one payment of the summed cost.
    /// @param apps The applications.
    /// @param seconds_ Seconds of runway for each, same length as `apps`.
    /// @param maxCost The most the whole batch may cost.
    /// @return untils When each runway now ends.
    function extendRunways(address[] calldata apps, uint256[] calldata seconds_, uint256 maxCost)
        external
        returns (uint256[] memory untils);
}
