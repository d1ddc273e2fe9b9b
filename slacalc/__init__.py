"""slacalc: SLA credit and impact calculator.

Outage windows, affected users and contract terms in; availability, credits, claim deadlines and
the evidence behind them out::

    import slacalc
    outages = slacalc.read_outages("outages.csv", timezone="Europe/London")
    results = slacalc.calculate(
        outages, "microsoft-365-exchange-online", users=1000, monthly_fee="8000.00"
    )
    print(results.to_frame()[["period", "availability_percent", "credit_amount"]])

Modules, each with one job; imports point one way (left to right)::

    errors, money, periods → contract → outages, customers → availability, maintenance
        → credits, claims → results → calculate → scenarios, distributed (Dask) → excel, cli, ui

The claims register (``slacalc.claims``) is storage beside the front ends: it uses the engine,
and the engine never imports it.
"""

from typing import Any as _Any

from slacalc.engine.calculate import calculate
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
from slacalc.io.outages import Outages, read_outages
from slacalc.model.contract import Contract, contract_schema, list_contracts, load_contract

__version__ = "0.1.0"

__all__ = [
    "CalculationError",
    "Contract",
    "ContractError",
    "Customers",
    "InputError",
    "Outages",
    "RegisterError",
    "Results",
    "RowProblem",
    "Scenario",
    "SlacalcError",
    "__version__",
    "calculate",
    "contract_schema",
    "export_excel",
    "list_contracts",
    "load_contract",
    "read_customers",
    "read_outages",
]


def __getattr__(name: str) -> _Any:
    """``export_excel`` loads openpyxl only when it is first used."""
    if name == "export_excel":
        from slacalc.excel import export_excel

        return export_excel
    raise AttributeError(f"module 'slacalc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "export_excel"})
