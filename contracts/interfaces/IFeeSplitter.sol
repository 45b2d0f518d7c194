// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IPriceSource} from "./IPriceSource.sol";

/// @title Revenue distribution: the fee splitter
/// @notice Receives revenue in accepted ERC-20 tokens and accounts every base unit to the seed's two
/// schedules, fixed at deployment:
/// - **service fees** (runway payments, metered usage): operators / treasury / burn (70 / 20 / 10);
/// - **transaction fees**: burn / stakers / community pool / validators (10 / 60 / 20 / 10).
/// Per payment every share except one is rounded down and the *remainder bucket* takes the rest, so
/// the parts of every payment sum exactly to the payment: operators for service fees, stakers for
/// transaction fees.
///
/// Operator revenue is attributed: `distribute` names the operator that earned it; runway revenue
/// (tokens that arrived by plain transfer, e.g. as the PayableDAppFactory's payee, picked up by the
/// permissionless `split`) goes to the weighted operator set serving the factory. Validators share
/// their part by weight. Both sets use a reward-per-weight accumulator (1e36 precision, remainders
/// carried); revenue arriving while a set has no weight is queued and goes to the next members.
///
/// Every recipient pulls (`claim`); the stakers' share is forwarded to the staking contract as it accrues.
/// The SYNOR burn share is destroyed by `burn` (total supply falls); the burn share of any other token
/// is held until a keeper buys SYNOR with it through the canonical Uniswap V2 factory's pair of the token
/// and SYNOR, and burns the SYNOR that actually arrived.
///
/// The treasury, the community pool and the staking contract are three distinct addresses (checked at
/// deployment): each is paid through its own bucket, so one address holding two roles could never
/// claim the second while `claimable` reported it.
/// @dev Invariant, per accepted token: `balanceOf(this) = accounted + unaccounted`, and
/// `accounted` = everything still owed to recipients + burn share still held.
interface IFeeSplitter {
    // ------------------------------------------------------------------ types

    /// @notice A service-fee schedule in basis points; sums to 10_000.
    struct ServiceShares {
        uint16 operatorsBps; // remainder bucket
        uint16 treasuryBps;
        uint16 burnBps;
    }

    /// @notice A transaction-fee schedule in basis points; sums to 10_000.
    struct TransactionShares {
        uint16 burnBps;
        uint16 stakersBps; // remainder bucket
        uint16 communityBps;
        uint16 validatorsBps;
    }

    /// @notice Cumulative book of one token: what each bucket accrued and what left the splitter.
    struct Book {
        uint256 accounted; // held and accounted for: owed to someone or held for the burn
        uint256 treasuryAccrued;
        uint256 treasuryPaid;
        uint256 communityAccrued;
        uint256 communityPaid;
        uint256 stakersAccrued;
        uint256 stakersPaid; // released to the staking contract
        uint256 operatorsAttributed; // credited to named operators by `distribute`
        uint256 operatorPoolAccrued; // for the weighted operator set
        uint256 validatorPoolAccrued; // for the weighted validator set
        uint256 membersPaid; // claimed by operators and validators
        uint256 burnAccrued;
        uint256 burned; // destroyed (SYNOR) or swapped for SYNOR that was destroyed
    }

    // ------------------------------------------------------------------ events

    /// @notice `amount` of service revenue in `token` was split.
    /// @param token The token.
    /// @param payer Who paid it in, or zero for tokens picked up by `split`.
    /// @param operator The operator credited, or zero for the weighted operator set.
    /// @param amount The payment.
    /// @param operators The operators' share (the remainder bucket).
    /// @param treasury The treasury's share.
    /// @param burn The burn share.
    event ServiceRevenueSplit(
        address indexed token,
        address indexed payer,
        address indexed operator,
        uint256 amount,
        uint256 operators,
        uint256 treasury,
        uint256 burn
    );

