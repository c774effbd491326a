"""A product renamed in HubSpot's product library (audit hsproductid, 6 Dec 2026), through ``pac sync``'s pipeline and
its store: a line item keeps the name and SKU it was sold under, so the line items sold before and after the rename
hold different SKUs; pac keeps the lines made from one product (``hs_product_id``) together, reads the library only
when it reads line items (the quiet night's calls do not change), and warns once of the plan values on the old SKU
the night an older line of the product shows the rename. Real hubspot-api-client on the sandbox CRM, the shipped
mapping, a sandbox clock the test moves (no sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from connectors.hubspot.mapping import default_mapping_path
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.fakes import one_connector_settings, sandbox_sync_clean

OLD = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
AXIS = """\
  - id: {id}
    name: {id}
    segment: S-RA
    scope: {scope}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
"""


def _plan(pump: str) -> str:
    axes = "".join(AXIS.format(id=i, scope=s) for i, s in (
        ("AX-OLD", "{product_code: PX-1}"), ("AX-NEW", "{product_code: PX-2}"), ("AX-ID", f'{{product_id: "{pump}"}}')))
    return f"""\
plan: {{name: "library", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}}
people:
  - {{email: julie@audit.example, name: Julie Martin, role: rep}}
segments:
  - {{id: S-RA, name: Rhone-Alpes, kind: horizontal, scope: {{region: Auvergne-Rhône-Alpes}}}}
axes:
{axes}actions:
  - {{id: A-V, axis: AX-OLD, text: Visit, who: julie@audit.example, what: {{activity: visit, count: 2}}, when: "2027"}}
