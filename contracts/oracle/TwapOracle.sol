// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {ITwapOracle} from "../interfaces/ITwapOracle.sol";
import {IUniswapV2PairLike} from "./external/IUniswapV2PairLike.sol";
import {IUniswapV3PoolLike} from "./external/IUniswapV3PoolLike.sol";
import {TickMath} from "./lib/TickMath.sol";
import {OracleMath} from "./lib/OracleMath.sol";

/// @title TwapOracle
/// @notice SYNOR/USD as the median of time-weighted averages over Uniswap V2 and V3 pools.
/// @dev Gas layout: a billing read touches one slot (`_latest`); a skipped update touches that slot
/// only; a round touches `_latest`, `_round`, one `_history` slot, per source its observation slots
/// (two for a V2 pair; `_candidate` only when a round is refused or follows a refused one), and reads
/// every source's configuration with one EXTCODECOPY from a data contract that `addSource` and
/// `removeSource` redeploy (its address is in `_round`).
contract TwapOracle is ITwapOracle {
    /// @inheritdoc ITwapOracle
    uint256 public constant MAX_SOURCES = 8;
    /// @inheritdoc ITwapOracle
    uint256 public constant MIN_WINDOW = 30 minutes;
    /// @inheritdoc ITwapOracle
    uint256 public constant MIN_TIMELOCK_DELAY = 1 hours;
    /// @inheritdoc ITwapOracle
    uint256 public constant ROUNDS_KEPT = 32;

    uint256 private constant _BPS = 10_000;
    uint256 private constant _Q112 = 1 << 112;
    /// @dev `_history` entries not yet written hold this round id (never a real one) so that every
    /// round overwrites a non-zero slot and costs the same.
    uint32 private constant _NO_ROUND = type(uint32).max;

    address private immutable _token;
    address private immutable _timelock;
    uint8 private immutable _tokenDecimals;
    uint256 private immutable _tokenUnit;
    uint32 private immutable _window;
    uint32 private immutable _maxAge;
    uint8 private immutable _minSources;
    uint16 private immutable _maxDeviationBps;
    uint16 private immutable _maxMoveBps;
    uint128 private immutable _minPrice;
    uint128 private immutable _maxPrice;

    /// @dev A source's cumulatives at the latest round and when they were read, packed in one slot with
    /// a uint32 timestamp (valid until 2106). V2: the token's price cumulative modulo 2^224 (the
    /// difference of two readings is a window's worth of UQ112x112 prices, far below 2^224). V3: the
    /// int56 tick cumulative above the uint160 seconds-per-liquidity cumulative (see `_packV3`).
    struct Observation {
        uint224 cumulative;
        uint32 timestamp;
    }

    /// @dev A V2 source's second slot at the latest round (224 + 32 bits): the inverse price
    /// cumulative (token per quote, modulo 2^224) and its stablecoin reserve in whole coins, capped at
    /// 2^32 - 1 (floors are at most that).
    struct InverseObservation {
        uint224 cumulative;
        uint32 quoteReserve;
    }

    /// @dev The accepted price and the latest round, everything a billing read and a skipped update
    /// need, packed in one slot (128 + 4 x 32 bits).
    struct Latest {
        uint128 price;
        uint32 acceptedAt;
        uint32 acceptedRound;
        uint32 roundId;
        uint32 updatedAt;
    }

    /// @dev The latest round's outcome, the number of sources and where their configurations are
    /// kept, packed in one slot (5 x 8 + 16 + 160 bits).
    struct RoundInfo {
        Status status;
        uint8 valid;
        uint8 sources;
        uint16 detailBps;
        uint8 sourceCount;
        address sourceData;
    }

    /// @dev One kept round for the Chainlink-style reads, packed in one slot (128 + 4 x 32 bits).
    struct RoundData {
        uint128 answer;
        uint32 startedAt;
        uint32 updatedAt;
        uint32 answeredInRound;
        uint32 roundId;
    }

    /// @dev One source's reading in a round (kept in memory to spare the stack).
    struct Reading {
        uint256 low;
        uint256 high;
        uint256 liquidity;
        SkipReason reason;
        uint224 cumulative;
        uint224 inverse;
        uint32 quoteReserve;
    }

    /// @dev Written by `update` as one word (`_storeWord(_latestSlot(), _latestWord(latest))`), which
    /// Slither does not see as an assignment:
    // slither-disable-next-line uninitialized-state
    Latest private _latest;
    RoundInfo private _round;
    /// @dev The latest refused round's candidate (0 after an accepted round or when there was none).
    uint256 private _candidate;
    /// @dev The last `ROUNDS_KEPT` rounds, round r at index r % ROUNDS_KEPT.
    RoundData[ROUNDS_KEPT] private _history;
    /// @dev One slot per source, at the source's index.
    Observation[MAX_SOURCES] private _observations;
    /// @dev One slot per V2 source, at the source's index.
    InverseObservation[MAX_SOURCES] private _inverses;
    /// @dev Each source stablecoin, packed in one word: how many sources quote it (bits 8 and up) and
    /// its decimals (bits 0-7). Zero: not a source's stablecoin.
    mapping(address quote => uint256 countAndDecimals) private _quotes;

    /// @dev Only the timelock, and only while its delay is still at least MIN_TIMELOCK_DELAY: a
    /// timelock that lowered its delay could otherwise change sources without public notice.
    modifier onlyTimelock() {
        _checkTimelock();
        _;
    }

    /// @param cfg See `ITwapOracle.Config`.
    constructor(Config memory cfg) {
        if (cfg.token == address(0) || cfg.timelock == address(0)) revert TwapOracle_ZeroAddress();
        _timelock = cfg.timelock;
        _requireTimelockDelay();
        if (cfg.window < MIN_WINDOW) revert TwapOracle_InvalidConfig("window");
        if (cfg.maxAge < cfg.window) revert TwapOracle_InvalidConfig("maxAge");
        if (cfg.minSources == 0 || cfg.minSources > MAX_SOURCES) revert TwapOracle_InvalidConfig("minSources");
        if (cfg.maxDeviationBps == 0 || cfg.maxDeviationBps > _BPS) revert TwapOracle_InvalidConfig("maxDeviationBps");
        if (cfg.maxMoveBps == 0 || cfg.maxMoveBps > _BPS) revert TwapOracle_InvalidConfig("maxMoveBps");
        if (cfg.minPrice == 0 || cfg.minPrice >= cfg.maxPrice) revert TwapOracle_InvalidConfig("bounds");
        _token = cfg.token;
        _tokenDecimals = IERC20Metadata(cfg.token).decimals();
        // The conversions' fast path needs 10**decimals < 2^128.
        if (_tokenDecimals > 36) revert TwapOracle_InvalidConfig("token decimals");
        _tokenUnit = 10 ** _tokenDecimals;
        _window = cfg.window;
        _maxAge = cfg.maxAge;
        _minSources = cfg.minSources;
        _maxDeviationBps = cfg.maxDeviationBps;
        _maxMoveBps = cfg.maxMoveBps;
        _minPrice = cfg.minPrice;
        _maxPrice = cfg.maxPrice;
        for (uint256 i; i < ROUNDS_KEPT; ++i) {
            _history[i].roundId = _NO_ROUND;
        }
    }

    // ------------------------------------------------------------------ configuration

    /// @inheritdoc ITwapOracle
    function config() external view returns (Config memory) {
        return Config({
            token: _token,
            timelock: _timelock,
            window: _window,
            maxAge: _maxAge,
            minSources: _minSources,
            maxDeviationBps: _maxDeviationBps,
            maxMoveBps: _maxMoveBps,
            minPrice: _minPrice,
            maxPrice: _maxPrice
        });
    }

    /// @inheritdoc ITwapOracle
    function token() external view returns (address) {
        return _token;
    }

    /// @inheritdoc ITwapOracle
    function timelock() external view returns (address) {
        return _timelock;
    }

    // ------------------------------------------------------------------ keeper

    /// @inheritdoc ITwapOracle
    function update() external returns (bool) {
        Latest memory latest = _latest;
        if (block.timestamp < uint256(latest.updatedAt) + _window) return false;
        RoundInfo memory info = _round;

        uint256 count = info.sourceCount;
        uint256[] memory configs = _sourceWords(info.sourceData, count, count);
        uint256[] memory lows = new uint256[](count);
        uint256[] memory highs = new uint256[](count);
        uint256 valid = 0;
        for (uint256 i; i < count; ++i) {
            Source memory src = _decodeSource(configs[i]);
            bool isV2 = src.kind == SourceKind.UniswapV2;
            Reading memory r = isV2 ? _readV2(src, _observations[i], _inverses[i]) : _readV3(src, _observations[i]);
            // A V2 source that is not ready keeps its first observation until it spans a window.
            if (!isV2 || r.reason != SkipReason.NotReady) {
                _storeWord(_observations[i], r.cumulative, uint32(block.timestamp));
                if (isV2) _storeWord(_inverses[i], r.inverse, r.quoteReserve);
            }
            // slither-disable-next-line incorrect-equality (an enum comparison, not a balance)
            if (r.reason == SkipReason.None) {
                lows[valid] = r.low;
                highs[valid++] = r.high;
            } else {
                emit SourceSkipped(src.pool, r.reason);
            }
        }

        (Status status, uint256 median, uint256 agreeing, uint256 detail) = _judge(lows, highs, valid, latest.price);

        // Cannot overflow: one increment per round, at most one round per 30 minutes (2^32 - 1 rounds
        // take 245,000 years).
        unchecked {
            latest.roundId += 1;
        }
        latest.updatedAt = uint32(block.timestamp);
        // slither-disable-next-line incorrect-equality (an enum comparison, not a balance)
        if (status == Status.Ok) {
            // median <= _maxPrice (a uint128) when accepted.
            latest.price = uint128(median);
            latest.acceptedAt = uint32(block.timestamp);
            latest.acceptedRound = latest.roundId;
        }
        // Each slot below is written as one word in its struct's layout (members from the low bits up):
        // the compiler's member-by-member assignment reads every slot back and stores it once per member.
        _storeWord(_latestSlot(), _latestWord(latest));
        // RoundInfo: status, valid, sources (8 bits each), detailBps (16), sourceCount (8), sourceData
        // (160); valid, agreeing <= sourceCount <= MAX_SOURCES.
        _storeWord(
            _roundSlot(),
            uint256(status) | (valid << 8) | (agreeing << 16) | (Math.min(detail, type(uint16).max) << 24)
                | (uint256(info.sourceCount) << 40) | (uint256(uint160(info.sourceData)) << 48)
        );
        // A ring index, not randomness:
        // slither-disable-next-line weak-prng
        _storeWord(_history[latest.roundId % ROUNDS_KEPT], _historyWord(latest));
        // A refused candidate is kept for confirmation and for error reports. After an accepted round
        // it equals the price and 0 is stored, so two accepted rounds in a row need no write at all.
        // slither-disable-next-line incorrect-equality (an enum comparison, not a balance)
        if (status != Status.Ok || info.status != Status.Ok) _candidate = status == Status.Ok ? 0 : median;
        // slither-disable-next-line incorrect-equality (an enum comparison, not a balance)
        emit PriceUpdated(latest.roundId, status, median, latest.price, status == Status.TooFewSources ? valid : agreeing);
        if (status != Status.Ok) emit RoundRefused(latest.roundId, status, valid, agreeing, detail);
        return true;
    }

    /// @inheritdoc ITwapOracle
    function updateDue() external view returns (bool) {
        return block.timestamp >= uint256(_latest.updatedAt) + _window;
    }

    /// @inheritdoc ITwapOracle
    function nextUpdateAt() external view returns (uint256) {
        return uint256(_latest.updatedAt) + _window;
    }

    /// @inheritdoc ITwapOracle
    function state() external view returns (PriceState memory) {
        Latest memory latest = _latest;
        RoundInfo memory info = _round;
        return PriceState({
            price: latest.price,
            acceptedAt: latest.acceptedAt,
            acceptedRound: latest.acceptedRound,
            roundId: latest.roundId,
            updatedAt: latest.updatedAt,
            status: info.status,
            valid: info.valid,
            sources: info.sources,
            detailBps: info.detailBps,
            sourceCount: info.sourceCount
        });
    }

    /// @inheritdoc ITwapOracle
    function candidate() external view returns (uint256) {
        // slither-disable-next-line incorrect-equality (an enum comparison, not a balance)
        return _round.status == Status.Ok ? _latest.price : _candidate;
    }

    // ------------------------------------------------------------------ billing reads

    /// @inheritdoc ITwapOracle
    function price() public view returns (uint256) {
        return _usablePrice();
    }

    /// @inheritdoc ITwapOracle
    function usdToToken(uint256 amountUsd) external view returns (uint256) {
        return OracleMath.usdToToken(amountUsd, _usablePrice(), _tokenUnit);
    }

    /// @inheritdoc ITwapOracle
    function tokenToUsd(uint256 amount) external view returns (uint256) {
        return OracleMath.tokenToUsd(amount, _usablePrice(), _tokenUnit);
    }

    /// @inheritdoc IPriceSource
    function tokenToUsd(address token, uint256 amount) external view returns (uint256) {
        if (token == _token) return OracleMath.tokenToUsd(amount, _usablePrice(), _tokenUnit);
        // A stablecoin is worth exactly one dollar: a price of 1e18.
        return OracleMath.tokenToUsd(amount, 1e18, _pow10(_quoteDecimals(token)));
    }

    /// @inheritdoc IPriceSource
    function usdToToken(address token, uint256 usd) external view returns (uint256) {
        if (token == _token) return OracleMath.usdToToken(usd, _usablePrice(), _tokenUnit);
        return OracleMath.usdToToken(usd, 1e18, _pow10(_quoteDecimals(token)));
    }

    // ------------------------------------------------------------------ Chainlink-style reads

    /// @inheritdoc ITwapOracle
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        Latest memory latest = _latest;
        // slither-disable-next-line incorrect-equality (round 0 is "none yet", not a balance)
        if (latest.acceptedRound == 0) revert TwapOracle_NoPrice();
        // The price is below 2^128 and fits an int256; round ids are uint32 and fit a uint80.
        return (
            latest.acceptedRound,
            int256(uint256(latest.price)),
            latest.acceptedAt,
            latest.acceptedAt,
            latest.acceptedRound
        );
    }

    /// @inheritdoc ITwapOracle
    function getRoundData(uint80 roundId_) external view returns (uint80, int256, uint256, uint256, uint80) {
        RoundData memory r = _kept(roundId_);
        // slither-disable-next-line incorrect-equality (round 0 is "none yet", not a balance)
        if (r.answeredInRound == 0) revert TwapOracle_UnknownRound(roundId_);
        return (roundId_, int256(uint256(r.answer)), r.startedAt, r.updatedAt, r.answeredInRound);
    }

    /// @inheritdoc ITwapOracle
    function latestAnswer() external view returns (int256) {
        return int256(uint256(_latest.price));
    }

    /// @inheritdoc ITwapOracle
    function latestTimestamp() external view returns (uint256) {
        return _latest.acceptedAt;
    }

    /// @inheritdoc ITwapOracle
    function latestRound() external view returns (uint256) {
        return _latest.acceptedRound;
    }

    /// @inheritdoc ITwapOracle
    function getAnswer(uint256 roundId) external view returns (int256) {
        return int256(uint256(_kept(roundId).answer));
    }

    /// @inheritdoc ITwapOracle
    function getTimestamp(uint256 roundId) external view returns (uint256) {
        return _kept(roundId).updatedAt;
    }

    /// @inheritdoc ITwapOracle
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @inheritdoc ITwapOracle
    function description() external pure returns (string memory) {
        return "SYNOR / USD";
    }

    /// @inheritdoc ITwapOracle
    function version() external pure returns (uint256) {
        return 1;
    }

    // ------------------------------------------------------------------ sources

    /// @inheritdoc ITwapOracle
    function sourceCount() external view returns (uint256) {
        return _round.sourceCount;
    }

    /// @inheritdoc ITwapOracle
    function source(uint256 index) external view returns (Source memory) {
        return _sourceAt(index);
    }

    /// @inheritdoc ITwapOracle
    function sourceQuote(uint256 index)
        external
        view
        returns (uint256 low, uint256 high, uint256 quoteLiquidity, SkipReason reason)
    {
        (, Reading memory r) = _quote(index);
        return (r.low, r.high, r.liquidity, r.reason);
    }

    /// @inheritdoc ITwapOracle
    function sourcePrice(uint256 index) external view returns (uint256 low, uint256 high) {
        (Source memory src, Reading memory r) = _quote(index);
        // Enum comparisons, not balances:
        // slither-disable-next-line incorrect-equality
        if (r.reason == SkipReason.HistoryTooShort) revert TwapOracle_HistoryTooShort(src.pool, _window);
        // slither-disable-next-line incorrect-equality
        if (r.reason == SkipReason.Thin) revert TwapOracle_ThinSource(src.pool, r.liquidity, _floor(src));
        // slither-disable-next-line incorrect-equality
        if (r.reason == SkipReason.NotReady) revert TwapOracle_SourceNotReady(src.pool);
        // slither-disable-next-line incorrect-equality
        if (r.reason == SkipReason.Stale) revert TwapOracle_StaleSource(src.pool);
        return (r.low, r.high);
    }

    /// @inheritdoc ITwapOracle
    function addSource(address pool, SourceKind kind, uint64 minQuoteLiquidity) external onlyTimelock {
        RoundInfo memory info = _round;
        uint256 count = info.sourceCount;
        if (count == MAX_SOURCES) revert TwapOracle_TooManySources();
        // Floors are compared with the reserve kept in whole coins in 32 bits.
        if (minQuoteLiquidity > type(uint32).max) revert TwapOracle_InvalidConfig("minQuoteLiquidity");
        uint256[] memory configs = _sourceWords(info.sourceData, count, count + 1);
        for (uint256 i; i < count; ++i) {
            if (address(uint160(configs[i])) == pool) revert TwapOracle_DuplicateSource(pool);
        }
        address token0 = IUniswapV2PairLike(pool).token0();
        address token1 = IUniswapV2PairLike(pool).token1();
        bool tokenIsToken0 = token0 == _token;
        if (!tokenIsToken0 && token1 != _token) revert TwapOracle_UnsupportedPool(pool);
        uint8 quoteDecimals = IERC20Metadata(tokenIsToken0 ? token1 : token0).decimals();
        // scaleExponent <= 43 keeps 10**scaleExponent * 2^112 below 2^256 (the harmonic mean's division).
        if (quoteDecimals > 18 + uint256(_tokenDecimals) || 18 + uint256(_tokenDecimals) - quoteDecimals > 43) {
            revert TwapOracle_UnsupportedPool(pool);
        }
        Source memory src = Source({
            pool: pool,
            kind: kind,
            tokenIsToken0: tokenIsToken0,
            quoteDecimals: quoteDecimals,
            scaleExponent: uint8(18 + uint256(_tokenDecimals) - quoteDecimals),
            minQuoteLiquidity: minQuoteLiquidity
        });
        configs[count] = _encodeSource(src);
        address quote = tokenIsToken0 ? token1 : token0;
        // Adds one to the count above the 8 decimal bits (at most MAX_SOURCES, so no overflow).
        _quotes[quote] = (((_quotes[quote] >> 8) + 1) << 8) | quoteDecimals;
        if (kind == SourceKind.UniswapV2) {
            (uint224 cumulative, uint224 inverse,, uint256 quoteReserve) = _currentCumulatives(src);
            _observations[count] = Observation(cumulative, uint32(block.timestamp));
            _inverses[count] = InverseObservation(inverse, _wholeCoins(quoteReserve, src));
        } else {
            _observations[count] = Observation(_readV3Now(src), uint32(block.timestamp));
        }
        _round.sourceCount = uint8(count + 1);
        _round.sourceData = _deploySourceData(configs);
        emit SourceAdded(pool, kind, minQuoteLiquidity);
    }

    /// @inheritdoc ITwapOracle
    function removeSource(address pool) external onlyTimelock {
        RoundInfo memory info = _round;
        uint256 last = info.sourceCount;
        uint256[] memory configs = _sourceWords(info.sourceData, last, last);
        for (uint256 i; i < last; ++i) {
            if (address(uint160(configs[i])) == pool) {
                // Cannot underflow: the loop ran, so last >= 1.
                unchecked {
                    --last;
                }
                _forgetQuote(_decodeSource(configs[i]));
                configs[i] = configs[last];
                // Drops the last word (the array only shrinks).
                assembly ("memory-safe") {
                    mstore(configs, last)
                }
                _observations[i] = _observations[last];
                _inverses[i] = _inverses[last];
                delete _observations[last];
                delete _inverses[last];
                _round.sourceCount = uint8(last);
                _round.sourceData = last == 0 ? address(0) : _deploySourceData(configs);
                emit SourceRemoved(pool);
                return;
            }
        }
        revert TwapOracle_UnknownSource(pool);
    }

    /// @inheritdoc ITwapOracle
    function growHistory(uint256 index, uint16 cardinalityNext) external {
        Source memory src = _sourceAt(index);
        if (src.kind != SourceKind.UniswapV3) revert TwapOracle_NotV3Source(src.pool);
        IUniswapV3PoolLike(src.pool).increaseObservationCardinalityNext(cardinalityNext);
        emit HistoryGrown(src.pool, cardinalityNext);
    }

    // ------------------------------------------------------------------ internals

    function _checkTimelock() private view {
        if (msg.sender != _timelock) revert TwapOracle_NotTimelock(msg.sender);
        _requireTimelockDelay();
    }

    function _requireTimelockDelay() private view {
        uint256 delay = TimelockController(payable(_timelock)).getMinDelay();
        if (delay < MIN_TIMELOCK_DELAY) revert TwapOracle_TimelockDelayTooShort(delay);
    }

    /// @dev Writes an `Observation` as one word (the compiler's member-by-member struct assignment
    /// reads the slot back and stores it twice): the struct's layout, 224 low bits, then 32 above.
    function _storeWord(Observation storage obs, uint224 low, uint32 high) private {
        uint256 word = uint256(low) | (uint256(high) << 224);
        assembly ("memory-safe") {
            sstore(obs.slot, word)
        }
    }

    /// @dev `latest` as its slot's word: price (128 bits), acceptedAt, acceptedRound, roundId,
    /// updatedAt (32 each), members from the low bits up.
    function _latestWord(Latest memory latest) private pure returns (uint256) {
        return uint256(latest.price) | (uint256(latest.acceptedAt) << 128) | (uint256(latest.acceptedRound) << 160)
            | (uint256(latest.roundId) << 192) | (uint256(latest.updatedAt) << 224);
    }

    /// @dev The kept-round entry for the round `latest` records, as its slot's word: answer (128
    /// bits), startedAt (the round's time, `updatedAt`), updatedAt (`acceptedAt`), answeredInRound,
    /// roundId (32 each).
    function _historyWord(Latest memory latest) private pure returns (uint256) {
        return uint256(latest.price) | (uint256(latest.updatedAt) << 128) | (uint256(latest.acceptedAt) << 160)
            | (uint256(latest.acceptedRound) << 192) | (uint256(latest.roundId) << 224);
    }

    /// @dev Writes a prepared word into a kept round's slot.
    function _storeWord(RoundData storage entry, uint256 word) private {
        assembly ("memory-safe") {
            sstore(entry.slot, word)
        }
    }

    /// @dev Writes a prepared word into a slot.
    function _storeWord(uint256 slot, uint256 word) private {
        assembly ("memory-safe") {
            sstore(slot, word)
        }
    }

    function _latestSlot() private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            slot := _latest.slot
        }
    }

    function _roundSlot() private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            slot := _round.slot
        }
    }

    /// @dev The same for an `InverseObservation` (the same layout).
    function _storeWord(InverseObservation storage inv, uint224 low, uint32 high) private {
        uint256 word = uint256(low) | (uint256(high) << 224);
        assembly ("memory-safe") {
            sstore(inv.slot, word)
        }
    }

    /// @dev The accepted price while it is at most `maxAge` old (one slot read), else the named revert.
    function _usablePrice() private view returns (uint256) {
        Latest memory latest = _latest;
        // `acceptedRound == 0` is the "no round accepted yet" sentinel (round ids start at 1), not a balance.
        // slither-disable-next-line incorrect-equality
        if (latest.acceptedRound == 0 || block.timestamp > uint256(latest.acceptedAt) + _maxAge) {
            _revertUnusable(latest);
        }
        return latest.price;
    }

    /// @dev Why there is no fresh accepted price: the latest round's refusal, else staleness.
    function _revertUnusable(Latest memory latest) private view {
        RoundInfo memory info = _round;
        // Enum comparisons, not balances:
        // slither-disable-next-line incorrect-equality
        if (info.status == Status.None) revert TwapOracle_NoPrice();
        // slither-disable-next-line incorrect-equality
        if (info.status == Status.TooFewSources) revert TwapOracle_TooFewSources(info.valid, _minSources);
        // slither-disable-next-line incorrect-equality
        if (info.status == Status.SourcesDiverge) {
            revert TwapOracle_SourcesDiverge(info.sources, _required(info.valid), info.detailBps);
        }
        // slither-disable-next-line incorrect-equality
        if (info.status == Status.PriceOutOfBounds) revert TwapOracle_PriceOutOfBounds(_candidate, _minPrice, _maxPrice);
        // slither-disable-next-line incorrect-equality
        if (info.status == Status.MoveTooLarge) revert TwapOracle_MoveTooLarge(_candidate, info.detailBps, _maxMoveBps);
        revert TwapOracle_StalePrice(latest.acceptedAt, _maxAge);
    }

    /// @dev How many agreeing sources a round needs: `minSources` and a strict majority of the valid.
    function _required(uint256 valid) private view returns (uint256) {
        return Math.max(_minSources, valid / 2 + 1);
    }

    /// @dev A kept round, or an empty one (answeredInRound 0) for any other id.
    function _kept(uint256 roundId) private view returns (RoundData memory r) {
        if (roundId == 0 || roundId > type(uint32).max) return r;
        r = _history[roundId % ROUNDS_KEPT];
        if (r.roundId != roundId) delete r;
    }

    /// @dev A round's verdict on the valid sources' means, against the accepted price.
    function _judge(uint256[] memory lows, uint256[] memory highs, uint256 valid, uint256 accepted)
        private
        view
        returns (Status status, uint256 median, uint256 agreeing, uint256 detail)
    {
        if (valid < _minSources) return (Status.TooFewSources, 0, 0, 0);
        (median, agreeing, detail) = _agreeingMedian(lows, highs, valid);
        if (agreeing < _required(valid)) return (Status.SourcesDiverge, 0, agreeing, detail);
        detail = 0;
        if (median < _minPrice || median > _maxPrice) return (Status.PriceOutOfBounds, median, agreeing, 0);
        if (accepted != 0) {
            uint256 move = OracleMath.deviationBps(median, accepted);
            if (move > _maxMoveBps) {
                // A large move is accepted once two consecutive rounds agree on it. The previous
                // candidate is 0 after an accepted round (it was `accepted`, which is too far).
                uint256 previous = _candidate;
                if (previous == 0 || OracleMath.deviationBps(median, previous) > _maxMoveBps) {
                    return (Status.MoveTooLarge, median, agreeing, move);
                }
            }
        }
        return (Status.Ok, median, agreeing, 0);
    }

    /// @dev One source fewer quotes its stablecoin (read back from the pool).
    function _forgetQuote(Source memory src) private {
        IUniswapV2PairLike pool = IUniswapV2PairLike(src.pool);
        address quote = src.tokenIsToken0 ? pool.token1() : pool.token0();
        uint256 info = _quotes[quote];
        if (info >> 8 == 1) delete _quotes[quote];
        else _quotes[quote] = info - (1 << 8);
    }

    /// @dev The decimals of a source's stablecoin, or the UnsupportedToken revert.
    function _quoteDecimals(address token) private view returns (uint256) {
        uint256 info = _quotes[token];
        if (info == 0) revert TwapOracle_UnsupportedToken(token);
        return info & 0xff;
    }

    /// @dev The source at `index` and what it would give now (means zeroed unless it gives a price).
    function _quote(uint256 index) private view returns (Source memory src, Reading memory r) {
        src = _sourceAt(index);
        r = src.kind == SourceKind.UniswapV2
            ? _readV2(src, _observations[index], _inverses[index])
            : _readV3(src, _observations[index]);
        // slither-disable-next-line incorrect-equality (an enum comparison, not a balance)
        if (r.reason != SkipReason.None) (r.low, r.high) = (0, 0);
    }

    function _sourceAt(uint256 index) private view returns (Source memory) {
        RoundInfo memory info = _round;
        if (index >= info.sourceCount) revert TwapOracle_NoSuchSource(index);
        uint256 word;
        address data = info.sourceData;
        // The word at `index` of the data contract's code (after its STOP byte); index < sourceCount.
        assembly ("memory-safe") {
            extcodecopy(data, 0, add(1, shl(5, index)), 32)
            word := mload(0)
        }
        return _decodeSource(word);
    }

    /// @dev The first `count` source configurations (one word each, see `_encodeSource`) in an array
    /// with room for `capacity` (one round reads them all with one EXTCODECOPY instead of one cold
    /// SLOAD per source). `data` holds `count` words after a STOP byte (see `_deploySourceData`).
    function _sourceWords(address data, uint256 count, uint256 capacity)
        private
        view
        returns (uint256[] memory words)
    {
        words = new uint256[](capacity);
        assembly ("memory-safe") {
            extcodecopy(data, add(words, 0x20), 1, shl(5, count))
        }
    }

    /// @dev Deploys `words` as the code of a new data contract (a STOP byte first, so that it cannot
    /// be called into) and returns its address. Sources change only through the timelock.
    function _deploySourceData(uint256[] memory words) private returns (address data) {
        bytes memory code = abi.encodePacked(hex"00", words);
        // Creation code: PUSH2 len, DUP1, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 0, RETURN (12 bytes) and
        // the code it returns (at most 1 + 32 x MAX_SOURCES bytes, so its length fits 16 bits).
        bytes memory creation = abi.encodePacked(hex"61", uint16(code.length), hex"80600c6000396000f3", code);
        assembly ("memory-safe") {
            data := create(0, add(creation, 0x20), mload(creation))
        }
        if (data == address(0)) revert TwapOracle_InvalidConfig("sources");
    }

    /// @dev A source's configuration as one word: pool (160 bits), kind, tokenIsToken0,
    /// quoteDecimals, scaleExponent (8 each), minQuoteLiquidity (64), from the low bits up.
    function _encodeSource(Source memory src) private pure returns (uint256) {
        return uint256(uint160(src.pool)) | (uint256(src.kind) << 160) | (src.tokenIsToken0 ? 1 << 168 : 0)
            | (uint256(src.quoteDecimals) << 176) | (uint256(src.scaleExponent) << 184)
            | (uint256(src.minQuoteLiquidity) << 192);
    }

    function _decodeSource(uint256 word) private pure returns (Source memory) {
        return Source({
            pool: address(uint160(word)),
            kind: SourceKind(uint8(word >> 160)),
            tokenIsToken0: uint8(word >> 168) != 0,
            quoteDecimals: uint8(word >> 176),
            scaleExponent: uint8(word >> 184),
            minQuoteLiquidity: uint64(word >> 192)
        });
    }

    /// @dev A stablecoin reserve in whole coins, capped at 2^32 - 1 (floors are at most that).
    function _wholeCoins(uint256 quoteReserve, Source memory src) private pure returns (uint32) {
        return uint32(Math.min(quoteReserve / _pow10(src.quoteDecimals), type(uint32).max));
    }

    /// @dev 10**exponent for the exponents used here (stablecoin decimals, at most 54, and scale
    /// exponents, at most 43): one EXP instead of the checked exponentiation routine.
    function _pow10(uint256 exponent) private pure returns (uint256 result) {
        // Cannot overflow for the exponents stored here: quoteDecimals <= 18 + 36 = 54 (addSource) and
        // scaleExponent <= 43, and 10**54 < 2^180. A stablecoin's decimals (<= 54 likewise) come
        // from `_quotes`, written only by addSource.
        unchecked {
            result = 10 ** exponent;
        }
    }

    /// @dev The liquidity floor in stablecoin base units.
    function _floor(Source memory src) private pure returns (uint256) {
        return uint256(src.minQuoteLiquidity) * _pow10(src.quoteDecimals);
    }

    /// @dev A V2 pair's harmonic (low) and arithmetic (high) mean prices since `obs`, the liquidity it
    /// is judged by (the lower of its stablecoin reserve now and at `obs`), why it gives none, and its
    /// current cumulatives and reserve for the next observation.
    function _readV2(Source memory src, Observation memory obs, InverseObservation memory inv)
        private
        view
        returns (Reading memory r)
    {
        uint256 tokenReserve;
        uint256 quoteReserve;
        (r.cumulative, r.inverse, tokenReserve, quoteReserve) = _currentCumulatives(src);
        uint256 quoteUnit = _pow10(src.quoteDecimals);
        r.quoteReserve = uint32(Math.min(quoteReserve / quoteUnit, type(uint32).max));
        // The stored reserve is below 2^32 and quoteUnit <= 10**54, so the product fits.
        unchecked {
            r.liquidity = Math.min(quoteReserve, uint256(inv.quoteReserve) * quoteUnit);
        }
        uint256 period = block.timestamp - obs.timestamp;
        if (period > _maxAge) {
            r.reason = SkipReason.Stale;
            return r;
        }
        // slither-disable-next-line incorrect-equality (an empty pair has no price)
        if (r.liquidity < uint256(src.minQuoteLiquidity) * quoteUnit || tokenReserve == 0) {
            r.reason = SkipReason.Thin;
            return r;
        }
        // A source added less than a window ago (addSource records its first observation).
        if (period < _window) {
            r.reason = SkipReason.NotReady;
            return r;
        }
        uint256 averageX112;
        uint256 inverseX112;
        // Differences of cumulatives modulo 2^224 are exact: a window's sum of UQ112x112 prices is far
        // below 2^224 (it would need a price above 2^80 quote units per token unit for a day).
        unchecked {
            // slither-disable-next-line divide-before-multiply (see below)
            averageX112 = uint256(r.cumulative - obs.cumulative) / period;
            // slither-disable-next-line divide-before-multiply (see below)
            inverseX112 = uint256(r.inverse - inv.cumulative) / period;
        }
        // A pair that was empty for the period accumulated nothing.
        // slither-disable-next-line incorrect-equality
        if (averageX112 == 0 || inverseX112 == 0) {
            r.reason = SkipReason.Thin;
            return r;
        }
        uint256 scale = _pow10(src.scaleExponent);
        // Dividing the cumulative difference by the period first is how a UQ112x112 average is taken
        // (UniswapV2 ExampleOracleSimple); the truncation is below 2^-112 of a quote unit per token unit.
        // slither-disable-next-line incorrect-equality
        if ((averageX112 | scale) >> 128 == 0) {
            // Both factors are below 2^128, so the product fits 256 bits.
            unchecked {
                // slither-disable-next-line divide-before-multiply
                r.high = (averageX112 * scale) >> 112;
            }
        } else {
            r.high = Math.mulDiv(averageX112, scale, _Q112);
        }
        // Harmonic mean: one over the mean inverse price. scale < 2^143 (scaleExponent <= 43), so
        // scale << 112 fits 256 bits; rounded down like the arithmetic mean.
        r.low = (scale << 112) / inverseX112;
        // Both come from truncated averages, so a constant price can give low one unit above high.
        if (r.low > r.high) (r.low, r.high) = (r.high, r.low);
    }

    /// @dev The pair's price cumulatives (the token's: quote per token; and the inverse: token per
    /// quote; UQ112x112 x seconds) extended to now, as UniswapV2OracleLibrary.currentCumulativePrices,
    /// and its current reserves.
    function _currentCumulatives(Source memory src)
        private
        view
        returns (uint224 cumulative, uint224 inverse, uint256 tokenReserve, uint256 quoteReserve)
    {
        IUniswapV2PairLike pair = IUniswapV2PairLike(src.pool);
        (uint112 reserve0, uint112 reserve1, uint32 lastTrade) = pair.getReserves();
        (tokenReserve, quoteReserve) =
            src.tokenIsToken0 ? (uint256(reserve0), uint256(reserve1)) : (uint256(reserve1), uint256(reserve0));
        uint256 price0 = pair.price0CumulativeLast();
        uint256 price1 = pair.price1CumulativeLast();
        (uint256 cumulativeNow, uint256 inverseNow) = src.tokenIsToken0 ? (price0, price1) : (price1, price0);
        // Overflow is intended: cumulatives wrap and only differences are used, and uint32 time wraps
        // the same way the pair's does.
        unchecked {
            uint32 elapsed = uint32(block.timestamp) - lastTrade;
            if (elapsed != 0 && tokenReserve != 0 && quoteReserve != 0) {
                // As the pair itself accumulates: a UQ112x112 price (a division) times seconds.
                // slither-disable-next-line divide-before-multiply
                cumulativeNow += ((quoteReserve << 112) / tokenReserve) * elapsed;
                // slither-disable-next-line divide-before-multiply
                inverseNow += ((tokenReserve << 112) / quoteReserve) * elapsed;
            }
        }
        cumulative = uint224(cumulativeNow);
        inverse = uint224(inverseNow);
    }

    /// @dev A V3 pool's geometric-mean price (as both means), its USD-side virtual reserve (from the
    /// harmonic-mean in-range liquidity), why it gives none, and its current cumulatives packed for the
    /// next observation. In the steady state the average runs from the previous round's observation to
    /// now and costs one cheap `observe([0])`; a source without a usable observation (just added, or
    /// keepers stopped for longer than `maxAge`) uses the pool's own history over `window` instead,
    /// which must reach that far back (`HistoryTooShort` otherwise).
    function _readV3(Source memory src, Observation memory obs) private view returns (Reading memory r) {
        uint256 period = block.timestamp - obs.timestamp;
        bool stored = period >= _window && period <= _maxAge;
        uint32[] memory secondsAgos = new uint32[](stored ? 1 : 2);
        if (!stored) {
            secondsAgos[0] = _window;
            period = _window;
        }
        (bool ok, int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidity) =
            _observe(src.pool, secondsAgos);
        if (!ok) {
            r.cumulative = _readV3Now(src);
            r.reason = SkipReason.HistoryTooShort;
            return r;
        }
        uint256 last = secondsAgos.length - 1;
        r.cumulative = _packV3(tickCumulatives[last], secondsPerLiquidity[last]);
        (int56 tickThen, uint160 splThen) =
            stored ? _unpackV3(obs.cumulative) : (tickCumulatives[0], secondsPerLiquidity[0]);
        uint160 splDelta;
        // The seconds-per-liquidity accumulator wraps like the pool's (overflow intended).
        unchecked {
            splDelta = secondsPerLiquidity[last] - splThen;
        }
        (r.low, r.liquidity, r.reason) = _v3Average(src, tickCumulatives[last] - tickThen, splDelta, period);
        r.high = r.low;
    }

    /// @dev The pool's current cumulatives, packed (`observe([0])` needs no history). Reverts
    /// `TwapOracle_UnsupportedPool` for a pool that is not an initialised V3 pool.
    function _readV3Now(Source memory src) private view returns (uint224) {
        (bool ok, int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidity) =
            _observe(src.pool, new uint32[](1));
        if (!ok) revert TwapOracle_UnsupportedPool(src.pool);
        return _packV3(tickCumulatives[0], secondsPerLiquidity[0]);
    }

    /// @dev `observe`, or false when the pool reverts (history too short, or not a V3 pool).
    function _observe(address pool, uint32[] memory secondsAgos)
        private
        view
        returns (bool ok, int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidity)
    {
        try IUniswapV3PoolLike(pool).observe(secondsAgos) returns (int56[] memory ticks, uint160[] memory spl) {
            return (true, ticks, spl);
        } catch {
            return (false, tickCumulatives, secondsPerLiquidity);
        }
    }

    /// @dev Price and USD-side virtual reserve from a tick-cumulative and a seconds-per-liquidity delta.
    function _v3Average(Source memory src, int56 tickDelta, uint160 splDelta, uint256 period)
        private
        pure
        returns (uint256 p, uint256 quoteReserve, SkipReason reason)
    {
        int56 span = int56(uint56(period));
        int24 meanTick = int24(tickDelta / span);
        // Round toward negative infinity, as OracleLibrary.consult does.
        // slither-disable-next-line weak-prng (a remainder test for rounding, not randomness)
        if (tickDelta < 0 && (tickDelta % span != 0)) meanTick--;
        uint160 sqrtPriceX96 = TickMath.getSqrtRatioAtTick(meanTick);
        // Harmonic-mean in-range liquidity, as OracleLibrary.consult: period * 2^160 / (splDelta * 2^32).
        // slither-disable-next-line incorrect-equality (no in-range liquidity at all)
        uint256 liquidity = splDelta == 0 ? 0 : (period * type(uint160).max) / (uint256(splDelta) << 32);
        // Virtual reserve of the quote token: L * sqrtP (token1) or L / sqrtP (token0).
        quoteReserve = src.tokenIsToken0
            ? Math.mulDiv(liquidity, sqrtPriceX96, 1 << 96)
            : Math.mulDiv(liquidity, 1 << 96, sqrtPriceX96);
        if (quoteReserve < _floor(src)) return (0, quoteReserve, SkipReason.Thin);
        p = OracleMath.priceAtSqrt(sqrtPriceX96, src.tokenIsToken0, _pow10(src.scaleExponent));
    }

    /// @dev A V3 observation in the 224-bit cumulative field: the int56 tick cumulative's bits above
    /// the uint160 seconds-per-liquidity cumulative.
    function _packV3(int56 tickCumulative, uint160 secondsPerLiquidity) private pure returns (uint224) {
        return uint224((uint256(uint56(tickCumulative)) << 160) | secondsPerLiquidity);
    }

    function _unpackV3(uint224 packed) private pure returns (int56 tickCumulative, uint160 secondsPerLiquidity) {
        return (int56(uint56(packed >> 160)), uint160(packed));
    }

    /// @dev The median of the agreeing sources' means, how many sources agree, and the largest
    /// deviation seen. A source agrees when its interval [low, high] reaches within
    /// `_maxDeviationBps` of the median of all valid sources' means (2n values). With at most half the
    /// sources manipulated for one block, half of those 2n values (the honest sources' means) sit at
    /// the honest price and each manipulated source has one mean that hardly moved (see the
    /// interface), so both medians stay within about block / (2 x period) of the honest price.
    function _agreeingMedian(uint256[] memory lows, uint256[] memory highs, uint256 n)
        private
        view
        returns (uint256 median, uint256 agreeing, uint256 maxDeviation)
    {
        uint256[] memory means = new uint256[](2 * n);
        for (uint256 i; i < n; ++i) {
            means[2 * i] = lows[i];
            means[2 * i + 1] = highs[i];
        }
        OracleMath.sort(means, 2 * n);
        uint256 overall = OracleMath.medianOf(means, 0, 2 * n);
        // slither-disable-next-line incorrect-equality (a zero price agrees with nothing)
        if (overall == 0) return (0, 0, type(uint16).max);
        // The agreeing sources' means overwrite the front of `means` (the loop reads `lows` and `highs`).
        uint256 kept = 0;
        for (uint256 i; i < n; ++i) {
            uint256 d = OracleMath.intervalDeviationBps(lows[i], highs[i], overall);
            if (d > maxDeviation) maxDeviation = d;
            if (d <= _maxDeviationBps) {
                means[kept++] = lows[i];
                means[kept++] = highs[i];
                ++agreeing;
            }
        }
        if (agreeing == 0) return (0, 0, maxDeviation);
        // Every source agreed (the usual round): the agreeing median is the overall one.
        if (agreeing == n) return (overall, agreeing, maxDeviation);
        OracleMath.sort(means, kept);
        median = OracleMath.medianOf(means, 0, kept);
    }
}
