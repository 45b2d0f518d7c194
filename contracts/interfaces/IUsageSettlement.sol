// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Usage billing: signed usage settlement
/// @notice Operators' software signs **cumulative** usage reports, per (account, operator, resource,
/// period); anyone submits them. Each report charges only the new slice, `rating(new cumulative) -
/// rating(charged cumulative)` from the price book's card of that period (rounded up once on the
/// cumulative total), so many small reports cost exactly what one big report would, and a replayed,
/// duplicated, reordered or lower report charges nothing. USD-priced slices are converted at the
/// oracle's current SYNOR/USD price; without a fresh price they become USD debt. The charge is taken
/// from the account's prepaid balance in the escrow (consent and ceiling applied, the rest recorded as
/// debt) and each operator's revenue of a call is paid to the fee splitter once.
///
/// Signed messages (EIP-712, domain `name = "Synor Usage"`, `version = "1"`, chain id, verifying contract
/// = this contract):
/// `UsageReport(address account,address operator,bytes32 resource,uint64 period,uint256 cumulativeQuantity,bytes32 evidenceRoot)`
/// and `UsageBatch(address operator,UsageReport[] reports)`. Signatures are checked with OpenZeppelin's
/// SignatureChecker against the signer named beside them, so ERC-1271 contract wallets can sign.
///
/// Periods: fixed-length billing periods from the price book's genesis; reports for a period are
/// accepted from its start until its end plus the settlement window.
interface IUsageSettlement {
    // ------------------------------------------------------------------ types

    /// @notice Cumulative usage of `resource` by `account` served by `operator` in `period`.
    /// @param cumulativeQuantity Base quantities since the period began (below 2^128).
    /// @param evidenceRoot A commitment to the metered events behind the figure (for audits).
    struct UsageReport {
        address account;
        address operator;
        bytes32 resource;
        uint64 period;
        uint256 cumulativeQuantity;
        bytes32 evidenceRoot;
    }

    /// @notice A report with its own signature by `signer`, an active signer of the report's operator.
    struct SignedReport {
        UsageReport report;
        address signer;
        bytes signature;
    }

    /// @notice What one report charged (the data of {UsageCharged}): enough to rebuild an invoice line.
    /// @param period The usage period.
    /// @param previousCumulative The cumulative quantity charged before.
    /// @param cumulative The new cumulative quantity charged.
    /// @param slices The quantity of `(previousCumulative, cumulative]` in each tier of the period's card.
    /// @param amount SYNOR owed for the slice (0 when USD-priced and no price was available).
    /// @param usdAmount The slice's price in USD for a USD-priced card (0 for a SYNOR card).
    /// @param usdPerSynor The oracle price used, 18-decimal USD per SYNOR (0: none used).
    /// @param collected SYNOR taken from the balance now; `amount - collected` (or `usdAmount` when
    /// unpriced) became debt.
    /// @param evidenceRoot The report's evidence commitment.
    struct ChargeRecord {
        uint64 period;
        uint256 previousCumulative;
        uint256 cumulative;
        uint256[] slices;
        uint256 amount;
        uint256 usdAmount;
        uint256 usdPerSynor;
        uint256 collected;
        bytes32 evidenceRoot;
    }

    // ------------------------------------------------------------------ events

    /// @notice A report charged `account` for `operator`'s usage of `resource`.
    event UsageCharged(
        address indexed account, address indexed operator, bytes32 indexed resource, ChargeRecord charge
    );

    /// @notice Report `index` of a call was skipped; `reason` is the ABI-encoded custom error
    /// (e.g. `Settlement_NotAboveCharged` for a replay). Consecutive reports of one (account, operator,
    /// period) are charged to the escrow together, so a consent refusal (`Settlement_NotAllowed`) is
    /// emitted when its group is charged, possibly after the skips of later reports.
    event ReportSkipped(
        address indexed account, address indexed operator, bytes32 indexed resource, uint256 index, bytes reason
    );

    /// @notice `operator` was registered.
    event OperatorRegistered(address indexed operator);

    /// @notice `operator` was deregistered: its reports are refused.
    event OperatorDeregistered(address indexed operator);

    /// @notice `operator` authorized `signer`, whose signatures count from `activeFrom`.
    event SignerAdded(address indexed operator, address indexed signer, uint256 activeFrom);

    /// @notice `operator` revoked `signer`, effective immediately.
    event SignerRevoked(address indexed operator, address indexed signer);

    // ------------------------------------------------------------------ errors

