// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IPriceSource} from "./IPriceSource.sol";

/// @title SYNOR/USD time-weighted average price oracle
/// @notice Aggregates SYNOR priced in USD stablecoins from several Uniswap V2 pairs and V3 pools.
/// Keepers call the permissionless `update()` once per `window`: each source yields its averages
/// since the previous round, from cumulatives the oracle recorded at that round. A V2 pair yields
/// two: the arithmetic mean of its price (from its price cumulative) and the harmonic mean (one over
/// the arithmetic mean of the inverse price, from the other cumulative). A one-block spike up moves
/// the first a lot and the second by at most block / (period - block); a spike down the reverse. A V3
/// pool yields its geometric mean (`observe` tick cumulatives) as both. A V3 source without a record
/// (just added, or after keepers stopped for longer than `maxAge`) averages over the pool's own
/// observation history for the last `window` seconds instead, so its pool must keep enough
/// observations (`growHistory`). Sources that are thin, stale or without enough history are skipped.
/// The candidate is the median of all valid sources' means (2 per source); a source agrees when its
/// means reach within `maxDeviationBps` of it; the candidate is then the median of the agreeing
/// sources' means. A round is accepted only when a strict majority of the valid sources (and at
/// least `minSources`) agree, the candidate is within the sanity bounds and, when it moved more than
/// `maxMoveBps` from the accepted price, once two consecutive rounds agree.
/// A refused round leaves the last accepted price in force: billing reads (`price`, `usdToToken`,
/// `tokenToUsd`) serve it until it is `maxAge` old and then revert with the named reason. The
/// Chainlink-style reads (`latestRoundData`, `getRoundData`, `latestAnswer`, ...) serve the last
/// answer with its `updatedAt` and, like a Chainlink feed, leave staleness to the consumer.
/// @dev Prices are USD per whole token as 18-decimal fixed point (1e18 = one dollar) — note that
/// Chainlink's USD feeds use 8 decimals; `decimals()` says 18. USD amounts are 18-decimal too. A
/// stablecoin quote counts as exactly one dollar. Sources are added and removed only by `timelock`
/// (an OpenZeppelin TimelockController), and only while its minimum delay is at least
/// `MIN_TIMELOCK_DELAY` (checked at every change), so every change is scheduled in public first.
/// As an `IPriceSource` (the fee splitter's buy-back bound) it prices the token at the accepted price
/// and each source's stablecoin at exactly one dollar; any other token reverts
/// `TwapOracle_UnsupportedToken`.
interface ITwapOracle is IPriceSource {
    // ------------------------------------------------------------------ types

    /// @notice The kind of DEX pool a source reads.
    enum SourceKind {
        UniswapV2,
        UniswapV3
    }

    /// @notice The outcome of an update round.
    /// @dev None: no round yet. Ok: its candidate was accepted. The others name why it was refused
    /// (the previously accepted price stays in force).
    enum Status {
        None,
        Ok,
        TooFewSources,
        SourcesDiverge,
        PriceOutOfBounds,
        MoveTooLarge
    }

    /// @notice Why a source gave no price this round (`None`: it did).
    /// @dev NotReady: a V2 source's first observation is younger than the window. Stale: a V2 source's
    /// previous observation is older than `maxAge`. Thin: its USD-side liquidity is below its floor
    /// (V2: the lower of its stablecoin reserve now and at the previous round, so liquidity added for
    /// one block does not count; V3: the harmonic-mean in-range liquidity since the previous round),
    /// or a V2 pair was empty. HistoryTooShort: a V3 pool's observations do not reach `window` back.
    enum SkipReason {
        None,
        NotReady,
        Stale,
        Thin,
        HistoryTooShort
    }

