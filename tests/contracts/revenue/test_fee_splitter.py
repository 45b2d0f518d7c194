"""FeeSplitter on anvil: both schedules, attribution, weighted sets, claims, burn and buy-back, roles."""

from __future__ import annotations

import ape
import pytest

from synor.revenue.split import (
    SEED_SERVICE,
    SEED_TRANSACTION,
    buyback_amount_out,
    buyback_min_out,
    split_service,
    split_transaction,
)
from tests.conftest import TEMPLATE, WEEK
from tests.contracts.revenue.conftest import (
    ADMIN_DELAY,
    MAX_SLIPPAGE_BPS,
    SERVICE_SHARES,
    TX_SHARES,
    deploy_splitter,
)

ZERO = ape.utils.ZERO_ADDRESS
USDC = 10**6
SYNOR = 10**18


def book(splitter, token):
    return splitter.book(token)


def assert_books_balance(splitter, token):
    """The splitter's own conservation law: `accounted` is exactly what it still owes or must burn."""
    b = splitter.book(token)
    owed = (
        (b.treasuryAccrued - b.treasuryPaid)
        + (b.communityAccrued - b.communityPaid)
        + (b.stakersAccrued - b.stakersPaid)
        + (b.operatorsAttributed + b.operatorPoolAccrued + b.validatorPoolAccrued - b.membersPaid)
        + (b.burnAccrued - b.burned)
    )
    assert b.accounted == owed
    assert token.balanceOf(splitter) == b.accounted + splitter.unaccounted(token)


# ------------------------------------------------------------------ deployment


def test_constructor_records_schedules_recipients_and_roles(
    splitter, synor, usdc, treasury, community, staking, uniswap_factory, pair, deployer, keeper
):
    assert splitter.serviceShares() == SERVICE_SHARES
    assert splitter.transactionShares() == TX_SHARES
    assert splitter.synor() == synor.address
    assert splitter.treasury() == treasury.address
    assert splitter.communityPool() == community.address
    assert splitter.staking() == staking.address
    assert splitter.uniswapV2Factory() == uniswap_factory.address
    assert splitter.acceptedTokens() == [synor.address, usdc.address]
    assert splitter.isAccepted(synor) and splitter.isAccepted(usdc)
    assert splitter.buyBackPair(usdc) == pair.address
    assert splitter.buyBackPair(synor) == ZERO
    assert splitter.priceSource() == ZERO
    assert splitter.maxSlippageBps() == MAX_SLIPPAGE_BPS
    assert splitter.MAX_TOKENS() == 8
    assert splitter.MAX_SLIPPAGE_BPS() == 5000
    assert splitter.defaultAdmin() == deployer.address
    assert splitter.defaultAdminDelay() == ADMIN_DELAY
    assert splitter.hasRole(splitter.KEEPER_ROLE(), keeper)
    assert splitter.hasRole(splitter.WEIGHT_MANAGER_ROLE(), deployer)


def test_constructor_emits_synor_accepted_and_slippage(
    project, deployer, synor, treasury, community, staking
):
    contract = deploy_splitter(project, deployer, synor, treasury, community, staking)
    receipt = contract.creation_metadata.receipt
    assert receipt.events.filter(contract.TokenAccepted) == [
        contract.TokenAccepted(token=synor.address, pair=ZERO)
    ]
    assert receipt.events.filter(contract.MaxSlippageSet) == [contract.MaxSlippageSet(bps=MAX_SLIPPAGE_BPS)]


@pytest.mark.parametrize("bad", ["synor", "treasury", "community", "staking", "uniswap"])
def test_constructor_rejects_zero_addresses(project, deployer, synor, treasury, community, staking, bad):
    with ape.reverts(project.FeeSplitter.FeeSplitter_ZeroAddress):
        deploy_splitter(project, deployer, synor, treasury, community, staking, **{bad: ZERO})


@pytest.mark.parametrize(
    "overrides",
    [{"service": (7000, 2000, 999)}, {"service": (7001, 2000, 1000)}, {"tx": (1000, 6000, 2000, 1001)}],
)
def test_constructor_rejects_shares_not_summing_to_10000(
    project, deployer, synor, treasury, community, staking, overrides
):
    with ape.reverts(project.FeeSplitter.FeeSplitter_BadShares):
        deploy_splitter(project, deployer, synor, treasury, community, staking, **overrides)