    /// @notice `amount` of transaction fees in `token` paid by `payer` was split.
    /// @param token The token.
    /// @param payer Who paid it in.
    /// @param amount The payment.
    /// @param burn The burn share.
    /// @param stakers The stakers' share (the remainder bucket).
    /// @param community The community pool's share.
    /// @param validators The validators' share.
    event TransactionFeesSplit(
        address indexed token,
        address indexed payer,
        uint256 amount,
        uint256 burn,
        uint256 stakers,
        uint256 community,
        uint256 validators
    );

    /// @notice `account` was paid `amount` of `token` it had earned, sent to `to`.
    event Claimed(address indexed token, address indexed account, address indexed to, uint256 amount);

    /// @notice The stakers' share `amount` of `token` was sent to the staking contract.
    event StakerRewardsReleased(address indexed token, uint256 amount);

    /// @notice `amount` of SYNOR from the burn share was destroyed.
    event Burned(uint256 amount);

    /// @notice `amountIn` of `token`'s burn share bought `synorBurned` SYNOR, which was destroyed.
    event BoughtBackAndBurned(address indexed token, uint256 amountIn, uint256 synorBurned);

    /// @notice `token` is now accepted as revenue, bought back through `pair` (zero: none yet).
    event TokenAccepted(address indexed token, address indexed pair);

    /// @notice The Uniswap V2 pair `token`'s burn share is swapped through is now `pair`.
    event BuyBackPairSet(address indexed token, address indexed pair);

    /// @notice Buy-backs are now bounded against `source` (zero: no price source).
    event PriceSourceSet(address indexed source);

    /// @notice A buy-back may now get at most `bps` less than the fair price.
    event MaxSlippageSet(uint256 bps);

    /// @notice `operator`'s weight in the operator set is now `weight`.
    event OperatorWeightSet(address indexed operator, uint256 weight);

    /// @notice `validator`'s weight in the validator set is now `weight`.
    event ValidatorWeightSet(address indexed validator, uint256 weight);

    /// @notice `amount` of `token`, which is not accepted revenue, was sent by mistake and returned to `to`.
    event Recovered(address indexed token, address indexed to, uint256 amount);

    // ------------------------------------------------------------------ errors

    /// @notice A constructor or configuration argument was the zero address.
    error FeeSplitter_ZeroAddress();

    /// @notice A schedule's shares do not sum to 10_000 basis points.
    error FeeSplitter_BadShares();

    /// @notice An amount of zero was passed where a payment was expected.
    error FeeSplitter_ZeroAmount();

    /// @notice `token` is not accepted as revenue.
    error FeeSplitter_TokenNotAccepted(address token);

    /// @notice `token` is already accepted.
    error FeeSplitter_TokenAlreadyAccepted(address token);

    /// @notice `MAX_TOKENS` tokens are accepted already.
    error FeeSplitter_TooManyTokens();

    /// @notice SYNOR was given a buy-back pair: its burn share is burned directly by `burn`.
    error FeeSplitter_BadPair(address token, address pair);

    /// @notice `pair` is not the pair the Uniswap V2 factory (`uniswapV2Factory`) returns for `token` and SYNOR.
    error FeeSplitter_PairNotFromFactory(address token, address pair);

    /// @notice `account` was given two of the fixed recipient roles (treasury, community pool, staking).
    error FeeSplitter_DuplicateRecipient(address account);

    /// @notice `token` has no pair to buy SYNOR through (SYNOR itself is burned by `burn`).
    error FeeSplitter_NoBuyBackPair(address token);

    /// @notice A buy-back of `requested` exceeds the `available` burn share held.
    error FeeSplitter_InsufficientBurnShare(uint256 requested, uint256 available);

    /// @notice A buy-back would get (before the swap) or got (after it) `amountOut` SYNOR, below the
    /// bound `minOut`, or none at all.
    error FeeSplitter_InsufficientOutput(uint256 amountOut, uint256 minOut);

    /// @notice A slippage bound above `MAX_SLIPPAGE_BPS`.
    error FeeSplitter_SlippageOutOfRange(uint256 bps);

