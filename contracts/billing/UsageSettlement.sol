// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IFeeSplitter} from "../interfaces/IFeeSplitter.sol";
import {IPrepaidEscrow} from "../interfaces/IPrepaidEscrow.sol";
import {IPriceBook} from "../interfaces/IPriceBook.sol";
import {ITwapOracle} from "../interfaces/ITwapOracle.sol";
import {IUsageSettlement} from "../interfaces/IUsageSettlement.sol";
import {Rating} from "./lib/Rating.sol";

/// @title UsageSettlement
/// @notice Rates signed cumulative usage reports with the price book and charges them to prepaid
/// balances in the escrow.
/// @dev Per call, rate cards are cached in memory (up to `_CARD_CACHE` (resource, period) pairs) and the
/// oracle is read at most once; each operator's collected revenue is paid out once at the end.
contract UsageSettlement is IUsageSettlement, EIP712, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    /// @inheritdoc IUsageSettlement
    bytes32 public constant USAGE_REPORT_TYPEHASH = keccak256(
        "UsageReport(address account,address operator,bytes32 resource,uint64 period,uint256 cumulativeQuantity,bytes32 evidenceRoot)"
    );

    /// @inheritdoc IUsageSettlement
    bytes32 public constant USAGE_BATCH_TYPEHASH = keccak256(
        "UsageBatch(address operator,UsageReport[] reports)UsageReport(address account,address operator,bytes32 resource,uint64 period,uint256 cumulativeQuantity,bytes32 evidenceRoot)"
    );

    /// @inheritdoc IUsageSettlement
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    uint256 private constant _CARD_CACHE = 8;
    uint256 private constant _LIMIT = 1 << 128;

    IPriceBook private immutable _priceBook;
    IPrepaidEscrow private immutable _escrow;
    ITwapOracle private immutable _oracle;
    IFeeSplitter private immutable _splitter;
    uint64 private immutable _genesis;
    uint64 private immutable _periodLength;
    uint64 private immutable _settlementWindow;
    uint64 private immutable _signerDelay;

    mapping(bytes32 key => uint256 cumulative) private _charged;
    mapping(address operator => bool) private _operators;
    mapping(address operator => mapping(address signer => uint256 activeFrom)) private _signers;

    /// @dev A rate card fetched in this call.
    struct CachedCard {
        bytes32 resource;
        uint64 period;
        IPriceBook.RateCard card;
    }

    /// @dev A report rated and recorded, waiting for its group's escrow charge.
    struct Pending {
        uint256 index; // in the call's report list
        bytes32 key;
        address account;
        address operator;
        bytes32 resource;
        uint256 unpriced; // USD of the slice when no price was available
        ChargeRecord record;
    }

    /// @dev What one call carries across its reports. Consecutive reports of the same (account, operator,
    /// period) form a group charged to the escrow in one call; collections are then assigned to the
    /// group's reports in order, which is exactly what charging them one by one would collect.
    struct Run {
        CachedCard[_CARD_CACHE] cards;
        uint256 cached; // cards filled so far (the next slot is `cached % _CARD_CACHE`)
        bool priceRead; // whether the oracle was read in this call
        uint256 price; // its price (0: none available)
        address[] payees; // operators with revenue collected in this call
        uint256[] owed; // their revenue, same order
        uint256 payeeCount;
        uint256 charged; // reports charged
        uint64 current; // the current period
        uint64 oldestOpen; // the oldest period whose reports are still accepted
        Pending[] group; // the current group (capacity: the call's report count)
        uint256 groupSize;
        uint256 groupAmount; // SYNOR owed by the group
        uint256 groupUnpriced; // USD owed by the group without a price
    }

    /// @param priceBook_ The price book (its genesis and period length define the periods).
    /// @param escrow_ The escrow, deployed just before with this contract's address.
    /// @param oracle_ The SYNOR/USD oracle (zero: none; USD-priced slices become USD debt).
    /// @param settlementWindow_ Seconds after a period's end its reports are still accepted (<= a period).
    /// @param signerDelay_ Seconds before a new signer's signatures count (> 0).
    /// @param adminDelay Delay of a two-step admin transfer.
    /// @param admin The admin (grants the registrar role).
    /// @param registrar The first registrar (zero: none).
    constructor(
        IPriceBook priceBook_,
        IPrepaidEscrow escrow_,
        ITwapOracle oracle_,
        uint64 settlementWindow_,
        uint64 signerDelay_,
        uint48 adminDelay,
        address admin,
        address registrar
    ) EIP712("Synor Usage", "1") AccessControlDefaultAdminRules(adminDelay, admin) {
        if (address(priceBook_) == address(0) || address(escrow_) == address(0)) {
            revert Settlement_ZeroAddress();
        }
        address escrowSettlement = escrow_.settlement();
        if (escrowSettlement != address(this)) revert Settlement_EscrowMismatch(escrowSettlement);
        if (address(oracle_) != address(0)) {
            address oracleToken = oracle_.token();
            if (oracleToken != escrow_.synor()) revert Settlement_OracleMismatch(oracleToken);
        }
        uint64 periodLength_ = priceBook_.periodLength();
        if (settlementWindow_ == 0 || settlementWindow_ > periodLength_ || signerDelay_ == 0) {
            revert Settlement_BadConfig();
        }
        _priceBook = priceBook_;
        _escrow = escrow_;
        _oracle = oracle_;
        _splitter = IFeeSplitter(escrow_.splitter());
        _genesis = priceBook_.genesis();
        _periodLength = periodLength_;
        _settlementWindow = settlementWindow_;
        _signerDelay = signerDelay_;
        if (registrar != address(0)) _grantRole(REGISTRAR_ROLE, registrar);
    }

    // ------------------------------------------------------------------ settling

    /// @inheritdoc IUsageSettlement
    /// @dev Reports are charged in groups, so storage is written after earlier groups' escrow calls. The
    /// escrow is immutable, checked at construction to name this contract, and its `charge` makes no
    /// external call; both entry points are nonReentrant.
    // slither-disable-next-line reentrancy-no-eth
    function settle(SignedReport[] calldata reports) external nonReentrant returns (uint256) {
        uint256 n = reports.length;
        if (n == 0) revert Settlement_EmptyBatch();
        Run memory run = _newRun(n, n);
        for (uint256 i = 0; i < n; ++i) {
            SignedReport calldata signed = reports[i];
            UsageReport calldata report = signed.report;
            bytes memory reason = _checkSigner(report.operator, signed.signer);
            if (reason.length == 0) {
                bytes32 digest = _hashTypedDataV4(_hashReport(report));
                if (!SignatureChecker.isValidSignatureNow(signed.signer, digest, signed.signature)) {
                    reason = abi.encodeWithSelector(Settlement_InvalidSignature.selector, signed.signer);
                }
            }
            if (reason.length == 0) reason = _rate(run, report, i);
            if (reason.length != 0) _skip(report.account, report.operator, report.resource, i, reason);
        }
        _flush(run);
        _payOut(run);
        return run.charged;
    }

    /// @inheritdoc IUsageSettlement
    /// @dev As `settle` (grouped escrow calls; the trusted escrow makes no external call).
    // slither-disable-next-line reentrancy-no-eth
    function settleBatch(address operator, UsageReport[] calldata reports, address signer, bytes calldata signature)
        external
        nonReentrant
        returns (uint256)
    {
        uint256 n = reports.length;
        if (n == 0) revert Settlement_EmptyBatch();
        bytes memory reason = _checkSigner(operator, signer);
        if (reason.length != 0) _revertWith(reason);
        if (!SignatureChecker.isValidSignatureNow(signer, _hashTypedDataV4(_hashBatch(operator, reports)), signature)) {
            revert Settlement_InvalidSignature(signer);
        }
        Run memory run = _newRun(1, n);
        for (uint256 i = 0; i < n; ++i) {
            UsageReport calldata report = reports[i];
            reason = report.operator == operator
                ? _rate(run, report, i)
                : abi.encodeWithSelector(Settlement_OperatorMismatch.selector, report.operator, operator);
            if (reason.length != 0) _skip(report.account, report.operator, report.resource, i, reason);
        }
        _flush(run);
        _payOut(run);
        return run.charged;
    }

    // ------------------------------------------------------------------ operators

    /// @inheritdoc IUsageSettlement
    function registerOperator(address operator) external onlyRole(REGISTRAR_ROLE) {
        if (
            operator == address(0) || operator == _splitter.treasury() || operator == _splitter.communityPool()
                || operator == _splitter.staking() || operator == address(_splitter) || operator == address(_escrow)
                || operator == address(this)
        ) revert Settlement_ReservedOperator(operator);
        if (_operators[operator]) revert Settlement_AlreadyRegistered(operator);
        _operators[operator] = true;
        emit OperatorRegistered(operator);
    }

    /// @inheritdoc IUsageSettlement
    function deregisterOperator(address operator) external onlyRole(REGISTRAR_ROLE) {
        if (!_operators[operator]) revert Settlement_UnknownOperator(operator);
        _operators[operator] = false;
        emit OperatorDeregistered(operator);
    }

    /// @inheritdoc IUsageSettlement
    function addSigner(address signer) external {
        if (!_operators[msg.sender]) revert Settlement_NotOperator(msg.sender);
        if (signer == address(0)) revert Settlement_ZeroAddress();
        if (_signers[msg.sender][signer] != 0) revert Settlement_SignerExists(msg.sender, signer);
        uint256 activeFrom = block.timestamp + _signerDelay;
        _signers[msg.sender][signer] = activeFrom;
        emit SignerAdded(msg.sender, signer, activeFrom);
    }

    /// @inheritdoc IUsageSettlement
    function revokeSigner(address signer) external {
        if (_signers[msg.sender][signer] == 0) revert Settlement_UnknownSigner(msg.sender, signer, 0);
        delete _signers[msg.sender][signer];
        emit SignerRevoked(msg.sender, signer);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IUsageSettlement
    function hashReport(UsageReport calldata report) external view returns (bytes32) {
        return _hashTypedDataV4(_hashReport(report));
    }

    /// @inheritdoc IUsageSettlement
    function hashBatch(address operator, UsageReport[] calldata reports) external view returns (bytes32) {
        return _hashTypedDataV4(_hashBatch(operator, reports));
    }

    /// @inheritdoc IUsageSettlement
    function preview(UsageReport calldata report) external view returns (uint256 amount, uint8 currency) {
        (uint64 current, uint64 oldestOpen) = _openPeriods();
        bytes memory reason = _checkReport(report, current, oldestOpen);
        if (reason.length != 0) _revertWith(reason);
        uint256 previous = _charged[_key(report)];
        if (report.cumulativeQuantity <= previous) {
            revert Settlement_NotAboveCharged(previous, report.cumulativeQuantity);
        }
        if (!_escrow.isAllowed(report.account, report.operator, report.period)) {
            revert Settlement_NotAllowed(report.account, report.operator, report.period);
        }
        // Reverts with the price book's error for an unknown resource; the card's first period and the tier
        // slices are not needed for a preview.
        // slither-disable-next-line unused-return
        (, IPriceBook.RateCard memory card) = _priceBook.rateCard(report.resource, report.period);
        // slither-disable-next-line unused-return
        (amount,) = Rating.sliceChargeUp(card, previous, report.cumulativeQuantity);
        // As settlement: a slice's charge (in either currency) must be below 2^128.
        if (amount >= _LIMIT) revert Settlement_ChargeTooLarge(amount);
        currency = uint8(card.currency);
    }

    /// @inheritdoc IUsageSettlement
    function chargedCumulative(address account, address operator, bytes32 resource, uint64 period)
        external
        view
        returns (uint256)
    {
        return _charged[keccak256(abi.encode(account, operator, resource, period))];
    }

    /// @inheritdoc IUsageSettlement
    function isOperator(address operator) external view returns (bool) {
        return _operators[operator];
    }

    /// @inheritdoc IUsageSettlement
    function isSigner(address operator, address signer) external view returns (bool) {
        uint256 activeFrom = _signers[operator][signer];
        return activeFrom != 0 && activeFrom <= block.timestamp;
    }

    /// @inheritdoc IUsageSettlement
    function signerActiveFrom(address operator, address signer) external view returns (uint256) {
        return _signers[operator][signer];
    }

    /// @inheritdoc IUsageSettlement
    function currentPeriod() public view returns (uint64) {
        // block.timestamp >= genesis: the price book checked its genesis was not in the future.
        return SafeCast.toUint64((block.timestamp - _genesis) / _periodLength);
    }

    /// @inheritdoc IUsageSettlement
    function closesAt(uint64 period) public view returns (uint256) {
        return uint256(_genesis) + (uint256(period) + 1) * _periodLength + _settlementWindow;
    }

    /// @inheritdoc IUsageSettlement
    function settlementWindow() external view returns (uint64) {
        return _settlementWindow;
    }

    /// @inheritdoc IUsageSettlement
    function signerDelay() external view returns (uint64) {
        return _signerDelay;
    }

    /// @inheritdoc IUsageSettlement
    function priceBook() external view returns (address) {
        return address(_priceBook);
    }

    /// @inheritdoc IUsageSettlement
    function escrow() external view returns (address) {
        return address(_escrow);
    }

    /// @inheritdoc IUsageSettlement
    function oracle() external view returns (address) {
        return address(_oracle);
    }

    // ------------------------------------------------------------------ charging

    function _newRun(uint256 maxPayees, uint256 maxGroup) private view returns (Run memory run) {
        run.payees = new address[](maxPayees);
        run.owed = new uint256[](maxPayees);
        run.group = new Pending[](maxGroup);
        (run.current, run.oldestOpen) = _openPeriods();
    }

    /// @dev The current period and the oldest period still accepting reports: `closesAt(p) > now` exactly
    /// when `(p + 1) * periodLength > now - genesis - settlementWindow`.
    function _openPeriods() private view returns (uint64 current, uint64 oldestOpen) {
        current = currentPeriod();
        // block.timestamp >= genesis (checked by the price book at its deployment).
        uint256 elapsed = block.timestamp - _genesis;
        // A period's window never exceeds a period, so the oldest open period is at most the current one.
        if (elapsed >= _settlementWindow) oldestOpen = uint64((elapsed - _settlementWindow) / _periodLength);
    }

    /// @dev Rates one report whose signature was checked and records its new cumulative; its charge joins
    /// the current group (flushed first when the report starts another). Returns the ABI-encoded error
    /// that skips it, or nothing.
    // The flush below calls the trusted escrow (no external call of its own) before this report's
    // cumulative is recorded; callers are nonReentrant.
    // slither-disable-next-line reentrancy-no-eth
    function _rate(Run memory run, UsageReport calldata report, uint256 index) private returns (bytes memory reason) {
        reason = _checkReport(report, run.current, run.oldestOpen);
        if (reason.length != 0) return reason;
        bytes32 key = _key(report);
        uint256 previous = _charged[key];
        uint256 cumulative = report.cumulativeQuantity;
        if (cumulative <= previous) {
            return abi.encodeWithSelector(Settlement_NotAboveCharged.selector, previous, cumulative);
        }
        IPriceBook.RateCard memory card;
        (card, reason) = _card(run, report.resource, report.period);
        if (reason.length != 0) return reason;
        // Filled field by field below (a memory struct starts zeroed).
        // slither-disable-next-line uninitialized-local
        ChargeRecord memory record;
        // Both cumulatives are below 2^128 and prices are uint128, so the rating cannot overflow.
        (uint256 amount, uint256[8] memory slices) = Rating.sliceChargeUp(card, previous, cumulative);
        record.amount = amount;
        if (record.amount >= _LIMIT) return abi.encodeWithSelector(Settlement_ChargeTooLarge.selector, record.amount);
        uint256 unpriced = 0;
        if (card.currency == IPriceBook.Currency.USD) {
            record.usdAmount = record.amount;
            record.usdPerSynor = _price(run);
            if (record.usdPerSynor == 0) {
                unpriced = record.amount;
                record.amount = 0;
            } else {
                record.amount = Rating.synorForUsdUp(record.usdAmount, record.usdPerSynor);
                if (record.amount >= _LIMIT) {
                    return abi.encodeWithSelector(Settlement_ChargeTooLarge.selector, record.amount);
                }
            }
        }
        record.period = report.period;
        record.previousCumulative = previous;
        record.cumulative = cumulative;
        record.slices = _trim(slices, card.tiers.length);
        record.evidenceRoot = report.evidenceRoot;
        if (run.groupSize != 0) {
            Pending memory head = run.group[0];
            if (
                head.account != report.account || head.operator != report.operator
                    || head.record.period != report.period
            ) {
                _flush(run);
            }
        }
        // Effects before the group's escrow call (undone when the account did not allow the operator).
        _charged[key] = cumulative;
        run.group[run.groupSize++] =
            Pending(index, key, report.account, report.operator, report.resource, unpriced, record);
        // Each amount is below 2^128 and a call holds far fewer than 2^128 reports.
        unchecked {
            run.groupAmount += record.amount;
            run.groupUnpriced += unpriced;
        }
        return "";
    }

    /// @dev Charges the current group to the escrow in one call and emits its reports' outcomes.
    function _flush(Run memory run) private {
        uint256 size = run.groupSize;
        if (size == 0) return;
        Pending memory head = run.group[0];
        (bool allowed, uint256 collected) =
            _escrow.charge(head.account, head.operator, head.record.period, run.groupAmount, run.groupUnpriced);
        if (!allowed) {
            bytes memory reason =
                abi.encodeWithSelector(Settlement_NotAllowed.selector, head.account, head.operator, head.record.period);
            // Undone newest first, so a key reported twice in the group gets its oldest value back.
            for (uint256 i = size; i > 0; --i) {
                Pending memory p = run.group[i - 1];
                _charged[p.key] = p.record.previousCumulative;
            }
            for (uint256 i = 0; i < size; ++i) {
                Pending memory p = run.group[i];
                _skip(p.account, p.operator, p.resource, p.index, reason);
            }
        } else {
            if (collected != 0) _owe(run, head.operator, collected);
            uint256 remaining = collected;
            for (uint256 i = 0; i < size; ++i) {
                Pending memory p = run.group[i];
                uint256 take = p.record.amount < remaining ? p.record.amount : remaining;
                p.record.collected = take;
                // take <= remaining (min above).
                unchecked {
                    remaining -= take;
                }
                emit UsageCharged(p.account, p.operator, p.resource, p.record);
            }
            run.charged += size;
        }
        run.groupSize = 0;
        run.groupAmount = 0;
        run.groupUnpriced = 0;
    }

    /// @dev The checks that need no signature, storage of the key or rate card: operator, period, quantity.
    function _checkReport(UsageReport calldata report, uint64 current, uint64 oldestOpen)
        private
        view
        returns (bytes memory)
    {
        if (!_operators[report.operator]) {
            return abi.encodeWithSelector(Settlement_UnknownOperator.selector, report.operator);
        }
        uint64 period = report.period;
        if (period > current) return abi.encodeWithSelector(Settlement_PeriodNotStarted.selector, period);
        if (period < oldestOpen) {
            return abi.encodeWithSelector(Settlement_PeriodClosed.selector, period, closesAt(period));
        }
        if (report.cumulativeQuantity >= _LIMIT) {
            return abi.encodeWithSelector(Settlement_QuantityTooLarge.selector, report.cumulativeQuantity);
        }
        return "";
    }

    /// @dev Nothing when `signer` may sign for `operator` now, else the error.
    function _checkSigner(address operator, address signer) private view returns (bytes memory) {
        if (!_operators[operator]) return abi.encodeWithSelector(Settlement_UnknownOperator.selector, operator);
        uint256 activeFrom = _signers[operator][signer];
        if (activeFrom == 0 || activeFrom > block.timestamp) {
            return abi.encodeWithSelector(Settlement_UnknownSigner.selector, operator, signer, activeFrom);
        }
        return "";
    }

    /// @dev The card rating `resource` in `period`, from this call's cache or the price book.
    function _card(Run memory run, bytes32 resource, uint64 period)
        private
        view
        returns (IPriceBook.RateCard memory card, bytes memory reason)
    {
        uint256 filled = run.cached < _CARD_CACHE ? run.cached : _CARD_CACHE;
        for (uint256 i = 0; i < filled; ++i) {
            CachedCard memory c = run.cards[i];
            if (c.resource == resource && c.period == period) return (c.card, "");
        }
        // The card's first period is not needed.
        // slither-disable-next-line unused-return
        try _priceBook.rateCard(resource, period) returns (uint64, IPriceBook.RateCard memory fetched) {
            run.cards[run.cached % _CARD_CACHE] = CachedCard(resource, period, fetched);
            ++run.cached;
            return (fetched, "");
        } catch (bytes memory error) {
            return (card, error);
        }
    }

    /// @dev The oracle's price, read once per call; 0 when there is no oracle or no fresh price.
    function _price(Run memory run) private view returns (uint256) {
        if (!run.priceRead) {
            run.priceRead = true;
            if (address(_oracle) != address(0)) {
                try _oracle.price() returns (uint256 p) {
                    run.price = p;
                } catch {}
            }
        }
        return run.price;
    }

    function _owe(Run memory run, address operator, uint256 amount) private pure {
        uint256 count = run.payeeCount;
        for (uint256 i = 0; i < count; ++i) {
            if (run.payees[i] == operator) {
                run.owed[i] += amount;
                return;
            }
        }
        run.payees[count] = operator;
        run.owed[count] = amount;
        run.payeeCount = count + 1;
    }

    /// @dev One splitter payment per operator (only operators with something collected are listed).
    function _payOut(Run memory run) private {
        for (uint256 i = 0; i < run.payeeCount; ++i) {
            _escrow.payOut(run.payees[i], run.owed[i]);
        }
    }

    function _skip(address account, address operator, bytes32 resource, uint256 index, bytes memory reason) private {
        emit ReportSkipped(account, operator, resource, index, reason);
    }

    // ------------------------------------------------------------------ hashing

    function _key(UsageReport calldata report) private pure returns (bytes32) {
        return keccak256(abi.encode(report.account, report.operator, report.resource, report.period));
    }

    function _hashReport(UsageReport calldata report) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                USAGE_REPORT_TYPEHASH,
                report.account,
                report.operator,
                report.resource,
                report.period,
                report.cumulativeQuantity,
                report.evidenceRoot
            )
        );
    }

    function _hashBatch(address operator, UsageReport[] calldata reports) private pure returns (bytes32) {
        uint256 n = reports.length;
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            hashes[i] = _hashReport(reports[i]);
        }
        return keccak256(abi.encode(USAGE_BATCH_TYPEHASH, operator, keccak256(abi.encodePacked(hashes))));
    }

    function _trim(uint256[8] memory slices, uint256 count) private pure returns (uint256[] memory trimmed) {
        trimmed = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            trimmed[i] = slices[i];
        }
    }

    function _revertWith(bytes memory reason) private pure {
        // Re-raises an ABI-encoded custom error as this call's revert data.
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }
}