    /// @notice A constructor address is zero.
    error Settlement_ZeroAddress();
    /// @notice The settlement window is zero or longer than a period, or the signer delay is zero.
    error Settlement_BadConfig();
    /// @notice The escrow was deployed for another settlement contract.
    error Settlement_EscrowMismatch(address escrowSettlement);
    /// @notice The oracle does not price SYNOR.
    error Settlement_OracleMismatch(address oracleToken);
    /// @notice Nothing to settle (an empty list).
    error Settlement_EmptyBatch();
    /// @notice The caller is not a registered operator.
    error Settlement_NotOperator(address caller);
    /// @notice `operator` is already registered.
    error Settlement_AlreadyRegistered(address operator);
    /// @notice `operator` cannot be paid by the splitter (treasury, community pool, staking, splitter, zero).
    error Settlement_ReservedOperator(address operator);
    /// @notice `signer` is already a signer (active or pending) of `operator`.
    error Settlement_SignerExists(address operator, address signer);
    /// @notice `signer` is not an active signer of `operator` (unknown, revoked, or not active before `activeFrom`).
    error Settlement_UnknownSigner(address operator, address signer, uint256 activeFrom);
    /// @notice The signature is not `signer`'s over the report (or batch): forged, or for another chain or contract.
    error Settlement_InvalidSignature(address signer);
    /// @notice A report of a batch names another operator than the batch.
    error Settlement_OperatorMismatch(address reportOperator, address batchOperator);
    /// @notice `operator` is not registered.
    error Settlement_UnknownOperator(address operator);
    /// @notice `account` has not allowed `operator` to charge it for usage in `period`.
    error Settlement_NotAllowed(address account, address operator, uint64 period);
    /// @notice `period` has not started.
    error Settlement_PeriodNotStarted(uint64 period);
    /// @notice `period`'s settlement window closed at `closedAt`.
    error Settlement_PeriodClosed(uint64 period, uint256 closedAt);
    /// @notice The reported cumulative quantity is not above what was charged (a replay, duplicate,
    /// reordered or lower report): it charges nothing.
    error Settlement_NotAboveCharged(uint256 charged, uint256 reported);
    /// @notice A cumulative quantity must be below 2^128.
    error Settlement_QuantityTooLarge(uint256 quantity);
    /// @notice A slice's charge must be below 2^128.
    error Settlement_ChargeTooLarge(uint256 amount);

    // ------------------------------------------------------------------ settling (anyone)

    /// @notice Settles reports each signed by its own signer. A report that fails a check is skipped with
    /// {ReportSkipped}; the others are charged ({UsageCharged}). Each operator's collected revenue is paid
    /// to the splitter once. Reverts {Settlement_EmptyBatch} for an empty list and `EnforcedPause` while
    /// the escrow is paused.
    /// @return charged How many reports charged.
    function settle(SignedReport[] calldata reports) external returns (uint256 charged);

    /// @notice Settles `reports` under one `UsageBatch` signature by `signer`, an active signer of
    /// `operator`. A bad signature or signer reverts the whole call; a report that fails a check (e.g.
    /// another operator, a closed period) is skipped with {ReportSkipped}.
    /// @return charged How many reports charged.
    function settleBatch(address operator, UsageReport[] calldata reports, address signer, bytes calldata signature)
        external
        returns (uint256 charged);

    // ------------------------------------------------------------------ operators

    /// @notice Registers `operator`. Registrar only. Emits {OperatorRegistered}.
    function registerOperator(address operator) external;

    /// @notice Deregisters `operator`: its reports are refused from now on. Registrar only.
    /// Emits {OperatorDeregistered}.
    function deregisterOperator(address operator) external;

    /// @notice The calling operator authorizes `signer`; its signatures count after the signer delay.
    /// Emits {SignerAdded}.
    function addSigner(address signer) external;

    /// @notice The calling operator revokes `signer` (active or pending), immediately. Emits {SignerRevoked}.
    function revokeSigner(address signer) external;

    // ------------------------------------------------------------------ views

    /// @notice The EIP-712 digest a signer signs for `report`.
    function hashReport(UsageReport calldata report) external view returns (bytes32);

    /// @notice The EIP-712 digest a signer signs for a batch of `reports` by `operator`.
    function hashBatch(address operator, UsageReport[] calldata reports) external view returns (bytes32);

    /// @notice Checks `report` as settlement would, without its signature: reverts with the custom error
    /// that would skip it, else returns what it would charge now (in the card's currency).
    /// @return amount The slice's charge in the card's currency (SYNOR or USD).
    /// @return currency 0 = SYNOR, 1 = USD.
    function preview(UsageReport calldata report) external view returns (uint256 amount, uint8 currency);

    /// @notice The cumulative quantity charged for (account, operator, resource, period).
    function chargedCumulative(address account, address operator, bytes32 resource, uint64 period)
        external
        view
        returns (uint256);

    /// @notice Whether `operator` is registered.
    function isOperator(address operator) external view returns (bool);

    /// @notice Whether `signer` may sign for `operator` now.
    function isSigner(address operator, address signer) external view returns (bool);

    /// @notice When `signer`'s signatures count for `operator` (0: not a signer).
    function signerActiveFrom(address operator, address signer) external view returns (uint256);

    /// @notice The index of the period containing now.
    function currentPeriod() external view returns (uint64);

    /// @notice When `period`'s reports stop being accepted: its end plus the settlement window.
    function closesAt(uint64 period) external view returns (uint256);

    /// @notice Seconds after a period's end during which its reports are still accepted.
    function settlementWindow() external view returns (uint64);

    /// @notice Seconds before a newly added signer's signatures count.
    function signerDelay() external view returns (uint64);

    /// @notice The price book rating reports.
    function priceBook() external view returns (address);

    /// @notice The escrow charged.
    function escrow() external view returns (address);

    /// @notice The SYNOR/USD oracle USD-priced slices are converted with (zero: none; USD slices become debt).
    function oracle() external view returns (address);

    /// @notice The EIP-712 type hash of `UsageReport`.
    function USAGE_REPORT_TYPEHASH() external view returns (bytes32);

    /// @notice The EIP-712 type hash of `UsageBatch`.
    function USAGE_BATCH_TYPEHASH() external view returns (bytes32);

    /// @notice The role that registers operators.
    function REGISTRAR_ROLE() external view returns (bytes32);
}