    /// @notice The treasury, community pool, staking contract and splitter cannot be operators or validators.
    error FeeSplitter_ReservedRecipient(address account);

    /// @notice The staking contract does not list `token` as a reward token, so the stakers' share waits here.
    error FeeSplitter_NotStakingReward(address token);

    /// @notice Accepted revenue cannot be recovered: it belongs to its recipients.
    error FeeSplitter_CannotRecoverRevenue(address token);

    // ------------------------------------------------------------------ configuration

    /// @notice The most tokens that can be accepted (weight changes settle each of them).
    function MAX_TOKENS() external view returns (uint256);

    /// @notice The highest configurable buy-back slippage, in basis points.
    function MAX_SLIPPAGE_BPS() external view returns (uint256);

    /// @notice The role allowed to change operator and validator weights.
    function WEIGHT_MANAGER_ROLE() external view returns (bytes32);

    /// @notice The role allowed to run buy-backs.
    function KEEPER_ROLE() external view returns (bytes32);

    /// @notice The SYNOR token, burned by the burn share.
    function synor() external view returns (address);

    /// @notice Receives the treasury share of service fees.
    function treasury() external view returns (address);

    /// @notice Receives the community-pool share of transaction fees.
    function communityPool() external view returns (address);

    /// @notice The staking contract the stakers' share is released to.
    function staking() external view returns (address);

    /// @notice The Uniswap V2 factory whose pairs alone may be buy-back pairs.
    function uniswapV2Factory() external view returns (address);

    /// @notice The service-fee schedule.
    function serviceShares() external view returns (ServiceShares memory);

    /// @notice The transaction-fee schedule.
    function transactionShares() external view returns (TransactionShares memory);

    /// @notice The accepted tokens, in acceptance order.
    function acceptedTokens() external view returns (address[] memory);

    /// @notice Whether `token` is accepted as revenue.
    function isAccepted(address token) external view returns (bool);

    /// @notice The Uniswap V2 pair `token`'s burn share is swapped through (zero: none).
    function buyBackPair(address token) external view returns (address);

    /// @notice The price source bounding buy-backs (zero: none configured).
    function priceSource() external view returns (IPriceSource);

    /// @notice The most a buy-back may get below the fair (or pre-trade pool) price, in basis points.
    function maxSlippageBps() external view returns (uint256);

    // ------------------------------------------------------------------ books

    /// @notice The cumulative book of `token`.
    function book(address token) external view returns (Book memory);

    /// @notice Tokens held but not accounted yet: what `split(token)` would split. Zero when the balance
    /// fell below what is accounted (a token whose issuer seized or rebased the splitter's balance): such a
    /// token's claims then fail on their own, and nothing of it is split twice.
    function unaccounted(address token) external view returns (uint256);

    /// @notice The burn share of `token` still held (SYNOR: to burn; others: to buy back).
    function pendingBurn(address token) external view returns (uint256);

    /// @notice What `account` can claim of `token` now (treasury, community pool, operator, validator).
    function claimable(address token, address account) external view returns (uint256);

    /// @notice What `account` has claimed of `token` so far.
    function claimed(address token, address account) external view returns (uint256);

    /// @notice `operator`'s weight in the operator set.
    function operatorWeight(address operator) external view returns (uint256);

    /// @notice The operator set's total weight.
    function totalOperatorWeight() external view returns (uint256);

    /// @notice `validator`'s weight in the validator set.
    function validatorWeight(address validator) external view returns (uint256);

    /// @notice The validator set's total weight.
    function totalValidatorWeight() external view returns (uint256);

    // ------------------------------------------------------------------ revenue in

    /// @notice Splits, as service revenue for the operator set, whatever `token` the splitter holds
    /// beyond what it has accounted (e.g. runway payments sent by the factory). Anyone may call it.
    /// @return amount What was split; zero when nothing was unaccounted.
    function split(address token) external returns (uint256 amount);