def test_constructor_rejects_slippage_above_max(project, deployer, synor, treasury, community, staking):
    with ape.reverts(project.FeeSplitter.FeeSplitter_SlippageOutOfRange, bps=5001):
        deploy_splitter(project, deployer, synor, treasury, community, staking, slippage=5001)


# ------------------------------------------------------------------ split (revenue by plain transfer)


def test_split_picks_up_a_plain_transfer_and_splits_70_20_10(splitter, usdc, sponsor, stranger):
    amount = 1_000 * USDC + 4  # 0.8 + 0.4 base units of rounding go to the operators (remainder bucket)
    usdc.transfer(splitter, amount, sender=sponsor)
    assert splitter.unaccounted(usdc) == amount
    receipt = splitter.split(usdc, sender=stranger)
    parts = split_service(amount)
    assert parts.total == amount
    assert receipt.events.filter(splitter.ServiceRevenueSplit) == [
        splitter.ServiceRevenueSplit(
            token=usdc.address,
            payer=ZERO,
            operator=ZERO,
            amount=amount,
            operators=parts.operators,
            treasury=parts.treasury,
            burn=parts.burn,
        )
    ]
    assert parts == type(parts)(operators=700 * USDC + 4, treasury=200 * USDC, burn=100 * USDC)
    b = splitter.book(usdc)
    assert (b.accounted, b.treasuryAccrued, b.burnAccrued, b.operatorPoolAccrued) == (
        amount,
        parts.treasury,
        parts.burn,
        parts.operators,
    )
    assert splitter.unaccounted(usdc) == 0
    assert splitter.pendingBurn(usdc) == parts.burn
    assert_books_balance(splitter, usdc)


def test_split_with_nothing_new_is_a_no_op(splitter, usdc, sponsor, stranger):
    usdc.transfer(splitter, 10 * USDC, sender=sponsor)
    splitter.split(usdc, sender=stranger)
    before = splitter.book(usdc)
    receipt = splitter.split(usdc, sender=stranger)
    assert receipt.return_value == 0
    assert not receipt.events.filter(splitter.ServiceRevenueSplit)
    assert splitter.book(usdc) == before


@pytest.mark.parametrize("amount", [1, 2, 3, 9, 10, 11, 19, 99, 12_345])
def test_every_split_sums_exactly_to_the_payment(splitter, usdc, sponsor, amount):
    usdc.transfer(splitter, amount, sender=sponsor)
    event = splitter.split(usdc, sender=sponsor).events.filter(splitter.ServiceRevenueSplit)[0]
    assert event.operators + event.treasury + event.burn == amount
    assert (event.operators, event.treasury, event.burn) == (
        split_service(amount).operators,
        split_service(amount).treasury,
        split_service(amount).burn,
    )


def test_split_rejects_tokens_not_accepted(project, splitter, deployer):
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_TokenNotAccepted, token=other.address):
        splitter.split(other, sender=deployer)


def test_runway_paid_to_the_factory_reaches_the_weighted_operator_set(
    paid_factory, splitter, usdc, developer, sponsor, operator_a, operator_b, deployer
):
    splitter.setOperatorWeight(operator_a, 3, sender=deployer)
    splitter.setOperatorWeight(operator_b, 1, sender=deployer)
    usdc.approve(paid_factory, 2**256 - 1, sender=developer)
    paid_factory.newApplication(developer, TEMPLATE, WEEK, sender=developer)
    cost = paid_factory.cost(WEEK)
    assert usdc.balanceOf(splitter) == cost  # the factory's payee is the splitter
    splitter.split(usdc, sender=sponsor)
    operators = split_service(cost).operators
    a = splitter.claim(usdc, sender=operator_a).return_value
    b = splitter.claim(usdc, sender=operator_b).return_value
    assert a == operators * 3 // 4
    assert b == operators // 4
    assert operators - (a + b) <= 1  # accumulator dust stays in the splitter, never over-paid
    assert_books_balance(splitter, usdc)


# ------------------------------------------------------------------ distribute (metered, attributed)


