"""When fx/rates do not cover the dates of the money, the pre-flight says so once
per currency, with the dates and the fix, before staging quarantines the rows
one by one; EUR needs no rate."""

import csv
import shutil
from pathlib import Path

from growth_ledger.landing import check_landing
from growth_ledger.paths import DEMO_LANDING

OLD_DAYS = ["2020-03-01", "2020-03-02", "2020-03-03"]


def _landing_with_history(tmp_path: Path) -> Path:
    """The demo's Google Ads and FX, plus an older extract: USD rows of 2020 (the
    demo's USD rates start in 2025) and EUR rows of 2020 (which need no rate)."""
    landing = tmp_path / "landing"
    for source in ("google_ads", "fx"):
        shutil.copytree(DEMO_LANDING / source, landing / source)
    folder = landing / "google_ads" / "ad_stats"
    template = sorted(folder.iterdir())[0]
    with template.open(newline="") as handle:
        reader = csv.DictReader(handle)
        fields, first = reader.fieldnames, next(reader)
    assert fields is not None
    with (folder / "ad_stats_20200401T060000Z.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for number, day in enumerate(OLD_DAYS):
            for currency in ("USD", "EUR"):
                row = {**first, "segments.date": day, "customer.currency_code": currency}
                writer.writerow(
                    {**row, "ad_group_ad.ad.id": f"{first['ad_group_ad.ad.id']}{number}"}
                )
    return landing


def test_one_warning_per_currency_names_the_dates_and_the_fix(tmp_path: Path) -> None:
    problems = [p for p in check_landing(_landing_with_history(tmp_path)) if p.path == "fx/rates"]
    assert len(problems) == 1, [str(p) for p in problems]
    [problem] = problems
    assert not problem.is_error
    assert f"no USD rate covers {OLD_DAYS[0]} to {OLD_DAYS[-1]}" in problem.problem
    assert "3 row(s) of google_ads/ad_stats" in problem.problem
    assert f"add daily USD rates per 1 EUR from {OLD_DAYS[0]} to {OLD_DAYS[-1]}" in problem.fix


def test_rates_that_cover_the_data_give_no_warning(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    for source in ("google_ads", "fx"):
        shutil.copytree(DEMO_LANDING / source, landing / source)
    assert [str(p) for p in check_landing(landing) if p.path == "fx/rates"] == []
