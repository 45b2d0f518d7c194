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

    /// @dev Three slots: an accrual reads and writes all three, a claim or a sync touches no other slot of it.
    struct Reward {
        // slot 0, packed (248 bits): the stream and the token's status, read by every accrual and claim.
        // remaining <= reserve < 2^128; timestamps < 2^40 (year 36812): lastUpdate <= now and
        // end <= now + REWARD_DURATION (a pause moves `end` later only by the time elapsed);
        // fewer than 2^32 retirements (at most MAX_RETIRED_REWARD_TOKENS).
        uint128 remaining; // received, not yet emitted (retired: not emitted, recoverable)
        uint40 lastUpdate; // when the stream was last accrued
        uint40 end; // when the stream will have emitted `remaining`; moved later while nothing is staked
        Status status;
        uint32 retiredIndex; // position in _retiredTokens once retired
        // slot 1: the accumulator (RewardAccumulator, on values): emitted reward per staked base unit, scaled.
        uint256 perWeight;
        // slot 2, packed: carry < the total staked at the last credit < 2^112 (see _totalStaked);
        // reserve <= what the token's transfers delivered, < 2^128. Packing the carry beside the reserve,
        // which is non-zero while anything streams, spares accruals a zero-to-non-zero write of the carry.
        uint128 carry; // the accumulator's division remainder, folded into the next credit
        uint128 reserve; // received and not yet paid (streaming + emitted unclaimed + dust)
    }

    /// @dev One slot, packed: both bounded by the rewards received, < 2^128.
    struct Balance {
        uint128 owed; // settled and unpaid
        uint128 claimed; // paid so far
    }

    /// @dev One slot, packed (256 bits), so that a stake change and its cool-down touch one slot: a stake or
    /// a cool-down cannot exceed SYNOR's supply (10^27 < 2^104; amounts are SafeCast to uint104, so a larger
    /// supply reverts instead of wrapping); unlockAt < 2^40 (SafeCast); at most MAX_RETIRED_REWARD_TOKENS
    /// (8) retirements < 2^8.
    struct Staker {
        uint104 amount; // staked, earning
        uint104 cooling; // requested for withdrawal, not earning
        uint40 unlockAt; // when `cooling` can be withdrawn
        uint8 retirementsSeen; // retired tokens [0, retirementsSeen) are settled for this staker
    }

    IERC20 private immutable _stakingToken;
    uint256 private immutable _cooldown;

    mapping(address token => Reward) private _rewards;
    mapping(address token => mapping(address account => uint256)) private _paid;
    mapping(address token => mapping(address account => Balance)) private _balances;
    mapping(address account => Staker) private _stakers;
    // One slot, packed (240 bits), read by every stake change: each total is at most what was staked, below
    // SYNOR's supply (10^27) < 2^112 (checked arithmetic: a larger supply reverts instead of wrapping); each
    // count is at most 8. requestUnstake and withdraw move an amount between the totals in one write.
    uint112 private _totalStaked;
    uint112 private _totalCooling;
    uint8 private _rewardCount; // _rewardTokens[0, _rewardCount) are the active reward tokens
    uint8 private _retiredCount; // _retiredTokens[0, _retiredCount) are the retired ones, in retirement order
    address[MAX_REWARD_TOKENS] private _rewardTokens;
    address[MAX_RETIRED_REWARD_TOKENS] private _retiredTokens;

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
        uint256 count = _rewardCount;
        address[] memory tokens = new address[](count);
        for (uint256 i; i < count; ++i) {
            tokens[i] = _rewardTokens[i];
        }
        return tokens;
    }

    /// @inheritdoc ISynorStaking
    function retiredRewardTokens() external view returns (address[] memory) {
        uint256 count = _retiredCount;
        address[] memory tokens = new address[](count);
        for (uint256 i; i < count; ++i) {
            tokens[i] = _retiredTokens[i];
        }
        return tokens;
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
        Staker storage s = _stakers[account];
        return (s.cooling, s.unlockAt);
    }

    /// @inheritdoc ISynorStaking
    function totalCooling() external view returns (uint256) {
        return _totalCooling;
    }

    /// @inheritdoc ISynorStaking
    function rewardPerToken(address token) public view returns (uint256) {
        Reward storage r = _rewards[token];
        if (r.status != Status.Active) return r.perWeight;
        (uint256 emitted,) = _pendingEmission(r);
        // A preview: the carry it would leave is not needed.
        // slither-disable-next-line unused-return
        (uint256 perWeight,) = RewardAccumulator.credited(r.perWeight, r.carry, emitted, _totalStaked);
        return perWeight;
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
        if (token == address(_stakingToken)) held += uint256(_totalStaked) + _totalCooling;
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
            return owed + RewardAccumulator.pending(_paid[token], account, s.amount, r.perWeight);
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
        Staker storage s = _stakers[msg.sender];
        uint256 staked = s.amount;
        _settleAll(msg.sender, s, staked);
        s.amount = SafeCast.toUint104(staked + amount);
        _totalStaked += uint112(amount); // amount < 2^104, checked above; the sum is checked
        emit Staked(msg.sender, amount);
        _stakingToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ISynorStaking
    function requestUnstake(uint256 amount) external nonReentrant {
        if (amount == 0) revert SynorStaking_ZeroAmount();
        Staker storage s = _stakers[msg.sender];
        uint256 staked = s.amount;
        if (amount > staked) revert SynorStaking_InsufficientStake(amount, staked);
        _settleAll(msg.sender, s, staked);
        uint256 unlockAt = block.timestamp + _cooldown;
        // Cannot underflow: amount <= staked <= _totalStaked, checked above; staked < 2^104.
        unchecked {
            s.amount = uint104(staked - amount);
            _totalStaked -= uint112(amount);
        }
        s.cooling = SafeCast.toUint104(s.cooling + amount);
        s.unlockAt = SafeCast.toUint40(unlockAt);
        _totalCooling += uint112(amount); // amount <= staked < 2^104; the sum is checked
        emit UnstakeRequested(msg.sender, amount, unlockAt);
    }

    /// @inheritdoc ISynorStaking
    function withdraw() external nonReentrant returns (uint256 amount) {
        Staker storage s = _stakers[msg.sender];
        amount = s.cooling;
        uint256 unlockAt = s.unlockAt;
        if (amount == 0) revert SynorStaking_NothingToWithdraw();
        if (block.timestamp < unlockAt) revert SynorStaking_CoolingDown(unlockAt);
        s.cooling = 0;
        s.unlockAt = 0;
        _totalCooling -= uint112(amount); // amount <= _totalCooling: it was added to both
        emit Withdrawn(msg.sender, amount);
        _stakingToken.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ rewards

    /// @inheritdoc ISynorStaking
    function sync(address token) external nonReentrant returns (uint256 amount) {
        Reward storage r = _rewards[token];
        if (r.status != Status.Active) revert SynorStaking_NotRewardToken(token);
        _accrue(r, _totalStaked);
        amount = unsynced(token);
        // A donation can only raise the balance, and a zero skip is just a cheaper no-op: not exploitable.
        // slither-disable-next-line incorrect-equality
        if (amount == 0) return 0;
        uint256 streaming = r.remaining + amount;
        uint256 end = block.timestamp + REWARD_DURATION;
        // streaming <= reserve + amount, checked by the SafeCast of the new reserve.
        r.reserve = SafeCast.toUint128(r.reserve + amount);
        r.remaining = uint128(streaming);
        r.lastUpdate = uint40(block.timestamp); // < 2^40, see Reward
        r.end = uint40(end); // now + REWARD_DURATION < 2^40
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
        uint256 count = _rewardCount;
        if (count >= MAX_REWARD_TOKENS) revert SynorStaking_TooManyRewardTokens();
        r.status = Status.Active;
        _rewardTokens[count] = token;
        _rewardCount = uint8(count + 1); // <= MAX_REWARD_TOKENS
        emit RewardTokenAdded(token);
    }

    /// @inheritdoc ISynorStaking
    function retireRewardToken(address token) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Reward storage r = _rewards[token];
        if (r.status != Status.Active) revert SynorStaking_NotRewardToken(token);
        uint256 retired = _retiredCount;
        if (retired >= MAX_RETIRED_REWARD_TOKENS) revert SynorStaking_TooManyRetiredRewardTokens();
        _accrue(r, _totalStaked);
        r.status = Status.Retired;
        r.retiredIndex = uint32(retired); // < MAX_RETIRED_REWARD_TOKENS
        _retiredTokens[retired] = token;
        _retiredCount = uint8(retired + 1); // <= MAX_RETIRED_REWARD_TOKENS
        uint256 count = _rewardCount; // >= 1: the token is active, so listed
        for (uint256 i; i < count; ++i) {
            if (_rewardTokens[i] == token) {
                _rewardTokens[i] = _rewardTokens[count - 1];
                delete _rewardTokens[count - 1];
                _rewardCount = uint8(count - 1);
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
        // Rounded down; the rest stays in the stream and is emitted by `end`. No overflow: < 2^128 * 2^40.
        emitted = remaining * (block.timestamp - last) / (end - last);
    }

    /// @dev Emits the stream up to now into the accumulator (storage only, no token call), `total`
    /// being `_totalStaked` (passed in: callers have read it). With nothing staked the stream is paused
    /// instead: its end moves later by the time elapsed. Reads the stream's slot; writes it, and the
    /// accumulator's two slots only when something was emitted.
    function _accrue(Reward storage r, uint256 total) private {
        uint256 remaining = r.remaining;
        uint256 last = r.lastUpdate;
        // Nothing streaming, or accrued this second already: nothing to write.
        // slither-disable-next-line incorrect-equality
        if (remaining == 0 || block.timestamp == last) return;
        uint256 end = r.end;
        if (total == 0) {
            // Paused: carried forward. Invariant: `remaining > 0` implies `last < end`, so end - last <= 7 days.
            end += block.timestamp - last;
        } else {
            // Rounded down; the rest stays in the stream and is emitted by `end`. No overflow: < 2^128 * 2^40.
            uint256 emitted =
                block.timestamp >= end ? remaining : remaining * (block.timestamp - last) / (end - last);
            if (emitted != 0) {
                (uint256 perWeight, uint256 carry) =
                    RewardAccumulator.credited(r.perWeight, r.carry, emitted, total);
                r.perWeight = perWeight;
                r.carry = uint128(carry); // < total < 2^112
                // Cannot underflow: emitted <= remaining (a fraction of it below 1, or all of it).
                unchecked {
                    remaining -= emitted;
                }
            }
        }
        r.remaining = uint128(remaining); // <= the value read
        r.lastUpdate = uint40(block.timestamp); // < 2^40, see Reward
        r.end = uint40(end); // <= now + REWARD_DURATION, see Reward
    }

    function _settle(address token, Reward storage r, address account, uint256 amount) private {
        uint256 e = RewardAccumulator.settleAt(_paid[token], account, amount, r.perWeight);
        // Bounded by the rewards received, < 2^128.
        if (e != 0) _balances[token][account].owed += uint128(e);
    }

    /// @dev Before the stake `amount` of staker `s` (of `account`) changes: settles the retired tokens this
    /// staker has not settled since their retirement (its stake has not changed since), then accrues and
    /// settles every active token. Storage only: no reward token is called.
    function _settleAll(address account, Staker storage s, uint256 amount) private {
        uint256 retired = _retiredCount;
        uint256 seen = s.retirementsSeen;
        if (seen != retired) {
            if (amount != 0) {
                for (uint256 i = seen; i < retired; ++i) {
                    address token = _retiredTokens[i];
                    _settle(token, _rewards[token], account, amount);
                }
            }
            s.retirementsSeen = uint8(retired); // <= MAX_RETIRED_REWARD_TOKENS
        }
        uint256 count = _rewardCount;
        uint256 total = _totalStaked;
        for (uint256 i; i < count; ++i) {
            address token = _rewardTokens[i];
            Reward storage r = _rewards[token];
            _accrue(r, total);
            _settle(token, r, account, amount);
        }
    }

    function _claim(address token, address to) private returns (uint256 amount) {
        Reward storage r = _rewards[token];
        Status status = r.status;
        if (status == Status.None) revert SynorStaking_NotRewardToken(token);
        Staker storage s = _stakers[msg.sender];
        uint256 settled = 0;
        if (status == Status.Active) {
            _accrue(r, _totalStaked);
            settled = RewardAccumulator.settleAt(_paid[token], msg.sender, s.amount, r.perWeight);
        } else if (s.retirementsSeen <= r.retiredIndex) {
            // Retired after this staker's last stake change: its stake is unchanged since, settle at it.
            settled = RewardAccumulator.settleAt(_paid[token], msg.sender, s.amount, r.perWeight);
        }
        Balance storage b = _balances[token][msg.sender];
        // What was owed plus what was just settled, paid at once: the balance slot is written once.
        amount = b.owed + settled;
        if (amount == 0) return 0;
        // amount <= reserve < 2^128: what an account earned never exceeds what was received.
        _balances[token][msg.sender] = Balance({owed: 0, claimed: b.claimed + uint128(amount)});
        r.reserve -= uint128(amount);
        emit RewardClaimed(token, msg.sender, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }
}
