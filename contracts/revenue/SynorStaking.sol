// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ISynorStaking} from "../interfaces/ISynorStaking.sol";

/// @title SynorStaking
/// @notice Stake SYNOR, earn the stakers' share of transaction fees in every reward token.
contract SynorStaking is ISynorStaking, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Fixed-point scale of the reward-per-token accumulators.
    uint256 private constant _PRECISION = 1e36;

    /// @inheritdoc ISynorStaking
    uint256 public constant MAX_REWARD_TOKENS = 8;

    struct Reward {
        // slot 0, packed: read together by every sync and claim. reserve <= the token's balance < 2^128.
        uint128 reserve; // credited to stakers and not yet paid, including the carried dust
        bool listed;
        // slot 1
        uint256 perToken; // reward per staked base unit, scaled by 1e36
        // slot 2
        uint256 carry; // remainder of the last division, in (base units * 1e36), carried to the next sync
    }

    struct AccountReward {
        uint256 perTokenPaid; // the accumulator when this account was last settled
        // one slot, packed: both are bounded by the rewards credited, < 2^128.
        uint128 owed; // settled and unpaid
        uint128 claimed; // paid so far
    }

    /// @dev Packed in one slot: an amount that cannot exceed SYNOR's supply (< 2^128) and a timestamp.
    struct Cooling {
        uint128 amount;
        uint64 unlockAt;
    }

    IERC20 private immutable _stakingToken;
    uint256 private immutable _cooldown;

    address[] private _rewardTokens;
    mapping(address token => Reward) private _rewards;
    mapping(address token => mapping(address account => AccountReward)) private _accountRewards;
    mapping(address account => uint256) private _stakes;
    mapping(address account => Cooling) private _cooling;
    uint256 private _totalStaked;
    uint256 private _totalCooling;

    /// @param stakingToken_ SYNOR.
    /// @param cooldown_ Seconds between `requestUnstake` and `withdraw`.
    /// @param adminDelay Delay of a two-step admin transfer (OpenZeppelin's default admin rules).
    /// @param admin The admin (adds reward tokens); a timelock in production.
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
    function isRewardToken(address token) external view returns (bool) {
        return _rewards[token].listed;
    }

    /// @inheritdoc ISynorStaking
    function stakeOf(address account) external view returns (uint256) {
        return _stakes[account];
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
    function rewardPerToken(address token) external view returns (uint256) {
        return _rewards[token].perToken;
    }

    /// @inheritdoc ISynorStaking
    function unsynced(address token) public view returns (uint256) {
        uint256 held = _rewards[token].reserve;
        if (token == address(_stakingToken)) held += _totalStaked + _totalCooling;
        return IERC20(token).balanceOf(address(this)) - held;
    }

    /// @inheritdoc ISynorStaking
    function rewardReserve(address token) external view returns (uint256) {
        return _rewards[token].reserve;
    }

    /// @inheritdoc ISynorStaking
    function earned(address token, address account) external view returns (uint256) {
        Reward storage r = _rewards[token];
        if (!r.listed) return 0;
        uint256 perToken = r.perToken;
        if (_totalStaked != 0) perToken += (unsynced(token) * _PRECISION + r.carry) / _totalStaked;
        AccountReward storage a = _accountRewards[token][account];
        return a.owed + Math.mulDiv(_stakes[account], perToken - a.perTokenPaid, _PRECISION);
    }

    /// @inheritdoc ISynorStaking
    function claimed(address token, address account) external view returns (uint256) {
        return _accountRewards[token][account].claimed;
    }

    // ------------------------------------------------------------------ actions

    /// @inheritdoc ISynorStaking
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert SynorStaking_ZeroAmount();
        _settleAll(msg.sender);
        _stakes[msg.sender] += amount;
        _totalStaked += amount;
        emit Staked(msg.sender, amount);
        _stakingToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ISynorStaking
    function requestUnstake(uint256 amount) external nonReentrant {
        if (amount == 0) revert SynorStaking_ZeroAmount();
        uint256 staked = _stakes[msg.sender];
        if (amount > staked) revert SynorStaking_InsufficientStake(amount, staked);
        _settleAll(msg.sender);
        // Cannot underflow: amount <= staked <= _totalStaked, checked above.
        unchecked {
            _stakes[msg.sender] = staked - amount;
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

    /// @inheritdoc ISynorStaking
    function sync(address token) external nonReentrant returns (uint256 amount) {
        if (!_rewards[token].listed) revert SynorStaking_NotRewardToken(token);
        return _sync(token);
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

    /// @inheritdoc ISynorStaking
    function addRewardToken(address token) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert SynorStaking_ZeroAddress();
        Reward storage r = _rewards[token];
        if (r.listed) revert SynorStaking_RewardTokenExists(token);
        if (_rewardTokens.length >= MAX_REWARD_TOKENS) revert SynorStaking_TooManyRewardTokens();
        r.listed = true;
        _rewardTokens.push(token);
        emit RewardTokenAdded(token);
    }

    // ------------------------------------------------------------------ internals

    function _claim(address token, address to) private returns (uint256 amount) {
        Reward storage r = _rewards[token];
        if (!r.listed) revert SynorStaking_NotRewardToken(token);
        _sync(token);
        AccountReward storage a = _accountRewards[token][msg.sender];
        uint256 perToken = r.perToken;
        amount = a.owed + Math.mulDiv(_stakes[msg.sender], perToken - a.perTokenPaid, _PRECISION);
        a.perTokenPaid = perToken;
        if (amount == 0) return 0;
        // amount <= reserve < 2^128: what an account earned never exceeds what was credited.
        a.owed = 0;
        a.claimed += uint128(amount);
        r.reserve -= uint128(amount);
        emit RewardClaimed(token, msg.sender, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @dev Credits the rewards that arrived since the last sync to the current stakers, in O(1).
    /// With nothing staked they stay unsynced (queued) for the next stakers.
    function _sync(address token) private returns (uint256 amount) {
        uint256 total = _totalStaked;
        if (total == 0) return 0;
        amount = unsynced(token);
        // A donation can only raise the balance, and a zero skip is just a cheaper no-op: not exploitable.
        // slither-disable-next-line incorrect-equality
        if (amount == 0) return 0;
        Reward storage r = _rewards[token];
        uint256 numerator = amount * _PRECISION + r.carry;
        r.perToken += numerator / total;
        r.carry = numerator % total;
        r.reserve += SafeCast.toUint128(amount);
        emit RewardsSynced(token, amount);
    }

    function _settle(address token, address account) private {
        AccountReward storage a = _accountRewards[token][account];
        uint256 perToken = _rewards[token].perToken;
        uint256 paid = a.perTokenPaid;
        // Skipping when already settled saves writes; the accumulator only grows, so == is exact.
        // slither-disable-next-line incorrect-equality
        if (perToken == paid) return;
        // Bounded by the reserve credited, < 2^128.
        a.owed += uint128(Math.mulDiv(_stakes[account], perToken - paid, _PRECISION));
        a.perTokenPaid = perToken;
    }

    /// @dev Before a stake changes: credit pending rewards to the old stakes, then settle the account.
    function _settleAll(address account) private {
        uint256 count = _rewardTokens.length;
        for (uint256 i; i < count; ++i) {
            address token = _rewardTokens[i];
            _sync(token);
            _settle(token, account);
        }
    }
}
