// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./utils/Vm.sol";
import {FeeSplitter} from "../../contracts/revenue/FeeSplitter.sol";
import {SynorStaking} from "../../contracts/revenue/SynorStaking.sol";
import {IFeeSplitter} from "../../contracts/interfaces/IFeeSplitter.sol";
import {IUniswapV2Factory} from "../../contracts/interfaces/external/IUniswapV2Factory.sol";
import {ISynorToken} from "../../contracts/interfaces/ISynorToken.sol";
import {SynorToken} from "../../contracts/token/SynorToken.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface IUniswapV2FactoryLike {
    function createPair(address tokenA, address tokenB) external returns (address pair);
}

interface IUniswapV2PairLike {
    function mint(address to) external returns (uint256 liquidity);
}

/// @notice Deploys the revenue stack with a real Uniswap V2 USDC/SYNOR pair from the npm build artifacts.
abstract contract RevenueDeployment is TestBase {
    uint256 internal constant USDC = 1e6;
    uint256 internal constant SYNOR = 1e18;
    address internal constant TREASURY = address(0x7EA5);
    address internal constant COMMUNITY = address(0xC0FF);

    SynorToken internal synor;
    TestStablecoin internal usdc;
    SynorStaking internal staking;
    FeeSplitter internal splitter;
    address internal pair;

    function _deploy(address admin) internal {
        synor = new SynorToken(address(this), 1e9 * SYNOR);
        usdc = new TestStablecoin("Test USD Coin", "USDC", 6);
        staking = new SynorStaking(IERC20(address(synor)), 7 days, 0, admin);
        // The authors' build (solc 0.5.16): its hex "bytecode" field has no 0x prefix.
        string memory artifact = vm.readFile("node_modules/@uniswap/v2-core/build/UniswapV2Factory.json");
        bytes memory factoryCode = vm.parseBytes(string.concat("0x", vm.parseJsonString(artifact, ".bytecode")));
        bytes memory init = abi.encodePacked(factoryCode, abi.encode(address(this)));
        address factory;
        assembly ("memory-safe") {
            factory := create(0, add(init, 0x20), mload(init))
        }
        require(factory != address(0), "uniswap factory");
        splitter = new FeeSplitter(
            ISynorToken(address(synor)),
            TREASURY,
            COMMUNITY,
            address(staking),
            IUniswapV2Factory(factory),
            IFeeSplitter.ServiceShares(7000, 2000, 1000),
            IFeeSplitter.TransactionShares(1000, 6000, 2000, 1000),
            100,
            0,
            admin
        );
        pair = IUniswapV2FactoryLike(factory).createPair(address(usdc), address(synor));
        usdc.mint(pair, 1_000_000 * USDC);
        synor.transfer(pair, 10_000_000 * SYNOR);
        IUniswapV2PairLike(pair).mint(address(this));
        splitter.acceptToken(address(usdc), pair);
    }
}

