"""slacalc: SLA credit and impact calculator.

Outage windows, affected users and contract terms in; availability, credits, claim deadlines and
the evidence behind them out::

    import slacalc
    outages = slacalc.read_outages("outages.csv", timezone="Europe/London")
    results = slacalc.calculate(
        outages, "microsoft-365-exchange-online", users=1000, monthly_fee="8000.00"
    )
    print(results.to_frame()[["period", "availability_percent", "credit_amount"]])

The folders are the layers; a layer imports only those below it (``tests/test_layers.py``)::

    claims/     the claims register (storage beside the front ends)
    excel/, cli/, app/ (Streamlit), distributed (Dask)   front ends
    report/     what every front end says alike
    engine/     sweep, timeline, maintenance, credits, deadlines, results, calculate, error_rate,
                scenarios
    io/         cells, headers, times, tables, outages, customers, metrics
    model/      contract, registry, terms, periods, money, limits, bundled
    errors      the SlacalcError tree and RowProblem

Only ``app`` imports streamlit and altair; only ``excel`` and ``io`` import openpyxl. This module
is the public API; ``calculate`` is the engine's, also taking a Dask DataFrame (``distributed``);
``slacalc.scenarios`` is :mod:`slacalc.engine.scenarios`, the what-ifs.
The rules every number follows are in ``docs/rules.md``.
"""

from typing import Any as _Any

from slacalc.distributed import calculate_anywhere as calculate
from slacalc.engine import scenarios as scenarios  # a module: slacalc.scenarios
from slacalc.engine.error_rate import ErrorRateResults, calculate_error_rate
from slacalc.engine.results import Results
from slacalc.engine.scenarios import Scenario
from slacalc.errors import (
    CalculationError,
    ContractError,
    InputError,
    RegisterError,
    RowProblem,
    SlacalcError,
)
from slacalc.io.customers import Customers, read_customers
from slacalc.io.feeds import ImportedWindows, read_feed
from slacalc.io.metrics import Metrics, read_metrics
from slacalc.io.outages import Outages, read_outages
from slacalc.io.usage import UsageReport, read_usage
from slacalc.model.contract import Contract, contract_schema, list_contracts, load_contract
from slacalc.model.registry import ContractRegistry

__version__ = "0.1.0"

__all__ = [
    "CalculationError",
    "Contract",
    "ContractError",
    "ContractRegistry",
    "Customers",
    "ErrorRateResults",
    "ImportedWindows",
    "InputError",
    "Metrics",
    "Outages",
    "RegisterError",
    "Results",
    "RowProblem",
    "Scenario",
    "SlacalcError",
    "UsageReport",
    "__version__",
    "calculate",
    "calculate_error_rate",
    "contract_schema",
    "export_excel",
    "list_contracts",
    "load_contract",
    "read_customers",
    "read_feed",
    "read_metrics",
    "read_outages",
    "read_usage",
]


def __getattr__(name: str) -> _Any:
    """``export_excel`` loads openpyxl only when it is first used."""
    if name == "export_excel":
        from slacalc.excel import export_excel

        return export_excel
    raise AttributeError(f"module 'slacalc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "export_excel"})