    /// @notice Pulls `amount` of `token` from the caller (approve first) and splits it as service
    /// revenue earned by `operator` (zero: the weighted operator set).
    /// @dev Reverts `FeeSplitter_ReservedRecipient` when `operator` is the treasury, community pool,
    /// staking contract or the splitter itself: their credit could never be claimed.
    function distribute(address token, uint256 amount, address operator) external;

    /// @notice Pulls `amount` of `token` from the caller (approve first) and splits it as transaction fees.
    /// The stakers' share goes to the staking contract in the same transaction (`StakerRewardsReleased`),
    /// which streams it out from now, when staking lists `token`; otherwise it waits for `releaseToStaking`.
    function distributeTransactionFees(address token, uint256 amount) external;

    // ------------------------------------------------------------------ revenue out

    /// @notice Pays the caller everything it has earned in `token` (zero for a token never accepted).
    /// @return amount What was paid (zero is not an error).
    function claim(address token) external returns (uint256 amount);

    /// @notice As `claim`, sending to `to` (e.g. when the caller cannot receive the token).
    function claimTo(address token, address to) external returns (uint256 amount);

    /// @notice Sends the stakers' share of `token` still held (accrued while staking did not list `token`)
    /// to the staking contract, which adds it to its reward stream. Anyone may call it.
    /// @dev Reverts `FeeSplitter_NotStakingReward` while staking does not list `token` and something is due.
    /// @return amount What was sent.
    function releaseToStaking(address token) external returns (uint256 amount);

    /// @notice Destroys the SYNOR burn share held. Anyone may call it.
    /// @return amount SYNOR destroyed.
    function burn() external returns (uint256 amount);

    /// @notice Swaps `amountIn` (zero: all) of `token`'s burn share for SYNOR through its Uniswap V2
    /// pair and destroys the SYNOR bought. Keeper only.
    /// @dev The swap is priced on what the pair actually received (less than `amountIn` for a
    /// fee-on-transfer token). The SYNOR that actually arrived (balance difference) must reach every
    /// bound: `minSynorOut` (the keeper's), the pool's pre-trade price less `maxSlippageBps`, and the
    /// price source's fair price less `maxSlippageBps` when one is set; both bounds are applied to what the
    /// pair received. Exactly what arrived is burned.
    /// @return synorBurned SYNOR bought and destroyed.
    function buyBack(address token, uint256 amountIn, uint256 minSynorOut) external returns (uint256 synorBurned);

    // ------------------------------------------------------------------ administration

    /// @notice Sets `operator`'s weight in the operator set, settling its earnings first. Weight manager only.
    /// @dev Reverts `FeeSplitter_ReservedRecipient` for the treasury, community pool or staking contract.
    function setOperatorWeight(address operator, uint256 weight) external;

    /// @notice Sets `validator`'s weight in the validator set, settling its earnings first. Weight manager only.
    function setValidatorWeight(address validator, uint256 weight) external;

    /// @notice Accepts `token` as revenue, bought back through `pair` (zero for none yet). Admin only.
    /// @dev A non-zero `pair` must be `uniswapV2Factory().getPair(token, synor())`
    /// (`FeeSplitter_PairNotFromFactory`); SYNOR itself takes no pair (`FeeSplitter_BadPair`).
    function acceptToken(address token, address pair) external;

    /// @notice Sets the Uniswap V2 pair `token`'s burn share is swapped through (zero: none). Admin only.
    /// @dev The same checks as `acceptToken`'s pair.
    function setBuyBackPair(address token, address pair) external;

    /// @notice Sets the price source bounding buy-backs (zero: none). Admin only.
    function setPriceSource(IPriceSource source) external;

    /// @notice Sets the buy-back slippage bound, at most `MAX_SLIPPAGE_BPS`. Admin only.
    function setMaxSlippageBps(uint256 bps) external;

    /// @notice Sends the whole balance of a token that is NOT accepted revenue to `to`. Admin only.
    function recover(address token, address to) external;
}
