"""Write seeds/countries.csv: every ISO 3166-1 country, from CLDR (via babel) plus VAT rates.

Names, currencies and regions come from the Unicode CLDR data that babel
ships (currency in use today; region from the country's first time zone).
Standard VAT / GST rates are kept here by hand for the countries that have
one and where prices are shown tax-inclusive; elsewhere the rate is empty
and prices are tax-exclusive (sales tax added at checkout, as in the US).
The four markets the demo brand sells in keep their own market code; every
other country is its own market. Re-run after editing the table below:
`python scripts/write_countries_seed.py`.
"""

import csv
from datetime import date
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.numbers import get_territory_currencies

SEED = Path(__file__).resolve().parents[1] / "seeds" / "countries.csv"

# Standard rates (share of the tax-exclusive price), 2026; tax-inclusive shelf prices.
# fmt: off
VAT_RATES = {
    "AT": "0.20", "BE": "0.21", "BG": "0.20", "HR": "0.25", "CY": "0.19", "CZ": "0.21",
    "DK": "0.25", "EE": "0.24", "FI": "0.255", "FR": "0.20", "DE": "0.19", "GR": "0.24",
    "HU": "0.27", "IE": "0.23", "IT": "0.22", "LV": "0.21", "LT": "0.21", "LU": "0.17",
    "MT": "0.18", "NL": "0.21", "PL": "0.23", "PT": "0.23", "RO": "0.21", "SK": "0.23",
    "SI": "0.22", "ES": "0.21", "SE": "0.25", "GB": "0.20", "NO": "0.25", "IS": "0.24",
    "CH": "0.081", "LI": "0.081", "MC": "0.20", "AU": "0.10", "NZ": "0.15", "JP": "0.10",
    "SG": "0.09", "ZA": "0.15", "IN": "0.18", "MX": "0.16", "TR": "0.20", "IL": "0.18",
    "KR": "0.10", "UA": "0.20", "RS": "0.20", "AE": "0.05", "SA": "0.15",
}
# fmt: on
# Tax-exclusive markets whose rate the demo uses for the tax added at checkout.
SALES_TAX_RATES = {"US": "0.0725", "CA": "0.05"}
REGIONS = {
    "Europe": "Europe",
    "Africa": "Africa",
    "Asia": "Asia",
    "Australia": "Oceania",
    "Pacific": "Oceania",
    "Indian": "Asia",
    "Atlantic": "Europe",
    "Antarctica": "Antarctica",
}
NORTH_AMERICA = {"US", "CA", "MX", "GL", "BM", "PM"}
# CLDR territories that are not ISO 3166-1 countries (exceptional reservations, groupings).
NOT_COUNTRIES = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "IC",
    "QO",
    "TA",
    "UN",
    "XA",
    "XB",
    "XK",
    "ZZ",
}


def region(code: str) -> str:
    if code in NORTH_AMERICA:
        return "North America"
    zones = get_global("territory_zones").get(code) or []
    if not zones:
        return "Other"
    prefix = zones[0].split("/")[0]
    return "Latin America" if prefix == "America" else REGIONS.get(prefix, "Other")


def main() -> None:
    names = Locale("en").territories
    codes = sorted(c for c in names if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES)
    with SEED.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "country_code",
                "country_name",
                "market",
                "currency",
                "region",
                "prices_include_tax",
                "standard_tax_rate",
            ]
        )
        for code in codes:
            currencies = get_territory_currencies(code, date(2026, 1, 1)) or ["XXX"]
            inclusive = code in VAT_RATES
            rate = VAT_RATES.get(code) or SALES_TAX_RATES.get(code, "")
            writer.writerow(
                [code, names[code], code, currencies[0], region(code), str(inclusive).lower(), rate]
            )
        # Orders without a shipping address, or to a country not listed, are booked here.
        writer.writerow(["ZZ", "Unknown country", "ZZ", "XXX", "Other", "", ""])


if __name__ == "__main__":
    main()
