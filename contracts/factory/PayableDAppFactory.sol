// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IPayableDAppFactory} from "../interfaces/IPayableDAppFactory.sol";
import {IApplication} from "../interfaces/IApplication.sol";
import {Application} from "./Application.sol";

/// @title PayableDAppFactory
/// @notice Creates applications and sells their runway per second. Holds no tokens: every payment
/// goes from the payer straight to the payee.
contract PayableDAppFactory is IPayableDAppFactory, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant _ONE = 1e18;

    /// @inheritdoc IPayableDAppFactory
    uint256 public constant MAX_TIMESTAMP = type(uint64).max;

    /// @inheritdoc IPayableDAppFactory
    uint256 public constant MAX_PRICE_PER_SECOND = type(uint128).max;

    /// @inheritdoc IPayableDAppFactory
    uint256 public constant MAX_LOCATION_LENGTH = 1024;

    /// @dev Tags the salts of count-numbered creations. Their preimage is four words long, a caller-chosen
    /// salt's three, so the two salt spaces can never meet (short of a keccak256 collision).
    bytes32 private constant _COUNTED_SALT_TAG = keccak256("PayableDAppFactory.countNumberedSalt");

    IERC20 private immutable _paymentToken;
    uint256 private immutable _pricePerSecond;
    address private immutable _payee;
    address private immutable _applicationImplementation;

    /// @dev When each application's runway ends. Zero means "not created here": a registered
    /// application's runway is at least its creation time, which is never zero.
    mapping(address app => uint256 until) private _runwayUntil;
    /// @dev Where each application's machine snapshot is stored; empty when none was given.
    mapping(address app => string location) private _machineLocation;
    uint256 private _applicationCount;

    /// @param paymentToken_ The ERC-20 token runway is paid in (any decimals).
    /// @param pricePerSecond_ Base units per second, 18-decimal fixed point (1e18 = one base unit).
    /// @param payee_ Receives every payment.
    constructor(IERC20 paymentToken_, uint256 pricePerSecond_, address payee_) {
        if (address(paymentToken_) == address(0) || payee_ == address(0)) revert PayableDAppFactory_ZeroAddress();
        if (pricePerSecond_ == 0) revert PayableDAppFactory_ZeroPrice();
        if (pricePerSecond_ > MAX_PRICE_PER_SECOND) revert PayableDAppFactory_PriceTooHigh(pricePerSecond_);
        _paymentToken = paymentToken_;
        _pricePerSecond = pricePerSecond_;
        _payee = payee_;
        _applicationImplementation = address(new Application());
    }

    // ------------------------------------------------------------------ configuration

    /// @inheritdoc IPayableDAppFactory
    function paymentToken() external view returns (IERC20) {
        return _paymentToken;
    }

    /// @inheritdoc IPayableDAppFactory
    function token() external view returns (IERC20) {
        return _paymentToken;
    }

    /// @inheritdoc IPayableDAppFactory
    function pricePerSecond() external view returns (uint256) {
        return _pricePerSecond;
    }

    /// @inheritdoc IPayableDAppFactory
    function payee() external view returns (address) {
        return _payee;
    }

    /// @inheritdoc IPayableDAppFactory
    function applicationImplementation() external view returns (address) {
        return _applicationImplementation;
    }

    /// @inheritdoc IPayableDAppFactory
    function applicationCount() external view returns (uint256) {
        return _applicationCount;
    }

    // ------------------------------------------------------------------ pricing

    /// @inheritdoc IPayableDAppFactory
    function cost(uint256 seconds_) public view returns (uint256) {
        if (seconds_ > MAX_TIMESTAMP) revert PayableDAppFactory_Overflow(seconds_);
        // seconds_ < 2^64 and price < 2^128, so the product cannot overflow.
        return Math.ceilDiv(seconds_ * _pricePerSecond, _ONE);
    }

    /// @inheritdoc IPayableDAppFactory
    function secondsFor(uint256 amount) external view returns (uint256) {
        if (amount >= cost(MAX_TIMESTAMP)) return MAX_TIMESTAMP;
        // amount < cost(2^64) < 2^192 / 1e18, so amount * 1e18 fits; flooring keeps cost(result) <= amount.
        return amount * _ONE / _pricePerSecond;
    }

    // ------------------------------------------------------------------ applications

    /// @inheritdoc IPayableDAppFactory
    function newApplication(address owner, bytes32 templateHash, uint256 prefundSeconds)
        external
        nonReentrant
        returns (address)
    {
        uint256 count = _applicationCount;
        return _newApplication(
            owner, templateHash, "", prefundSeconds, _countedSalt(msg.sender, owner, count), bytes32(count)
        );
    }

    /// @inheritdoc IPayableDAppFactory
    function newApplication(address owner, bytes32 templateHash, uint256 prefundSeconds, bytes32 salt)
        external
        nonReentrant
        returns (address)
    {
        return _newApplication(owner, templateHash, "", prefundSeconds, _boundSalt(msg.sender, owner, salt), salt);
    }

    /// @inheritdoc IPayableDAppFactory
    function newApplication(address owner, bytes32 templateHash, string calldata location, uint256 prefundSeconds)
        external
        nonReentrant
        returns (address)
    {
        _checkLocation(location);
        uint256 count = _applicationCount;
        return _newApplication(
            owner, templateHash, location, prefundSeconds, _countedSalt(msg.sender, owner, count), bytes32(count)
        );
    }

    /// @inheritdoc IPayableDAppFactory
    function newApplication(
        address owner,
        bytes32 templateHash,
        string calldata location,
        uint256 prefundSeconds,
        bytes32 salt
    ) external nonReentrant returns (address) {
        _checkLocation(location);
        return _newApplication(owner, templateHash, location, prefundSeconds, _boundSalt(msg.sender, owner, salt), salt);
    }

    /// @inheritdoc IPayableDAppFactory
    function importApplication(address application, string calldata location, uint256 prefundSeconds)
        external
        nonReentrant
    {
        _checkLocation(location);
        if (_runwayUntil[application] != 0) revert PayableDAppFactory_AlreadyRegistered(application);
        address owner = address(uint160(_readWord(application, Ownable.owner.selector, type(uint160).max)));
        if (owner != msg.sender) revert PayableDAppFactory_NotApplicationOwner(application, msg.sender);
        bytes32 templateHash = bytes32(_readWord(application, IApplication.getTemplateHash.selector, type(uint256).max));
        _runwayUntil[application] = block.timestamp;
        emit ApplicationImported(application, owner, templateHash);
        _register(application, location, prefundSeconds);
    }

    /// @inheritdoc IPayableDAppFactory
    function calculateApplicationAddress(address creator, address owner, bytes32 templateHash, bytes32 salt)
        external
        view
        returns (address)
    {
        return _predict(templateHash, _boundSalt(creator, owner, salt));
    }

    /// @inheritdoc IPayableDAppFactory
    function calculateApplicationAddress(address creator, address owner, bytes32 templateHash)
        external
        view
        returns (address)
    {
        return _predict(templateHash, _countedSalt(creator, owner, _applicationCount));
    }

    /// @inheritdoc IPayableDAppFactory
    function isRegistered(address app) external view returns (bool) {
        return _runwayUntil[app] != 0;
    }

    /// @inheritdoc IPayableDAppFactory
    function machineLocation(address app) external view returns (string memory) {
        return _machineLocation[app];
    }

    // ------------------------------------------------------------------ runway

    /// @inheritdoc IPayableDAppFactory
    function runway(address app) external view returns (uint256) {
        return _runwayUntil[app];
    }

    /// @inheritdoc IPayableDAppFactory
    function isActive(address app) external view returns (bool) {
        return _runwayUntil[app] > block.timestamp;
    }

    /// @inheritdoc IPayableDAppFactory
    function extendRunway(address app, uint256 seconds_) external nonReentrant returns (uint256 until) {
        uint256 amount;
        (until, amount) = _extend(app, seconds_);
        _pull(amount);
    }

    /// @inheritdoc IPayableDAppFactory
    function extendRunway(address app, uint256 seconds_, uint256 maxCost)
        external
        nonReentrant
        returns (uint256 until)
    {
        return _extendAtMost(app, seconds_, maxCost);
    }

    /// @inheritdoc IPayableDAppFactory
    function extendRunwayWithPermit(
        address app,
        uint256 seconds_,
        uint256 maxCost,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 until) {
        // A permit front-run by someone else fails here but has already granted the allowance; if the
        // allowance is really missing, the payment below fails with PaymentFailed.
        try IERC20Permit(address(_paymentToken)).permit(msg.sender, address(this), maxCost, deadline, v, r, s) {}
            catch {}
        return _extendAtMost(app, seconds_, maxCost);
    }

    /// @inheritdoc IPayableDAppFactory
    function extendRunways(address[] calldata apps, uint256[] calldata seconds_, uint256 maxCost)
        external
        nonReentrant
        returns (uint256[] memory untils)
    {
        uint256 count = apps.length;
        if (count == 0 || count != seconds_.length) revert PayableDAppFactory_BadBatch();
        untils = new uint256[](count);
        uint256 total = 0;
        for (uint256 i; i < count; ++i) {
            uint256 amount;
            (untils[i], amount) = _extend(apps[i], seconds_[i]);
            total += amount;
        }
        if (total > maxCost) revert PayableDAppFactory_CostAboveMax(total, maxCost);
        _pull(total);
    }

    // ------------------------------------------------------------------ internals

    /// @dev `boundSalt` is the CREATE2 salt; `salt` is what `ApplicationCreated` reports. An empty
    /// `location` (the overloads without one) records none and emits no `MachineLocation`.
    function _newApplication(
        address owner,
        bytes32 templateHash,
        string memory location,
        uint256 prefundSeconds,
        bytes32 boundSalt,
        bytes32 salt
    ) private returns (address app) {
        if (owner == address(0)) revert PayableDAppFactory_ZeroAddress();
        app =
            Clones.cloneDeterministicWithImmutableArgs(_applicationImplementation, abi.encode(templateHash), boundSalt);
        IApplication(app).initialize(owner);
        _runwayUntil[app] = block.timestamp;
        // Cannot overflow: one increment per deployed contract.
        unchecked {
            ++_applicationCount;
        }
        emit ApplicationCreated(app, owner, templateHash, salt);
        _register(app, location, prefundSeconds);
    }

    /// @dev Records the machine location (if any) and the first runway of a just-registered application.
    function _register(address app, string memory location, uint256 prefundSeconds) private {
        if (bytes(location).length != 0) {
            _machineLocation[app] = location;
            emit MachineLocation(app, location);
        }
        if (prefundSeconds == 0) {
            emit FinancialRunway(app, block.timestamp);
        } else {
            (, uint256 amount) = _extend(app, prefundSeconds);
            _pull(amount);
        }
    }

    function _extendAtMost(address app, uint256 seconds_, uint256 maxCost) private returns (uint256 until) {
        uint256 amount;
        (until, amount) = _extend(app, seconds_);
        if (amount > maxCost) revert PayableDAppFactory_CostAboveMax(amount, maxCost);
        _pull(amount);
    }

    /// @dev Moves the runway and emits its events; the caller pulls `amount` afterwards.
    function _extend(address app, uint256 seconds_) private returns (uint256 until, uint256 amount) {
        uint256 current = _runwayUntil[app];
        // Zero is the "never registered" sentinel, not a balance: a runway is at least its creation time.
        // slither-disable-next-line incorrect-equality
        if (current == 0) revert PayableDAppFactory_UnknownApplication(app);
        if (seconds_ == 0) revert PayableDAppFactory_ZeroSeconds();
        if (seconds_ > MAX_TIMESTAMP) revert PayableDAppFactory_Overflow(seconds_);
        // A lapsed runway restarts from now: the gap is never charged.
        until = Math.max(current, block.timestamp) + seconds_;
        if (until > MAX_TIMESTAMP) revert PayableDAppFactory_Overflow(seconds_);
        amount = cost(seconds_);
        _runwayUntil[app] = until;
        emit FinancialRunway(app, until);
        emit RunwayPaid(app, msg.sender, seconds_, amount);
    }

    function _pull(uint256 amount) private {
        if (!_paymentToken.trySafeTransferFrom(msg.sender, _payee, amount)) {
            revert PayableDAppFactory_PaymentFailed(msg.sender, amount);
        }
    }

    /// @dev Binds the salt to the creator and owner, so nobody can take another's address first.
    function _boundSalt(address creator, address owner, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, owner, salt));
    }

    /// @dev The salt of the `count`-th creation, in a space of its own (see `_COUNTED_SALT_TAG`).
    function _countedSalt(address creator, address owner, uint256 count) private pure returns (bytes32) {
        return keccak256(abi.encode(_COUNTED_SALT_TAG, creator, owner, count));
    }

    function _predict(bytes32 templateHash, bytes32 boundSalt) private view returns (address) {
        return Clones.predictDeterministicAddressWithImmutableArgs(
            _applicationImplementation, abi.encode(templateHash), boundSalt
        );
    }

    function _checkLocation(string calldata location) private pure {
        uint256 length = bytes(location).length;
        if (length == 0) revert PayableDAppFactory_EmptyLocation();
        if (length > MAX_LOCATION_LENGTH) revert PayableDAppFactory_LocationTooLong(length);
    }

    /// @dev One word returned by a view of `app` that takes no argument, no larger than `max`. Anything
    /// else (no code, a revert, a short or out-of-range answer) is `PayableDAppFactory_NotAnApplication`,
    /// rather than the bare revert a high-level call would give. A static call cannot change any state.
    function _readWord(address app, bytes4 selector, uint256 max) private view returns (uint256 word) {
        (bool ok, bytes memory data) = app.staticcall(abi.encodeWithSelector(selector));
        if (!ok || data.length < 32) revert PayableDAppFactory_NotAnApplication(app);
        word = abi.decode(data, (uint256));
        if (word > max) revert PayableDAppFactory_NotAnApplication(app);
    }
}
