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
/// @dev Gas layout: a billing read touches one slot (`_state`); a skipped update touches that slot
/// only; a round touches `_state` and per source its config and observation slots (`_candidate`
/// only when a round is refused or follows a refused one).
contract TwapOracle is ITwapOracle {
    /// @inheritdoc ITwapOracle
    uint256 public constant MAX_SOURCES = 8;
    /// @inheritdoc ITwapOracle
    uint256 public constant MIN_WINDOW = 30 minutes;
    /// @inheritdoc ITwapOracle
    uint256 public constant MIN_TIMELOCK_DELAY = 1 hours;

    uint256 private constant _BPS = 10_000;
    uint256 private constant _Q112 = 1 << 112;

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

    /// @dev Packed in one slot (128 + 32 + 8 + 8 + 16 + 64 bits): everything a billing read needs.
    PriceState private _state;
    /// @dev The latest refused round's candidate (0 after an accepted round or when there was none).
    uint256 private _candidate;
    /// @dev One slot per source (160 + 8 + 8 + 8 + 8 + 64 bits).
    Source[MAX_SOURCES] private _sources;
    /// @dev One slot per source, at the source's index.
    Observation[MAX_SOURCES] private _observations;
    /// @dev Each source stablecoin, packed in one word: how many sources quote it (bits 8 and up) and
    /// its decimals (bits 0-7). Zero: not a source's stablecoin.
    mapping(address quote => uint256 countAndDecimals) private _quotes;

    modifier onlyTimelock() {
        if (msg.sender != _timelock) revert TwapOracle_NotTimelock(msg.sender);
        _;
    }

    /// @param cfg See `ITwapOracle.Config`.
    constructor(Config memory cfg) {
        if (cfg.token == address(0) || cfg.timelock == address(0)) revert TwapOracle_ZeroAddress();
        uint256 delay = TimelockController(payable(cfg.timelock)).getMinDelay();
        if (delay < MIN_TIMELOCK_DELAY) revert TwapOracle_TimelockDelayTooShort(delay);
        if (cfg.window < MIN_WINDOW) revert TwapOracle_InvalidConfig("window");
        if (cfg.maxAge < cfg.window) revert TwapOracle_InvalidConfig("maxAge");
        if (cfg.minSources == 0 || cfg.minSources > MAX_SOURCES) revert TwapOracle_InvalidConfig("minSources");
        if (cfg.maxDeviationBps == 0 || cfg.maxDeviationBps > _BPS) revert TwapOracle_InvalidConfig("maxDeviationBps");
        if (cfg.maxMoveBps == 0 || cfg.maxMoveBps > _BPS) revert TwapOracle_InvalidConfig("maxMoveBps");
        if (cfg.minPrice == 0 || cfg.minPrice >= cfg.maxPrice) revert TwapOracle_InvalidConfig("bounds");
        _token = cfg.token;
        _timelock = cfg.timelock;
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
        PriceState memory s = _state;
        if (block.timestamp < uint256(s.updatedAt) + _window) return false;

        uint256 count = s.sourceCount;
        uint256[] memory prices = new uint256[](count);
        uint256 valid = 0;
        for (uint256 i; i < count; ++i) {
            Source memory src = _sources[i];
            uint256 p;
            SkipReason reason;
            uint224 cumulative;
            if (src.kind == SourceKind.UniswapV2) {
                (p,, reason, cumulative) = _readV2(src, _observations[i]);
            } else {
                (p,, reason, cumulative) = _readV3(src, _observations[i]);
            }
            // A V2 source that is not ready keeps its first observation until it spans a window.
            if (reason != SkipReason.NotReady) {
                _observations[i] = Observation(cumulative, uint32(block.timestamp));
            }
            // slither-disable-next-line incorrect-equality (an enum comparison, not a balance)
            if (reason == SkipReason.None) {
                prices[valid++] = p;
            } else {
                emit SourceSkipped(src.pool, reason);
            }
        }

        uint256 accepted = s.price;
        uint256 median = 0;
        Status status = Status.Ok;
        uint256 detail = 0;
        uint256 sources = valid;
        if (valid < _minSources) {
            status = Status.TooFewSources;
        } else {
            (median, sources, detail) = _agreeingMedian(prices, valid);
            if (sources < _minSources) {
                status = Status.SourcesDiverge;
                median = 0;
            } else if (median < _minPrice || median > _maxPrice) {
                status = Status.PriceOutOfBounds;
            } else if (accepted != 0) {
                uint256 move = OracleMath.deviationBps(median, accepted);
                if (move > _maxMoveBps) {
                    // A large move is accepted once two consecutive rounds agree on it. The previous
                    // candidate is 0 after an accepted round (it was `accepted`, which is too far).
                    uint256 previous = _candidate;
                    if (previous == 0 || OracleMath.deviationBps(median, previous) > _maxMoveBps) {
                        status = Status.MoveTooLarge;
                        detail = move;
                    }
                }
            }
        }
        if (status == Status.Ok) accepted = median;

        // Cannot overflow: one increment per round, at most one round per 30 minutes (2^32 rounds
        // take 245,000 years).
        unchecked {
            s.roundId += 1;
        }
        _state = PriceState({
            // accepted <= _maxPrice (a uint128) whenever it was set from a median.
            price: uint128(accepted),
            updatedAt: uint32(block.timestamp),
            status: status,
            sources: uint8(sources),
            detailBps: uint16(Math.min(detail, type(uint16).max)),
            roundId: s.roundId,
            sourceCount: s.sourceCount
        });
        // A refused candidate is kept for confirmation and for error reports. After an accepted round
        // it equals the price and 0 is stored, so two accepted rounds in a row need no write at all.
        if (status != Status.Ok || s.status != Status.Ok) _candidate = status == Status.Ok ? 0 : median;
        emit PriceUpdated(s.roundId, status, median, accepted, sources);
        return true;
    }

    /// @inheritdoc ITwapOracle
    function updateDue() external view returns (bool) {
        return block.timestamp >= uint256(_state.updatedAt) + _window;
    }

    /// @inheritdoc ITwapOracle
    function nextUpdateAt() external view returns (uint256) {
        return uint256(_state.updatedAt) + _window;
    }

    /// @inheritdoc ITwapOracle
    function state() external view returns (PriceState memory) {
        return _state;
    }

    /// @inheritdoc ITwapOracle
    function candidate() external view returns (uint256) {
        // slither-disable-next-line incorrect-equality (an enum comparison, not a balance)
        return _state.status == Status.Ok ? _state.price : _candidate;
    }

    // ------------------------------------------------------------------ billing reads

    /// @inheritdoc ITwapOracle
    function price() public view returns (uint256) {
        (uint256 p,,) = _usablePrice();
        return p;
    }

    /// @inheritdoc ITwapOracle
    function usdToToken(uint256 amountUsd) external view returns (uint256) {
        (uint256 p,,) = _usablePrice();
        return OracleMath.usdToToken(amountUsd, p, _tokenUnit);
    }

    /// @inheritdoc ITwapOracle
    function tokenToUsd(uint256 amount) external view returns (uint256) {
        (uint256 p,,) = _usablePrice();
        return OracleMath.tokenToUsd(amount, p, _tokenUnit);
    }

    /// @inheritdoc IPriceSource
    function tokenToUsd(address token, uint256 amount) external view returns (uint256) {
        if (token == _token) {
            (uint256 p,,) = _usablePrice();
            return OracleMath.tokenToUsd(amount, p, _tokenUnit);
        }
        return Math.mulDiv(amount, 1e18, 10 ** _quoteDecimals(token));
    }

    /// @inheritdoc IPriceSource
    function usdToToken(address token, uint256 usd) external view returns (uint256) {
        if (token == _token) {
            (uint256 p,,) = _usablePrice();
            return OracleMath.usdToToken(usd, p, _tokenUnit);
        }
        return Math.mulDiv(usd, 10 ** _quoteDecimals(token), 1e18, Math.Rounding.Ceil);
    }

    /// @inheritdoc ITwapOracle
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        (uint256 p, uint256 updatedAt, uint256 roundId) = _usablePrice();
        // p <= _maxPrice < 2^128 fits an int256; roundId is a uint32 and fits a uint80.
        return (uint80(roundId), int256(p), updatedAt, updatedAt, uint80(roundId));
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
        return _state.sourceCount;
    }

    /// @inheritdoc ITwapOracle
    function source(uint256 index) external view returns (Source memory) {
        return _sourceAt(index);
    }

    /// @inheritdoc ITwapOracle
    function sourceQuote(uint256 index)
        public
        view
        returns (uint256 price_, uint256 quoteLiquidity, SkipReason reason)
    {
        Source memory src = _sourceAt(index);
        if (src.kind == SourceKind.UniswapV2) {
            (price_, quoteLiquidity, reason,) = _readV2(src, _observations[index]);
        } else {
            (price_, quoteLiquidity, reason,) = _readV3(src, _observations[index]);
        }
        if (reason != SkipReason.None) price_ = 0;
    }

    /// @inheritdoc ITwapOracle
    function sourcePrice(uint256 index) external view returns (uint256) {
        (uint256 p, uint256 liquidity, SkipReason reason) = sourceQuote(index);
        address pool = _sources[index].pool;
        // Enum comparisons, not balances:
        // slither-disable-next-line incorrect-equality
        if (reason == SkipReason.HistoryTooShort) revert TwapOracle_HistoryTooShort(pool, _window);
        // slither-disable-next-line incorrect-equality
        if (reason == SkipReason.Thin) revert TwapOracle_ThinSource(pool, liquidity, _floor(_sources[index]));
        // slither-disable-next-line incorrect-equality
        if (reason == SkipReason.NotReady) revert TwapOracle_SourceNotReady(pool);
        // slither-disable-next-line incorrect-equality
        if (reason == SkipReason.Stale) revert TwapOracle_StaleSource(pool);
        return p;
    }

    /// @inheritdoc ITwapOracle
    function addSource(address pool, SourceKind kind, uint64 minQuoteLiquidity) external onlyTimelock {
        uint256 count = _state.sourceCount;
        if (count == MAX_SOURCES) revert TwapOracle_TooManySources();
        for (uint256 i; i < count; ++i) {
            if (_sources[i].pool == pool) revert TwapOracle_DuplicateSource(pool);
        }
        address token0 = IUniswapV2PairLike(pool).token0();
        address token1 = IUniswapV2PairLike(pool).token1();
        bool tokenIsToken0 = token0 == _token;
        if (!tokenIsToken0 && token1 != _token) revert TwapOracle_UnsupportedPool(pool);
        uint8 quoteDecimals = IERC20Metadata(tokenIsToken0 ? token1 : token0).decimals();
        if (quoteDecimals > 18 + uint256(_tokenDecimals) || quoteDecimals > 36) {
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
        _sources[count] = src;
        address quote = tokenIsToken0 ? token1 : token0;
        // Adds one to the count above the 8 decimal bits (at most MAX_SOURCES, so no overflow).
        _quotes[quote] = (((_quotes[quote] >> 8) + 1) << 8) | quoteDecimals;
        (,,, uint224 cumulative) = kind == SourceKind.UniswapV2 ? _readV2(src, Observation(0, 0)) : _readV3Now(src);
        _observations[count] = Observation(cumulative, uint32(block.timestamp));
        _state.sourceCount = uint8(count + 1);
        emit SourceAdded(pool, kind, minQuoteLiquidity);
    }

    /// @inheritdoc ITwapOracle
    function removeSource(address pool) external onlyTimelock {
        uint256 last = _state.sourceCount;
        for (uint256 i; i < last; ++i) {
            if (_sources[i].pool == pool) {
                // Cannot underflow: the loop ran, so last >= 1.
                unchecked {
                    --last;
                }
                _forgetQuote(_sources[i]);
                _sources[i] = _sources[last];
                _observations[i] = _observations[last];
                delete _sources[last];
                delete _observations[last];
                _state.sourceCount = uint8(last);
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

    /// @dev The accepted price and its round, or the named revert. Reads the one `_state` slot.
    function _usablePrice() private view returns (uint256 p, uint256 updatedAt, uint256 roundId) {
        PriceState storage s = _state;
        (p, updatedAt, roundId) = (s.price, s.updatedAt, s.roundId);
        if (s.status != Status.Ok) _revertStatus(_state);
        if (block.timestamp > updatedAt + _maxAge) revert TwapOracle_StalePrice(updatedAt, _maxAge);
    }

    function _revertStatus(PriceState storage s) private view {
        if (s.status == Status.None) revert TwapOracle_NoPrice();
        if (s.status == Status.TooFewSources) revert TwapOracle_TooFewSources(s.sources, _minSources);
        if (s.status == Status.SourcesDiverge) revert TwapOracle_SourcesDiverge(s.sources, _minSources, s.detailBps);
        if (s.status == Status.PriceOutOfBounds) revert TwapOracle_PriceOutOfBounds(_candidate, _minPrice, _maxPrice);
        revert TwapOracle_MoveTooLarge(_candidate, s.detailBps, _maxMoveBps);
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

    function _sourceAt(uint256 index) private view returns (Source memory) {
        if (index >= _state.sourceCount) revert TwapOracle_NoSuchSource(index);
        return _sources[index];
    }

    /// @dev The liquidity floor in stablecoin base units.
    function _floor(Source memory src) private pure returns (uint256) {
        return uint256(src.minQuoteLiquidity) * 10 ** src.quoteDecimals;
    }

    /// @dev A V2 pair's average price since `obs`, its stablecoin reserve, why it gives none, and its
    /// current price cumulative (the token's side, modulo 2^224) for the next observation.
    function _readV2(Source memory src, Observation memory obs)
        private
        view
        returns (uint256 p, uint256 quoteReserve, SkipReason reason, uint224 cumulative)
    {
        uint256 tokenReserve;
        (cumulative, tokenReserve, quoteReserve) = _currentCumulative(src);
        uint256 period = block.timestamp - obs.timestamp;
        if (period > _maxAge) return (0, quoteReserve, SkipReason.Stale, cumulative);
        // slither-disable-next-line incorrect-equality (an empty pair has no price)
        if (quoteReserve < _floor(src) || tokenReserve == 0) return (0, quoteReserve, SkipReason.Thin, cumulative);
        // A source added less than a window ago (addSource records its first observation).
        if (period < _window) return (0, quoteReserve, SkipReason.NotReady, cumulative);
        uint256 averageX112;
        // Differences of cumulatives modulo 2^224 are exact: a window's sum of UQ112x112 prices is far
        // below 2^224 (it would need a price above 2^80 quote units per token unit for a day).
        unchecked {
            // slither-disable-next-line divide-before-multiply (see below)
            averageX112 = uint256(cumulative - obs.cumulative) / period;
        }
        uint256 scale = 10 ** src.scaleExponent;
        // Dividing the cumulative difference by the period first is how a UQ112x112 average is taken
        // (UniswapV2 ExampleOracleSimple); the truncation is below 2^-112 of a quote unit per token unit.
        // slither-disable-next-line incorrect-equality
        if ((averageX112 | scale) >> 128 == 0) {
            // Both factors are below 2^128, so the product fits 256 bits.
            unchecked {
                // slither-disable-next-line divide-before-multiply
                p = (averageX112 * scale) >> 112;
            }
        } else {
            p = Math.mulDiv(averageX112, scale, _Q112);
        }
    }

    /// @dev The pair's price cumulative of the token (quote per token, UQ112x112 x seconds) extended to
    /// now, as UniswapV2OracleLibrary.currentCumulativePrices, and its current reserves.
    function _currentCumulative(Source memory src)
        private
        view
        returns (uint224 cumulative, uint256 tokenReserve, uint256 quoteReserve)
    {
        IUniswapV2PairLike pair = IUniswapV2PairLike(src.pool);
        (uint112 reserve0, uint112 reserve1, uint32 lastTrade) = pair.getReserves();
        (tokenReserve, quoteReserve) =
            src.tokenIsToken0 ? (uint256(reserve0), uint256(reserve1)) : (uint256(reserve1), uint256(reserve0));
        uint256 cumulativeNow = src.tokenIsToken0 ? pair.price0CumulativeLast() : pair.price1CumulativeLast();
        // Overflow is intended: cumulatives wrap and only differences are used, and uint32 time wraps
        // the same way the pair's does.
        unchecked {
            uint32 elapsed = uint32(block.timestamp) - lastTrade;
            if (elapsed != 0 && tokenReserve != 0) {
                // As the pair itself accumulates: a UQ112x112 price (a division) times seconds.
                // slither-disable-next-line divide-before-multiply
                cumulativeNow += ((quoteReserve << 112) / tokenReserve) * elapsed;
            }
        }
        cumulative = uint224(cumulativeNow);
    }

    /// @dev A V3 pool's geometric-mean price, its USD-side virtual reserve (from the harmonic-mean
    /// in-range liquidity), why it gives none, and its current cumulatives packed for the next
    /// observation. In the steady state the average runs from the previous round's observation to now
    /// and costs one cheap `observe([0])`; a source without a usable observation (just added, or
    /// keepers stopped for longer than `maxAge`) uses the pool's own history over `window` instead,
    /// which must reach that far back (`HistoryTooShort` otherwise).
    function _readV3(Source memory src, Observation memory obs)
        private
        view
        returns (uint256 p, uint256 quoteReserve, SkipReason reason, uint224 packedNow)
    {
        uint256 period = block.timestamp - obs.timestamp;
        bool stored = period >= _window && period <= _maxAge;
        uint32[] memory secondsAgos = new uint32[](stored ? 1 : 2);
        if (!stored) {
            secondsAgos[0] = _window;
            period = _window;
        }
        try IUniswapV3PoolLike(src.pool).observe(secondsAgos) returns (
            int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidity
        ) {
            uint256 last = secondsAgos.length - 1;
            packedNow = _packV3(tickCumulatives[last], secondsPerLiquidity[last]);
            (int56 tickThen, uint160 splThen) =
                stored ? _unpackV3(obs.cumulative) : (tickCumulatives[0], secondsPerLiquidity[0]);
            uint160 splDelta;
            // The seconds-per-liquidity accumulator wraps like the pool's (overflow intended).
            unchecked {
                splDelta = secondsPerLiquidity[last] - splThen;
            }
            (p, quoteReserve, reason) = _v3Average(src, tickCumulatives[last] - tickThen, splDelta, period);
        } catch {
            (,,, packedNow) = _readV3Now(src);
            reason = SkipReason.HistoryTooShort;
        }
    }

    /// @dev The pool's current cumulatives, packed (`observe([0])` needs no history). Reverts
    /// `TwapOracle_UnsupportedPool` for a pool that is not an initialised V3 pool.
    function _readV3Now(Source memory src) private view returns (uint256, uint256, SkipReason, uint224) {
        uint32[] memory now_ = new uint32[](1);
        try IUniswapV3PoolLike(src.pool).observe(now_) returns (
            int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidity
        ) {
            return (0, 0, SkipReason.None, _packV3(tickCumulatives[0], secondsPerLiquidity[0]));
        } catch {
            revert TwapOracle_UnsupportedPool(src.pool);
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
        p = OracleMath.priceAtSqrt(sqrtPriceX96, src.tokenIsToken0, 10 ** src.scaleExponent);
    }

    /// @dev A V3 observation in the 224-bit cumulative field: the int56 tick cumulative's bits above
    /// the uint160 seconds-per-liquidity cumulative.
    function _packV3(int56 tickCumulative, uint160 secondsPerLiquidity) private pure returns (uint224) {
        return uint224((uint256(uint56(tickCumulative)) << 160) | secondsPerLiquidity);
    }

    function _unpackV3(uint224 packed) private pure returns (int56 tickCumulative, uint160 secondsPerLiquidity) {
        return (int56(uint56(packed >> 160)), uint160(packed));
    }

    /// @dev Sorts `prices[0:n]`, then returns the median of the sources within `_maxDeviationBps` of
    /// the overall median, how many those are, and the largest deviation seen.
    function _agreeingMedian(uint256[] memory prices, uint256 n)
        private
        view
        returns (uint256 median, uint256 agreeing, uint256 maxDeviation)
    {
        OracleMath.sort(prices, n);
        uint256 overall = OracleMath.medianOf(prices, 0, n);
        uint256 lo = n;
        uint256 hi = 0;
        for (uint256 i; i < n; ++i) {
            uint256 d = OracleMath.deviationBps(prices[i], overall);
            if (d > maxDeviation) maxDeviation = d;
            if (d <= _maxDeviationBps) {
                if (lo == n) lo = i;
                hi = i + 1;
            }
        }
        // The agreeing prices form a contiguous run of the sorted array around the median.
        if (lo == n) return (0, 0, maxDeviation);
        agreeing = hi - lo;
        median = OracleMath.medianOf(prices, lo, hi);
    }
}
