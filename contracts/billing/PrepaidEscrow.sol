// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IFeeSplitter} from "../interfaces/IFeeSplitter.sol";
import {IPrepaidEscrow} from "../interfaces/IPrepaidEscrow.sol";
import {IPriceBook} from "../interfaces/IPriceBook.sol";
import {ITwapOracle} from "../interfaces/ITwapOracle.sol";
import {IUsageSettlement} from "../interfaces/IUsageSettlement.sol";

/// @title PrepaidEscrow
/// @notice Prepaid SYNOR balances charged by the usage settlement contract, with consent, ceilings,
/// debt, thawing withdrawals and a guardian pause on charging.
/// @dev Token flows: deposits in; collected charges out to the splitter (`distribute`) in the same
/// transaction; withdrawals out. So the SYNOR held always equals the sum of balances (checked by the
/// invariant tests). The settlement contract's address is fixed at deployment (predicted from the
/// deployer's nonce) and the settlement checks it back, so neither can be swapped.
contract PrepaidEscrow is IPrepaidEscrow, AccessControlDefaultAdminRules, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IPrepaidEscrow
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    uint96 private constant _NO_CEILING = type(uint96).max;
    uint32 private constant _OPEN_ENDED = type(uint32).max;

    IERC20 private immutable _synor;
    IFeeSplitter private immutable _splitter;
    ITwapOracle private immutable _oracle;
    address private immutable _settlement;
    uint64 private immutable _genesis;
    uint64 private immutable _periodLength;

    mapping(address account => uint256) private _balances;
    mapping(address account => mapping(address operator => Consent)) private _consents;
    mapping(address account => mapping(address operator => Debt)) private _debts;
    mapping(address account => Debt) private _totalDebts;
    mapping(address account => uint256) private _unlocksAt;

    /// @dev SYNOR collected by `charge` in this transaction and not yet paid out by `payOut`.
    uint256 private transient _collectedUnpaid;

    /// @param synor_ The SYNOR token.
    /// @param splitter_ The fee splitter usage revenue is distributed through.
    /// @param oracle_ The SYNOR/USD oracle for USD debt (zero: none).
    /// @param priceBook_ The price book whose periods the ceilings count in.
    /// @param settlement_ The UsageSettlement, deployed next (its address predicted).
    /// @param adminDelay Delay of a two-step admin transfer (AccessControlDefaultAdminRules).
    /// @param admin The admin (unpauses, grants the guardian role).
    /// @param guardian The first guardian (zero: none).
    constructor(
        IERC20 synor_,
        IFeeSplitter splitter_,
        ITwapOracle oracle_,
        IPriceBook priceBook_,
        address settlement_,
        uint48 adminDelay,
        address admin,
        address guardian
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (
            address(synor_) == address(0) || address(splitter_) == address(0) || address(priceBook_) == address(0)
                || settlement_ == address(0)
        ) revert Escrow_ZeroAddress();
        _synor = synor_;
        _splitter = splitter_;
        _oracle = oracle_;
        _settlement = settlement_;
        _genesis = priceBook_.genesis();
        _periodLength = priceBook_.periodLength();
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        // The splitter pulls each payout; SYNOR (OpenZeppelin ERC20) never decreases an infinite allowance.
        synor_.forceApprove(address(splitter_), type(uint256).max);
    }

    // ------------------------------------------------------------------ accounts

    /// @inheritdoc IPrepaidEscrow
    function deposit(address account, uint256 amount) external nonReentrant {
        _deposit(account, amount);
    }

    /// @inheritdoc IPrepaidEscrow
    function depositWithPermit(address account, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        // A front-run permit (already used) must not block a deposit the allowance covers anyway.
        try IERC20Permit(address(_synor)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _deposit(account, amount);
    }

    /// @inheritdoc IPrepaidEscrow
    function allow(address operator, uint256 ceiling) external {
        if (operator == address(0)) revert Escrow_ZeroAddress();
        if (ceiling == 0) revert Escrow_ZeroAmount();
        if (ceiling != type(uint256).max && ceiling >= _NO_CEILING) revert Escrow_CeilingTooLarge(ceiling);
        // Below 2^96 - 1 (checked above), or the "no ceiling" sentinel.
        uint96 stored = ceiling == type(uint256).max ? _NO_CEILING : uint96(ceiling);
        Consent storage c = _consents[msg.sender][operator];
        c.ceiling = stored;
        c.untilPeriod = _OPEN_ENDED;
        emit OperatorAllowed(msg.sender, operator, ceiling);
    }

    /// @inheritdoc IPrepaidEscrow
    function revoke(address operator) external {
        Consent storage c = _consents[msg.sender][operator];
        uint32 current = _currentPeriod32();
        if (c.ceiling == 0 || c.untilPeriod != _OPEN_ENDED) revert Escrow_NotAllowed(msg.sender, operator);
        c.untilPeriod = current;
        emit OperatorRevoked(msg.sender, operator, current);
    }

    /// @inheritdoc IPrepaidEscrow
    function requestWithdrawal() external {
        if (_unlocksAt[msg.sender] != 0) revert Escrow_WithdrawalPending(msg.sender);
        uint64 period = _currentPeriod();
        uint256 unlocksAt = IUsageSettlement(_settlement).closesAt(period);
        _unlocksAt[msg.sender] = unlocksAt;
        emit WithdrawalRequested(msg.sender, period, unlocksAt);
    }

    /// @inheritdoc IPrepaidEscrow
    function cancelWithdrawal() external {
        // Zero is the "no request" sentinel, not a balance.
        // slither-disable-next-line incorrect-equality
        if (_unlocksAt[msg.sender] == 0) revert Escrow_NoWithdrawalRequested(msg.sender);
        delete _unlocksAt[msg.sender];
        emit WithdrawalCancelled(msg.sender);
    }

    /// @inheritdoc IPrepaidEscrow
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert Escrow_ZeroAddress();
        uint256 unlocksAt = _unlocksAt[msg.sender];
        if (unlocksAt == 0) revert Escrow_NoWithdrawalRequested(msg.sender);
        if (block.timestamp < unlocksAt) revert Escrow_WithdrawalLocked(msg.sender, unlocksAt);
        Debt memory debt = _totalDebts[msg.sender];
        // USD debt is reserved at the current price (reverting without one: the account must wait for a
        // price rather than walk away with what it owes).
        // Without any oracle USD debt can never be priced or collected, so it reserves nothing.
        uint256 reserved =
            debt.synor + (debt.usd == 0 || address(_oracle) == address(0) ? 0 : _oracle.usdToToken(debt.usd));
        uint256 balance = _balances[msg.sender];
        if (balance <= reserved) revert Escrow_NothingToWithdraw(msg.sender);
        // balance > reserved (checked above).
        unchecked {
            amount = balance - reserved;
        }
        _balances[msg.sender] = reserved;
        delete _unlocksAt[msg.sender];
        emit Withdrawn(msg.sender, to, amount);
        _synor.safeTransfer(to, amount);
    }

    /// @inheritdoc IPrepaidEscrow
    function collectDebt(address account, address operator) external nonReentrant whenNotPaused returns (uint256) {
        Debt memory debt = _debts[account][operator];
        uint256 usdPerSynor = 0;
        uint256 fromUsd = 0;
        if (debt.usd != 0 && address(_oracle) != address(0)) {
            // No fresh price: only the SYNOR debt can be collected now.
            try _oracle.price() returns (uint256 p) {
                usdPerSynor = p;
                fromUsd = Math.mulDiv(debt.usd, 1e18, p, Math.Rounding.Ceil);
            } catch {}
        }
        Consent storage c = _consents[account][operator];
        uint256 amount = Math.min(Math.min(debt.synor + fromUsd, _balances[account]), _headroomOf(c));
        // Nothing collectable is refused rather than sent as an empty transaction; no balance can make a
        // non-zero `amount` look like zero.
        // slither-disable-next-line incorrect-equality
        if (amount == 0) revert Escrow_NothingToCollect(account, operator);
        // SYNOR debt is paid first, then USD debt in proportion (rounded down: the debtor is never
        // credited more USD than it paid for).
        uint256 usdSettled = 0;
        uint256 paidFromUsd = 0;
        if (amount > debt.synor) {
            paidFromUsd = amount - debt.synor;
            // Paying exactly the converted USD debt settles all of it (no rounding residue left behind).
            // slither-disable-next-line incorrect-equality
            usdSettled = paidFromUsd == fromUsd ? debt.usd : Math.mulDiv(paidFromUsd, usdPerSynor, 1e18);
        }
        uint128 paidSynor = uint128(amount - paidFromUsd);
        uint128 usd128 = uint128(usdSettled);
        _debts[account][operator] = Debt(debt.synor - paidSynor, debt.usd - usd128);
        Debt storage total = _totalDebts[account];
        total.synor -= paidSynor;
        total.usd -= usd128;
        _balances[account] -= amount;
        _spend(c, amount);
        emit DebtCollected(account, operator, amount, paidFromUsd, usdSettled, usdPerSynor);
        _splitter.distribute(address(_synor), amount, operator);
        return amount;
    }

    // ------------------------------------------------------------------ settlement only

    /// @inheritdoc IPrepaidEscrow
    function charge(address account, address operator, uint64 period, uint256 amount, uint256 usdUnpriced)
        external
        whenNotPaused
        returns (bool allowed, uint256 collected)
    {
        if (msg.sender != _settlement) revert Escrow_NotSettlement(msg.sender);
        Consent storage c = _consents[account][operator];
        // Consent is one packed slot: read it once.
        Consent memory snapshot = c;
        if (snapshot.ceiling == 0 || period > snapshot.untilPeriod) return (false, 0);
        if (amount != 0) {
            uint256 balance = _balances[account];
            collected = Math.min(Math.min(amount, balance), _headroomOf(snapshot));
            if (collected != 0) {
                // collected <= balance (min above).
                unchecked {
                    _balances[account] = balance - collected;
                }
                _spend(c, collected);
                _collectedUnpaid += collected;
            }
        }
        if (amount != collected || usdUnpriced != 0) {
            // The settlement bounds every charge below 2^128; debts are bounded by the sum of charges.
            uint128 synorDebt = SafeCast.toUint128(amount - collected);
            uint128 usdDebt = SafeCast.toUint128(usdUnpriced);
            Debt storage debt = _debts[account][operator];
            debt.synor += synorDebt;
            debt.usd += usdDebt;
            Debt storage total = _totalDebts[account];
            total.synor += synorDebt;
            total.usd += usdDebt;
        }
        return (true, collected);
    }

    /// @inheritdoc IPrepaidEscrow
    function payOut(address operator, uint256 amount) external nonReentrant {
        if (msg.sender != _settlement) revert Escrow_NotSettlement(msg.sender);
        uint256 unpaid = _collectedUnpaid;
        if (amount > unpaid) revert Escrow_PayoutExceedsCollected(amount, unpaid);
        // amount <= unpaid (checked above).
        unchecked {
            _collectedUnpaid = unpaid - amount;
        }
        _splitter.distribute(address(_synor), amount, operator);
    }

    // ------------------------------------------------------------------ guardian

    /// @inheritdoc IPrepaidEscrow
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @inheritdoc IPrepaidEscrow
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPrepaidEscrow
    function balanceOf(address account) external view returns (uint256) {
        return _balances[account];
    }

    /// @inheritdoc IPrepaidEscrow
    function consent(address account, address operator) external view returns (Consent memory) {
        return _consents[account][operator];
    }

    /// @inheritdoc IPrepaidEscrow
    function isAllowed(address account, address operator, uint64 period) external view returns (bool) {
        Consent memory c = _consents[account][operator];
        return c.ceiling != 0 && period <= c.untilPeriod;
    }

    /// @inheritdoc IPrepaidEscrow
    function headroom(address account, address operator) external view returns (uint256) {
        return _headroomOf(_consents[account][operator]);
    }

    /// @inheritdoc IPrepaidEscrow
    function debtOf(address account, address operator) external view returns (Debt memory) {
        return _debts[account][operator];
    }

    /// @inheritdoc IPrepaidEscrow
    function totalDebtOf(address account) external view returns (Debt memory) {
        return _totalDebts[account];
    }

    /// @inheritdoc IPrepaidEscrow
    function withdrawalUnlocksAt(address account) external view returns (uint256) {
        return _unlocksAt[account];
    }

    /// @inheritdoc IPrepaidEscrow
    function synor() external view returns (address) {
        return address(_synor);
    }

    /// @inheritdoc IPrepaidEscrow
    function splitter() external view returns (address) {
        return address(_splitter);
    }

    /// @inheritdoc IPrepaidEscrow
    function oracle() external view returns (address) {
        return address(_oracle);
    }

    /// @inheritdoc IPrepaidEscrow
    function settlement() external view returns (address) {
        return _settlement;
    }

    // ------------------------------------------------------------------ internals

    function _deposit(address account, uint256 amount) private {
        if (account == address(0)) revert Escrow_ZeroAddress();
        if (amount == 0) revert Escrow_ZeroAmount();
        // Credit what actually arrived, so a token that delivers less than asked cannot inflate balances.
        uint256 before = _synor.balanceOf(address(this));
        _synor.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _synor.balanceOf(address(this)) - before;
        _balances[account] += received;
        emit Deposited(account, msg.sender, received);
    }

    /// @dev Sentinels (no ceiling, not allowed) and period indices are compared for equality, never balances.
    // slither-disable-start incorrect-equality
    function _headroomOf(Consent memory c) private view returns (uint256) {
        if (c.ceiling == _NO_CEILING) return type(uint256).max;
        if (c.ceiling == 0) return 0;
        uint96 spent = c.spentPeriod == _currentPeriod32() ? c.spent : 0;
        // An account that lowered the ceiling below what was already spent this period leaves no headroom
        // (not a wrapped-around 2^96).
        if (spent >= c.ceiling) return 0;
        // spent < ceiling (checked above).
        unchecked {
            return c.ceiling - spent;
        }
    }

    /// @dev Counts `amount` (at most the headroom) against the consent's ceiling in the current period.
    function _spend(Consent storage c, uint256 amount) private {
        if (c.ceiling == _NO_CEILING) return;
        uint32 current = _currentPeriod32();
        // amount <= headroom = ceiling - spent, so the sum stays within the ceiling (< 2^96).
        unchecked {
            uint96 spent = c.spentPeriod == current ? c.spent : 0;
            c.spent = spent + uint96(amount);
        }
        c.spentPeriod = current;
    }
    // slither-disable-end incorrect-equality

    function _currentPeriod() private view returns (uint64) {
        // block.timestamp >= genesis: the price book checked its genesis was not in the future.
        return SafeCast.toUint64((block.timestamp - _genesis) / _periodLength);
    }

    /// @dev Periods are packed as uint32 in consents (4 billion periods).
    function _currentPeriod32() private view returns (uint32) {
        return SafeCast.toUint32(_currentPeriod());
    }
}