    /// @notice A configured source.
    /// @param pool The V2 pair or V3 pool.
    /// @param kind Its kind.
    /// @param tokenIsToken0 Whether the priced token is the pool's token0.
    /// @param quoteDecimals The USD stablecoin's decimals.
    /// @param scaleExponent Powers of ten turning quote-base-units-per-token-base-unit into the 18-decimal price
    /// (at most 43, so the harmonic mean's 10^scaleExponent * 2^112 fits 256 bits).
    /// @param minQuoteLiquidity The liquidity floor: whole stablecoins on the pool's USD side (at most 2^32 - 1).
    struct Source {
        address pool;
        SourceKind kind;
        bool tokenIsToken0;
        uint8 quoteDecimals;
        uint8 scaleExponent;
        uint64 minQuoteLiquidity;
    }

    /// @notice The accepted price and the latest round.
    /// @param price The accepted price (18-decimal USD per whole token); kept while rounds are refused.
    /// @param acceptedAt When it was accepted.
    /// @param acceptedRound The round that accepted it (0: no price yet).
    /// @param roundId The latest round, counting from 1 (a uint32 lasts 245,000 years at one round per
    /// window).
    /// @param updatedAt When the latest round ran.
    /// @param status The latest round's outcome.
    /// @param valid How many sources gave a price in it.
    /// @param sources How many of those agreed (0 when fewer than `minSources` were valid).
    /// @param detailBps The largest deviation from the median (SourcesDiverge) or the move
    /// (MoveTooLarge) in basis points, capped at 65535.
    /// @param sourceCount How many sources are configured.
    struct PriceState {
        uint128 price;
        uint32 acceptedAt;
        uint32 acceptedRound;
        uint32 roundId;
        uint32 updatedAt;
        Status status;
        uint8 valid;
        uint8 sources;
        uint16 detailBps;
        uint8 sourceCount;
    }

    /// @notice Deploy-time configuration.
    /// @param token The priced token (SYNOR).
    /// @param timelock The only account that adds and removes sources (a TimelockController).
    /// @param window Seconds each average covers; also the least time between update rounds.
    /// @param maxAge The oldest price reads accept, and the longest gap a V2 observation may span.
    /// @param minSources The fewest valid, agreeing sources a price needs.
    /// @param maxDeviationBps How far from the median (basis points) a source may be and still count.
    /// @param maxMoveBps How far (basis points) one round may move the accepted price without confirmation.
    /// @param minPrice The lowest believable price (18-decimal USD per whole token).
    /// @param maxPrice The highest believable price.
    struct Config {
        address token;
        address timelock;
        uint32 window;
        uint32 maxAge;
        uint8 minSources;
        uint16 maxDeviationBps;
        uint16 maxMoveBps;
        uint128 minPrice;
        uint128 maxPrice;
    }

    // ------------------------------------------------------------------ events

    /// @notice An update round ran.
    /// @param roundId The round.
    /// @param status Its outcome.
    /// @param candidate The median of agreeing sources (0 when too few were valid or agreed).
    /// @param price The accepted price after the round (the previous one when it was refused).
    /// @param sources How many sources were valid (TooFewSources) or agreed (otherwise).
    event PriceUpdated(uint64 indexed roundId, Status status, uint256 candidate, uint256 price, uint256 sources);

    /// @notice An update round was refused; the accepted price stays in force until `maxAge` after
    /// `acceptedAt`.
    /// @param roundId The round.
    /// @param status Why.
    /// @param valid How many sources gave a price.
    /// @param agreeing How many of those agreed.
    /// @param detailBps As `PriceState.detailBps`.
    event RoundRefused(uint64 indexed roundId, Status status, uint256 valid, uint256 agreeing, uint256 detailBps);

    /// @notice A source gave no price in an update round.
    /// @param pool The source's pool.
    /// @param reason Why.
    event SourceSkipped(address indexed pool, SkipReason reason);

    /// @notice A source was added.
    /// @param pool The pair or pool.
    /// @param kind Its kind.
    /// @param minQuoteLiquidity Its liquidity floor in whole stablecoins.
    event SourceAdded(address indexed pool, SourceKind kind, uint256 minQuoteLiquidity);

