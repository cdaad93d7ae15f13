"""Capacity per entity and per store, on a shop worked out by hand, through the real CLI and the rules."""

from __future__ import annotations

import json

import pytest

from archgen.analysis.capacity import estimate_design
from archgen.api import load_design
from tests.conftest import FIXTURES, run_cli

SHOP = FIXTURES / "capacity" / "shop-entities.yaml"
DAY = 86_400
YEAR = 365


def test_each_entity_is_estimated_from_its_own_inputs():
    result = estimate_design(load_design(SHOP).design)
    assert result is not None
    orders, products, sessions = result.entities
    # orders: 0.5 a day for each of 2M users, 2 KB each, 4 reads per write, kept the design's year.
    assert orders.writes_per_day == 1_000_000 and orders.reads_per_day == 4_000_000
    assert orders.storage_retained == pytest.approx(1_000_000 * 2_000 * YEAR)
    assert orders.media_retained == pytest.approx(1_000_000 * 500_000 * YEAR)
    # products: 10K a day, read 5,000 times each, half of them hot.
    assert products.read_qps == pytest.approx(10_000 * 5_000 / DAY)
    assert products.hot_set == pytest.approx(10_000 * 5_000 * 10_000 * 0.5)
    # sessions: kept a day, the design's hot fraction of 20 reads per write.
    assert sessions.storage_retained == pytest.approx(4_000_000 * 1_000)
    assert sessions.hot_set == pytest.approx(4_000_000 * 20 * 1_000 * 0.2)
    # Totals are the sums.
    assert result.write_qps == pytest.approx((1_000_000 + 10_000 + 4_000_000) / DAY)
    assert result.storage_retained == pytest.approx(
        orders.storage_retained + products.storage_retained + sessions.storage_retained
    )
    assert result.storage_replicated == pytest.approx(result.storage_retained / 0.5 * 3)


def test_each_store_holds_what_is_stored_in_it():
    result = estimate_design(load_design(SHOP).design)
    assert result is not None
    stores = {store.component: store for store in result.stores}
    assert list(stores) == ["orders_db", "media", "catalog_db", "cache"]
    assert stores["orders_db"].storage_with_headroom == pytest.approx(1_000_000 * 2_000 * YEAR / 0.5)
    assert stores["orders_db"].storage_replicated == pytest.approx(1_000_000 * 2_000 * YEAR / 0.5 * 3)
    # Object storage holds the media bytes; the provider keeps S3's copies.
    assert stores["media"].storage_retained == pytest.approx(1_000_000 * 500_000 * YEAR)
    assert stores["media"].shared and stores["media"].storage_replicated == stores["media"].storage_with_headroom
    # A cache holds the hot set of what is stored in it: products and sessions, not orders.
    assert stores["cache"].entities == ("products", "sessions")
    assert stores["cache"].hot_set == pytest.approx(10_000 * 5_000 * 10_000 * 0.5 + 4_000_000 * 20 * 1_000 * 0.2)


def test_estimate_prints_and_writes_entities_and_stores():
    text = run_cli("estimate", SHOP)
    assert text.code == 0, text.err
    assert "  Entity orders     11.6/s writes, 46.3/s reads; 730 GB + 182 TB media kept" in text.out
    assert "  Store cache       hot set 266 GB" in text.out
    (design,) = json.loads(run_cli("estimate", SHOP, "--format", "json").out)
    assert [entity["name"] for entity in design["estimate"]["entities"]] == ["orders", "products", "sessions"]
    assert design["estimate"]["stores"][0]["entities"] == ["orders"]
    assert design["inputs"]["retention"] == YEAR * DAY and "retention_years" not in design["inputs"]


def test_one_kind_of_write_reports_the_retention_it_was_given():
    (design,) = json.loads(run_cli("estimate", FIXTURES / "capacity" / "worked-example.yaml", "--format", "json").out)
    assert "retention_years" in design["inputs"] and "retention" not in design["inputs"]
    assert design["estimate"]["entities"] == [] and design["estimate"]["stores"] == []


def test_the_rules_judge_each_store_on_its_entities():
    result = run_cli("lint", SHOP, "--select", "SCL", "--format", "json")
    findings = {(f["code"], f["component"]): f for f in json.loads(result.out)}
    assert set(findings) == {("SCL007", "orders_db"), ("SCL004", "cache")}
    assert findings["SCL007", "orders_db"]["message"] == (
        "orders_db declares 2 servers of 2 TB (4 TB); orders need 4.38 TB replicated"
    )
    assert (
        findings["SCL004", "cache"]["message"] == "cache holds 16 GB, below the hot set of products, sessions (266 GB)"
    )
    assert findings["SCL004", "cache"]["entities"] == ["products", "sessions"]


def test_per_user_rates_need_the_users(tmp_path):
    spec = tmp_path / "shop.yaml"
    spec.write_text(SHOP.read_text().replace("  daily_active_users: 2M\n", ""))
    result = run_cli("validate", spec)
    assert result.code == 2
    assert "capacity: `per_user_per_day` (orders) needs `daily_active_users`" in result.out