def test_distribute_attributes_the_operator_share_to_the_named_operator(
    splitter, usdc, sponsor, operator_a, operator_b, deployer
):
    splitter.setOperatorWeight(operator_b, 1, sender=deployer)  # the set gets nothing from attributed revenue
    amount = 333 * USDC + 3
    usdc.approve(splitter, amount, sender=sponsor)
    receipt = splitter.distribute(usdc, amount, operator_a, sender=sponsor)
    parts = split_service(amount)
    assert receipt.events.filter(splitter.ServiceRevenueSplit) == [
        splitter.ServiceRevenueSplit(
            token=usdc.address,
            payer=sponsor.address,
            operator=operator_a.address,
            amount=amount,
            operators=parts.operators,
            treasury=parts.treasury,
            burn=parts.burn,
        )
    ]
    assert splitter.claimable(usdc, operator_a) == parts.operators
    assert splitter.claimable(usdc, operator_b) == 0
    assert splitter.book(usdc).operatorsAttributed == parts.operators
    assert splitter.book(usdc).operatorPoolAccrued == 0
    assert_books_balance(splitter, usdc)


def test_distribute_to_zero_operator_goes_to_the_set(splitter, usdc, sponsor, operator_a, deployer):
    splitter.setOperatorWeight(operator_a, 5, sender=deployer)
    usdc.approve(splitter, 100 * USDC, sender=sponsor)
    splitter.distribute(usdc, 100 * USDC, ZERO, sender=sponsor)
    assert splitter.claimable(usdc, operator_a) == 70 * USDC


def test_distribute_rejects_zero_amount_unknown_token_and_missing_allowance(project, splitter, usdc, sponsor):
    with ape.reverts(splitter.FeeSplitter_ZeroAmount):
        splitter.distribute(usdc, 0, sponsor, sender=sponsor)
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=sponsor)
    with ape.reverts(splitter.FeeSplitter_TokenNotAccepted, token=other.address):
        splitter.distribute(other, 1, sponsor, sender=sponsor)
    usdc.approve(splitter, 0, sender=sponsor)
    with ape.reverts(usdc.ERC20InsufficientAllowance):
        splitter.distribute(usdc, 1, sponsor, sender=sponsor)


def test_distribute_leaves_tokens_sent_by_plain_transfer_for_split(splitter, usdc, sponsor, operator_a):
    usdc.transfer(splitter, 50 * USDC, sender=sponsor)
    usdc.approve(splitter, 10 * USDC, sender=sponsor)
    splitter.distribute(usdc, 10 * USDC, operator_a, sender=sponsor)
    assert splitter.unaccounted(usdc) == 50 * USDC
    assert splitter.split(usdc, sender=sponsor).return_value == 50 * USDC


# ------------------------------------------------------------------ transaction fees


def test_transaction_fees_split_10_60_20_10_and_reach_every_party(
    splitter, staking, usdc, sponsor, community, validator_a, validator_b, deployer, stranger
):
    splitter.setValidatorWeight(validator_a, 1, sender=deployer)
    splitter.setValidatorWeight(validator_b, 1, sender=deployer)
    amount = 1_000 * USDC + 4
    usdc.approve(splitter, amount, sender=sponsor)
    receipt = splitter.distributeTransactionFees(usdc, amount, sender=sponsor)
    parts = split_transaction(amount)
    assert parts.total == amount
    assert receipt.events.filter(splitter.TransactionFeesSplit) == [
        splitter.TransactionFeesSplit(
            token=usdc.address,
            payer=sponsor.address,
            amount=amount,
            burn=parts.burn,
            stakers=parts.stakers,
            community=parts.community,
            validators=parts.validators,
        )
    ]
    assert parts.stakers == 600 * USDC + 4  # stakers are the remainder bucket
    assert splitter.claim(usdc, sender=community).return_value == parts.community
    assert splitter.claim(usdc, sender=validator_a).return_value == parts.validators // 2
    assert splitter.claim(usdc, sender=validator_b).return_value == parts.validators // 2
    # The stakers' share was forwarded to staking inside the payment (no backlog to snipe).
    assert receipt.events.filter(splitter.StakerRewardsReleased) == [
        splitter.StakerRewardsReleased(token=usdc.address, amount=parts.stakers)
    ]
    assert receipt.events.filter(staking.RewardsSynced)[0].amount == parts.stakers
    assert usdc.balanceOf(staking) == parts.stakers
    assert splitter.releaseToStaking(usdc, sender=stranger).return_value == 0
    assert splitter.pendingBurn(usdc) == parts.burn
    assert splitter.claimed(usdc, staking) == parts.stakers
    assert_books_balance(splitter, usdc)


