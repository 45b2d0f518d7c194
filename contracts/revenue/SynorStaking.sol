// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ISynorStaking} from "../interfaces/ISynorStaking.sol";
import {RewardAccumulator} from "./lib/RewardAccumulator.sol";

/// @title SynorStaking
/// @notice Stake SYNOR, earn the stakers' share of transaction fees, streamed, in every reward token.
contract SynorStaking is ISynorStaking, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using RewardAccumulator for RewardAccumulator.State;

    /// @inheritdoc ISynorStaking
    uint256 public constant MAX_REWARD_TOKENS = 8;
    /// @inheritdoc ISynorStaking
    uint256 public constant MAX_RETIRED_REWARD_TOKENS = 8;
    /// @inheritdoc ISynorStaking
    uint256 public constant REWARD_DURATION = 7 days;

    enum Status {
        None,
        Active,
        Retired
    }

    struct Reward {
        // slot 0, packed: the stream, read by every accrual. remaining <= reserve < 2^128; timestamps < 2^64.
        uint128 remaining; // received, not yet emitted (retired: not emitted, recoverable)
        uint64 lastUpdate; // when the stream was last accrued
        uint64 end; // when the stream will have emitted `remaining`; moved later while nothing is staked
        // slots 1-2
        RewardAccumulator.State acc; // emitted reward per staked base unit
        // slot 3, packed: reserve <= what the token's transfers delivered, < 2^128; fewer than 2^32 retirements.
        uint128 reserve; // received and not yet paid (streaming + emitted unclaimed + dust)
        uint32 retiredIndex; // position in _retiredTokens once retired
        Status status;
    }

    /// @dev One slot, packed: both bounded by the rewards received, < 2^128.
    struct Balance {
        uint128 owed; // settled and unpaid
        uint128 claimed; // paid so far
    }

    /// @dev One slot, packed: a stake cannot exceed SYNOR's supply (< 2^128); fewer than 2^32 retirements.
    struct Staker {
        uint128 amount; // staked, earning
        uint32 retirementsSeen; // retired tokens [0, retirementsSeen) are settled for this staker
    }

    /// @dev Packed in one slot: an amount that cannot exceed SYNOR's supply (< 2^128) and a timestamp.
    struct Cooling {
        uint128 amount;
        uint64 unlockAt;
    }

    IERC20 private immutable _stakingToken;
    uint256 private immutable _cooldown;

    address[] private _rewardTokens;
    address[] private _retiredTokens;
    mapping(address token => Reward) private _rewards;
    mapping(address token => mapping(address account => uint256)) private _paid;
    mapping(address token => mapping(address account => Balance)) private _balances;
    mapping(address account => Staker) private _stakers;
    mapping(address account => Cooling) private _cooling;
    uint256 private _totalStaked;
    uint256 private _totalCooling;

    /// @param stakingToken_ SYNOR.
    /// @param cooldown_ Seconds between `requestUnstake` and `withdraw`.
    /// @param adminDelay Delay of a two-step admin transfer (OpenZeppelin's default admin rules).
    /// @param admin The admin (adds and retires reward tokens); a timelock in production.
    constructor(IERC20 stakingToken_, uint256 cooldown_, uint48 adminDelay, address admin)
        AccessControlDefaultAdminRules(adminDelay, admin)
    {
        if (address(stakingToken_) == address(0)) revert SynorStaking_ZeroAddress();
        _stakingToken = stakingToken_;
        _cooldown = cooldown_;
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ISynorStaking
    function stakingToken() external view returns (address) {
        return address(_stakingToken);
    }

    /// @inheritdoc ISynorStaking
    function cooldown() external view returns (uint256) {
        return _cooldown;
    }

    /// @inheritdoc ISynorStaking
    function rewardTokens() external view returns (address[] memory) {
        return _rewardTokens;
    }

    /// @inheritdoc ISynorStaking
    function retiredRewardTokens() external view returns (address[] memory) {
        return _retiredTokens;
    }

    /// @inheritdoc ISynorStaking
    function isRewardToken(address token) external view returns (bool) {
        // A status enum, not a balance: equality is the meaning.
        // slither-disable-next-line incorrect-equality
        return _rewards[token].status == Status.Active;
    }

    /// @inheritdoc ISynorStaking
    function isRetiredRewardToken(address token) external view returns (bool) {
        // A status enum, not a balance: equality is the meaning.
        // slither-disable-next-line incorrect-equality
        return _rewards[token].status == Status.Retired;
    }

    /// @inheritdoc ISynorStaking
    function stakeOf(address account) external view returns (uint256) {
        return _stakers[account].amount;
    }

    /// @inheritdoc ISynorStaking
    function totalStaked() external view returns (uint256) {
        return _totalStaked;
    }

    /// @inheritdoc ISynorStaking
    function cooling(address account) external view returns (uint256 amount, uint256 unlockAt) {
        Cooling memory c = _cooling[account];
        return (c.amount, c.unlockAt);
    }

    /// @inheritdoc ISynorStaking
    function totalCooling() external view returns (uint256) {
        return _totalCooling;
    }

    /// @inheritdoc ISynorStaking
    function rewardPerToken(address token) public view returns (uint256) {
        Reward storage r = _rewards[token];
        if (r.status != Status.Active) return r.acc.perWeight;
        (uint256 emitted,) = _pendingEmission(r);
        return r.acc.previewPerWeight(emitted, _totalStaked);
    }

    /// @inheritdoc ISynorStaking
    function rewardStream(address token) external view returns (uint256 undistributed, uint256 end) {
        Reward storage r = _rewards[token];
        if (r.status != Status.Active) return (r.remaining, 0);
        (uint256 emitted, uint256 end_) = _pendingEmission(r);
        undistributed = r.remaining - emitted;
        end = undistributed > 0 ? end_ : 0;
    }

    /// @inheritdoc ISynorStaking
    function unsynced(address token) public view returns (uint256) {
        uint256 held = _rewards[token].reserve;
        if (token == address(_stakingToken)) held += _totalStaked + _totalCooling;
        uint256 balance = IERC20(token).balanceOf(address(this));
        // A token that wiped or lowered our balance has nothing new: its shortfall is its own holders' loss.
        return balance > held ? balance - held : 0;
    }

    /// @inheritdoc ISynorStaking
    function rewardReserve(address token) external view returns (uint256) {
        return _rewards[token].reserve;
    }

    /// @inheritdoc ISynorStaking
    function earned(address token, address account) external view returns (uint256) {
        Reward storage r = _rewards[token];
        Staker memory s = _stakers[account];
        uint256 owed = _balances[token][account].owed;
        if (r.status == Status.Active) {
            return owed + RewardAccumulator.pending(_paid[token], account, s.amount, rewardPerToken(token));
        }
        if (r.status == Status.Retired && s.retirementsSeen <= r.retiredIndex) {
            return owed + RewardAccumulator.pending(_paid[token], account, s.amount, r.acc.perWeight);
        }
        return owed;
    }

    /// @inheritdoc ISynorStaking
    function claimed(address token, address account) external view returns (uint256) {
        return _balances[token][account].claimed;
    }

    // ------------------------------------------------------------------ principal (no reward-token calls)

    /// @inheritdoc ISynorStaking
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert SynorStaking_ZeroAmount();
        Staker storage s = _settleAll(msg.sender);
        s.amount += SafeCast.toUint128(amount);
        _totalStaked += amount;
        emit Staked(msg.sender, amount);
        _stakingToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ISynorStaking
    function requestUnstake(uint256 amount) external nonReentrant {
        if (amount == 0) revert SynorStaking_ZeroAmount();
        uint256 staked = _stakers[msg.sender].amount;
        if (amount > staked) revert SynorStaking_InsufficientStake(amount, staked);
        Staker storage s = _settleAll(msg.sender);
        // Cannot underflow: amount <= staked <= _totalStaked, checked above; staked < 2^128.
        unchecked {
            s.amount = uint128(staked - amount);
            _totalStaked -= amount;
        }
        Cooling storage c = _cooling[msg.sender];
        uint256 unlockAt = block.timestamp + _cooldown;
        c.amount += SafeCast.toUint128(amount);
        c.unlockAt = SafeCast.toUint64(unlockAt);
        _totalCooling += amount;
        emit UnstakeRequested(msg.sender, amount, unlockAt);
    }

    /// @inheritdoc ISynorStaking
    function withdraw() external nonReentrant returns (uint256 amount) {
        Cooling memory c = _cooling[msg.sender];
        if (c.amount == 0) revert SynorStaking_NothingToWithdraw();
        if (block.timestamp < c.unlockAt) revert SynorStaking_CoolingDown(c.unlockAt);
        amount = c.amount;
        delete _cooling[msg.sender];
        _totalCooling -= amount;
        emit Withdrawn(msg.sender, amount);
        _stakingToken.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ rewards

    /// @inheritdoc ISynorStaking
    function sync(address token) external nonReentrant returns (uint256 amount) {
        Reward storage r = _rewards[token];
        if (r.status != Status.Active) revert SynorStaking_NotRewardToken(token);
        _accrue(r);
        amount = unsynced(token);
        // A donation can only raise the balance, and a zero skip is just a cheaper no-op: not exploitable.
        // slither-disable-next-line incorrect-equality
        if (amount == 0) return 0;
        uint256 streaming = r.remaining + amount;
        uint256 end = block.timestamp + REWARD_DURATION;
        // streaming <= reserve + amount, checked by the SafeCast of the new reserve.
        r.reserve = SafeCast.toUint128(r.reserve + amount);
        r.remaining = uint128(streaming);
        r.lastUpdate = uint64(block.timestamp);
        r.end = uint64(end);
        emit RewardsSynced(token, amount, streaming, end);
    }

    /// @inheritdoc ISynorStaking
    function claim(address token) external nonReentrant returns (uint256 amount) {
        return _claim(token, msg.sender);
    }

    /// @inheritdoc ISynorStaking
    function claimTo(address token, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert SynorStaking_ZeroAddress();
        return _claim(token, to);
    }

    // ------------------------------------------------------------------ administration

    /// @inheritdoc ISynorStaking
    function addRewardToken(address token) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert SynorStaking_ZeroAddress();
        Reward storage r = _rewards[token];
        if (r.status != Status.None) revert SynorStaking_RewardTokenExists(token);
        if (_rewardTokens.length >= MAX_REWARD_TOKENS) revert SynorStaking_TooManyRewardTokens();
        r.status = Status.Active;
        _rewardTokens.push(token);
        emit RewardTokenAdded(token);
    }

    /// @inheritdoc ISynorStaking
    function retireRewardToken(address token) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Reward storage r = _rewards[token];
        if (r.status != Status.Active) revert SynorStaking_NotRewardToken(token);
        uint256 retired = _retiredTokens.length;
        if (retired >= MAX_RETIRED_REWARD_TOKENS) revert SynorStaking_TooManyRetiredRewardTokens();
        _accrue(r);
        r.status = Status.Retired;
        r.retiredIndex = uint32(retired); // < MAX_RETIRED_REWARD_TOKENS
        _retiredTokens.push(token);
        uint256 count = _rewardTokens.length;
        for (uint256 i; i < count; ++i) {
            if (_rewardTokens[i] == token) {
                _rewardTokens[i] = _rewardTokens[count - 1];
                _rewardTokens.pop();
                break;
            }
        }
        emit RewardTokenRetired(token, r.remaining);
    }

    /// @inheritdoc ISynorStaking
    function recoverUndistributed(address token, address to)
        external
        nonReentrant
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint256 amount)
    {
        if (to == address(0)) revert SynorStaking_ZeroAddress();
        Reward storage r = _rewards[token];
        if (r.status != Status.Retired) revert SynorStaking_NotRetired(token);
        amount = r.remaining;
        if (amount == 0) return 0;
        r.remaining = 0;
        // remaining <= reserve: it was received and never emitted.
        r.reserve -= uint128(amount);
        emit UndistributedRecovered(token, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------ internals

    /// @dev What the stream of an active token would emit now, and its end as of now (pushed later by the
    /// time nothing was staked). Invariant: `remaining > 0` implies `lastUpdate < end`.
    function _pendingEmission(Reward storage r) private view returns (uint256 emitted, uint256 end) {
        uint256 remaining = r.remaining;
        uint256 last = r.lastUpdate;
        end = r.end;
        if (remaining == 0 || block.timestamp <= last) return (0, end);
        if (_totalStaked == 0) return (0, end + (block.timestamp - last)); // paused: carried forward
        if (block.timestamp >= end) return (remaining, end);
        // Rounded down; the rest stays in the stream and is emitted by `end`. No overflow: < 2^128 * 2^64.
        emitted = remaining * (block.timestamp - last) / (end - last);
    }

    /// @dev Emits the stream up to now into the accumulator (storage only, no token call). With nothing
    /// staked the stream is paused instead: its end moves later by the time elapsed.
    function _accrue(Reward storage r) private {
        (uint256 emitted, uint256 end) = _pendingEmission(r);
        uint256 last = r.lastUpdate;
        // Nothing streaming, or accrued this second already: nothing to write.
        // slither-disable-next-line incorrect-equality
        if (r.remaining == 0 || block.timestamp == last) return;
        if (emitted != 0) {
            // Always credited: `_pendingEmission` emits nothing while nothing is staked.
            // slither-disable-next-line unused-return
            r.acc.credit(emitted, _totalStaked);
            r.remaining -= uint128(emitted); // emitted <= remaining
        }
        r.lastUpdate = uint64(block.timestamp);
        r.end = uint64(end);
    }

    function _settle(address token, Reward storage r, address account, uint256 amount) private {
        uint256 e = r.acc.settle(_paid[token], account, amount);
        // Bounded by the rewards received, < 2^128.
        if (e != 0) _balances[token][account].owed += uint128(e);
    }

    /// @dev Before a stake changes: settles the retired tokens this staker has not settled since their
    /// retirement (its stake has not changed since), then accrues and settles every active token. Storage
    /// only: no reward token is called.
    function _settleAll(address account) private returns (Staker storage s) {
        s = _stakers[account];
        uint256 amount = s.amount;
        uint256 retired = _retiredTokens.length;
        uint256 seen = s.retirementsSeen;
        if (seen != retired) {
            if (amount != 0) {
                for (uint256 i = seen; i < retired; ++i) {
                    address token = _retiredTokens[i];
                    _settle(token, _rewards[token], account, amount);
                }
            }
            s.retirementsSeen = uint32(retired); // <= MAX_RETIRED_REWARD_TOKENS
        }
        uint256 count = _rewardTokens.length;
        for (uint256 i; i < count; ++i) {
            address token = _rewardTokens[i];
            Reward storage r = _rewards[token];
            _accrue(r);
            _settle(token, r, account, amount);
        }
    }

    function _claim(address token, address to) private returns (uint256 amount) {
        Reward storage r = _rewards[token];
        Status status = r.status;
        if (status == Status.None) revert SynorStaking_NotRewardToken(token);
        Staker storage s = _stakers[msg.sender];
        if (status == Status.Active) {
            _accrue(r);
            _settle(token, r, msg.sender, s.amount);
        } else if (s.retirementsSeen <= r.retiredIndex) {
            // Retired after this staker's last stake change: its stake is unchanged since, settle at it.
            _settle(token, r, msg.sender, s.amount);
        }
        Balance storage b = _balances[token][msg.sender];
        amount = b.owed;
        if (amount == 0) return 0;
        // amount <= reserve < 2^128: what an account earned never exceeds what was received.
        b.owed = 0;
        b.claimed += uint128(amount);
        r.reserve -= uint128(amount);
        emit RewardClaimed(token, msg.sender, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }
}