/// @notice Drives random payments, weight changes, stakes, unstakes, claims, releases, burns and buy-backs,
/// keeping ghost totals of everything that entered and left.
contract RevenueHandler is TestBase {
    uint256 internal constant USDC = 1e6;
    uint256 internal constant SYNOR = 1e18;

    FeeSplitter internal immutable splitter;
    SynorStaking internal immutable staking;
    SynorToken internal immutable synor;
    TestStablecoin internal immutable usdc;
    address internal immutable treasury;
    address internal immutable community;

    address[3] internal operators = [address(0x0901), address(0x0902), address(0x0903)];
    address[2] internal validators = [address(0x0A01), address(0x0A02)];
    address[3] internal stakers = [address(0x5701), address(0x5702), address(0x5703)];

    mapping(address token => uint256) public revenueIn; // every base unit paid to the splitter
    mapping(address token => uint256) public paidOut; // every base unit the splitter paid to a recipient
    mapping(address token => uint256) public releasedToStaking; // by the splitter
    mapping(address token => uint256) public donatedToStaking; // by plain transfer
    mapping(address token => uint256) public recoveredFromStaking; // a retired stream's remainder
    mapping(address token => uint256) public stakerClaims;
    mapping(address token => mapping(address account => uint256)) public memberClaims;
    uint256 public synorBoughtAndBurned;
    uint256 public buyBacks;
    uint256 public calls;

    constructor(FeeSplitter splitter_, SynorStaking staking_, SynorToken synor_, TestStablecoin usdc_) {
        splitter = splitter_;
        staking = staking_;
        synor = synor_;
        usdc = usdc_;
        treasury = splitter_.treasury();
        community = splitter_.communityPool();
        for (uint256 i; i < stakers.length; ++i) {
            vm.prank(stakers[i]);
            synor.approve(address(staking), type(uint256).max);
        }
    }

    // ------------------------------------------------------------------ helpers for the invariants

    function operator(uint256 i) external view returns (address) {
        return operators[i];
    }

    function validator(uint256 i) external view returns (address) {
        return validators[i];
    }

    function staker(uint256 i) external view returns (address) {
        return stakers[i];
    }

    function _token(uint256 seed) internal view returns (address) {
        return seed % 2 == 0 ? address(usdc) : address(synor);
    }

    function _fund(address token, address to, uint256 amount) internal {
        if (token == address(usdc)) usdc.mint(to, amount);
        else synor.transfer(to, amount); // the handler holds most of the SYNOR supply
    }

    function _bound(address token, uint256 amount) internal view returns (uint256) {
        // Up to 1,000 tokens, down to single base units so every rounding path is exercised.
        return bound(amount, 1, token == address(usdc) ? 1_000 * USDC : 1_000 * SYNOR);
    }

    // ------------------------------------------------------------------ revenue in

    function payByTransfer(uint256 tokenSeed, uint256 amount) external {
        address token = _token(tokenSeed);
        amount = _bound(token, amount);
        _fund(token, address(splitter), amount);
        revenueIn[token] += amount;
        ++calls;
    }

    function split(uint256 tokenSeed) external {
        splitter.split(_token(tokenSeed));
        ++calls;
    }

    function distribute(uint256 tokenSeed, uint256 amount, uint256 operatorSeed) external {
        address token = _token(tokenSeed);
        amount = _bound(token, amount);
        uint256 pick = operatorSeed % 4;
        address op = pick == 3 ? address(0) : operators[pick];
        _fund(token, address(this), amount);
        IERC20(token).approve(address(splitter), amount);
        splitter.distribute(token, amount, op);
        revenueIn[token] += amount;
        ++calls;
    }

    function distributeTransactionFees(uint256 tokenSeed, uint256 amount) external {
        address token = _token(tokenSeed);
        amount = _bound(token, amount);
        _fund(token, address(this), amount);
        IERC20(token).approve(address(splitter), amount);
        uint256 before = splitter.book(token).stakersPaid;
        splitter.distributeTransactionFees(token, amount);
        // The stakers' share is forwarded to staking inside the call.
        uint256 forwarded = splitter.book(token).stakersPaid - before;
        paidOut[token] += forwarded;
        releasedToStaking[token] += forwarded;
        revenueIn[token] += amount;
        ++calls;
    }

    // ------------------------------------------------------------------ weights

    function setOperatorWeight(uint256 seed, uint256 weight) external {
        splitter.setOperatorWeight(operators[seed % 3], bound(weight, 0, 1e24));
        ++calls;
    }

    function setValidatorWeight(uint256 seed, uint256 weight) external {
        splitter.setValidatorWeight(validators[seed % 2], bound(weight, 0, 1e24));
        ++calls;
    }

    // ------------------------------------------------------------------ revenue out

    function claim(uint256 actorSeed, uint256 tokenSeed) external {
        address token = _token(tokenSeed);
        uint256 pick = actorSeed % 7;
        address actor = pick == 0
            ? treasury
            : pick == 1 ? community : pick < 5 ? operators[pick - 2] : validators[pick - 5];
        uint256 due = splitter.claimable(token, actor);
        uint256 before = IERC20(token).balanceOf(actor);
        vm.prank(actor);
        uint256 paid = splitter.claim(token);
        assertEq(paid, due, "claim pays exactly what claimable said");
        assertEq(IERC20(token).balanceOf(actor) - before, paid, "claim transfers what it returns");
        paidOut[token] += paid;
        memberClaims[token][actor] += paid;
        ++calls;
    }

    function releaseToStaking(uint256 tokenSeed) external {
        address token = _token(tokenSeed);
        if (!staking.isRewardToken(token)) return; // a retired token's share stays in the splitter
        uint256 released = splitter.releaseToStaking(token);
        paidOut[token] += released;
        releasedToStaking[token] += released;
        ++calls;
    }

    function burn() external {
        splitter.burn();
        ++calls;
    }

    function buyBack(uint256 amount) external {
        uint256 available = splitter.pendingBurn(address(usdc));
        if (available == 0) return;
        amount = bound(amount, 1, available);
        try splitter.buyBack(address(usdc), amount, 0) returns (uint256 burned) {
            synorBoughtAndBurned += burned;
            ++buyBacks;
        } catch {}
        ++calls;
    }

    // ------------------------------------------------------------------ staking

    function stake(uint256 seed, uint256 amount) external {
        address who = stakers[seed % 3];
        amount = bound(amount, 1, 1_000_000 * SYNOR);
        synor.transfer(who, amount);
        vm.prank(who);
        staking.stake(amount);
        ++calls;
    }

    function requestUnstake(uint256 seed, uint256 amount) external {
        address who = stakers[seed % 3];
        uint256 staked = staking.stakeOf(who);
        if (staked == 0) return;
        vm.prank(who);
        staking.requestUnstake(bound(amount, 1, staked));
        ++calls;
    }

    function withdraw(uint256 seed) external {
        address who = stakers[seed % 3];
        (uint256 amount,) = staking.cooling(who);
        if (amount == 0) return;
        vm.warp(block.timestamp + 7 days);
        vm.prank(who);
        staking.withdraw();
        ++calls;
    }

    /// @dev Time passes: reward streams emit.
    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 10 days));
        ++calls;
    }

    /// @dev Rewards sent to staking by plain transfer, picked up by `sync`.
    function donateToStaking(uint256 tokenSeed, uint256 amount) external {
        address token = _token(tokenSeed);
        amount = _bound(token, amount);
        _fund(token, address(staking), amount);
        donatedToStaking[token] += amount;
        ++calls;
    }

    /// @dev Governance retires a reward token, rarely (one call in 16): its share then stays in the splitter.
    function retireRewardToken(uint256 tokenSeed, uint256 chance) external {
        address token = _token(tokenSeed);
        if (chance % 16 != 0 || !staking.isRewardToken(token)) return;
        vm.prank(staking.defaultAdmin());
        staking.retireRewardToken(token);
        ++calls;
    }

    function recoverUndistributed(uint256 tokenSeed) external {
        address token = _token(tokenSeed);
        if (!staking.isRetiredRewardToken(token)) return;
        address admin = staking.defaultAdmin();
        vm.prank(admin);
        recoveredFromStaking[token] += staking.recoverUndistributed(token, address(0xDEAD01));
        ++calls;
    }

    function stakingSync(uint256 tokenSeed) external {
        if (!staking.isRewardToken(_token(tokenSeed))) return;
        staking.sync(_token(tokenSeed));
        ++calls;
    }

    function stakingClaim(uint256 seed, uint256 tokenSeed) external {
        address who = stakers[seed % 3];
        address token = _token(tokenSeed);
        uint256 due = staking.earned(token, who);
        vm.prank(who);
        uint256 paid = staking.claim(token);
        assertEq(paid, due, "staking claim pays exactly what earned said");
        stakerClaims[token] += paid;
        ++calls;
    }
}

