// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RevenueDeployment} from "../RevenueInvariant.t.sol";
import {PriceBook} from "../../../contracts/billing/PriceBook.sol";
import {PrepaidEscrow} from "../../../contracts/billing/PrepaidEscrow.sol";
import {UsageSettlement} from "../../../contracts/billing/UsageSettlement.sol";
import {IFeeSplitter} from "../../../contracts/interfaces/IFeeSplitter.sol";
import {IPrepaidEscrow} from "../../../contracts/interfaces/IPrepaidEscrow.sol";
import {IPriceBook} from "../../../contracts/interfaces/IPriceBook.sol";
import {ITwapOracle} from "../../../contracts/interfaces/ITwapOracle.sol";
import {IUsageSettlement} from "../../../contracts/interfaces/IUsageSettlement.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Cheatcodes the usage tests need beyond utils/Vm.sol (same cheatcode address).
interface VmUsage {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
    function getNonce(address account) external view returns (uint64);
    function computeCreateAddress(address deployer, uint256 nonce) external pure returns (address);
    function chainId(uint256 newChainId) external;
}

/// @notice A SYNOR/USD oracle stand-in: a price set by hand that can be made stale (reads revert like the
/// TwapOracle's `TwapOracle_StalePrice`). Only what the escrow and settlement call is implemented.
contract StaleableUsdOracle {
    error TwapOracle_StalePrice(uint256 updatedAt, uint256 maxAge);

    address public immutable token;
    uint256 public usdPerSynor;
    bool public stale;

    constructor(address token_, uint256 usdPerSynor_) {
        token = token_;
        usdPerSynor = usdPerSynor_;
    }

    function setPrice(uint256 usdPerSynor_) external {
        usdPerSynor = usdPerSynor_;
    }

    function setStale(bool stale_) external {
        stale = stale_;
    }

    function price() public view returns (uint256) {
        if (stale) revert TwapOracle_StalePrice(0, 0);
        return usdPerSynor;
    }

    function usdToToken(uint256 amountUsd) external view returns (uint256) {
        uint256 p = price();
        return (amountUsd * 1e18 + p - 1) / p;
    }
}