    /// @notice A source was removed.
    /// @param pool The pair or pool.
    event SourceRemoved(address indexed pool);

    /// @notice A V3 source's pool was asked to keep at least `cardinalityNext` observations.
    /// @param pool The pool.
    /// @param cardinalityNext The observation slots it will grow to as it is used.
    event HistoryGrown(address indexed pool, uint16 cardinalityNext);

    // ------------------------------------------------------------------ errors: reads

    /// @notice No update round has produced a price yet.
    error TwapOracle_NoPrice();

    /// @notice The accepted price is older than `maxAge` and the latest round was not refused
    /// (keepers have stopped).
    /// @param updatedAt When it was accepted.
    /// @param maxAge The oldest accepted, in seconds.
    error TwapOracle_StalePrice(uint256 updatedAt, uint256 maxAge);

    /// @notice No fresh accepted price, and fewer sources than `minSources` gave a price in the latest round.
    error TwapOracle_TooFewSources(uint256 valid, uint256 required);

    /// @notice No fresh accepted price, and too few sources agreed in the latest round: fewer than
    /// `minSources`, or not a strict majority of the valid ones.
    /// @param agreeing How many did.
    /// @param required The larger of `minSources` and a strict majority of the valid sources.
    /// @param deviationBps The largest deviation seen (capped at 65535).
    error TwapOracle_SourcesDiverge(uint256 agreeing, uint256 required, uint256 deviationBps);

    /// @notice No fresh accepted price, and the latest round's median lay outside the sanity bounds.
    error TwapOracle_PriceOutOfBounds(uint256 candidate, uint256 minPrice, uint256 maxPrice);

    /// @notice No fresh accepted price, and the latest round's median moved more than `maxMoveBps` from
    /// the accepted price and awaits confirmation.
    /// @param candidate The new median.
    /// @param moveBps How far it moved (capped at 65535).
    /// @param maxMoveBps The cap.
    error TwapOracle_MoveTooLarge(uint256 candidate, uint256 moveBps, uint256 maxMoveBps);

    // ------------------------------------------------------------------ errors: sources

    /// @notice A V3 pool's observations do not reach `window` seconds back; grow its history.
    error TwapOracle_HistoryTooShort(address pool, uint256 window);

    /// @notice A source's USD-side liquidity is below its floor.
    /// @param liquidity Its USD-side liquidity in stablecoin base units.
    /// @param floor The floor in stablecoin base units.
    error TwapOracle_ThinSource(address pool, uint256 liquidity, uint256 floor);

    /// @notice A V2 source's observation is too young (added less than `window` ago).
    error TwapOracle_SourceNotReady(address pool);

    /// @notice A V2 source's observation is older than `maxAge`; the next update refreshes it.
    error TwapOracle_StaleSource(address pool);

    /// @notice The round is not one of the last `ROUNDS_KEPT`, or had no answer yet (Chainlink-style reads).
    error TwapOracle_UnknownRound(uint256 roundId);

    /// @notice No source at that index.
    error TwapOracle_NoSuchSource(uint256 index);

    /// @notice The pool is already a source.
    error TwapOracle_DuplicateSource(address pool);

    /// @notice The pool is not a source.
    error TwapOracle_UnknownSource(address pool);

    /// @notice The pool does not trade the priced token, or its quote has unusable decimals (more than 18
    /// above the token's, or so few that the price scale exceeds 10^43).
    error TwapOracle_UnsupportedPool(address pool);

    /// @notice The token is neither the priced token nor a source's stablecoin.
    error TwapOracle_UnsupportedToken(address token);

    /// @notice `MAX_SOURCES` sources are configured already.
    error TwapOracle_TooManySources();

    /// @notice The source is not a Uniswap V3 pool.
    error TwapOracle_NotV3Source(address pool);

