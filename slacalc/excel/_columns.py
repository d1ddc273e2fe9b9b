"""The columns the workbooks share, each defined once: name, header, kind, style, width, formula.

The claim workbook's Summary and Calculation, the liability workbook's Periods and the error-rate
workbook name a tenant, a period, a tier or a claim status the same way, so a reader who knows one
workbook reads the others; a change to a header or a format is made here, for all of them. The
credit formulas are shared too: a template names the cells of its row (``{tier_no}``,
``{period_fee}``), and each workbook puts the columns they name in its rows.
"""

from __future__ import annotations

from slacalc.excel._xml import Column

#: A percent of the fee (or, "multiple", the stated times the down share), capped; nothing where
#: ``claimed_under`` names the contract of the claim group whose credit was kept instead.
CREDIT_PERCENT = (
    'IF({kind}="days","",IF(OR({tier_no}=0,{claimed_under}<>""),0,MIN('
    'IF({kind}="multiple",{tier_pays}*{exact_lost}/({exact_total}*100),{tier_pays}),'
    "IF(ISNUMBER({cap_percent}),{cap_percent},1E+300),"
    "IF(ISNUMBER({cap_days}),{cap_days}*100/{days},1E+300))))"
)
#: Days of service, capped.
CREDIT_DAYS = (
    'IF({kind}<>"days","",IF(OR({tier_no}=0,{claimed_under}<>""),0,'
    "MIN({tier_pays},IF(ISNUMBER({cap_days}),{cap_days},1E+300))))"
)
_AMOUNT = 'IF({kind}="days",{period_fee}*{credit_days}/{days},{period_fee}*{credit_percent}/100)'
#: The credit in money at the currency's minor unit; none at or below the minimum credit.
CREDIT_AMOUNT = (
    'IF({period_fee}="","",IF(AND(ISNUMBER({minimum}),{currency}={minimum_currency},'
    f"ROUND({_AMOUNT},{{digits}})<={{minimum}}),0,ROUND({_AMOUNT},{{digits}})))"
)
#: Days left to the claim deadline, and the claim's status, both counted from today.
DAYS_LEFT_FORMULA = 'IF(OR({breached}<>"yes",{claim_deadline}=""),"",{claim_deadline}-TODAY())'
STATUS_FORMULA = (
    'IF({breached}<>"yes","no credit due",IF({claim_deadline}="","claim open",'
    'IF({claim_deadline}<TODAY(),"deadline passed","claim open")))'
)

TENANT = Column("tenant", "Tenant", "text", "text")
SERVICE = Column("service", "Service", "text", "text")
CONTRACT = Column("contract", "Contract", "text", "text")
PERIOD = Column("period", "Period", "text", "text", 9)
TIMEZONE = Column("timezone", "Time zone", "text", "text")
CURRENCY = Column("currency", "Currency", "text", "code", 9)
DAYS = Column("days", "Days in period", "number", "int", 8)
DIGITS = Column("digits", "Minor-unit digits", "number", "int", 7)
BREACHED = Column("breached", "Breached", "formula", "code", 9, 'IF({tier_no}>0,"yes","no")')
DAYS_LEFT = Column("days_left", "Days left", "formula", "int", 8, DAYS_LEFT_FORMULA)
STATUS = Column("status", "Status", "formula", "text", 16, STATUS_FORMULA)
TERMS = Column("terms", "Terms in force (dated text)", "text", "text", 30)
#: The contract whose credit was kept where a claim group pays one credit per period (the
#: engine's choice, see slacalc.engine.one_credit); the row's own credit is then nothing.
CLAIMED_UNDER = Column(
    "claimed_under", "One credit per period: claimed under", "text", "engine_text", 20
)


def tier_no(formula: str) -> Column:
    """The tier number (0: none), chosen by ``formula`` (:meth:`~slacalc.excel._tables.Book.
    tier_formula`, over the Credit tiers sheet)."""
    return Column("tier_no", "Tier no. (0 = none)", "formula", "int", 8, formula)


def credit_percent(formula: str = CREDIT_PERCENT) -> Column:
    """The credit in percent of the period fee (``formula``: :data:`CREDIT_PERCENT`, or it with
    the terms it reads written in)."""
    return Column("credit_percent", "Credit % of period fee", "formula", "percent", 11, formula)


def credit_days(formula: str = CREDIT_DAYS) -> Column:
    """The credit in days of service."""
    return Column("credit_days", "Credit days of service", "formula", "general", 10, formula)


#: The engine's own figures beside the live ones, and whether they still agree (the formulas'
#: ``{availability}``, ``{tier}`` and ``{credit_amount}`` against them).
ENGINE_CHECK = (
    Column("engine_availability", "Engine: availability %", "number", "engine_availability", 14),
    Column("engine_tier", "Engine: tier", "text", "engine_text", 26),
    Column("engine_credit", "Engine: credit amount", "number", "engine_money2", 13),
    Column(
        "check",
        "Check against engine",
        "formula",
        "text",
        18,
        "IF(AND(ABS({availability}-{engine_availability})<0.000001,"
        "{tier}={engine_tier},{credit_amount}={engine_credit}),"
        '"matches engine","differs from engine")',
    ),
)
