// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Usage billing: the price book
/// @notice Per metered resource (id `keccak256(name)`), a rate card: a price per billing unit
/// (18-decimal fixed point) in SYNOR or USD, the billing unit's size in the base quantity meters report,
/// and 1 to 8 tiers over the cumulative quantity one account used from one operator in one period.
/// - **Graduated**: each slice of the quantity is priced at the tier it falls in.
/// - **Volume**: every unit is priced at the reached tier's price, as a *running maximum*
///   (`rating(q) = max over q' <= q`), so the cumulative charge never falls at a tier boundary.
/// - A free allowance is a first tier of price zero.
/// Tier `i` covers the cumulative quantities `(tiers[i-1].upTo, tiers[i].upTo]` (from 0 for the first);
/// the last tier is unbounded and must have `upTo = type(uint128).max`. Quantities are uint256.
///
/// `rating(q)` is the exact charge of a cumulative quantity rounded **up once** on the total, so the
/// charges of successive reports, `rating(new) - rating(old)`, sum exactly to the rating of the total.
///
/// Rate cards are versioned per billing period (fixed-length periods from `genesis`): a change is made
/// only by the timelock (so it is scheduled in public and delayed), and takes effect at the start of a
/// period after the current one. Usage is rated by the card of the period it happened in, whenever it
/// is rated. A resource's first card may take effect from the current period.
interface IPriceBook {
    // ------------------------------------------------------------------ types

    /// @notice The currency a card's prices are quoted in (18-decimal fixed point per billing unit).
    enum Currency {
        SYNOR,
        USD
    }

    /// @notice How tiers price a cumulative quantity.
    enum TierMode {
        Graduated,
        Volume
    }

    /// @notice One tier: its price per billing unit, up to a cumulative quantity (inclusive).
    struct Tier {
        uint128 upTo; // last cumulative base quantity of the tier; type(uint128).max on the last tier
        uint128 price; // per billing unit, 18-decimal fixed point of the card's currency
    }

    /// @notice A rate card.
    struct RateCard {
        Currency currency;
        TierMode mode;
        uint128 unitSize; // base quantities per billing unit, > 0
        Tier[] tiers; // 1 to MAX_TIERS, upTo strictly increasing
    }

    /// @notice What a slice of usage costs: `amount` = rating(newCumulative) - rating(oldCumulative) in
    /// the card's `currency` (zero when the new cumulative is not above the old), and the quantity of
    /// the slice that fell in each tier (`slices[i]` for tier `i`; zero beyond `tierCount`).
    struct Charge {
        uint256 amount;
        Currency currency;
        TierMode mode;
        uint8 tierCount;
        uint256[8] slices;
    }

    // ------------------------------------------------------------------ events

    /// @notice A rate card was set for `resource` from the start of `fromPeriod` (replacing a card
    /// scheduled for the same period, if any).
    /// @param resource The resource id, `keccak256(name)`.
    /// @param fromPeriod The first period the card rates.
    /// @param card The card.
    event RateCardSet(bytes32 indexed resource, uint64 indexed fromPeriod, RateCard card);

    /// @notice The card scheduled for `resource` from `fromPeriod` was cancelled before taking effect.
    /// @param resource The resource id.
    /// @param fromPeriod The period it would have taken effect.
    event RateCardCancelled(bytes32 indexed resource, uint64 indexed fromPeriod);

    // ------------------------------------------------------------------ errors

    /// @notice Only the timelock may change rate cards; `caller` is not it.
    error PriceBook_NotTimelock(address caller);
    /// @notice The timelock address is zero.
    error PriceBook_ZeroAddress();
    /// @notice The period length is zero.
    error PriceBook_ZeroPeriodLength();
    /// @notice The genesis time is in the future.
    error PriceBook_GenesisInFuture(uint64 genesis);
    /// @notice `timestamp` is before genesis.
    error PriceBook_BeforeGenesis(uint256 timestamp);
    /// @notice The constructor's resource and card lists differ in length.
    error PriceBook_LengthMismatch();
    /// @notice `resource` has no rate card for `period` (unknown resource, or a period before its first card).
    error PriceBook_UnknownResource(bytes32 resource, uint64 period);
    /// @notice A card must take effect after the current period (a first card: from the current one).
    error PriceBook_PeriodNotInFuture(uint64 fromPeriod, uint64 currentPeriod);
    /// @notice A card may not take effect before one already scheduled (cancel that one first).
    error PriceBook_PeriodBeforeScheduled(uint64 fromPeriod, uint64 scheduledPeriod);
    /// @notice No card is scheduled for `resource` from `fromPeriod` (or it has already taken effect).
    error PriceBook_NothingScheduled(bytes32 resource, uint64 fromPeriod);
    /// @notice `resource` has no version `index` (see {versionCount}).
    error PriceBook_NoVersion(bytes32 resource, uint256 index);
    /// @notice The billing unit size is zero.
    error PriceBook_ZeroUnitSize();
    /// @notice A card has `count` tiers; it must have 1 to MAX_TIERS.
    error PriceBook_BadTierCount(uint256 count);
    /// @notice Tier `index`'s upper bound is not above the previous tier's.
    error PriceBook_TiersNotIncreasing(uint256 index);
    /// @notice The last tier must be unbounded (`upTo = type(uint128).max`).
    error PriceBook_LastTierBounded();