def test_transaction_fees_reject_zero_and_unknown_token(project, splitter, sponsor):
    with ape.reverts(splitter.FeeSplitter_ZeroAmount):
        splitter.distributeTransactionFees(splitter.synor(), 0, sender=sponsor)
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=sponsor)
    with ape.reverts(splitter.FeeSplitter_TokenNotAccepted, token=other.address):
        splitter.distributeTransactionFees(other, 5, sender=sponsor)
    with ape.reverts(splitter.FeeSplitter_TokenNotAccepted, token=other.address):
        splitter.releaseToStaking(other, sender=sponsor)


# ------------------------------------------------------------------ claims


def test_treasury_claims_its_share_once(splitter, usdc, sponsor, treasury):
    usdc.transfer(splitter, 500 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    assert splitter.claimable(usdc, treasury) == 100 * USDC
    before = usdc.balanceOf(treasury)
    receipt = splitter.claim(usdc, sender=treasury)
    assert receipt.return_value == 100 * USDC
    assert receipt.events.filter(splitter.Claimed) == [
        splitter.Claimed(token=usdc.address, account=treasury.address, to=treasury.address, amount=100 * USDC)
    ]
    assert usdc.balanceOf(treasury) - before == 100 * USDC
    assert splitter.claimed(usdc, treasury) == 100 * USDC
    assert splitter.claimable(usdc, treasury) == 0
    again = splitter.claim(usdc, sender=treasury)
    assert again.return_value == 0
    assert not again.events.filter(splitter.Claimed)
    assert_books_balance(splitter, usdc)


def test_claim_to_sends_elsewhere_and_rejects_zero(splitter, usdc, sponsor, treasury, stranger):
    usdc.transfer(splitter, 10 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    with ape.reverts(splitter.FeeSplitter_ZeroAddress):
        splitter.claimTo(usdc, ZERO, sender=treasury)
    before = usdc.balanceOf(stranger)
    receipt = splitter.claimTo(usdc, stranger, sender=treasury)
    assert usdc.balanceOf(stranger) - before == 2 * USDC
    assert receipt.events.filter(splitter.Claimed)[0].to == stranger.address


def test_claim_of_a_token_never_accepted_pays_nothing(project, splitter, stranger, treasury):
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=stranger)
    other.mint(splitter, 10**18, sender=stranger)  # stray tokens belong to nobody until recovered
    for account in (stranger, treasury):
        receipt = splitter.claim(other, sender=account)
        assert receipt.return_value == 0
        assert not receipt.events.filter(splitter.Claimed)
    assert other.balanceOf(splitter) == 10**18


@pytest.mark.parametrize("who", ["treasury", "community", "staking"])
def test_fixed_recipients_cannot_join_a_weighted_set(splitter, deployer, treasury, community, staking, who):
    account = {"treasury": treasury, "community": community, "staking": staking}[who]
    with ape.reverts(splitter.FeeSplitter_ReservedRecipient, account=account.address):
        splitter.setOperatorWeight(account, 1, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_ReservedRecipient, account=account.address):
        splitter.setValidatorWeight(account, 1, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_ReservedRecipient, account=account.address):
        splitter.distribute(splitter.synor(), 1, account, sender=deployer)


def test_the_splitter_itself_cannot_be_credited(splitter, deployer):
    with ape.reverts(splitter.FeeSplitter_ReservedRecipient, account=splitter.address):
        splitter.setOperatorWeight(splitter, 1, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_ReservedRecipient, account=splitter.address):
        splitter.distribute(splitter.synor(), 1, splitter, sender=deployer)


def test_a_blacklisted_recipient_blocks_nobody_else(
    project, deployer, synor, treasury, community, staking, operator_a, sponsor, stranger
):
    token = project.BlacklistableToken.deploy(sender=deployer)
    contract = deploy_splitter(project, deployer, synor, treasury, community, staking)
    contract.acceptToken(token, ZERO, sender=deployer)
    contract.grantRole(contract.WEIGHT_MANAGER_ROLE(), deployer, sender=deployer)
    contract.setOperatorWeight(operator_a, 1, sender=deployer)
    token.mint(contract, 1_000 * USDC, sender=deployer)
    contract.split(token, sender=stranger)
    token.setBlacklisted(treasury, True, sender=deployer)
    with ape.reverts(token.BlacklistableToken_Blacklisted, account=treasury.address):
        contract.claim(token, sender=treasury)
    assert contract.claim(token, sender=operator_a).return_value == 700 * USDC  # unaffected
    assert contract.claimTo(token, stranger, sender=treasury).return_value == 200 * USDC  # redirected
    assert token.balanceOf(stranger) == 200 * USDC


# ------------------------------------------------------------------ weighted sets


def test_operator_revenue_is_queued_while_the_set_is_empty(splitter, usdc, sponsor, operator_a, deployer):
    usdc.transfer(splitter, 100 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    assert splitter.totalOperatorWeight() == 0
    splitter.setOperatorWeight(operator_a, 2, sender=deployer)
    assert splitter.claimable(usdc, operator_a) == 70 * USDC
    assert splitter.claim(usdc, sender=operator_a).return_value == 70 * USDC


def test_weight_changes_settle_earnings_first(splitter, usdc, sponsor, operator_a, operator_b, deployer):
    splitter.setOperatorWeight(operator_a, 1, sender=deployer)
    usdc.transfer(splitter, 100 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    splitter.setOperatorWeight(operator_b, 1, sender=deployer)  # joins after the first payment
    usdc.transfer(splitter, 100 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    splitter.setOperatorWeight(operator_a, 0, sender=deployer)  # leaves: keeps what it earned
    usdc.transfer(splitter, 100 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    assert splitter.claimable(usdc, operator_a) == 70 * USDC + 35 * USDC
    assert splitter.claimable(usdc, operator_b) == 35 * USDC + 70 * USDC
    assert splitter.claim(usdc, sender=operator_a).return_value == 105 * USDC
    assert splitter.claim(usdc, sender=operator_b).return_value == 105 * USDC
    assert splitter.totalOperatorWeight() == 1
    assert_books_balance(splitter, usdc)


def test_weight_setters_emit_and_track_totals(splitter, deployer, operator_a, validator_a):
    receipt = splitter.setOperatorWeight(operator_a, 7, sender=deployer)
    assert receipt.events.filter(splitter.OperatorWeightSet) == [
        splitter.OperatorWeightSet(operator=operator_a.address, weight=7)
    ]
    receipt = splitter.setValidatorWeight(validator_a, 9, sender=deployer)
    assert receipt.events.filter(splitter.ValidatorWeightSet) == [
        splitter.ValidatorWeightSet(validator=validator_a.address, weight=9)
    ]
    assert (splitter.operatorWeight(operator_a), splitter.totalOperatorWeight()) == (7, 7)
    assert (splitter.validatorWeight(validator_a), splitter.totalValidatorWeight()) == (9, 9)


def test_weight_setters_need_the_role_and_a_member(splitter, deployer, stranger, operator_a):
    role = splitter.WEIGHT_MANAGER_ROLE()
    with ape.reverts(splitter.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        splitter.setOperatorWeight(operator_a, 1, sender=stranger)
    with ape.reverts(splitter.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        splitter.setValidatorWeight(operator_a, 1, sender=stranger)
    with ape.reverts(splitter.FeeSplitter_ZeroAddress):
        splitter.setOperatorWeight(ZERO, 1, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_ZeroAddress):
        splitter.setValidatorWeight(ZERO, 1, sender=deployer)


def test_an_operator_who_is_also_a_validator_claims_both_at_once(
    splitter, synor, sponsor, operator_a, deployer
):
    splitter.setOperatorWeight(operator_a, 1, sender=deployer)
    splitter.setValidatorWeight(operator_a, 1, sender=deployer)
    synor.transfer(splitter, 100 * SYNOR, sender=sponsor)
    splitter.split(synor, sender=sponsor)
    synor.approve(splitter, 100 * SYNOR, sender=sponsor)
    splitter.distributeTransactionFees(synor, 100 * SYNOR, sender=sponsor)
    assert splitter.claim(synor, sender=operator_a).return_value == 70 * SYNOR + 10 * SYNOR


# ------------------------------------------------------------------ burn and buy-back


def test_synor_burn_share_is_destroyed_and_supply_falls(splitter, synor, sponsor, stranger):
    synor.transfer(splitter, 1_000 * SYNOR, sender=sponsor)
    splitter.split(synor, sender=sponsor)
    supply = synor.totalSupply()
    receipt = splitter.burn(sender=stranger)
    assert receipt.return_value == 100 * SYNOR
    assert receipt.events.filter(splitter.Burned) == [splitter.Burned(amount=100 * SYNOR)]
    assert synor.totalSupply() == supply - 100 * SYNOR
    assert splitter.pendingBurn(synor) == 0
    assert splitter.book(synor).burned == 100 * SYNOR
    assert splitter.burn(sender=stranger).return_value == 0
    assert synor.totalSupply() == supply - 100 * SYNOR
    assert_books_balance(splitter, synor)


def test_buy_back_swaps_the_stablecoin_burn_share_through_uniswap_and_burns_the_synor(
    splitter, usdc, synor, pair, sponsor, keeper
):
    usdc.transfer(splitter, 1_000 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    burn_share = splitter.pendingBurn(usdc)
    assert burn_share == 100 * USDC
    r0, r1, _ = pair.getReserves()
    reserve_in, reserve_out = (r0, r1) if pair.token0() == usdc.address else (r1, r0)
    expected = buyback_amount_out(burn_share, reserve_in, reserve_out)
    supply = synor.totalSupply()
    receipt = splitter.buyBack(usdc, 0, 0, sender=keeper)
    assert receipt.return_value == expected
    assert receipt.events.filter(splitter.BoughtBackAndBurned) == [
        splitter.BoughtBackAndBurned(token=usdc.address, amountIn=burn_share, synorBurned=expected)
    ]
    assert synor.totalSupply() == supply - expected
    assert synor.balanceOf(splitter) == 0
    assert splitter.pendingBurn(usdc) == 0
    assert splitter.book(usdc).burned == burn_share
    r0, r1, _ = pair.getReserves()
    after_in, after_out = (r0, r1) if pair.token0() == usdc.address else (r1, r0)
    assert (after_in, after_out) == (reserve_in + burn_share, reserve_out - expected)
    assert_books_balance(splitter, usdc)


def test_buy_back_of_part_of_the_share(splitter, usdc, sponsor, keeper):
    usdc.transfer(splitter, 1_000 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    splitter.buyBack(usdc, 40 * USDC, 0, sender=keeper)
    assert splitter.pendingBurn(usdc) == 60 * USDC
    with ape.reverts(splitter.FeeSplitter_InsufficientBurnShare, requested=61 * USDC, available=60 * USDC):
        splitter.buyBack(usdc, 61 * USDC, 0, sender=keeper)


def test_buy_back_guards(project, splitter, usdc, synor, sponsor, keeper, stranger, deployer):
    with ape.reverts(splitter.FeeSplitter_ZeroAmount):
        splitter.buyBack(usdc, 0, 0, sender=keeper)  # nothing held yet
    with ape.reverts(splitter.FeeSplitter_NoBuyBackPair, token=synor.address):
        splitter.buyBack(synor, 0, 0, sender=keeper)
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_TokenNotAccepted, token=other.address):
        splitter.buyBack(other, 0, 0, sender=keeper)
    splitter.acceptToken(other, ZERO, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_NoBuyBackPair, token=other.address):
        splitter.buyBack(other, 0, 0, sender=keeper)
    role = splitter.KEEPER_ROLE()
    with ape.reverts(splitter.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        splitter.buyBack(usdc, 0, 0, sender=stranger)


def test_buy_back_respects_the_keepers_minimum(splitter, usdc, pair, sponsor, keeper):
    usdc.transfer(splitter, 1_000 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    r0, r1, _ = pair.getReserves()
    reserve_in, reserve_out = (r0, r1) if pair.token0() == usdc.address else (r1, r0)
    out = buyback_amount_out(100 * USDC, reserve_in, reserve_out)
    with ape.reverts(splitter.FeeSplitter_InsufficientOutput, amountOut=out, minOut=out + 1):
        splitter.buyBack(usdc, 0, out + 1, sender=keeper)
    assert splitter.buyBack(usdc, 0, out, sender=keeper).return_value == out


def test_buy_back_too_large_for_the_pool_is_refused_by_the_slippage_bound(
    splitter, usdc, pair, sponsor, keeper
):
    # A burn share of 20,000 USDC against a 1,000,000 USDC pool moves the price ~2%: above the 1% bound.
    usdc.transfer(splitter, 200_000 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    r0, r1, _ = pair.getReserves()
    reserve_in, reserve_out = (r0, r1) if pair.token0() == usdc.address else (r1, r0)
    amount_in = 20_000 * USDC
    out = buyback_amount_out(amount_in, reserve_in, reserve_out)
    bound = buyback_min_out(amount_in, reserve_in, reserve_out, 0, MAX_SLIPPAGE_BPS)
    assert out < bound
    with ape.reverts(splitter.FeeSplitter_InsufficientOutput, amountOut=out, minOut=bound):
        splitter.buyBack(usdc, 0, 0, sender=keeper)
    assert splitter.buyBack(usdc, 1_000 * USDC, 0, sender=keeper).return_value > 0  # smaller slices pass


def test_buy_back_is_bounded_by_the_price_source_when_one_is_set(
    project, splitter, usdc, synor, pair, sponsor, keeper, deployer
):
    source = project.FixedPriceSource.deploy(sender=deployer)
    source.setPrice(usdc, 10**30, sender=deployer)  # 1 USD per USDC (6 decimals)
    source.setPrice(synor, 5 * 10**16, sender=deployer)  # the oracle says SYNOR is worth 0.05 USD, not 0.10
    receipt = splitter.setPriceSource(source, sender=deployer)
    assert receipt.events.filter(splitter.PriceSourceSet) == [splitter.PriceSourceSet(source=source.address)]
    assert splitter.priceSource() == source.address
    usdc.transfer(splitter, 1_000 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    r0, r1, _ = pair.getReserves()
    reserve_in, reserve_out = (r0, r1) if pair.token0() == usdc.address else (r1, r0)
    out = buyback_amount_out(100 * USDC, reserve_in, reserve_out)
    fair = 100 * 20 * SYNOR  # 100 USD buys 2,000 SYNOR at the oracle's price
    bound = buyback_min_out(100 * USDC, reserve_in, reserve_out, 0, MAX_SLIPPAGE_BPS, fair)
    with ape.reverts(splitter.FeeSplitter_InsufficientOutput, amountOut=out, minOut=bound):
        splitter.buyBack(usdc, 0, 0, sender=keeper)
    source.setPrice(synor, 10**17, sender=deployer)  # oracle agrees with the pool: the swap goes through
    assert splitter.buyBack(usdc, 0, 0, sender=keeper).return_value == out
    splitter.setPriceSource(ZERO, sender=deployer)
    assert splitter.priceSource() == ZERO


# ------------------------------------------------------------------ administration


def test_set_max_slippage(splitter, deployer, stranger):
    receipt = splitter.setMaxSlippageBps(250, sender=deployer)
    assert receipt.events.filter(splitter.MaxSlippageSet) == [splitter.MaxSlippageSet(bps=250)]
    assert splitter.maxSlippageBps() == 250
    with ape.reverts(splitter.FeeSplitter_SlippageOutOfRange, bps=5001):
        splitter.setMaxSlippageBps(5001, sender=deployer)
    role = splitter.DEFAULT_ADMIN_ROLE()
    with ape.reverts(splitter.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        splitter.setMaxSlippageBps(1, sender=stranger)
    with ape.reverts(splitter.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        splitter.setPriceSource(stranger, sender=stranger)


def test_accept_token_and_its_guards(project, splitter, usdc, synor, pair, deployer, stranger):
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=deployer)
    role = splitter.DEFAULT_ADMIN_ROLE()
    with ape.reverts(splitter.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        splitter.acceptToken(other, ZERO, sender=stranger)
    with ape.reverts(splitter.FeeSplitter_ZeroAddress):
        splitter.acceptToken(ZERO, ZERO, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_TokenAlreadyAccepted, token=usdc.address):
        splitter.acceptToken(usdc, pair, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_PairNotFromFactory, token=other.address, pair=pair.address):
        splitter.acceptToken(other, pair, sender=deployer)  # a USDC/SYNOR pair for another token
    receipt = splitter.acceptToken(other, ZERO, sender=deployer)
    assert receipt.events.filter(splitter.TokenAccepted) == [
        splitter.TokenAccepted(token=other.address, pair=ZERO)
    ]
    assert splitter.isAccepted(other)
    for i in range(5):
        splitter.acceptToken(
            project.TestStablecoin.deploy(f"T{i}", f"T{i}", 18, sender=deployer), ZERO, sender=deployer
        )
    assert len(splitter.acceptedTokens()) == 8
    with ape.reverts(splitter.FeeSplitter_TooManyTokens):
        splitter.acceptToken(
            project.TestStablecoin.deploy("T9", "T9", 18, sender=deployer), ZERO, sender=deployer
        )


def test_set_buy_back_pair(project, splitter, usdc, synor, pair, deployer, stranger):
    receipt = splitter.setBuyBackPair(usdc, ZERO, sender=deployer)
    assert receipt.events.filter(splitter.BuyBackPairSet) == [
        splitter.BuyBackPairSet(token=usdc.address, pair=ZERO)
    ]
    splitter.setBuyBackPair(usdc, pair, sender=deployer)
    assert splitter.buyBackPair(usdc) == pair.address
    with ape.reverts(splitter.FeeSplitter_BadPair, token=synor.address, pair=pair.address):
        splitter.setBuyBackPair(synor, pair, sender=deployer)  # SYNOR is burned directly
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_TokenNotAccepted, token=other.address):
        splitter.setBuyBackPair(other, pair, sender=deployer)
    role = splitter.DEFAULT_ADMIN_ROLE()
    with ape.reverts(splitter.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        splitter.setBuyBackPair(usdc, pair, sender=stranger)


def test_recover_returns_stray_tokens_but_never_revenue(project, splitter, usdc, deployer, stranger, sponsor):
    stray = project.TestStablecoin.deploy("Stray", "STR", 18, sender=deployer)
    stray.mint(splitter, 123, sender=deployer)
    role = splitter.DEFAULT_ADMIN_ROLE()
    with ape.reverts(splitter.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        splitter.recover(stray, stranger, sender=stranger)
    with ape.reverts(splitter.FeeSplitter_ZeroAddress):
        splitter.recover(stray, ZERO, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_CannotRecoverRevenue, token=usdc.address):
        splitter.recover(usdc, deployer, sender=deployer)
    receipt = splitter.recover(stray, stranger, sender=deployer)
    assert receipt.events.filter(splitter.Recovered) == [
        splitter.Recovered(token=stray.address, to=stranger.address, amount=123)
    ]
    assert stray.balanceOf(stranger) == 123


def test_admin_moves_only_in_two_steps_after_the_delay(splitter, deployer, stranger, chain):
    splitter.beginDefaultAdminTransfer(stranger, sender=deployer)
    assert splitter.defaultAdmin() == deployer.address
    with ape.reverts(splitter.AccessControlEnforcedDefaultAdminDelay):
        splitter.acceptDefaultAdminTransfer(sender=stranger)
    chain.pending_timestamp += ADMIN_DELAY + 1
    splitter.acceptDefaultAdminTransfer(sender=stranger)
    assert splitter.defaultAdmin() == stranger.address


def test_seed_schedules_match_the_python_mirror():
    assert (SEED_SERVICE.operators_bps, SEED_SERVICE.treasury_bps, SEED_SERVICE.burn_bps) == SERVICE_SHARES
    assert (
        SEED_TRANSACTION.burn_bps,
        SEED_TRANSACTION.stakers_bps,
        SEED_TRANSACTION.community_bps,
        SEED_TRANSACTION.validators_bps,
    ) == TX_SHARES


# ------------------------------------------------------------------ reentrancy


@pytest.mark.parametrize("reenter", ["split", "claim", "releaseToStaking"])
def test_a_token_calling_back_during_a_payout_cannot_reenter(
    project, deployer, synor, treasury, community, staking, stranger, reenter
):
    token = project.CallbackToken.deploy(sender=deployer)
    contract = deploy_splitter(project, deployer, synor, treasury, community, staking)
    contract.acceptToken(token, ZERO, sender=deployer)
    token.mint(contract, 1_000, sender=deployer)
    contract.split(token, sender=stranger)
    token.mint(contract, 500, sender=deployer)  # unsplit revenue a reentrant split would double-count
    data = getattr(contract, reenter).encode_input(token)
    token.setHook(contract, data, sender=deployer)
    with ape.reverts(contract.ReentrancyGuardReentrantCall):
        contract.claim(token, sender=treasury)
    token.setHook(ZERO, b"", sender=deployer)
    assert contract.claim(token, sender=treasury).return_value == 200
    assert contract.split(token, sender=stranger).return_value == 500
    assert_books_balance(contract, token)


def test_staking_refuses_reentrancy_too(project, deployer, staking, stranger, staker_a, synor, chain):
    token = project.CallbackToken.deploy(sender=deployer)
    staking.addRewardToken(token, sender=deployer)
    synor.transfer(staker_a, 10, sender=deployer)
    synor.approve(staking, 10, sender=staker_a)
    staking.stake(10, sender=staker_a)
    token.mint(staking, 100, sender=deployer)
    synced = staking.sync(token, sender=stranger)
    chain.mine(timestamp=synced.timestamp + staking.REWARD_DURATION())
    token.setHook(staking, staking.sync.encode_input(token), sender=deployer)
    with ape.reverts(staking.ReentrancyGuardReentrantCall):
        staking.claim(token, sender=staker_a)
    token.setHook(ZERO, b"", sender=deployer)
    assert staking.claim(token, sender=staker_a).return_value == 100