/// @notice Invariants over random sequences: tokens in = still held (claimable or held for the burn) +
/// claimed + burned, to the base unit; no claim exceeds what was accrued; SYNOR supply falls by exactly
/// what was burned.
contract RevenueInvariantTest is RevenueDeployment {
    RevenueHandler internal handler;
    uint256 internal initialSupply;

    function setUp() public {
        _deploy(address(this));
        handler = new RevenueHandler(splitter, staking, synor, usdc);
        splitter.grantRole(splitter.WEIGHT_MANAGER_ROLE(), address(handler));
        splitter.grantRole(splitter.KEEPER_ROLE(), address(handler));
        staking.addRewardToken(address(synor));
        staking.addRewardToken(address(usdc));
        synor.transfer(address(handler), synor.balanceOf(address(this)));
        initialSupply = synor.totalSupply();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function _checkToken(address token) internal view {
        IFeeSplitter.Book memory b = splitter.book(token);
        // Conservation at the splitter: everything paid in is still held, was paid out, or was burned.
        assertEq(
            handler.revenueIn(token),
            IERC20(token).balanceOf(address(splitter)) + handler.paidOut(token) + b.burned,
            "revenue in = held + paid out + burned"
        );
        // What is held is exactly the claimable buckets plus the burn share held, plus anything not split yet.
        uint256 owed = (b.treasuryAccrued - b.treasuryPaid) + (b.communityAccrued - b.communityPaid)
            + (b.stakersAccrued - b.stakersPaid)
            + (b.operatorsAttributed + b.operatorPoolAccrued + b.validatorPoolAccrued - b.membersPaid);
        assertEq(b.accounted, owed + (b.burnAccrued - b.burned), "accounted = claimable + held for burn");
        assertEq(
            IERC20(token).balanceOf(address(splitter)),
            b.accounted + splitter.unaccounted(token),
            "balance = accounted + unaccounted"
        );
        // No bucket ever paid more than it accrued (checked arithmetic above would also revert).
        assertLe(b.membersPaid, b.operatorsAttributed + b.operatorPoolAccrued + b.validatorPoolAccrued, "members");
        assertLe(b.burned, b.burnAccrued, "burned <= burn accrued");
        assertEq(b.stakersPaid, handler.releasedToStaking(token), "released to staking");
        // Staking: what it received is held (reserve + unsynced) or was claimed; claims never exceed it.
        uint256 principal = token == address(synor) ? staking.totalStaked() + staking.totalCooling() : 0;
        assertEq(
            IERC20(token).balanceOf(address(staking)),
            principal + staking.rewardReserve(token) + staking.unsynced(token),
            "staking balance = principal + reserve + unsynced"
        );
        assertEq(
            handler.releasedToStaking(token) + handler.donatedToStaking(token),
            staking.rewardReserve(token) + staking.unsynced(token) + handler.stakerClaims(token)
                + handler.recoveredFromStaking(token),
            "staker rewards in = held + claimed + recovered"
        );
    }

    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_everyBaseUnitIsAccountedFor() public view {
        _checkToken(address(usdc));
        _checkToken(address(synor));
    }

    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_supplyFallsByExactlyWhatWasBurned() public view {
        assertEq(
            initialSupply - synor.totalSupply(),
            splitter.book(address(synor)).burned + handler.synorBoughtAndBurned(),
            "supply decrease = SYNOR burn share burned + SYNOR bought back and burned"
        );
    }

    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_staleClaimsAreNeverOverpaid() public view {
        // Each staker can still claim at most what the staking contract holds for rewards.
        for (uint256 t; t < 2; ++t) {
            address token = t == 0 ? address(usdc) : address(synor);
            uint256 owed;
            for (uint256 i; i < 3; ++i) {
                owed += staking.earned(token, handler.staker(i));
            }
            (uint256 streaming,) = staking.rewardStream(token);
            // What stakers can claim plus what is still streaming never exceeds what staking holds for them.
            assertLe(owed + streaming, staking.rewardReserve(token), "stakers' earnings are covered");
            uint256 members;
            for (uint256 i; i < 3; ++i) {
                members += splitter.claimable(token, handler.operator(i));
            }
            for (uint256 i; i < 2; ++i) {
                members += splitter.claimable(token, handler.validator(i));
            }
            IFeeSplitter.Book memory b = splitter.book(token);
            assertLe(
                members,
                b.operatorsAttributed + b.operatorPoolAccrued + b.validatorPoolAccrued - b.membersPaid,
                "members' earnings are covered"
            );
        }
    }

    /// @dev The invariants are not vacuous: one deterministic pass through every handler path moves money
    /// everywhere (operators, validators, treasury, community, stakers, SYNOR burn, buy-back) and they hold.
    function test_everyPathMovesMoneyAndTheInvariantsHold() public {
        handler.setOperatorWeight(0, 3);
        handler.setOperatorWeight(1, 1);
        handler.setValidatorWeight(0, 1);
        handler.stake(0, 500 * 1e18);
        handler.stake(1, 1_500 * 1e18);
        handler.payByTransfer(0, 1_000 * 1e6 + 3);
        handler.payByTransfer(1, 777 * 1e18 + 1);
        handler.split(0);
        handler.split(1);
        handler.distribute(0, 333 * 1e6, 2);
        handler.distributeTransactionFees(0, 999 * 1e6 + 7);
        handler.distributeTransactionFees(1, 10 * 1e18 + 5);
        for (uint256 actor; actor < 7; ++actor) {
            handler.claim(actor, 0);
            handler.claim(actor, 1);
        }
        handler.releaseToStaking(0);
        handler.releaseToStaking(1);
        handler.donateToStaking(0, 5 * 1e6 + 1);
        handler.stakingSync(0);
        handler.warp(3 days);
        handler.stakingClaim(0, 0);
        handler.stakingClaim(1, 1);
        handler.requestUnstake(0, 100 * 1e18);
        handler.withdraw(0);
        handler.burn();
        handler.buyBack(type(uint256).max);
        assertEq(handler.buyBacks(), 1, "a buy-back went through the Uniswap pair");
        assertTrue(handler.synorBoughtAndBurned() > 0, "SYNOR was bought and burned");
        assertTrue(splitter.book(address(synor)).burned > 0, "SYNOR burn share burned");
        assertTrue(handler.stakerClaims(address(usdc)) > 0, "stakers were paid");
        handler.distributeTransactionFees(0, 500 * 1e6);
        handler.warp(1 days);
        handler.retireRewardToken(0, 0);
        handler.recoverUndistributed(0);
        assertTrue(handler.recoveredFromStaking(address(usdc)) > 0, "a retired stream's remainder was recovered");
        handler.distributeTransactionFees(0, 500 * 1e6); // the stakers' share now waits in the splitter
        handler.releaseToStaking(0);
        handler.stakingClaim(0, 0);
        assertTrue(handler.memberClaims(address(usdc), handler.validator(0)) > 0, "validators were paid");
        invariant_everyBaseUnitIsAccountedFor();
        invariant_supplyFallsByExactlyWhatWasBurned();
        invariant_staleClaimsAreNeverOverpaid();
    }
}