"""


def _figures(result) -> tuple[Decimal, ...]:
    return tuple(result.evaluation.axis(a).revenue for a in ("AX-OLD", "AX-NEW", "AX-ID"))


class _Library:
    """The sandbox HubSpot both rename tests start from: Julie, Lyon Chimie (69001) and the library's product P
    « Pompe PX » PX-1, on a clock the test moves (``now``, POSIX seconds)."""

    def __init__(self, now: list[float]) -> None:
        self.api = HubSpotApi(None, tier="starter", ten_second_limit=1_000_000, clock=lambda: now[0])
        self.julie = self.api.add_owner("julie@audit.example", "Julie", "Martin")
        self.lyon = self.api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France"},
                                 modified=OLD)
        self.pump = self.api.add("products", {"name": "Pompe PX", "hs_sku": "PX-1", "price": "1000"}, modified=OLD)

    def won(self, name: str, close: str, sku: str, label: str, amount: str) -> str:
        """A won deal of Lyon Chimie with one line item made from P, sold under ``sku`` and ``label``."""
        deal = self.api.add("deals", {"dealname": name, "dealstage": "closedwon", "pipeline": "default",
                                      "amount": amount, "closedate": close, "hubspot_owner_id": self.julie},
                            companies=(self.lyon,))
        line = self.api.add("line_items", {"name": label, "hs_sku": sku, "quantity": "1", "price": amount,
                                           "amount": amount, "hs_tcv": amount, "hs_product_id": self.pump})
        self.api.associate("deals", deal, "line_items", line)
        return deal

    def filler(self) -> str:
        """An open deal closing in September, which a test edits to move the incremental watermark on."""
        return self.api.add("deals", {"dealname": "filler", "dealstage": "appointmentscheduled",
                                      "pipeline": "default", "amount": "1", "closedate": "2027-09-01T10:00:00.000Z",
                                      "hubspot_owner_id": self.julie}, companies=(self.lyon,))


def test_a_product_renamed_in_the_library_keeps_its_old_and_new_lines_together(tmp_path: Path) -> None:
    """The library's P « Pompe PX » PX-1. Night 1: A won 1 Feb 2027 with a line made from P, 1,000: AX-OLD (PX-1)
    1,000, AX-NEW (PX-2) 0, AX-ID (P's id) 1,000. A quiet night after reads no product. P is then
    renamed « Pompe PX v2 » PX-2, and B won 1 Mar with a line made from P after it, 2,000 (« Pompe PX v2 », PX-2).
    Night 3 (incremental, B read): 3,000 on all three, by hand. Seen failing before: AX-OLD 1,000 and AX-NEW 2,000
    with no warning (and no product_id key). Night 4, the full read, reads A again: its line, stored with the
    library's PX-1, now has the library's PX-2, and the run warns once naming AX-OLD's value; night 5 is quiet."""
    now = [OLD.timestamp()]
    org = _Library(now)
    api, pump, won = org.api, org.pump, org.won
    won("A", "2027-02-01T10:00:00.000Z", "PX-1", "Pompe PX", "1000")
    filler = org.filler()
    now[0] = (OLD + timedelta(days=2)).timestamp()
    settings = one_connector_settings(tmp_path, _plan(pump), "hs-a", default_mapping_path(), "library")

    def products_read() -> int:
        return sum(1 for _api, _method, path in server.log if "/objects/products" in path)

    with SandboxServer([api]) as server:
        night1 = sandbox_sync_clean(settings, server)
        assert _figures(night1) == (Decimal(1000), Decimal(0), Decimal(1000))
        assert products_read() == 1                        # one batch read, for A's line
        now[0] += 3600
        api.update("deals", filler, {"amount": "2"})      # the watermark passes A's overlap
        night2 = sandbox_sync_clean(settings, server)     # (reads A again: night 1 wrote its PAC properties)
        assert _figures(night2) == (Decimal(1000), Decimal(0), Decimal(1000))
        read = products_read()
        now[0] += 3600
        sandbox_sync_clean(settings, server)               # a quiet night: no line item read, no product read
        assert products_read() == read
        now[0] += 86400
        api.update("products", pump, {"name": "Pompe PX v2", "hs_sku": "PX-2"})
        won("B", "2027-03-01T10:00:00.000Z", "PX-2", "Pompe PX v2", "2000")
        night3 = sandbox_sync_clean(settings, server)
        assert _figures(night3) == (Decimal(3000), Decimal(3000), Decimal(3000))
        assert not night3.relabelled                       # B's line was sold under the new SKU: nothing shows it
        now[0] += 86400
        night4 = sandbox_sync_clean(settings, server, full=True)
        now[0] += 3600
        night5 = sandbox_sync_clean(settings, server)
    assert _figures(night4) == _figures(night5) == (Decimal(3000), Decimal(3000), Decimal(3000))
    [warning] = night4.relabelled
    assert warning.startswith("hs-a: HubSpot's product library now gives the product code 'PX-2', no longer 'PX-1' "
                              "(a product renamed: its line items on 1 deal read tonight)")
    assert "axes[0].scope.product_code: 'PX-1' still counts its line items sold under either" in warning
    assert "write 'PX-2' there" in warning
    assert not night5.relabelled                           # told once


def test_a_token_without_the_products_scope_syncs_without_the_library(tmp_path: Path) -> None:
    """HubSpot answers the products read 403 MISSING_SCOPES (the app lacks e-commerce): the run goes on, each line
    keeps what it was sold under and its product's id (AX-OLD and AX-ID count A's 1,000), the run reports no error,
    and the products are not asked for again that run."""
    api = HubSpotApi(None, tier="starter", ten_second_limit=1_000_000)
    julie = api.add_owner("julie@audit.example", "Julie", "Martin")
    lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France"})
    pump = api.add("products", {"name": "Pompe PX", "hs_sku": "PX-1", "price": "1000"})
    deal = api.add("deals", {"dealname": "A", "dealstage": "closedwon", "pipeline": "default", "amount": "1000",
                             "closedate": "2027-02-01T10:00:00.000Z", "hubspot_owner_id": julie}, companies=(lyon,))
    api.associate("deals", deal, "line_items", api.add("line_items", {
        "name": "Pompe PX", "hs_sku": "PX-1", "quantity": "1", "amount": "1000", "hs_product_id": pump}))
    settings = one_connector_settings(tmp_path, _plan(pump), "hs-a", default_mapping_path(), "library")
    with SandboxServer([api]) as server:
        server.faults.inject("hubspot", "server_error", path="/objects/products/batch/read", times=5, status=403,
                             category="MISSING_SCOPES", message="This app hasn't been granted all required scopes")
        night = sandbox_sync_clean(settings, server)
        asked = sum(1 for _api, _method, path in server.log if "/objects/products" in path)
    assert _figures(night) == (Decimal(1000), Decimal(0), Decimal(1000))
    assert asked == 1
    # said with the run (`pac status`, the report), not only logged (audit sfhand8, 7 Dec 2026)
    assert [n.split(" problem=")[0] for n in night.notices] == ["hs-a: hubspot.products_refused"]
    assert night.notices[0].endswith("grant the app the scope e-commerce")


def test_an_axis_written_on_the_new_sku_counts_the_old_line_items_the_night_the_plan_names_it(tmp_path: Path) -> None:
    """Audit renames F2 (7 Dec 2026). Night 1 reads A, won 1 Feb 2027 with a line made from P « Pompe PX » PX-1,
    1,000.00. P is renamed « Pompe PX v2 » PX-2 in the library, no deal changes, and the manager writes the plan on
    the new SKU and name: AX-OLD PX-1, AX-NEW PX-2, AX-ID P's id, AX-NAME « Pompe PX v2 ». By hand, that night:
    1,000.00 on all four (A's line is P's; before: AX-NEW and AX-NAME 0.00 until a line of P was read again). It
    costs the one products list of that night only: a quiet night after makes the calls the quiet night before
    made, with no products read. B, won 1 Mar with a line made from P after the rename, 2,000.00: 3,000.00 on all
    four."""
    now = [OLD.timestamp()]
    org = _Library(now)
    api, pump, won = org.api, org.pump, org.won
    won("A", "2027-02-01T10:00:00.000Z", "PX-1", "Pompe PX", "1000.00")
    filler = org.filler()
    now[0] = (OLD + timedelta(days=2)).timestamp()
    settings = one_connector_settings(tmp_path, _plan(pump), "hs-a", default_mapping_path(), "library")
    renamed_plan = _plan(pump).replace("actions:\n", AXIS.format(id="AX-NAME", scope="{product: Pompe PX v2}")
                                        + "actions:\n")

    def figures(result) -> tuple[Decimal, ...]:
        return tuple(result.evaluation.axis(a).revenue for a in ("AX-OLD", "AX-NEW", "AX-ID", "AX-NAME"))

    def calls() -> int:
        return len(server.log)

    def products_read() -> int:
        return sum(1 for _api, _method, path in server.log if "/objects/products" in path)

    with SandboxServer([api]) as server:
        sandbox_sync_clean(settings, server)
        now[0] += 3600
        api.update("deals", filler, {"amount": "2"})      # the watermark passes A's overlap
        sandbox_sync_clean(settings, server)
        now[0] += 3600
        before = calls()
        sandbox_sync_clean(settings, server)               # a quiet night
        quiet = calls() - before
        now[0] += 86400
        api.update("products", pump, {"name": "Pompe PX v2", "hs_sku": "PX-2"})
        (tmp_path / "plan.pac.yaml").write_text(renamed_plan, encoding="utf-8")
        before = products_read()
        rewritten = sandbox_sync_clean(settings, server)   # (it also writes the new axis AX-NAME)
        lookup = products_read() - before
        now[0] += 3600
        after = sandbox_sync_clean(settings, server)        # (reads a deal of the overlap: the axis written)
        now[0] += 3600
        before, products_before = calls(), products_read()
        sandbox_sync_clean(settings, server)               # quiet again: the plan is the same version
        quiet_after, products_after = calls() - before, products_read() - products_before
        now[0] += 86400
        won("B", "2027-03-01T10:00:00.000Z", "PX-2", "Pompe PX v2", "2000.00")
        both = sandbox_sync_clean(settings, server)
    one = Decimal("1000.00")
    assert figures(rewritten) == figures(after) == (one, one, one, one)
    [warning] = rewritten.relabelled                       # AX-OLD is still on PX-1: told the night pac learns it
    assert warning.startswith("hs-a: HubSpot's product library now gives the product code 'PX-2', no longer 'PX-1'")
    assert "axes[0].scope.product_code: 'PX-1' still counts its line items sold under either" in warning
    assert not after.relabelled and not both.relabelled
    assert figures(both) == (Decimal("3000.00"),) * 4
    assert lookup == 1                                     # the products list, one page
    assert quiet_after == quiet and products_after == 0


def test_the_suspend_rule_loads_a_renamed_product_with_its_old_line_items(tmp_path: Path) -> None:
    """Audit renames F3 (7 Dec 2026): the production load of a product the library renamed counts its line items sold
    under either SKU, as its axes' revenue does. P « Pompe PX » PX-1; A won 10 Apr 2027, 10 made from P; P renamed
    « Pompe PX v2 » PX-2; B won 20 May, 25 made from P. The plan's axis on PX-2 draws on PX-2, capacity 35 a quarter.
    By hand, Q2 2027 (evaluated 30 June): won 10 + 25 = 35, load 35 / 35 = 100 %, at or above the default 90 %: the
    advisor says suspend. Seen failing before: the load read 25 / 35 = 71.4 % (A's line only under PX-1)."""
    api = HubSpotApi(None, tier="starter", ten_second_limit=1_000_000)
    julie = api.add_owner("julie@audit.example", "Julie", "Martin")
    lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France"})
    pump = api.add("products", {"name": "Pompe PX", "hs_sku": "PX-1", "price": "100"})

    def won(name: str, close: str, sku: str, label: str, quantity: str) -> None:
        amount = str(100 * int(quantity))
        deal = api.add("deals", {"dealname": name, "dealstage": "closedwon", "pipeline": "default", "amount": amount,
                                 "closedate": close, "hubspot_owner_id": julie}, companies=(lyon,))
        api.associate("deals", deal, "line_items", api.add("line_items", {
            "name": label, "hs_sku": sku, "quantity": quantity, "price": "100", "amount": amount, "hs_tcv": amount,
            "hs_product_id": pump}))

    won("A", "2027-04-10T10:00:00.000Z", "PX-1", "Pompe PX", "10")
    api.update("products", pump, {"name": "Pompe PX v2", "hs_sku": "PX-2"})
    won("B", "2027-05-20T10:00:00.000Z", "PX-2", "Pompe PX v2", "25")
    axis = "    scope: {product_code: PX-2}\n"
    plan = _plan(pump).replace(axis, axis + "    products: [PX-2]\n")
    plan = plan.replace("actions:\n", "context:\n  - {kind: capacity, product: PX-2, capacity: 35}\nactions:\n")
    settings = one_connector_settings(tmp_path, plan, "hs-a", default_mapping_path(), "library")
    with SandboxServer([api]) as server:
        night = sandbox_sync_clean(settings, server)
    assert _figures(night) == (Decimal(3500), Decimal(3500), Decimal(3500))
    [suspend] = [r for r in night.evaluation.recommendations if r.rule == "suspend"]
    assert suspend.axis_id == "AX-NEW"
    [row] = suspend.evidence["products"]
    assert (row["product"], Decimal(row["won"]), Decimal(row["capacity"]), row["load"]) == ("PX-2", 35, 35, 1.0)