/// @notice Deploys the usage stack on the real revenue stack (SYNOR, FeeSplitter, staking, Uniswap V2):
/// a PriceBook with four cards (flat, graduated and volume SYNOR cards, a USD card), the escrow, the
/// settlement and a staleable oracle, with two registered operators whose signers are active.
abstract contract UsageStack is RevenueDeployment {
    VmUsage internal constant vmu = VmUsage(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint64 internal constant PERIOD = 30 days;
    uint64 internal constant WINDOW = 7 days;
    uint64 internal constant SIGNER_DELAY = 1 hours;
    address internal constant TIMELOCK = address(0x7111E);
    address internal constant GUARDIAN = address(0x6A4D);

    bytes32 internal constant FLAT = keccak256("hosting.bandwidth"); // SYNOR, one tier, per GB
    bytes32 internal constant GRAD = keccak256("compute.cpu"); // SYNOR graduated, free first 10 core-hours
    bytes32 internal constant VOL = keccak256("database.queries"); // SYNOR volume, per 1M
    bytes32 internal constant USDR = keccak256("compute.gpu.rtx4090"); // USD graduated, per GPU-hour

    uint256 internal constant SIGNER1_KEY = 0x51A1;
    uint256 internal constant SIGNER2_KEY = 0x51A2;
    address internal constant OPERATOR1 = address(0x0901);
    address internal constant OPERATOR2 = address(0x0902);

    PriceBook internal book;
    PrepaidEscrow internal escrow;
    UsageSettlement internal settlement;
    StaleableUsdOracle internal oracle;

    function _tier(uint256 upTo, uint256 price) internal pure returns (IPriceBook.Tier memory) {
        return IPriceBook.Tier(uint128(upTo), uint128(price));
    }

    function _cards() internal pure returns (bytes32[] memory ids, IPriceBook.RateCard[] memory cards) {
        ids = new bytes32[](4);
        cards = new IPriceBook.RateCard[](4);
        ids[0] = FLAT;
        cards[0].currency = IPriceBook.Currency.SYNOR;
        cards[0].mode = IPriceBook.TierMode.Graduated;
        cards[0].unitSize = 1e9;
        cards[0].tiers = new IPriceBook.Tier[](1);
        cards[0].tiers[0] = _tier(type(uint128).max, 0.05e18);
        ids[1] = GRAD;
        cards[1].currency = IPriceBook.Currency.SYNOR;
        cards[1].mode = IPriceBook.TierMode.Graduated;
        cards[1].unitSize = 3600;
        cards[1].tiers = new IPriceBook.Tier[](3);
        cards[1].tiers[0] = _tier(3600 * 10, 0);
        cards[1].tiers[1] = _tier(3600 * 1000, 0.02e18);
        cards[1].tiers[2] = _tier(type(uint128).max, 0.015e18 + 7);
        ids[2] = VOL;
        cards[2].currency = IPriceBook.Currency.SYNOR;
        cards[2].mode = IPriceBook.TierMode.Volume;
        cards[2].unitSize = 1e6;
        cards[2].tiers = new IPriceBook.Tier[](3);
        cards[2].tiers[0] = _tier(1e6 * 100, 0.01e18);
        cards[2].tiers[1] = _tier(1e6 * 10_000, 0.008e18);
        cards[2].tiers[2] = _tier(type(uint128).max, 0.005e18 + 3);
        ids[3] = USDR;
        cards[3].currency = IPriceBook.Currency.USD;
        cards[3].mode = IPriceBook.TierMode.Graduated;
        cards[3].unitSize = 3600;
        cards[3].tiers = new IPriceBook.Tier[](2);
        cards[3].tiers[0] = _tier(3600 * 100, 0.5e18);
        cards[3].tiers[1] = _tier(type(uint128).max, 0.4e18 + 1);
    }

    /// @dev Deploys escrow (with `token` as its SYNOR and `splitter_` as its splitter) and settlement.
    function _deployBilling(address token, IFeeSplitter splitter_, address oracle_)
        internal
        returns (PrepaidEscrow escrow_, UsageSettlement settlement_)
    {
        // The settlement is created right after the escrow: predict its address from this contract's nonce.
        address predicted = vmu.computeCreateAddress(address(this), vmu.getNonce(address(this)) + 1);
        escrow_ = new PrepaidEscrow(
            IERC20(token), splitter_, ITwapOracle(oracle_), book, predicted, 0, address(this), GUARDIAN
        );
        settlement_ = new UsageSettlement(
            book,
            IPrepaidEscrow(address(escrow_)),
            ITwapOracle(oracle_),
            WINDOW,
            SIGNER_DELAY,
            0,
            address(this),
            address(this)
        );
        require(address(settlement_) == predicted, "predicted settlement address");
    }

    function _deployUsage() internal {
        _deploy(address(this));
        (bytes32[] memory ids, IPriceBook.RateCard[] memory cards) = _cards();
        book = new PriceBook(uint64(block.timestamp), PERIOD, TIMELOCK, ids, cards);
        oracle = new StaleableUsdOracle(address(synor), 0.25e18);
        (escrow, settlement) = _deployBilling(address(synor), IFeeSplitter(address(splitter)), address(oracle));
        settlement.registerOperator(OPERATOR1);
        settlement.registerOperator(OPERATOR2);
        vm.prank(OPERATOR1);
        settlement.addSigner(vm.addr(SIGNER1_KEY));
        vm.prank(OPERATOR2);
        settlement.addSigner(vm.addr(SIGNER2_KEY));
        vm.warp(block.timestamp + SIGNER_DELAY);
    }

    // ------------------------------------------------------------------ reports and signatures

    function _report(address account, address operator, bytes32 resource, uint64 period, uint256 cumulative)
        internal
        pure
        returns (IUsageSettlement.UsageReport memory r)
    {
        r = IUsageSettlement.UsageReport(
            account, operator, resource, period, cumulative, keccak256(abi.encode(cumulative))
        );
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _signed(UsageSettlement s, IUsageSettlement.UsageReport memory r, uint256 key)
        internal
        view
        returns (IUsageSettlement.SignedReport memory)
    {
        return IUsageSettlement.SignedReport(r, vm.addr(key), _sign(key, s.hashReport(r)));
    }

    function _one(IUsageSettlement.SignedReport memory r)
        internal
        pure
        returns (IUsageSettlement.SignedReport[] memory list)
    {
        list = new IUsageSettlement.SignedReport[](1);
        list[0] = r;
    }

    /// @dev Settles one report signed by `key` through `settle`; returns how many charged.
    function _settleOne(UsageSettlement s, IUsageSettlement.UsageReport memory r, uint256 key)
        internal
        returns (uint256)
    {
        return s.settle(_one(_signed(s, r, key)));
    }

    function _settleBatch(UsageSettlement s, address operator, IUsageSettlement.UsageReport[] memory rs, uint256 key)
        internal
        returns (uint256)
    {
        return s.settleBatch(operator, rs, vm.addr(key), _sign(key, s.hashBatch(operator, rs)));
    }

    function _fundAndDeposit(address account, uint256 amount) internal {
        synor.approve(address(escrow), amount);
        escrow.deposit(account, amount);
    }
}
