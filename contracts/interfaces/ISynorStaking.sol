// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title SYNOR staking with streamed rewards
/// @notice Stakers lock SYNOR and earn the stakers' share of transaction fees, in every reward token, in
/// proportion to stake x time. Rewards are never handed to whoever is staked at one instant: every amount
/// that arrives (the fee splitter forwards the stakers' share as each fee is paid and calls `sync`) is added
/// to the token's stream, and the stream's whole undistributed amount is re-spread over `REWARD_DURATION`
/// (7 days) from that moment; while nothing is staked the stream is paused, so what would have been emitted
/// is carried forward, never lost or stranded. Paying 1,000 stakers costs what paying one does.
///
/// Principal never depends on a reward token: `stake`, `requestUnstake` and `withdraw` make no call to any
/// reward token and read no reward-token balance, so a misbehaving token (reverting `balanceOf`, wiped
/// balances, blacklists, fees on transfer) can stall only its own rewards; governance can retire it.
/// Leaving takes two steps: `requestUnstake` stops the earning at once and starts a cool-down; `withdraw`
/// returns the SYNOR after it.
/// @dev Per reward token: a stream (`remaining` emitted linearly until `end`: over an interval the stream
/// emits `floor(remaining * elapsed / (end - lastUpdate))`, and everything at `end`, so the stream never
/// loses a base unit), and a `RewardAccumulator` over the stakes (1e36 precision, division remainders
/// carried, payouts rounded down). At most `MAX_REWARD_TOKENS` active and `MAX_RETIRED_REWARD_TOKENS`
/// retired tokens: a stake change settles each, so its gas is bounded.
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

    /// @notice `amount` of reward `token` arrived; the stream now emits `streaming` until `end`.
    /// @param amount What arrived since the last sync (counted by balance, so fees on transfer are excluded).
    /// @param streaming The stream's whole undistributed amount, `amount` included.
    /// @param end When the stream will have emitted it all (later if nothing is staked for a while).
    event RewardsSynced(address indexed token, uint256 amount, uint256 streaming, uint256 end);

    /// @notice `token` is now a reward token.
    event RewardTokenAdded(address indexed token);

    /// @notice `token` is no longer a reward token: its stream stopped with `undistributed` not yet emitted.
    /// What stakers earned until now stays claimable.
    event RewardTokenRetired(address indexed token, uint256 undistributed);

    /// @notice The `amount` of retired `token` its stream had not emitted was sent to `to`.
    event UndistributedRecovered(address indexed token, address indexed to, uint256 amount);

    // ------------------------------------------------------------------ errors

    /// @notice A zero address where a contract or recipient was expected.
    error SynorStaking_ZeroAddress();

    /// @notice An amount of zero.
    error SynorStaking_ZeroAmount();

    /// @notice Unstaking `requested` exceeds the `staked` amount.
    error SynorStaking_InsufficientStake(uint256 requested, uint256 staked);

    /// @notice Nothing is cooling down for the caller.
    error SynorStaking_NothingToWithdraw();

    /// @notice The cool-down ends at `unlockAt`.
    error SynorStaking_CoolingDown(uint256 unlockAt);

    /// @notice `token` is not an active reward token (never added, or retired where an active one is needed).
    error SynorStaking_NotRewardToken(address token);

    /// @notice `token` is not a retired reward token.
    error SynorStaking_NotRetired(address token);

    /// @notice `token` is, or was, a reward token already (a retired token cannot be added again).
    error SynorStaking_RewardTokenExists(address token);

    /// @notice `MAX_REWARD_TOKENS` reward tokens are active already.
    error SynorStaking_TooManyRewardTokens();

    /// @notice `MAX_RETIRED_REWARD_TOKENS` reward tokens were retired already.
    error SynorStaking_TooManyRetiredRewardTokens();

    // ------------------------------------------------------------------ views

    /// @notice The most active reward tokens (each stake change settles all of them).
    function MAX_REWARD_TOKENS() external view returns (uint256);

    /// @notice The most reward tokens that can ever be retired (a stake change settles those retired since
    /// the staker's previous change).
    function MAX_RETIRED_REWARD_TOKENS() external view returns (uint256);

    /// @notice Seconds over which a stream's undistributed amount is re-spread when rewards arrive (7 days).
    function REWARD_DURATION() external view returns (uint256);

    /// @notice The staked token, SYNOR.
    function stakingToken() external view returns (address);

    /// @notice Seconds between `requestUnstake` and `withdraw`.
    function cooldown() external view returns (uint256);

    /// @notice The active reward tokens (a retirement moves the last one into the retired one's place).
    function rewardTokens() external view returns (address[] memory);

    /// @notice The retired reward tokens, in order of retirement.
    function retiredRewardTokens() external view returns (address[] memory);

    /// @notice Whether `token` is an active reward token.
    function isRewardToken(address token) external view returns (bool);

    /// @notice Whether `token` is a retired reward token.
    function isRetiredRewardToken(address token) external view returns (bool);

    /// @notice SYNOR staked (earning) by `account`.
    function stakeOf(address account) external view returns (uint256);

    /// @notice SYNOR staked by everyone.
    function totalStaked() external view returns (uint256);

    /// @notice SYNOR `account` has cooling down, and when it unlocks.
    function cooling(address account) external view returns (uint256 amount, uint256 unlockAt);

    /// @notice SYNOR cooling down for everyone.
    function totalCooling() external view returns (uint256);

    /// @notice Reward per staked base unit of `token` emitted so far (as of now), scaled by 1e36.
    function rewardPerToken(address token) external view returns (uint256);

    /// @notice The stream of `token` as of now: what it has still to emit, and when it will have emitted it
    /// all if someone stays staked (a retired token: what its stream had not emitted, recoverable; end 0).
    function rewardStream(address token) external view returns (uint256 undistributed, uint256 end);

    /// @notice Reward `token` that arrived by transfer and is not in the stream yet (`sync` adds it).
    /// @dev Reads the token's balance: a view for keepers, never used by the principal functions.
    function unsynced(address token) external view returns (uint256);

    /// @notice Reward `token` received and not yet paid: still streaming, emitted and unclaimed, rounding
    /// dust, and a retired token's unrecovered remainder.
    function rewardReserve(address token) external view returns (uint256);

    /// @notice What `account` can claim of `token` now (active or retired).
    function earned(address token, address account) external view returns (uint256);

    /// @notice What `account` has claimed of `token` so far.
    function claimed(address token, address account) external view returns (uint256);

    // ------------------------------------------------------------------ actions

    /// @notice Stakes `amount` SYNOR of the caller (approve first). Earns from this moment on.
    function stake(uint256 amount) external;

    /// @notice Stops staking `amount` SYNOR now; it can be withdrawn after the cool-down, which restarts
    /// for the whole amount cooling down.
    function requestUnstake(uint256 amount) external;

    /// @notice Returns the caller's SYNOR whose cool-down has ended.
    /// @return amount SYNOR returned.
    function withdraw() external returns (uint256 amount);

    /// @notice Emits the stream of `token` up to now; then, if any of it arrived since the last sync, adds
    /// that to the stream and re-spreads the stream over `REWARD_DURATION` from now. Anyone may call it; the
    /// fee splitter does after forwarding. Each re-spread restarts the week for what was still streaming:
    /// frequent small arrivals delay emission (never lose it).
    /// @return amount What arrived (zero is not an error).
    function sync(address token) external returns (uint256 amount);

    /// @notice Pays the caller its reward in `token` (active or retired).
    /// @return amount What was paid (zero is not an error).
    function claim(address token) external returns (uint256 amount);

    /// @notice As `claim`, sending to `to`.
    function claimTo(address token, address to) external returns (uint256 amount);

    /// @notice Adds a reward token. Admin only.
    function addRewardToken(address token) external;

    /// @notice Retires an active reward token: emits its stream up to now, stops it, and stops settling the
    /// token on stake changes. Earned rewards stay claimable; what the stream had not emitted can be
    /// recovered with `recoverUndistributed`. Makes no call to the token, so a broken token can be retired.
    /// Admin only.
    function retireRewardToken(address token) external;

    /// @notice Sends what a retired token's stream had not emitted to `to` (e.g. to fund its replacement).
    /// Admin only.
    /// @return amount What was sent.
    function recoverUndistributed(address token, address to) external returns (uint256 amount);
}
