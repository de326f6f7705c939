"""Numbers and dates typed as text, read as the accountant meant them. Where the text
itself cannot say (a date that could be 3 January or 1 March), the Settings `date_order`
does; without one the date is read month first and a warning says so. Text that is no
number or date at all, or whose separators could mean two numbers, is refused with a
message saying how to type it.

Numbers (quantities, lot quantities and used units, counts, unit costs, settings):

| typed | read as | |
|---|---|---|
| ` 20 ` | 20 | blanks around are ignored |
| `(20)`, `(1,234.50)` | -20, -1234.5 | an accounting negative |
| `1,234`, `1,234.50`, `1,234,567` | 1234, 1234.5, 1234567 | commas between groups of three |
| `$2.50`, `2.50 €`, `£3`, `US$ 3`, `EUR 2.50`, `2.50 EUR` | 2.5, 3 | a cost's currency sign or code, before or after |
| `12,5`, `1,23`, `1,2345` | refused | a decimal comma (or a slip): type 12.5 |
| `1.234,5`, `1.234.567` | refused | points grouping thousands: type 1234.5 |
| `12,34,567`, `1,23,4` | refused | commas that do not group thousands in threes |
| `-(20)`, `(-20)`, `20-`, `1 234`, `$5` as a quantity | refused | not a number |

Dates (besides date cells, Excel serials and ISO text such as `2026-03-01`, `2026-03-01 08:00`):

| typed | read as | |
|---|---|---|
| `31/03/2026`, `03/31/2026`, `03.03.2026` | the only date it can be | day and month told apart |
| `03/04/2026` | 4 March (`mdy`, and no date_order: a warning); 3 April (`dmy`) | Settings `date_order` |
| `2026/03/01`, `2026.03.01`, `2026-3-1` | 1 March 2026 | year first, as in ISO, whatever date_order says |
| `1 Mar 2026`, `01-Mar-2026`, `Mar 1, 2026`, `March 1st 2026` | 1 March 2026 | English month names |
| any of these with a time after it (`08:00`, `8:00 PM`) | the date | |
| `03/01/26`, `1 Mar` | refused | a year of two digits, or none |

`date_order` `ymd` says the book's dates come year first; a date typed with the year last
that could be read two ways is then read month first, with a warning, as without one.

A comma decimal is refused even where it is clear (`1.234,5`) because the column it comes
from is written the other way round: that column's `1.234` means 1234 to whoever typed it,
and would be read as 1.234 without a word.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple


class Refused(NamedTuple):
    """Text that is not read: what it could be and how to type it."""

    message: str


# -- numbers ---------------------------------------------------------------------------------

_SYMBOLS = "$¢£¤¥֏؋৲৳৻૱௹฿៛﷼﹩＄￠￡￥￦" + "".join(map(chr, range(0x20A0, 0x20C1)))
_CURRENCY = rf"(?:[A-Z]{{3}}|[A-Z]{{0,2}}[{re.escape(_SYMBOLS)}])"
_LEADING_CURRENCY = re.compile(rf"([+-]?){_CURRENCY}\s*(?=[\d(.+-])")
_TRAILING_CURRENCY = re.compile(rf"(?<=[\d).])\s*{_CURRENCY}$")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")  # 1,234 1,234.5 1,234,567
_DECIMAL_COMMA = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")  # 12,5 1.234,5 1.234.567
_BADLY_GROUPED = re.compile(r"\d+(?:,\d+)+(?:\.\d*)?")  # 12,34,567 1,2345,6


def number_text(text: str, *, money: bool = False) -> str | Refused:
    """`text` as plain numeric text (`(1,234.50)` -> `-1234.50`), or why it is refused.
    `money`: a currency sign or code before or after the number is dropped (a cost)."""
    typed = text.strip()
    plain = _without_currency(typed) if money else typed
    sign = ""
    if plain[:1] == "(" and plain[-1:] == ")":
        plain = plain[1:-1].strip()
        plain = _without_currency(plain) if money else plain
        if plain[:1] in ("-", "+"):
            return Refused(f"'{typed}' is not a number: a negative is (20) or -20, not both.")
        sign = "-"
    elif plain[:1] in ("-", "+"):
        sign, plain = plain[0].replace("+", ""), plain[1:]
    return _grouped(plain, typed, sign)


def _without_currency(text: str) -> str:
    stripped = _LEADING_CURRENCY.sub(r"\1", text, count=1)
    if stripped == text:
        stripped = _TRAILING_CURRENCY.sub("", text, count=1)
    return stripped


def _grouped(plain: str, typed: str, sign: str) -> str | Refused:
    """`sign + plain` with the commas between groups of three digits removed; refused when
    its commas or points are placed otherwise."""
    if "," not in plain and plain.count(".") < 2:
        return sign + plain
    if _GROUPED.fullmatch(plain):
        return sign + plain.replace(",", "")
    if _DECIMAL_COMMA.fullmatch(plain):
        meant = sign + plain.replace(".", "").replace(",", ".")
        written = {(True, True): "with points between thousands and a decimal comma", (True, False):
                   "with points between thousands", (False, True): "with a decimal comma"}["." in plain, "," in plain]
        return Refused(f"'{typed}' is written {written}; type {meant} (a point before decimals; commas only between"
                       " groups of three digits, as in 1,234.5).")
    if _BADLY_GROUPED.fullmatch(plain):
        meant = sign + plain.replace(",", "")
        return Refused(f"'{typed}' has commas that do not group its digits in threes; type {meant} (no"
                       f" separators) or group thousands in threes, as in 1,234,567.")
    return sign + plain  # not a number either way: the caller says so


# -- dates -----------------------------------------------------------------------------------

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
_NUMERIC = re.compile(rf"(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}){_TIME}")
_YEAR_FIRST = re.compile(rf"(\d{{4}})([/.-])(\d{{1,2}})\2(\d{{1,2}}){_TIME}")
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH = re.compile(rf"(\d{{1,2}}){_ORDINAL}[\s./-]*([A-Za-z]+)\.?[\s.,/-]*(\d{{4}}){_TIME}")
_MONTH_DAY = re.compile(rf"([A-Za-z]+)\.?[\s./-]*(\d{{1,2}}){_ORDINAL}[\s.,/-]*(\d{{4}}){_TIME}")


DATE_ORDERS = ("mdy", "dmy", "ymd")
"""Settings `date_order`: which of day and month comes first in a date typed as text."""


class Guessed(NamedTuple):
    """A date that could be read two ways, read month first because no date_order says
    which: the date taken and the other one."""

    date: dt.date
    other: dt.date


def date_text(text: str, order: str | None = None) -> dt.date | Guessed | None:
    """The date `text` names: the only one that fits, or the one `order` (`DATE_ORDERS`)
    picks; `Guessed` when two fit and `order` is None or `ymd` (which says nothing of
    dates with the year last); None when it is not a date written in one of the forms above."""
    text = text.strip()
    if found := _NUMERIC.fullmatch(text):
        return _day_and_month(int(found[1]), int(found[3]), int(found[4]), order)
    if found := _YEAR_FIRST.fullmatch(text):
        return _real(int(found[1]), int(found[3]), int(found[4]))
    if found := _DAY_MONTH.fullmatch(text):
        return _named(found[2], int(found[1]), int(found[3]))
    if found := _MONTH_DAY.fullmatch(text):
        return _named(found[1], int(found[2]), int(found[3]))
    return None


def _day_and_month(first: int, second: int, year: int, order: str | None) -> dt.date | Guessed | None:
    day_first, month_first = _real(year, second, first), _real(year, first, second)
    if not (day_first and month_first) or day_first == month_first:
        return day_first or month_first
    if order == "dmy":
        return day_first
    if order == "mdy":
        return month_first
    return Guessed(month_first, day_first)


def _named(month: str, day: int, year: int) -> dt.date | None:
    word = month.casefold()
    number = next((i for i, name in enumerate(MONTHS, 1) if len(word) >= 3 and name.startswith(word)), None)
    if word == "sept":
        number = 9
    return None if number is None else _real(year, number, day)


def _real(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def spoken(date: dt.date) -> str:
    """`4 March 2026`: a date as words, never to be misread."""
    return f"{date.day} {MONTHS[date.month - 1].title()} {date.year}"
