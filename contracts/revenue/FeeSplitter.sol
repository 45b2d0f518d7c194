// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IFeeSplitter} from "../interfaces/IFeeSplitter.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {ISynorStaking} from "../interfaces/ISynorStaking.sol";
import {ISynorToken} from "../interfaces/ISynorToken.sol";
import {IUniswapV2Factory} from "../interfaces/external/IUniswapV2Factory.sol";
import {IUniswapV2Pair} from "../interfaces/external/IUniswapV2Pair.sol";
import {RewardAccumulator} from "./lib/RewardAccumulator.sol";

/// @title FeeSplitter
/// @notice Splits every payment per the seed's schedules and holds the parts until their owners pull them.
/// @dev Roles: DEFAULT_ADMIN_ROLE (two-step transfer with delay; a timelock in production) accepts tokens,
/// sets pairs, price source, slippage and recovers stray tokens; WEIGHT_MANAGER_ROLE sets operator and
/// validator weights; KEEPER_ROLE runs buy-backs. Splits, claims, releases and SYNOR burns are open.
contract FeeSplitter is IFeeSplitter, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using RewardAccumulator for RewardAccumulator.State;

    uint256 private constant _BPS = 10_000;

    /// @inheritdoc IFeeSplitter
    uint256 public constant MAX_TOKENS = 8;
    /// @inheritdoc IFeeSplitter
    uint256 public constant MAX_SLIPPAGE_BPS = 5_000;
    /// @inheritdoc IFeeSplitter
    bytes32 public constant WEIGHT_MANAGER_ROLE = keccak256("WEIGHT_MANAGER_ROLE");
    /// @inheritdoc IFeeSplitter
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");

    /// @dev One token's books. Amounts are uint128: SafeCast bounds every payment, and checked
    /// arithmetic reverts before any sum could wrap. Slots 0 and 1 are the only ones a service split
    /// writes, so routing a held payment costs two storage writes.
    struct Ledger {
        // slot 0
        uint128 accounted;
        uint128 treasuryAccrued;
        // slot 1
        uint128 burnAccrued;
        uint128 operatorPoolAccrued;
        // slot 2
        uint128 stakersAccrued;
        uint128 communityAccrued;
        // slot 3
        uint128 validatorPoolAccrued;
        uint128 burned;
        // slot 4
        uint128 treasuryPaid;
        uint128 communityPaid;
        // slot 5
        uint128 stakersPaid;
        uint128 operatorsAttributed;
        // slot 6
        uint128 membersPaid;
    }

    /// @dev Packed in one slot: the buy-back pair (20 bytes) and the acceptance flag (1 byte).
    struct TokenConfig {
        address pair;
        bool accepted;
    }

    /// @dev An operator's or validator's balance of one token, packed in one slot (both < 2^128).
    struct Account {
        uint128 owed;
        uint128 claimed;
    }

    /// @dev One token's accumulator in a weighted set (see RewardAccumulator for its rounding).
    struct PoolToken {
        RewardAccumulator.State acc;
        uint256 folded; // pool accrual already credited to the accumulator
        mapping(address member => uint256) perWeightPaid;
    }

    /// @dev A weighted set of recipients: the operators serving the factory, or the validators.
    struct Pool {
        uint256 totalWeight;
        mapping(address member => uint256) weight;
        mapping(address token => PoolToken) tokens;
    }

    ISynorToken private immutable _synor;
    address private immutable _treasury;
    address private immutable _communityPool;
    address private immutable _staking;
    IUniswapV2Factory private immutable _uniswapV2Factory;

    uint16 private immutable _serviceOperatorsBps;
    uint16 private immutable _serviceTreasuryBps;
    uint16 private immutable _serviceBurnBps;
    uint16 private immutable _txBurnBps;
    uint16 private immutable _txStakersBps;
    uint16 private immutable _txCommunityBps;
    uint16 private immutable _txValidatorsBps;

    address[] private _acceptedTokens;
    mapping(address token => TokenConfig) private _config;
    mapping(address token => Ledger) private _ledgers;
    mapping(address token => mapping(address account => Account)) private _accounts;
    Pool private _operators;
    Pool private _validators;
    IPriceSource private _priceSource;
    uint256 private _maxSlippageBps;

    /// @param synor_ The SYNOR token; accepted from the start, its burn share is burned directly.
    /// @param treasury_ Receives the treasury share of service fees.
    /// @param communityPool_ Receives the community-pool share of transaction fees.
    /// @param staking_ The staking contract the stakers' share is released to.
    /// @param uniswapV2Factory_ The canonical Uniswap V2 factory: only its pairs may be buy-back pairs.
    /// @param service The service-fee schedule (70 / 20 / 10 in the seed).
    /// @param transaction The transaction-fee schedule (10 / 60 / 20 / 10 in the seed).
    /// @param maxSlippageBps_ The buy-back slippage bound.
    /// @param adminDelay Delay of a two-step admin transfer.
    /// @param admin The admin; a timelock in production.
    constructor(
        ISynorToken synor_,
        address treasury_,
        address communityPool_,
        address staking_,
        IUniswapV2Factory uniswapV2Factory_,
        ServiceShares memory service,
        TransactionShares memory transaction,
        uint256 maxSlippageBps_,
        uint48 adminDelay,
        address admin
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (
            address(synor_) == address(0) || treasury_ == address(0) || communityPool_ == address(0)
                || staking_ == address(0) || address(uniswapV2Factory_) == address(0)
        ) revert FeeSplitter_ZeroAddress();
        // Each fixed recipient is paid through its own bucket: an address holding two roles could claim
        // only one of them (`_claim`), while `claimable` reported both.
        if (treasury_ == communityPool_ || treasury_ == staking_) revert FeeSplitter_DuplicateRecipient(treasury_);
        if (communityPool_ == staking_) revert FeeSplitter_DuplicateRecipient(communityPool_);
        if (uint256(service.operatorsBps) + service.treasuryBps + service.burnBps != _BPS) {
            revert FeeSplitter_BadShares();
        }
        if (
            uint256(transaction.burnBps) + transaction.stakersBps + transaction.communityBps
                + transaction.validatorsBps != _BPS
        ) revert FeeSplitter_BadShares();
        if (maxSlippageBps_ > MAX_SLIPPAGE_BPS) revert FeeSplitter_SlippageOutOfRange(maxSlippageBps_);
        _synor = synor_;
        _treasury = treasury_;
        _communityPool = communityPool_;
        _staking = staking_;
        _uniswapV2Factory = uniswapV2Factory_;
        _serviceOperatorsBps = service.operatorsBps;
        _serviceTreasuryBps = service.treasuryBps;
        _serviceBurnBps = service.burnBps;
        _txBurnBps = transaction.burnBps;
        _txStakersBps = transaction.stakersBps;
        _txCommunityBps = transaction.communityBps;
        _txValidatorsBps = transaction.validatorsBps;
        _maxSlippageBps = maxSlippageBps_;
        _accept(address(synor_), address(0));
        emit MaxSlippageSet(maxSlippageBps_);
    }

    // ------------------------------------------------------------------ configuration views

    /// @inheritdoc IFeeSplitter
    function synor() external view returns (address) {
        return address(_synor);
    }

    /// @inheritdoc IFeeSplitter
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IFeeSplitter
    function communityPool() external view returns (address) {
        return _communityPool;
    }

    /// @inheritdoc IFeeSplitter
    function staking() external view returns (address) {
        return _staking;
    }

    /// @inheritdoc IFeeSplitter
    function uniswapV2Factory() external view returns (address) {
        return address(_uniswapV2Factory);
    }

    /// @inheritdoc IFeeSplitter
    function serviceShares() external view returns (ServiceShares memory) {
        return ServiceShares(_serviceOperatorsBps, _serviceTreasuryBps, _serviceBurnBps);
    }

    /// @inheritdoc IFeeSplitter
    function transactionShares() external view returns (TransactionShares memory) {
        return TransactionShares(_txBurnBps, _txStakersBps, _txCommunityBps, _txValidatorsBps);
    }

    /// @inheritdoc IFeeSplitter
    function acceptedTokens() external view returns (address[] memory) {
        return _acceptedTokens;
    }

    /// @inheritdoc IFeeSplitter
    function isAccepted(address token) external view returns (bool) {
        return _config[token].accepted;
    }

    /// @inheritdoc IFeeSplitter
    function buyBackPair(address token) external view returns (address) {
        return _config[token].pair;
    }

    /// @inheritdoc IFeeSplitter
    function priceSource() external view returns (IPriceSource) {
        return _priceSource;
    }

    /// @inheritdoc IFeeSplitter
    function maxSlippageBps() external view returns (uint256) {
        return _maxSlippageBps;
    }

    // ------------------------------------------------------------------ books

    /// @inheritdoc IFeeSplitter
    function book(address token) external view returns (Book memory b) {
        Ledger storage l = _ledgers[token];
        b.accounted = l.accounted;
        b.treasuryAccrued = l.treasuryAccrued;
        b.treasuryPaid = l.treasuryPaid;
        b.communityAccrued = l.communityAccrued;
        b.communityPaid = l.communityPaid;
        b.stakersAccrued = l.stakersAccrued;
        b.stakersPaid = l.stakersPaid;
        b.operatorsAttributed = l.operatorsAttributed;
        b.operatorPoolAccrued = l.operatorPoolAccrued;
        b.validatorPoolAccrued = l.validatorPoolAccrued;
        b.membersPaid = l.membersPaid;
        b.burnAccrued = l.burnAccrued;
        b.burned = l.burned;
    }

    /// @inheritdoc IFeeSplitter
    function unaccounted(address token) public view returns (uint256) {
        uint256 held = IERC20(token).balanceOf(address(this));
        uint256 accounted = _ledgers[token].accounted;
        return held > accounted ? held - accounted : 0;
    }

    /// @inheritdoc IFeeSplitter
    function pendingBurn(address token) public view returns (uint256) {
        Ledger storage l = _ledgers[token];
        return l.burnAccrued - l.burned;
    }

    /// @inheritdoc IFeeSplitter
    function claimable(address token, address account) external view returns (uint256 amount) {
        Ledger storage l = _ledgers[token];
        if (account == _treasury) amount += l.treasuryAccrued - l.treasuryPaid;
        if (account == _communityPool) amount += l.communityAccrued - l.communityPaid;
        amount += _accounts[token][account].owed;
        amount += _pendingOf(_operators, token, account, l.operatorPoolAccrued);
        amount += _pendingOf(_validators, token, account, l.validatorPoolAccrued);
    }

    /// @inheritdoc IFeeSplitter
    function claimed(address token, address account) external view returns (uint256 amount) {
        Ledger storage l = _ledgers[token];
        if (account == _treasury) amount += l.treasuryPaid;
        if (account == _communityPool) amount += l.communityPaid;
        if (account == _staking) amount += l.stakersPaid;
        amount += _accounts[token][account].claimed;
    }

    /// @inheritdoc IFeeSplitter
    function operatorWeight(address operator) external view returns (uint256) {
        return _operators.weight[operator];
    }

    /// @inheritdoc IFeeSplitter
    function totalOperatorWeight() external view returns (uint256) {
        return _operators.totalWeight;
    }

    /// @inheritdoc IFeeSplitter
    function validatorWeight(address validator) external view returns (uint256) {
        return _validators.weight[validator];
    }

    /// @inheritdoc IFeeSplitter
    function totalValidatorWeight() external view returns (uint256) {
        return _validators.totalWeight;
    }

    // ------------------------------------------------------------------ revenue in

    /// @inheritdoc IFeeSplitter
    function split(address token) external nonReentrant returns (uint256 amount) {
        if (!_config[token].accepted) revert FeeSplitter_TokenNotAccepted(token);
        amount = unaccounted(token);
        if (amount != 0) _splitService(token, address(0), address(0), amount);
    }

    /// @inheritdoc IFeeSplitter
    function distribute(address token, uint256 amount, address operator) external nonReentrant {
        if (operator != address(0)) _checkMember(operator);
        _splitService(token, msg.sender, operator, _pull(token, amount));
    }

    /// @inheritdoc IFeeSplitter
    function distributeTransactionFees(address token, uint256 amount) external nonReentrant {
        uint256 received = _pull(token, amount);
        uint128 a = SafeCast.toUint128(received);
        // Each share is rounded down; the stakers (remainder bucket) get the rest, so the parts sum to `a`.
        uint128 burnShare = uint128(uint256(a) * _txBurnBps / _BPS);
        uint128 community = uint128(uint256(a) * _txCommunityBps / _BPS);
        uint128 validators = uint128(uint256(a) * _txValidatorsBps / _BPS);
        uint128 stakers = a - burnShare - community - validators;
        Ledger storage l = _ledgers[token];
        l.accounted += a;
        l.burnAccrued += burnShare;
        l.stakersAccrued += stakers;
        l.communityAccrued += community;
        l.validatorPoolAccrued += validators;
        emit TransactionFeesSplit(token, msg.sender, received, burnShare, stakers, community, validators);
        // The stakers' share reaches staking as it accrues, so no backlog waits for a newcomer to capture;
        // staking streams it out from now. It waits here for `releaseToStaking` only when staking does not
        // list the token or the token refuses the transfer (e.g. it blacklisted the staking contract): the
        // fees of a misbehaving token are never blocked by their stakers' share.
        if (stakers != 0 && ISynorStaking(_staking).isRewardToken(token)) {
            l.stakersPaid += stakers;
            l.accounted -= stakers;
            if (IERC20(token).trySafeTransfer(_staking, stakers)) {
                _notifyStaking(token, stakers);
            } else {
                // Undo: the share stays held here. Safe after the call: every entry point is nonReentrant.
                l.stakersPaid -= stakers;
                l.accounted += stakers;
            }
        }
    }

    // ------------------------------------------------------------------ revenue out

    /// @inheritdoc IFeeSplitter
    function claim(address token) external nonReentrant returns (uint256 amount) {
        return _claim(token, msg.sender);
    }

    /// @inheritdoc IFeeSplitter
    function claimTo(address token, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert FeeSplitter_ZeroAddress();
        return _claim(token, to);
    }

    /// @inheritdoc IFeeSplitter
    function releaseToStaking(address token) external nonReentrant returns (uint256 amount) {
        if (!_config[token].accepted) revert FeeSplitter_TokenNotAccepted(token);
        Ledger storage l = _ledgers[token];
        uint128 due = l.stakersAccrued - l.stakersPaid;
        if (due == 0) return 0;
        if (!ISynorStaking(_staking).isRewardToken(token)) revert FeeSplitter_NotStakingReward(token);
        l.stakersPaid += due;
        l.accounted -= due;
        IERC20(token).safeTransfer(_staking, due);
        _notifyStaking(token, due);
        return due;
    }

    /// @inheritdoc IFeeSplitter
    function burn() external nonReentrant returns (uint256 amount) {
        Ledger storage l = _ledgers[address(_synor)];
        uint128 due = l.burnAccrued - l.burned;
        if (due == 0) return 0;
        l.burned += due;
        l.accounted -= due;
        _synor.burn(due);
        emit Burned(due);
        return due;
    }

    /// @inheritdoc IFeeSplitter
    function buyBack(address token, uint256 amountIn, uint256 minSynorOut)
        external
        nonReentrant
        onlyRole(KEEPER_ROLE)
        returns (uint256 synorBurned)
    {
        TokenConfig memory config = _config[token];
        if (!config.accepted) revert FeeSplitter_TokenNotAccepted(token);
        if (config.pair == address(0)) revert FeeSplitter_NoBuyBackPair(token);
        Ledger storage l = _ledgers[token];
        uint256 available = l.burnAccrued - l.burned;
        if (amountIn == 0) amountIn = available;
        if (amountIn == 0) revert FeeSplitter_ZeroAmount();
        if (amountIn > available) revert FeeSplitter_InsufficientBurnShare(amountIn, available);

        // Effects before the swap: amountIn <= available < 2^128.
        l.burned += uint128(amountIn);
        l.accounted -= uint128(amountIn);

        IERC20(token).safeTransfer(config.pair, amountIn);
        synorBurned = _swapForSynor(token, IUniswapV2Pair(config.pair), minSynorOut);
        _synor.burn(synorBurned);
        emit BoughtBackAndBurned(token, amountIn, synorBurned);
    }

    // ------------------------------------------------------------------ administration

    /// @inheritdoc IFeeSplitter
    function setOperatorWeight(address operator, uint256 weight) external onlyRole(WEIGHT_MANAGER_ROLE) {
        _setWeight(_operators, operator, weight, true);
        emit OperatorWeightSet(operator, weight);
    }

    /// @inheritdoc IFeeSplitter
    function setValidatorWeight(address validator, uint256 weight) external onlyRole(WEIGHT_MANAGER_ROLE) {
        _setWeight(_validators, validator, weight, false);
        emit ValidatorWeightSet(validator, weight);
    }

    /// @inheritdoc IFeeSplitter
    function acceptToken(address token, address pair) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert FeeSplitter_ZeroAddress();
        if (_config[token].accepted) revert FeeSplitter_TokenAlreadyAccepted(token);
        if (_acceptedTokens.length >= MAX_TOKENS) revert FeeSplitter_TooManyTokens();
        _checkPair(token, pair);
        _accept(token, pair);
    }

    /// @inheritdoc IFeeSplitter
    function setBuyBackPair(address token, address pair) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_config[token].accepted) revert FeeSplitter_TokenNotAccepted(token);
        _checkPair(token, pair);
        _config[token].pair = pair;
        emit BuyBackPairSet(token, pair);
    }

    /// @inheritdoc IFeeSplitter
    function setPriceSource(IPriceSource source) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _priceSource = source;
        emit PriceSourceSet(address(source));
    }

    /// @inheritdoc IFeeSplitter
    function setMaxSlippageBps(uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps > MAX_SLIPPAGE_BPS) revert FeeSplitter_SlippageOutOfRange(bps);
        _maxSlippageBps = bps;
        emit MaxSlippageSet(bps);
    }

    /// @inheritdoc IFeeSplitter
    function recover(address token, address to) external nonReentrant onlyRole(DEFAULT_ADMIN_ROLE) {
        if (to == address(0)) revert FeeSplitter_ZeroAddress();
        if (_config[token].accepted) revert FeeSplitter_CannotRecoverRevenue(token);
        uint256 amount = IERC20(token).balanceOf(address(this));
        emit Recovered(token, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Pulls `amount` of an accepted token from the caller; returns what actually arrived.
    function _pull(address token, uint256 amount) private returns (uint256 received) {
        if (!_config[token].accepted) revert FeeSplitter_TokenNotAccepted(token);
        if (amount == 0) revert FeeSplitter_ZeroAmount();
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        received = IERC20(token).balanceOf(address(this)) - before;
    }

    function _splitService(address token, address payer, address operator, uint256 amount) private {
        uint128 a = SafeCast.toUint128(amount);
        // Treasury and burn are rounded down; operators (remainder bucket) get the rest: parts sum to `a`.
        uint128 treasuryShare = uint128(uint256(a) * _serviceTreasuryBps / _BPS);
        uint128 burnShare = uint128(uint256(a) * _serviceBurnBps / _BPS);
        uint128 operators = a - treasuryShare - burnShare;
        Ledger storage l = _ledgers[token];
        l.accounted += a;
        l.treasuryAccrued += treasuryShare;
        l.burnAccrued += burnShare;
        if (operator == address(0)) {
            l.operatorPoolAccrued += operators;
        } else {
            l.operatorsAttributed += operators;
            _accounts[token][operator].owed += operators;
        }
        emit ServiceRevenueSplit(token, payer, operator, amount, operators, treasuryShare, burnShare);
    }

    /// @dev A token never accepted has an empty ledger, so claiming it pays nothing. The treasury and the
    /// community pool cannot be set members (`_setWeight`), so their claims skip the member lookups.
    function _claim(address token, address to) private returns (uint256 amount) {
        address account = msg.sender;
        Ledger storage l = _ledgers[token];
        if (account == _treasury || account == _communityPool) {
            uint128 due;
            if (account == _treasury) {
                due = l.treasuryAccrued - l.treasuryPaid;
                l.treasuryPaid += due;
            } else {
                due = l.communityAccrued - l.communityPaid;
                l.communityPaid += due;
            }
            return _pay(l, token, account, to, due);
        }
        Account storage acct = _accounts[token][account];
        uint256 owed = acct.owed;
        if (_operators.weight[account] != 0) owed += _settle(_operators, token, account, l.operatorPoolAccrued);
        if (_validators.weight[account] != 0) owed += _settle(_validators, token, account, l.validatorPoolAccrued);
        if (owed != 0) {
            // owed <= the pools' and attributed accruals, all < 2^128.
            uint128 owed128 = uint128(owed);
            acct.owed = 0;
            acct.claimed += owed128;
            l.membersPaid += owed128;
        }
        return _pay(l, token, account, to, owed);
    }

    function _pay(Ledger storage l, address token, address account, address to, uint256 amount)
        private
        returns (uint256)
    {
        if (amount == 0) return 0;
        // amount is part of what was accounted, < 2^128.
        l.accounted -= uint128(amount);
        emit Claimed(token, account, to, amount);
        IERC20(token).safeTransfer(to, amount);
        return amount;
    }

    /// @dev After sending `amount` of the stakers' share to staking: staking adds what arrived to its stream.
    function _notifyStaking(address token, uint256 amount) private {
        emit StakerRewardsReleased(token, amount);
        // What arrived (less any transfer fee) is counted by staking; its return value is informative.
        // slither-disable-next-line unused-return
        ISynorStaking(_staking).sync(token);
    }

    /// @dev Credits the pool's new accrual to its accumulator; queued while the pool has no weight.
    function _fold(Pool storage pool, address token, uint256 accrued) private returns (PoolToken storage pt) {
        pt = pool.tokens[token];
        if (pt.acc.credit(accrued - pt.folded, pool.totalWeight)) pt.folded = accrued;
    }

    /// @dev Folds, then returns what `member` earned since it was last settled and marks it settled.
    function _settle(Pool storage pool, address token, address member, uint256 accrued)
        private
        returns (uint256 earned)
    {
        PoolToken storage pt = _fold(pool, token, accrued);
        return pt.acc.settle(pt.perWeightPaid, member, pool.weight[member]);
    }

    function _pendingOf(Pool storage pool, address token, address member, uint256 accrued)
        private
        view
        returns (uint256)
    {
        uint256 weight = pool.weight[member];
        if (weight == 0) return 0;
        PoolToken storage pt = pool.tokens[token];
        uint256 perWeight = pt.acc.previewPerWeight(accrued - pt.folded, pool.totalWeight);
        return RewardAccumulator.pending(pt.perWeightPaid, member, weight, perWeight);
    }

    /// @dev Settles `member` in every accepted token at its old weight, then changes the weight.
    function _setWeight(Pool storage pool, address member, uint256 weight, bool operators) private {
        if (member == address(0)) revert FeeSplitter_ZeroAddress();
        _checkMember(member);
        uint256 count = _acceptedTokens.length;
        for (uint256 i; i < count; ++i) {
            address token = _acceptedTokens[i];
            Ledger storage l = _ledgers[token];
            uint256 earned =
                _settle(pool, token, member, operators ? l.operatorPoolAccrued : l.validatorPoolAccrued);
            if (earned != 0) _accounts[token][member].owed += uint128(earned);
        }
        pool.totalWeight = pool.totalWeight - pool.weight[member] + weight;
        pool.weight[member] = weight;
    }

    /// @dev Operators and validators are paid through `claim`'s member path, which the treasury and the
    /// community pool never take, and which the staking contract and this contract never call: crediting
    /// any of them as a member would strand the credit.
    function _checkMember(address member) private view {
        if (member == _treasury || member == _communityPool || member == _staking || member == address(this)) {
            revert FeeSplitter_ReservedRecipient(member);
        }
    }

    function _accept(address token, address pair) private {
        _config[token] = TokenConfig({pair: pair, accepted: true});
        _acceptedTokens.push(token);
        emit TokenAccepted(token, pair);
    }

    /// @dev Only the canonical factory's pair of (token, SYNOR) is trusted: its code is Uniswap's, so it pays
    /// the constant-product output it is asked for, and its tokens are sorted (what `buyBack` relies on).
    function _checkPair(address token, address pair) private view {
        if (pair == address(0)) return;
        if (token == address(_synor)) revert FeeSplitter_BadPair(token, pair);
        if (_uniswapV2Factory.getPair(token, address(_synor)) != pair) {
            revert FeeSplitter_PairNotFromFactory(token, pair);
        }
    }

    function _reserves(IUniswapV2Pair pair, bool tokenIsToken0)
        private
        view
        returns (uint256 reserveIn, uint256 reserveOut)
    {
        // The third value (last update time) is for TWAPs; the swap only needs the reserves.
        // slither-disable-next-line unused-return
        (uint112 r0, uint112 r1,) = pair.getReserves();
        (reserveIn, reserveOut) = tokenIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
    }

    /// @dev Swaps what `pair` received of `token` for SYNOR and returns the SYNOR that arrived, refusing
    /// less than the bounds. The pair is the canonical factory's (`_checkPair`): its tokens are sorted by
    /// address, and its reserves do not move until the swap.
    function _swapForSynor(address token, IUniswapV2Pair pair, uint256 minSynorOut)
        private
        returns (uint256 synorReceived)
    {
        bool tokenIsToken0 = token < address(_synor);
        (uint256 reserveIn, uint256 reserveOut) = _reserves(pair, tokenIsToken0);
        // Price what the pair received (less than was sent for a fee-on-transfer token), as Uniswap's own
        // router does for such tokens: asking for the quote of the amount sent would fail the pair's K check.
        uint256 arrived = IERC20(token).balanceOf(address(pair));
        arrived = arrived > reserveIn ? arrived - reserveIn : 0;
        // At least one base unit: a buy-back that buys nothing is refused, never booked.
        uint256 minOut = Math.max(_minBuyBackOut(token, arrived, reserveIn, reserveOut, minSynorOut), 1);
        uint256 amountOut = _amountOut(arrived, reserveIn, reserveOut);
        if (amountOut < minOut) revert FeeSplitter_InsufficientOutput(amountOut, minOut);

        uint256 synorBefore = _synor.balanceOf(address(this));
        // The balance difference across the swap is the point: it is what the pair really paid. No call
        // can re-enter during it (every mutating function is nonReentrant), so nothing else moves SYNOR
        // out of this contract meanwhile, and SYNOR sent in meanwhile would only be burned.
        // slither-disable-next-line reentrancy-balance
        pair.swap(tokenIsToken0 ? 0 : amountOut, tokenIsToken0 ? amountOut : 0, address(this), "");
        // Burn, and book, exactly what arrived, and only if it reaches the bound.
        synorReceived = _synor.balanceOf(address(this)) - synorBefore;
        if (synorReceived < minOut) revert FeeSplitter_InsufficientOutput(synorReceived, minOut);
    }

    /// @dev What the pair pays for `amountIn` (Uniswap V2's constant product with its 0.3% fee, as
    /// UniswapV2Library.getAmountOut); checked arithmetic, with uint112 reserves.
    function _amountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) private pure returns (uint256) {
        return amountIn * 997 * reserveOut / (reserveIn * 1000 + amountIn * 997);
    }

    /// @dev The highest of the keeper's minimum, the pool's pre-trade price less the slippage bound, and
    /// (when a price source is set) the fair price less the slippage bound.
    function _minBuyBackOut(
        address token,
        uint256 amountIn,
        uint256 reserveIn,
        uint256 reserveOut,
        uint256 minSynorOut
    ) private view returns (uint256 minOut) {
        uint256 keep = _BPS - _maxSlippageBps;
        minOut = Math.max(minSynorOut, Math.mulDiv(Math.mulDiv(amountIn, reserveOut, reserveIn), keep, _BPS));
        IPriceSource source = _priceSource;
        if (address(source) != address(0)) {
            uint256 fair = source.usdToToken(address(_synor), source.tokenToUsd(token, amountIn));
            minOut = Math.max(minOut, Math.mulDiv(fair, keep, _BPS));
        }
    }
}
