// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Usage billing: prepaid SYNOR balances
/// @notice Accounts prepay SYNOR here; the usage settlement contract (the only charger) takes signed,
/// rated usage out of them for the operators the account allowed, and the escrow pays what it collected
/// to the fee splitter (`distribute`, so usage revenue is split like runway revenue).
/// - **Consent**: an account allows each operator that may charge it, with a ceiling on what that operator
///   may collect per billing period (counted in the period the collection happens). Denied by default.
///   Revoking stops charges for usage after the current period; usage of the current and earlier
///   periods stays chargeable until their settlement windows close, so revoking cannot dodge a bill.
/// - **Debt**: what a charge could not collect (short balance, ceiling reached, no fresh SYNOR/USD price)
///   is recorded per (account, operator), in SYNOR, or in USD when no price was available, and anyone may
///   collect it later once funds (and ceiling headroom) exist, even after the period closed.
/// - **Withdrawals thaw**: a request is public (services stop serving the account); the balance stays
///   chargeable until the current period's settlement window closes, then the account withdraws its
///   balance less its outstanding debt.
/// - A guardian can pause charging (settlement and debt collection), never deposits or withdrawals.
interface IPrepaidEscrow {
    // ------------------------------------------------------------------ types

    /// @notice An account's consent for one operator.
    /// @param ceiling What the operator may collect per period (`type(uint96).max`: no ceiling); 0: not allowed.
    /// @param spent What it collected in `spentPeriod`.
    /// @param spentPeriod The period `spent` counts.
    /// @param untilPeriod The last period of usage it may charge (`type(uint32).max` while allowed).
    struct Consent {
        uint96 ceiling;
        uint96 spent;
        uint32 spentPeriod;
        uint32 untilPeriod;
    }

    /// @notice Outstanding debt: SYNOR base units, and 18-decimal USD not yet converted (no price then).
    struct Debt {
        uint128 synor;
        uint128 usd;
    }

    // ------------------------------------------------------------------ events

    /// @notice `from` deposited `amount` SYNOR into `account`'s balance.
    event Deposited(address indexed account, address indexed from, uint256 amount);

    /// @notice `account` allowed `operator` to charge it up to `ceiling` per period (`type(uint96).max`: no ceiling).
    event OperatorAllowed(address indexed account, address indexed operator, uint256 ceiling);

    /// @notice `account` revoked `operator`: usage after `lastPeriod` can no longer be charged.
    event OperatorRevoked(address indexed account, address indexed operator, uint64 lastPeriod);

    /// @notice Outstanding debt of `account` to `operator` was collected: `amount` SYNOR, of which
    /// `fromUsd` settled `usdSettled` of USD debt at `usdPerSynor` (18-decimal USD per SYNOR; 0 when none).
    event DebtCollected(
        address indexed account,
        address indexed operator,
        uint256 amount,
        uint256 fromUsd,
        uint256 usdSettled,
        uint256 usdPerSynor
    );

    /// @notice `account` asked to withdraw; its balance stays chargeable until `unlocksAt`.
    event WithdrawalRequested(address indexed account, uint64 period, uint256 unlocksAt);

    /// @notice `account` cancelled its withdrawal request.
    event WithdrawalCancelled(address indexed account);

    /// @notice `account` withdrew `amount` SYNOR to `to` (its balance less its outstanding debt).
    event Withdrawn(address indexed account, address indexed to, uint256 amount);

    // ------------------------------------------------------------------ errors

    /// @notice A constructor address is zero.
    error Escrow_ZeroAddress();
    /// @notice An amount (or ceiling) is zero.
    error Escrow_ZeroAmount();
    /// @notice Only the settlement contract may charge; `caller` is not it.
    error Escrow_NotSettlement(address caller);
    /// @notice A ceiling must be below `type(uint96).max`, or exactly `type(uint256).max` for none.
    error Escrow_CeilingTooLarge(uint256 ceiling);
    /// @notice `account` has not allowed `operator` (or already revoked it).
    error Escrow_NotAllowed(address account, address operator);
    /// @notice `account` already asked to withdraw.
    error Escrow_WithdrawalPending(address account);
    /// @notice `account` has not asked to withdraw.
    error Escrow_NoWithdrawalRequested(address account);
    /// @notice `account`'s balance is chargeable until `unlocksAt`.
    error Escrow_WithdrawalLocked(address account, uint256 unlocksAt);
    /// @notice `account` has nothing to withdraw (its balance does not exceed its debt).
    error Escrow_NothingToWithdraw(address account);
    /// @notice Nothing of `account`'s debt to `operator` can be collected now (no debt, no balance, no
    /// ceiling headroom, or only USD debt and no fresh price).
    error Escrow_NothingToCollect(address account, address operator);
    /// @notice The settlement contract paid out more than it collected.
    error Escrow_PayoutExceedsCollected(uint256 amount, uint256 collected);

