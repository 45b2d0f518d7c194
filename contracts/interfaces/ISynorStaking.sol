// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title SYNOR staking with reward-per-token accumulators
/// @notice Stakers lock SYNOR and earn the stakers' share of transaction fees, in every reward token,
/// pro rata to their stake and the time they held it. Rewards arrive by plain transfer (the fee
/// splitter's `releaseToStaking`) and are picked up by the permissionless `sync`; paying 1,000 stakers
/// costs what paying one does. Leaving takes two steps: `requestUnstake` stops the earning at once and
/// starts a cool-down; `withdraw` returns the SYNOR after it.
/// @dev Each reward token has an accumulator of reward per staked base unit at 1e36 precision; the
/// division remainder is carried to the next sync, so no reward is lost to rounding. Rewards that
/// arrive while nothing is staked stay queued and go to the next stakers.
interface ISynorStaking {
    // ------------------------------------------------------------------ events

    /// @notice `account` staked `amount` SYNOR.
    event Staked(address indexed account, uint256 amount);

    /// @notice `account` stopped staking `amount` SYNOR, withdrawable from `unlockAt`.
    /// @param amount SYNOR added to the account's cool-down.
    /// @param unlockAt When the whole cool-down amount can be withdrawn.
    event UnstakeRequested(address indexed account, uint256 amount, uint256 unlockAt);

    /// @notice `account` withdrew `amount` SYNOR after its cool-down.
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice `account` was paid `amount` of reward `token`, sent to `to`.
    event RewardClaimed(address indexed token, address indexed account, address indexed to, uint256 amount);

    /// @notice `amount` of reward `token` was credited to the current stakers.
    event RewardsSynced(address indexed token, uint256 amount);

    /// @notice `token` is now a reward token.
    event RewardTokenAdded(address indexed token);

    // ------------------------------------------------------------------ errors

    /// @notice A zero address where a contract was expected.
    error SynorStaking_ZeroAddress();

    /// @notice An amount of zero.
    error SynorStaking_ZeroAmount();

    /// @notice Unstaking `requested` exceeds the `staked` amount.
    error SynorStaking_InsufficientStake(uint256 requested, uint256 staked);

    /// @notice Nothing is cooling down for the caller.
    error SynorStaking_NothingToWithdraw();

    /// @notice The cool-down ends at `unlockAt`.
    error SynorStaking_CoolingDown(uint256 unlockAt);

    /// @notice `token` is not a reward token.
    error SynorStaking_NotRewardToken(address token);

    /// @notice `token` is a reward token already.
    error SynorStaking_RewardTokenExists(address token);

    /// @notice `MAX_REWARD_TOKENS` reward tokens exist already.
    error SynorStaking_TooManyRewardTokens();

    // ------------------------------------------------------------------ views

    /// @notice The most reward tokens (each stake change settles all of them).
    function MAX_REWARD_TOKENS() external view returns (uint256);

    /// @notice The staked token, SYNOR.
    function stakingToken() external view returns (address);

    /// @notice Seconds between `requestUnstake` and `withdraw`.
    function cooldown() external view returns (uint256);

    /// @notice The reward tokens, in order of addition.
    function rewardTokens() external view returns (address[] memory);

    /// @notice Whether `token` is a reward token.
    function isRewardToken(address token) external view returns (bool);

    /// @notice SYNOR staked (earning) by `account`.
    function stakeOf(address account) external view returns (uint256);

    /// @notice SYNOR staked by everyone.
    function totalStaked() external view returns (uint256);

    /// @notice SYNOR `account` has cooling down, and when it unlocks.
    function cooling(address account) external view returns (uint256 amount, uint256 unlockAt);

    /// @notice SYNOR cooling down for everyone.
    function totalCooling() external view returns (uint256);

    /// @notice Reward per staked base unit of `token` so far, scaled by 1e36.
    function rewardPerToken(address token) external view returns (uint256);

    /// @notice Rewards of `token` not yet credited (arrived since the last sync, or while nothing was staked).
    function unsynced(address token) external view returns (uint256);

    /// @notice Reward `token` credited but not yet paid (including the carried rounding remainder).
    function rewardReserve(address token) external view returns (uint256);

    /// @notice What `account` can claim of `token` now, counting rewards not yet synced.
    function earned(address token, address account) external view returns (uint256);

    /// @notice What `account` has claimed of `token` so far.
    function claimed(address token, address account) external view returns (uint256);

    // ------------------------------------------------------------------ actions

    /// @notice Stakes `amount` SYNOR of the caller (approve first).
    function stake(uint256 amount) external;

    /// @notice Stops staking `amount` SYNOR now; it can be withdrawn after the cool-down, which restarts
    /// for the whole amount cooling down.
    function requestUnstake(uint256 amount) external;

    /// @notice Returns the caller's SYNOR whose cool-down has ended.
    /// @return amount SYNOR returned.
    function withdraw() external returns (uint256 amount);

    /// @notice Credits to the current stakers the reward `token` that arrived since the last sync.
    /// Anyone may call it; with nothing staked the rewards stay queued.
    /// @return amount What was credited.
    function sync(address token) external returns (uint256 amount);

    /// @notice Pays the caller its reward in `token`.
    /// @return amount What was paid (zero is not an error).
    function claim(address token) external returns (uint256 amount);

    /// @notice As `claim`, sending to `to`.
    function claimTo(address token, address to) external returns (uint256 amount);

    /// @notice Adds a reward token. Admin only.
    function addRewardToken(address token) external;
}
