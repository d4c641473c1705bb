"""Great Expectations suites of Growth Ledger, as code.

Each suite is a `SuiteSpec`: a name, the frame it validates (read with duckdb
into pandas, see STACK.md "Great Expectations on DuckDB") and its
expectations. `growth_ledger.check` registers them with `add_or_update`
(idempotent) in an ephemeral GX context and runs one checkpoint.

- landing_suites: the raw exports per source (columns, parsing, keys per
  extract, ranges, currencies, volume per day against recent days);
- warehouse_suites: staging models, public marts, and the reconciliation of
  spend and revenue from staging to the marts.
"""

from .landing_suites import landing_suites
from .spec import NOT_BUILT, Sources, SuiteSpec
from .warehouse_suites import warehouse_suites


def all_suites() -> list[SuiteSpec]:
    return [*landing_suites(), *warehouse_suites()]


__all__ = ["NOT_BUILT", "Sources", "SuiteSpec", "all_suites", "landing_suites", "warehouse_suites"]