    // ------------------------------------------------------------------ accounts

    /// @notice Deposits `amount` SYNOR from the caller (approve first) into `account`'s balance; anyone may
    /// fund anyone. Emits {Deposited}.
    /// @param account The account credited.
    /// @param amount SYNOR base units, > 0.
    function deposit(address account, uint256 amount) external;

    /// @notice As {deposit}, approving by an EIP-2612 permit signed by the caller.
    /// @dev A permit already used (e.g. front-run) is ignored when the allowance already covers `amount`.
    function depositWithPermit(address account, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external;

    /// @notice Allows `operator` to charge the caller up to `ceiling` SYNOR per period (`type(uint256).max`:
    /// no ceiling), replacing any earlier consent or revocation. Emits {OperatorAllowed}.
    function allow(address operator, uint256 ceiling) external;

    /// @notice Revokes `operator`: usage after the current period can no longer be charged; what it has
    /// already served stays chargeable until its windows close. Emits {OperatorRevoked}.
    function revoke(address operator) external;

    /// @notice Asks to withdraw the caller's balance: public (services stop serving), unlocked once the
    /// current period's settlement window closes. Emits {WithdrawalRequested}.
    function requestWithdrawal() external;

    /// @notice Cancels the caller's withdrawal request. Emits {WithdrawalCancelled}.
    function cancelWithdrawal() external;

    /// @notice Sends the caller's balance less its outstanding debt (USD debt at the current price) to `to`,
    /// once unlocked, and clears the request. The debt stays in the balance for its operators.
    /// Emits {Withdrawn}.
    /// @return amount SYNOR sent.
    function withdraw(address to) external returns (uint256 amount);

    /// @notice Collects what can be collected of `account`'s outstanding debt to `operator` (within the
    /// operator's ceiling for the current period) and pays it to the splitter for `operator`. Anyone may
    /// call it. USD debt is converted at the oracle's current price when there is one. Emits {DebtCollected}.
    /// @return amount SYNOR collected.
    function collectDebt(address account, address operator) external returns (uint256 amount);

    // ------------------------------------------------------------------ settlement only

    /// @notice Charges `account` `amount` SYNOR (plus `usdUnpriced` USD recorded as USD debt when no price
    /// was available) for `operator`'s usage in `period`: collects what the balance and the operator's
    /// ceiling allow and records the rest as debt. Changes nothing when `operator` may not charge the
    /// account for `period`. Settlement only; reverts `EnforcedPause` while paused.
    /// @return allowed Whether `operator` may charge `account` for usage in `period`.
    /// @return collected SYNOR taken from the balance (to be paid out by {payOut}).
    function charge(address account, address operator, uint64 period, uint256 amount, uint256 usdUnpriced)
        external
        returns (bool allowed, uint256 collected);

    /// @notice Pays `amount` of what was collected in this transaction to the splitter for `operator`.
    /// Settlement only.
    function payOut(address operator, uint256 amount) external;

    // ------------------------------------------------------------------ guardian

    /// @notice Pauses charging (settlement and debt collection). Guardian only.
    function pause() external;

    /// @notice Resumes charging. Admin only (a guardian key cannot both stop and restart billing).
    function unpause() external;

    // ------------------------------------------------------------------ views

    /// @notice `account`'s prepaid balance (SYNOR base units), debt reserve included.
    function balanceOf(address account) external view returns (uint256);

    /// @notice `account`'s consent for `operator`.
    function consent(address account, address operator) external view returns (Consent memory);

    /// @notice Whether `operator` may charge `account` for usage in `period`.
    function isAllowed(address account, address operator, uint64 period) external view returns (bool);

    /// @notice What `operator` may still collect from `account` in the current period (ceiling less spent).
    function headroom(address account, address operator) external view returns (uint256);

    /// @notice `account`'s outstanding debt to `operator`.
    function debtOf(address account, address operator) external view returns (Debt memory);

    /// @notice `account`'s outstanding debt to every operator together.
    function totalDebtOf(address account) external view returns (Debt memory);

    /// @notice When `account`'s withdrawal unlocks (0: none requested).
    function withdrawalUnlocksAt(address account) external view returns (uint256);

    /// @notice The SYNOR token held.
    function synor() external view returns (address);

    /// @notice The fee splitter collected usage revenue is paid to.
    function splitter() external view returns (address);

    /// @notice The SYNOR/USD oracle USD debt is converted with (zero: none).
    function oracle() external view returns (address);

    /// @notice The only contract that may charge (the UsageSettlement).
    function settlement() external view returns (address);

    /// @notice The role that may pause charging.
    function GUARDIAN_ROLE() external view returns (bytes32);
}
