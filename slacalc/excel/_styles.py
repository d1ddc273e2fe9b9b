"""The workbook's cell styles: one named registry, applied to openpyxl cells or resolved to ids.

Inputs a person may change for a what-if are filled light yellow; values copied from the engine
for comparison are grey. Every style has a ``"<name>!q"`` twin with Excel's quote prefix, used
for text that starts like a formula (``=``, ``+``, ``-``, ``@``), so that editing the cell in
Excel keeps it text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

FONT = "Calibri"  # the workbook's default font; a style that names none prints in a serif
INPUT_FILL = "FFF2CC"
ENGINE_FILL = "EDEDED"
HEADER_FILL = "DCE6F1"
BREACH_FILL = "FCE4E4"
PASSED_FILL = "D9D9D9"
DIFFERS_FILL = "F8CBAD"

#: Availability in percent units: 100 only when it is exactly 100, never rounded up to it.
AVAILABILITY_FORMAT = '[=100]0" %";[>=99.9999995]"99.999999… %";0.000000" %"'
PERCENT_FORMAT = '0.00" %"'
BOUNDARY_FORMAT = '0.0###" %"'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MONEY_FORMATS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00", 3: "#,##0.000", 4: "#,##0.0000"}


@dataclass(frozen=True)
class Style:
    """What a cell looks like."""

    number_format: str = "General"
    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None
    fill: str | None = None
    wrap: bool = False
    top: bool = False
    indent: int = 0
    underline: bool = False
    horizontal: str | None = None

    def apply(self, cell: Cell | WriteOnlyCell, quote: bool = False) -> None:
        """Give ``cell`` this style (and Excel's quote prefix when ``quote``)."""
        cell.number_format = self.number_format
        if self.bold or self.italic or self.size or self.color or self.underline:
            cell.font = Font(
                name=FONT,
                bold=self.bold,
                italic=self.italic,
                size=self.size or 11,
                color=self.color,
                underline="single" if self.underline else None,
            )
        if self.fill:
            cell.fill = PatternFill("solid", start_color=self.fill, end_color=self.fill)
        if self.wrap or self.top or self.indent or self.horizontal:
            cell.alignment = Alignment(
                wrap_text=self.wrap,
                vertical="top" if self.top else None,
                indent=self.indent,
                horizontal=self.horizontal,
            )
        if self is STYLES["header"]:
            cell.border = Border(bottom=Side(style="thin", color="8EA9C1"))
        if quote:
            cell.quotePrefix = True


def _money(digits: int, **kw: object) -> Style:
    return Style(number_format=MONEY_FORMATS[digits], **kw)  # type: ignore[arg-type]


STYLES: dict[str, Style] = {
    "text": Style(),
    "code": Style(horizontal="center"),
    "text_wrap": Style(wrap=True, top=True),
    "title": Style(bold=True, size=14),
    "subtitle": Style(italic=True, color="595959"),
    "label": Style(bold=True, top=True),
    "header": Style(bold=True, fill=HEADER_FILL, wrap=True, top=True),
    "note": Style(italic=True, color="595959", wrap=True, top=True),
    "general": Style(),
    "number_left": Style(horizontal="left", top=True),
    "int": Style(number_format="#,##0"),
    "int_input": Style(number_format="#,##0", fill=INPUT_FILL),
    "minutes": Style(number_format="#,##0.00"),
    "minutes_input": Style(number_format="#,##0.00", fill=INPUT_FILL),
    "exact": Style(number_format="0"),
    "availability": Style(number_format=AVAILABILITY_FORMAT),
    "percent": Style(number_format=PERCENT_FORMAT),
    "boundary": Style(number_format=BOUNDARY_FORMAT),
    "boundary_input": Style(number_format=BOUNDARY_FORMAT, fill=INPUT_FILL),
    "figure_input": Style(number_format="General", fill=INPUT_FILL),
    "text_input": Style(fill=INPUT_FILL),
    "date": Style(number_format=DATE_FORMAT),
    "datetime": Style(number_format=DATETIME_FORMAT),
    "bold": Style(bold=True),
    "engine_text": Style(fill=ENGINE_FILL),
    "engine_availability": Style(number_format=AVAILABILITY_FORMAT, fill=ENGINE_FILL),
    "engine_minutes": Style(number_format="#,##0.00", fill=ENGINE_FILL),
    "engine_int": Style(number_format="#,##0", fill=ENGINE_FILL),
    "letter_title": Style(bold=True, size=13),
    "letter_label": Style(bold=True, top=True, color="404040"),
    "letter_text": Style(wrap=True, top=True),
}
for _d in MONEY_FORMATS:
    STYLES[f"money{_d}"] = _money(_d)
    STYLES[f"money{_d}_input"] = _money(_d, fill=INPUT_FILL)
    STYLES[f"money{_d}_bold"] = _money(_d, bold=True)
    STYLES[f"engine_money{_d}"] = _money(_d, fill=ENGINE_FILL)


def money_style(digits: int, variant: str = "") -> str:
    """The money style for a currency with ``digits`` minor-unit digits."""
    digits = min(max(digits, 0), 4)
    return f"engine_money{digits}" if variant == "engine" else f"money{digits}{variant}"


def register(sheet: Worksheet) -> Mapping[str, int]:
    """Add every style to ``sheet``'s workbook; return the ``s`` index of each and its twin."""
    ids: dict[str, int] = {}
    for name, style in STYLES.items():
        for quote in (False, True):
            cell = WriteOnlyCell(sheet)
            style.apply(cell, quote=quote)
            ids[f"{name}!q" if quote else name] = cell.style_id
    return ids
