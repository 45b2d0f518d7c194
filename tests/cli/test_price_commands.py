"""`synor price list|show` against the deployed stack's seeded PriceBook."""

from __future__ import annotations

from devstack.uniswap import through_timelock
from synor.pricing.catalogue import CATALOGUE
from synor.pricing.rating import UNBOUNDED, Currency, RateCard, Tier, TierMode


def test_the_stack_records_a_price_book_seeded_with_the_whole_table(stack, synor_json):
    _, record = stack
    assert {"price_book", "price_book_timelock"} <= set(record.contracts)
    listing = synor_json("price", "list")
    assert listing["period_length"] == 30 * 24 * 3600 and listing["current_period"] == 0
    assert [row["name"] for row in listing["resources"]] == list(CATALOGUE)
    for row in listing["resources"]:
        entry = CATALOGUE[row["name"]]
        assert row["id"] == "0x" + entry.resource_id.hex()
        assert row["billing_unit"] == entry.billing_unit and row["base_quantity"] == entry.base_quantity
        assert row["card"] == {
            "currency": "SYNOR",
            "mode": "graduated",
            "unit_size": str(entry.unit_size),
            "tiers": [
                {
                    "up_to": None,
                    "price": str(entry.seed_price),
                    "price_text": entry.seed_price_text.rstrip("0").rstrip(".") or "0",
                }
            ],
        }
        assert row["scheduled"] is None and row["from_period"] == 0 and row["versions"] == 1


def test_list_prints_a_table(synor):
    code, out, err = synor("price", "list")
    assert code == 0, err
    assert "storage.capacity" in out and "0.02 SYNOR" in out and "GB-month (2,592,000,000,000,000)" in out
    assert "hosting.ssl" in out and "free" in out
    assert len([line for line in out.splitlines() if "." in line and "│" in line]) >= 14


def test_show_by_name_and_by_id(synor, synor_json):
    shown = synor_json("price", "show", "compute.gpu.rtx4090")
    assert shown["card"]["tiers"][0]["price_text"] == "0.5" and shown["billing_unit"] == "hour"
    by_id = synor_json("price", "show", "0x" + CATALOGUE["compute.gpu.rtx4090"].resource_id.hex())
    assert by_id == shown
    code, out, _ = synor("price", "show", "storage.deal")
    assert code == 0 and "0.001 per unit" in out and "no change scheduled" in out


def test_unknown_resources_are_one_line_errors(synor):
    code, out, err = synor("price", "show", "storage.nope")
    assert code == 2 and out == "" and err.startswith("error: unknown resource 'storage.nope'")
    assert len(err.strip().splitlines()) == 1
    code, _, err = synor("price", "show", "0x" + "42" * 32)
    assert code == 2 and "has no card in this price book" in err


def test_a_scheduled_change_is_shown(project, accounts, stack, synor, synor_json):
    _, record = stack
    book = project.PriceBook.at(record.address("price_book"))
    timelock = project.SynorTimelock.at(record.address("price_book_timelock"))
    card = RateCard(
        3_600, (Tier(360_000, 0), Tier(UNBOUNDED, 4 * 10**17)), currency=Currency.USD, mode=TierMode.VOLUME
    )
    rid = CATALOGUE["compute.cpu"].resource_id
    through_timelock(timelock, book, book.setRateCard.encode_input(rid, 1, card.as_tuple()), accounts[0])
    shown = synor_json("price", "show", "compute.cpu")
    assert shown["scheduled"] == {
        "from_period": 1,
        "card": {
            "currency": "USD",
            "mode": "volume",
            "unit_size": "3600",
            "tiers": [
                {"up_to": "360000", "price": "0", "price_text": "0"},
                {"up_to": None, "price": str(4 * 10**17), "price_text": "0.4"},
            ],
        },
    }
    assert shown["card"]["tiers"][0]["price_text"] == "0.02" and shown["versions"] == 2
    code, out, _ = synor("price", "show", "compute.cpu")
    assert (
        code == 0
        and "scheduled card, from period 1: USD, volume" in out
        and "(360,000, ∞]  0.4 per unit" in out
    )
    code, out, _ = synor("price", "list")
    assert "volume, 2 tiers from period 1" in out