    // ------------------------------------------------------------------ errors: access and configuration

    /// @notice Only the timelock may add or remove sources.
    error TwapOracle_NotTimelock(address caller);

    /// @notice A configuration address was zero.
    error TwapOracle_ZeroAddress();

    /// @notice The timelock's minimum delay is below `MIN_TIMELOCK_DELAY` (checked at deployment and at
    /// every source change: a timelock that lowered its delay can no longer change sources).
    error TwapOracle_TimelockDelayTooShort(uint256 delay);

    /// @notice A configuration number was out of range.
    /// @param field Which, as a left-aligned ASCII bytes32: "window", "maxAge", "minSources",
    /// "maxDeviationBps", "maxMoveBps", "bounds", "token decimals" (above 36) or "minQuoteLiquidity"
    /// (a floor above 2^32 - 1 whole stablecoins).
    error TwapOracle_InvalidConfig(bytes32 field);

    // ------------------------------------------------------------------ constants and configuration

    /// @notice The most sources the oracle holds.
    function MAX_SOURCES() external view returns (uint256);

    /// @notice The shortest accepted `window` (30 minutes).
    function MIN_WINDOW() external view returns (uint256);

    /// @notice The shortest accepted timelock delay.
    function MIN_TIMELOCK_DELAY() external view returns (uint256);

    /// @notice How many recent rounds `getRoundData`, `getAnswer` and `getTimestamp` serve (32).
    function ROUNDS_KEPT() external view returns (uint256);

    /// @notice The deploy-time configuration.
    function config() external view returns (Config memory);

    /// @notice The priced token.
    function token() external view returns (address);

    /// @notice The account allowed to add and remove sources.
    function timelock() external view returns (address);

    // ------------------------------------------------------------------ keeper

    /// @notice Runs an update round if `window` seconds passed since the last one; otherwise does
    /// nothing. Anyone may call it.
    /// @return updated Whether a round ran.
    function update() external returns (bool updated);

    /// @notice Whether `update()` would run a round now.
    function updateDue() external view returns (bool);

    /// @notice When `update()` may next run a round (Unix time).
    function nextUpdateAt() external view returns (uint256);

    /// @notice The accepted price and the latest round, whatever its status (never reverts).
    function state() external view returns (PriceState memory);

    /// @notice The latest round's candidate price: the accepted price after an accepted round, else
    /// the refused median (0 when too few sources were valid or they diverged).
    function candidate() external view returns (uint256);

    // ------------------------------------------------------------------ billing reads

    /// @notice The accepted price: 18-decimal USD per whole token. A refused round leaves it in force;
    /// once it is older than `maxAge` (or before the first accepted round) this reverts with the
    /// latest round's reason (`TwapOracle_TooFewSources`, `_SourcesDiverge`, `_PriceOutOfBounds`,
    /// `_MoveTooLarge`), or `TwapOracle_StalePrice` when that round was accepted (keepers stopped), or
    /// `TwapOracle_NoPrice` before any round.
    function price() external view returns (uint256);

    /// @notice Token base units worth `amountUsd` (18-decimal USD), rounded up: a payer never pays less.
    /// Reverts as `price()` does.
    function usdToToken(uint256 amountUsd) external view returns (uint256);

    /// @notice 18-decimal USD worth `amount` token base units, rounded down. Reverts as `price()` does.
    function tokenToUsd(uint256 amount) external view returns (uint256);

    // ------------------------------------------------------------------ Chainlink-style reads

