// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./utils/Vm.sol";
import {PayableDAppFactory} from "../../contracts/factory/PayableDAppFactory.sol";
import {IPayableDAppFactory} from "../../contracts/interfaces/IPayableDAppFactory.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {ForeignApplication} from "../../contracts/test/ForeignApplication.sol";

/// @notice Fuzz tests of the factory's money rules: costs round up, never split cheaper, inverse rounds down,
/// and every base unit paid reaches the payee, on every path that pays (extend, create with a location, import);
/// and of its salt spaces: no caller-chosen salt takes the address of a count-numbered creation.
contract PayableDAppFactoryFuzzTest is TestBase {
    uint256 internal constant ONE = 1e18;
    address internal constant PAYEE = address(0xFEE);
    TestStablecoin internal token;

    function setUp() public {
        token = new TestStablecoin("Test USD Coin", "USDC", 6);
    }

    function _factory(uint256 price) internal returns (PayableDAppFactory) {
        return new PayableDAppFactory(token, price, PAYEE);
    }

    function testFuzz_costRoundsUpExactly(uint256 price, uint256 seconds_) public {
        price = bound(price, 1, type(uint128).max);
        seconds_ = bound(seconds_, 0, type(uint64).max);
        uint256 c = _factory(price).cost(seconds_);
        assertGe(c * ONE, seconds_ * price, "cost covers the exact price");
        if (c > 0) assertTrue((c - 1) * ONE < seconds_ * price, "cost is the smallest such integer");
    }

    function testFuzz_splittingNeverCostsLess(uint256 price, uint256 a, uint256 b) public {
        price = bound(price, 1, type(uint128).max);
        a = bound(a, 0, type(uint64).max / 2);
        b = bound(b, 0, type(uint64).max / 2);
        PayableDAppFactory factory = _factory(price);
        assertGe(factory.cost(a) + factory.cost(b), factory.cost(a + b), "two purchases cost at least one");
    }

    function testFuzz_secondsForIsTheLargestAffordable(uint256 price, uint256 amount) public {
        price = bound(price, 1, type(uint128).max);
        PayableDAppFactory factory = _factory(price);
        uint256 s = factory.secondsFor(amount);
        assertLe(factory.cost(s), amount, "what secondsFor buys is affordable");
        if (s < type(uint64).max) assertTrue(factory.cost(s + 1) > amount, "one more second is not");
    }

    function testFuzz_extensionsPayThePayeeExactlyAndMoveRunway(uint256 price, uint64[4] memory parts, uint256 warp)
        public
    {
        price = bound(price, 1, 1e30);
        PayableDAppFactory factory = _factory(price);
        token.mint(address(this), type(uint128).max);
        token.approve(address(factory), type(uint256).max);
        address app = factory.newApplication(address(this), bytes32(0), 0);
        uint256 paid;
        uint256 expectedUntil = block.timestamp;
        for (uint256 i; i < parts.length; ++i) {
            uint256 seconds_ = bound(parts[i], 1, 365 days);
            vm.warp(block.timestamp + bound(warp >> (i * 32), 0, 30 days));
            uint256 start = expectedUntil > block.timestamp ? expectedUntil : block.timestamp;
            paid += factory.cost(seconds_);
            uint256 until = factory.extendRunway(app, seconds_);
            expectedUntil = start + seconds_;
            assertEq(until, expectedUntil, "runway end");
        }
        assertEq(token.balanceOf(PAYEE), paid, "payee received every cost");
        assertEq(token.balanceOf(address(factory)), 0, "factory holds nothing");
    }

    function testFuzz_unknownApplicationAlwaysReverts(address app, uint256 seconds_) public {
        PayableDAppFactory factory = _factory(ONE);
        vm.expectRevert(abi.encodeWithSelector(IPayableDAppFactory.PayableDAppFactory_UnknownApplication.selector, app));
        factory.extendRunway(app, seconds_);
    }

    function testFuzz_newApplicationWithLocationPaysThePayeeExactly(uint256 price, uint256 seconds_) public {
        price = bound(price, 1, 1e30);
        seconds_ = bound(seconds_, 1, 10 * 365 days);
        PayableDAppFactory factory = _factory(price);
        uint256 cost = factory.cost(seconds_);
        token.mint(address(this), cost);
        token.approve(address(factory), cost);
        address app = factory.newApplication(address(this), bytes32(uint256(7)), "ipfs://machine", seconds_);
        assertEq(token.balanceOf(PAYEE), cost, "payee received the cost");
        assertEq(token.balanceOf(address(this)), 0, "payer paid exactly the cost");
        assertEq(token.balanceOf(address(factory)), 0, "factory holds nothing");
        assertEq(factory.runway(app), block.timestamp + seconds_, "runway end");
        assertTrue(keccak256(bytes(factory.machineLocation(app))) == keccak256("ipfs://machine"), "location");
    }

    function testFuzz_importPaysThePayeeExactlyAndOnlyForItsOwner(uint256 price, uint256 seconds_, address caller)
        public
    {
        price = bound(price, 1, 1e30);
        seconds_ = bound(seconds_, 0, 10 * 365 days);
        PayableDAppFactory factory = _factory(price);
        ForeignApplication app = new ForeignApplication(address(this), bytes32(uint256(9)));
        if (caller != address(this)) {
            vm.prank(caller);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IPayableDAppFactory.PayableDAppFactory_NotApplicationOwner.selector, address(app), caller
                )
            );
            factory.importApplication(address(app), "ipfs://machine", seconds_);
        }
        uint256 cost = factory.cost(seconds_);
        token.mint(address(this), cost);
        token.approve(address(factory), cost);
        factory.importApplication(address(app), "ipfs://machine", seconds_);
        assertEq(token.balanceOf(PAYEE), cost, "payee received the cost");
        assertEq(token.balanceOf(address(this)), 0, "payer paid exactly the cost");
        assertEq(token.balanceOf(address(factory)), 0, "factory holds nothing");
        assertEq(factory.runway(address(app)), block.timestamp + seconds_, "runway end (now for no prefund)");
        assertEq(factory.applicationCount(), 0, "an import is not a creation");
    }

    function testFuzz_noExplicitSaltBlocksACountNumberedCreation(address creator, address owner, bytes32 salt) public {
        vm.assume(owner != address(0));
        PayableDAppFactory factory = _factory(ONE);
        bytes32 template = bytes32(uint256(1));
        // The griefing sequence, with a fuzzed salt and the salt the next count-numbered creation would use.
        vm.prank(creator);
        factory.newApplication(owner, template, 0, salt);
        vm.prank(creator);
        factory.newApplication(owner, template, 0, bytes32(factory.applicationCount() + 1));
        address predicted = factory.calculateApplicationAddress(creator, owner, template);
        vm.prank(creator);
        address counted = factory.newApplication(owner, template, 0);
        assertTrue(counted == predicted, "count-numbered creation lands where predicted");
        assertEq(factory.applicationCount(), 3, "all three created");
    }
}