    // ------------------------------------------------------------------ changes (timelock only)

    /// @notice Sets `card` as `resource`'s rate card from the start of `fromPeriod`.
    /// @dev Only the timelock. `fromPeriod` must be after the current period (or the current one for a
    /// resource's first card) and not before the latest card already set; a card for the same period
    /// as the latest scheduled one replaces it. Emits {RateCardSet}.
    /// @param resource The resource id, `keccak256(name)`.
    /// @param fromPeriod The first period the card rates.
    /// @param card The card (validated: unit size, 1 to 8 strictly increasing tiers, unbounded last tier).
    function setRateCard(bytes32 resource, uint64 fromPeriod, RateCard calldata card) external;

    /// @notice Cancels the latest card of `resource`, scheduled from `fromPeriod`, before it takes effect.
    /// @dev Only the timelock. Emits {RateCardCancelled}.
    /// @param resource The resource id.
    /// @param fromPeriod The period of the card to cancel; must be the latest card's, after the current period.
    function cancelRateCard(bytes32 resource, uint64 fromPeriod) external;

    // ------------------------------------------------------------------ rating (views)

    /// @notice What the usage of `resource` in `period` between two cumulative quantities costs, rated
    /// by the card of that period: the one call settlement needs per report.
    /// @param resource The resource id.
    /// @param period The period the usage happened in.
    /// @param oldCumulative The cumulative quantity already charged.
    /// @param newCumulative The cumulative quantity reported.
    /// @return charge The amount (in the card's currency, rounded up once on the cumulative total) and
    /// the per-tier quantity slices of `(oldCumulative, newCumulative]`.
    function rate(bytes32 resource, uint64 period, uint256 oldCumulative, uint256 newCumulative)
        external
        view
        returns (Charge memory charge);

    /// @notice The rating of a cumulative quantity of `resource` in `period`: its exact charge rounded up.
    /// @param resource The resource id.
    /// @param period The period.
    /// @param cumulative The cumulative quantity, in base quantities.
    /// @return amount The charge, in the card's currency.
    function rateCumulative(bytes32 resource, uint64 period, uint256 cumulative) external view returns (uint256 amount);

    // ------------------------------------------------------------------ cards and periods (views)

    /// @notice The card that rates `resource` in `period`; reverts {PriceBook_UnknownResource} when none.
    /// @param resource The resource id.
    /// @param period The period.
    /// @return fromPeriod The period the card took effect.
    /// @return card The card.
    function rateCard(bytes32 resource, uint64 period) external view returns (uint64 fromPeriod, RateCard memory card);

    /// @notice The card rating `resource` now; reverts {PriceBook_UnknownResource} when none.
    /// @param resource The resource id.
    /// @return fromPeriod The period the card took effect.
    /// @return card The card.
    function currentRateCard(bytes32 resource) external view returns (uint64 fromPeriod, RateCard memory card);

    /// @notice The next card of `resource` scheduled to take effect after the current period, if any.
    /// @param resource The resource id.
    /// @return scheduled Whether one is scheduled.
    /// @return fromPeriod The period it takes effect (zero when none).
    /// @return card The card (empty when none).
    function scheduledRateCard(bytes32 resource)
        external
        view
        returns (bool scheduled, uint64 fromPeriod, RateCard memory card);

    /// @notice How many cards `resource` has had (past, current and scheduled).
    /// @param resource The resource id.
    /// @return count The number of versions.
    function versionCount(bytes32 resource) external view returns (uint256 count);

    /// @notice Version `index` (0 = first) of `resource`'s cards, in period order.
    /// @param resource The resource id.
    /// @param index The version index, below {versionCount} (else {PriceBook_NoVersion}).
    /// @return fromPeriod The period it takes effect.
    /// @return card The card.
    function versionAt(bytes32 resource, uint256 index) external view returns (uint64 fromPeriod, RateCard memory card);

    /// @notice Every resource id that has had a card, in the order of their first card.
    /// @return ids The resource ids.
    function resources() external view returns (bytes32[] memory ids);

    /// @notice The most tiers a card may have (8).
    /// @return The limit.
    function MAX_TIERS() external view returns (uint256);

    /// @notice The only address that may change cards (a SynorTimelock).
    /// @return The timelock.
    function timelock() external view returns (address);

    /// @notice Start of period 0 (unix seconds).
    /// @return The genesis time.
    function genesis() external view returns (uint64);

    /// @notice Length of a billing period in seconds (30 days by default).
    /// @return The period length.
    function periodLength() external view returns (uint64);

    /// @notice The index of the period containing now.
    /// @return The current period.
    function currentPeriod() external view returns (uint64);

    /// @notice The index of the period containing `timestamp`; reverts {PriceBook_BeforeGenesis} before
    /// genesis and OpenZeppelin's `SafeCastOverflowedUintDowncast` past period 2^64 - 1.
    /// @param timestamp A unix time at or after genesis.
    /// @return The period.
    function periodAt(uint256 timestamp) external view returns (uint64);
}