    /// @notice Chainlink AggregatorV3Interface: the latest answer, whatever its age (check `updatedAt`
    /// yourself, as with any Chainlink feed). The answer has 18 decimals, not the 8 of Chainlink's USD
    /// feeds. Reverts `TwapOracle_NoPrice` before the first accepted round.
    /// @return roundId The round that accepted the answer.
    /// @return answer The accepted price (18 decimals).
    /// @return startedAt When that round ran.
    /// @return updatedAt When that round ran.
    /// @return answeredInRound `roundId`.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice Chainlink AggregatorV3Interface: one of the last `ROUNDS_KEPT` rounds. A refused round
    /// carries the answer in force after it, as a Chainlink round that timed out: `answeredInRound`
    /// is the earlier round that accepted it and `updatedAt` its time. Reverts
    /// `TwapOracle_UnknownRound` for other rounds and for rounds before the first accepted price.
    /// @return roundId `roundId_`.
    /// @return answer The price in force after the round (18 decimals).
    /// @return startedAt When the round ran.
    /// @return updatedAt When the answer was accepted.
    /// @return answeredInRound The round that accepted the answer.
    function getRoundData(uint80 roundId_)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice Chainlink AggregatorInterface: the latest answer (18 decimals; 0 before the first).
    function latestAnswer() external view returns (int256);

    /// @notice Chainlink AggregatorInterface: when the latest answer was accepted (0 before the first).
    function latestTimestamp() external view returns (uint256);

    /// @notice Chainlink AggregatorInterface: the round that accepted the latest answer (0 before the first).
    function latestRound() external view returns (uint256);

    /// @notice Chainlink AggregatorInterface: the answer in force after `roundId` (0 when not kept).
    function getAnswer(uint256 roundId) external view returns (int256);

    /// @notice Chainlink AggregatorInterface: when the answer in force after `roundId` was accepted
    /// (0 when not kept).
    function getTimestamp(uint256 roundId) external view returns (uint256);

    /// @notice The decimals of every price and answer (18; Chainlink's USD feeds use 8).
    function decimals() external view returns (uint8);

    /// @notice "SYNOR / USD".
    function description() external view returns (string memory);

    /// @notice The feed interface version (1).
    function version() external view returns (uint256);

    // ------------------------------------------------------------------ sources

    /// @notice How many sources are configured.
    function sourceCount() external view returns (uint256);

    /// @notice The source at `index` (reverts `TwapOracle_NoSuchSource`).
    function source(uint256 index) external view returns (Source memory);

    /// @notice What the source at `index` would give now, never reverting for a source-level problem.
    /// @return low Its lower mean: V2 the harmonic mean, V3 the geometric mean (0 unless `reason` is None).
    /// @return high Its upper mean: V2 the arithmetic mean, V3 the geometric mean (0 unless `reason` is None).
    /// @return quoteLiquidity Its USD-side liquidity in stablecoin base units, as judged against the floor.
    /// @return reason Why it gives no price, or None.
    function sourceQuote(uint256 index)
        external
        view
        returns (uint256 low, uint256 high, uint256 quoteLiquidity, SkipReason reason);

    /// @notice The source at `index`'s means now; reverts with the named reason
    /// (`TwapOracle_HistoryTooShort`, `_ThinSource`, `_SourceNotReady`, `_StaleSource`).
    function sourcePrice(uint256 index) external view returns (uint256 low, uint256 high);

    /// @notice Adds a source. Only the timelock, while its delay is at least `MIN_TIMELOCK_DELAY`.
    /// @param pool A Uniswap V2 pair or V3 pool of the token against a USD stablecoin.
    /// @param kind Its kind.
    /// @param minQuoteLiquidity Its liquidity floor in whole stablecoins (at most 2^32 - 1).
    function addSource(address pool, SourceKind kind, uint64 minQuoteLiquidity) external;

    /// @notice Removes a source. Only the timelock, while its delay is at least `MIN_TIMELOCK_DELAY`.
    function removeSource(address pool) external;

    /// @notice Asks a V3 source's pool to keep `cardinalityNext` observations so `observe` reaches
    /// `window` back (about window / block time + margin). Anyone may call it and pays the pool's gas.
    function growHistory(uint256 index, uint16 cardinalityNext) external;
}
