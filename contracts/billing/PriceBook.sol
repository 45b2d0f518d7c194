// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceBook} from "../interfaces/IPriceBook.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Rating} from "./lib/Rating.sol";

/// @title PriceBook
/// @notice Versioned rate cards per resource and billing period, changed only by the timelock.
/// @dev Each version is 9 storage slots: a packed header and a fixed array of 8 one-slot tiers, of which
/// only `tierCount` are read. Versions of a resource are kept in period order, so the card of a period
/// is found by binary search.
contract PriceBook is IPriceBook {
    /// @dev One version of a resource's card.
    struct Version {
        // slot 0, packed: 64 + 8 + 8 + 8 + 128 = 216 bits
        uint64 fromPeriod;
        Currency currency;
        TierMode mode;
        uint8 tierCount;
        uint128 unitSize;
        // slots 1-8, one per tier (upTo and price are both uint128)
        Tier[8] tiers;
    }

    /// @inheritdoc IPriceBook
    uint256 public constant MAX_TIERS = 8;

    address private immutable _timelock;
    uint64 private immutable _genesis;
    uint64 private immutable _periodLength;

    mapping(bytes32 resource => Version[]) private _versions;
    mapping(bytes32 resource => bool) private _listed;
    bytes32[] private _resources;

    /// @param genesis_ Start of period 0 (not in the future).
    /// @param periodLength_ Seconds per billing period.
    /// @param timelock_ The only address that may change cards afterwards (a SynorTimelock).
    /// @param ids Resources seeded from the current period (the deployment's price table).
    /// @param cards Their cards, validated like any other.
    constructor(
        uint64 genesis_,
        uint64 periodLength_,
        address timelock_,
        bytes32[] memory ids,
        RateCard[] memory cards
    ) {
        if (timelock_ == address(0)) revert PriceBook_ZeroAddress();
        if (periodLength_ == 0) revert PriceBook_ZeroPeriodLength();
        if (genesis_ > block.timestamp) revert PriceBook_GenesisInFuture(genesis_);
        if (ids.length != cards.length) revert PriceBook_LengthMismatch();
        _timelock = timelock_;
        _genesis = genesis_;
        _periodLength = periodLength_;
        uint64 current = currentPeriod();
        for (uint256 i = 0; i < ids.length; ++i) {
            _set(ids[i], current, cards[i]);
        }
    }

    // ------------------------------------------------------------------ changes

    /// @inheritdoc IPriceBook
    function setRateCard(bytes32 resource, uint64 fromPeriod, RateCard calldata card) external {
        _onlyTimelock();
        _set(resource, fromPeriod, card);
    }

    /// @inheritdoc IPriceBook
    function cancelRateCard(bytes32 resource, uint64 fromPeriod) external {
        _onlyTimelock();
        Version[] storage versions = _versions[resource];
        uint256 n = versions.length;
        if (n == 0 || versions[n - 1].fromPeriod != fromPeriod || fromPeriod <= currentPeriod()) {
            revert PriceBook_NothingScheduled(resource, fromPeriod);
        }
        versions.pop();
        emit RateCardCancelled(resource, fromPeriod);
    }

    // ------------------------------------------------------------------ rating

    /// @inheritdoc IPriceBook
    function rate(bytes32 resource, uint64 period, uint256 oldCumulative, uint256 newCumulative)
        external
        view
        returns (Charge memory charge)
    {
        RateCard memory card = _load(_versions[resource][_find(resource, period)]);
        (charge.amount, charge.slices) = Rating.sliceChargeUp(card, oldCumulative, newCumulative);
        charge.currency = card.currency;
        charge.mode = card.mode;
        // At most MAX_TIERS (8): fits in uint8.
        charge.tierCount = uint8(card.tiers.length);
    }

    /// @inheritdoc IPriceBook
    function rateCumulative(bytes32 resource, uint64 period, uint256 cumulative) external view returns (uint256) {
        return Rating.chargeUp(_load(_versions[resource][_find(resource, period)]), cumulative);
    }

    // ------------------------------------------------------------------ cards and periods

    /// @inheritdoc IPriceBook
    function rateCard(bytes32 resource, uint64 period) external view returns (uint64, RateCard memory) {
        Version storage v = _versions[resource][_find(resource, period)];
        return (v.fromPeriod, _load(v));
    }

    /// @inheritdoc IPriceBook
    function currentRateCard(bytes32 resource) external view returns (uint64, RateCard memory) {
        Version storage v = _versions[resource][_find(resource, currentPeriod())];
        return (v.fromPeriod, _load(v));
    }

    /// @inheritdoc IPriceBook
    function scheduledRateCard(bytes32 resource)
        external
        view
        returns (bool scheduled, uint64 fromPeriod, RateCard memory card)
    {
        Version[] storage versions = _versions[resource];
        uint64 current = currentPeriod();
        for (uint256 i = versions.length; i > 0; --i) {
            if (versions[i - 1].fromPeriod <= current) break;
            (scheduled, fromPeriod, card) = (true, versions[i - 1].fromPeriod, _load(versions[i - 1]));
        }
    }

    /// @inheritdoc IPriceBook
    function versionCount(bytes32 resource) external view returns (uint256) {
        return _versions[resource].length;
    }

    /// @inheritdoc IPriceBook
    function versionAt(bytes32 resource, uint256 index) external view returns (uint64, RateCard memory) {
        if (index >= _versions[resource].length) revert PriceBook_NoVersion(resource, index);
        Version storage v = _versions[resource][index];
        return (v.fromPeriod, _load(v));
    }

    /// @inheritdoc IPriceBook
    function resources() external view returns (bytes32[] memory) {
        return _resources;
    }

    /// @inheritdoc IPriceBook
    function timelock() external view returns (address) {
        return _timelock;
    }

    /// @inheritdoc IPriceBook
    function genesis() external view returns (uint64) {
        return _genesis;
    }

    /// @inheritdoc IPriceBook
    function periodLength() external view returns (uint64) {
        return _periodLength;
    }

    /// @inheritdoc IPriceBook
    function currentPeriod() public view returns (uint64) {
        return periodAt(block.timestamp);
    }

    /// @inheritdoc IPriceBook
    function periodAt(uint256 timestamp) public view returns (uint64) {
        if (timestamp < _genesis) revert PriceBook_BeforeGenesis(timestamp);
        // Any real time fits in uint64; an absurd `timestamp` reverts instead of wrapping.
        return SafeCast.toUint64((timestamp - _genesis) / _periodLength);
    }

    // ------------------------------------------------------------------ internals

    function _onlyTimelock() private view {
        if (msg.sender != _timelock) revert PriceBook_NotTimelock(msg.sender);
    }

    /// @dev Validates and stores `card` from `fromPeriod`: appended, or replacing the latest card when it
    /// is scheduled for the same (future) period.
    function _set(bytes32 resource, uint64 fromPeriod, RateCard memory card) private {
        _validate(card);
        Version[] storage versions = _versions[resource];
        uint256 n = versions.length;
        uint64 current = currentPeriod();
        Version storage v;
        if (n == 0) {
            if (fromPeriod < current) revert PriceBook_PeriodNotInFuture(fromPeriod, current);
            if (!_listed[resource]) {
                _listed[resource] = true;
                _resources.push(resource);
            }
            v = versions.push();
        } else {
            if (fromPeriod <= current) revert PriceBook_PeriodNotInFuture(fromPeriod, current);
            uint64 latest = versions[n - 1].fromPeriod;
            if (fromPeriod < latest) revert PriceBook_PeriodBeforeScheduled(fromPeriod, latest);
            // Period indices, not balances: equality means "the same period", which replaces its card.
            // slither-disable-next-line incorrect-equality
            v = fromPeriod == latest ? versions[n - 1] : versions.push();
        }
        uint256 count = card.tiers.length;
        v.fromPeriod = fromPeriod;
        v.currency = card.currency;
        v.mode = card.mode;
        // 1 <= count <= MAX_TIERS (validated): fits in uint8.
        v.tierCount = uint8(count);
        v.unitSize = card.unitSize;
        for (uint256 i = 0; i < count; ++i) {
            v.tiers[i] = card.tiers[i];
        }
        emit RateCardSet(resource, fromPeriod, card);
    }

    function _validate(RateCard memory card) private pure {
        if (card.unitSize == 0) revert PriceBook_ZeroUnitSize();
        uint256 count = card.tiers.length;
        if (count == 0 || count > MAX_TIERS) revert PriceBook_BadTierCount(count);
        for (uint256 i = 1; i < count; ++i) {
            if (card.tiers[i].upTo <= card.tiers[i - 1].upTo) revert PriceBook_TiersNotIncreasing(i);
        }
        if (card.tiers[count - 1].upTo != type(uint128).max) revert PriceBook_LastTierBounded();
    }

    /// @dev Index of the version rating `period`: the last one with `fromPeriod <= period` (binary search).
    function _find(bytes32 resource, uint64 period) private view returns (uint256) {
        Version[] storage versions = _versions[resource];
        uint256 low = 0;
        uint256 high = versions.length;
        // Invariant: versions[0, low) start at or before `period`, versions[high, n) after it.
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (versions[mid].fromPeriod <= period) low = mid + 1;
            else high = mid;
        }
        if (low == 0) revert PriceBook_UnknownResource(resource, period);
        return low - 1;
    }

    function _load(Version storage v) private view returns (RateCard memory card) {
        uint256 count = v.tierCount;
        card.currency = v.currency;
        card.mode = v.mode;
        card.unitSize = v.unitSize;
        card.tiers = new Tier[](count);
        for (uint256 i = 0; i < count; ++i) {
            card.tiers[i] = v.tiers[i];
        }
    }
}
