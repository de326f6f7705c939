"""Product codes that look alike: probably one product typed two ways.

`MOTOR-H` on one row and `Motor-H` (or `MOTOR–H` with an en dash, or `MOTOR H`) on another
are two products to the reconciliation, and each would get its own adjustment: twice the
entry, on a product split in two. So they are held back, every spelling `blocked` with
`product_lookalike`, until the codes agree or a Settings row `distinct_products` lists
them as different products:

    Usage!A2  MOTOR-H      Lots!A4  Motor-H      Counts!A3  MOTOR–H
    -> MOTOR-H is blocked: 'MOTOR-H' (Usage!A2), 'Motor-H' (Lots!A4) and 'MOTOR–H'
       (Counts!A3) differ only in capitals, blanks, dashes or quotes ...

    Settings: distinct_products | MOTOR-H, Motor-H, MOTOR–H      -> all three recommended

Spellings count on every input sheet (Usage, Lots, Counts); only a product on the Usage
sheet is recommended, so only those are blocked. `look_alike` decides what "alike" means.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from itertools import combinations
from typing import Iterable, Mapping

from core.problems import Code, Problem

_DASHES = "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
_SINGLE_QUOTES = "`\u00b4\u2018\u2019\u201a\u201b\u2032\u2035"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_FOLD = str.maketrans({**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_SINGLE_QUOTES, "'"),
                       **dict.fromkeys(_DOUBLE_QUOTES, '"'), **dict.fromkeys(_INVISIBLE, "")})


def look_alike(code: str) -> str:
    """The spelling of `code` that look-alikes share: compatibility forms folded to plain
    ones (Unicode NFKC: a full-width `ＭＯＴＯＲ` is `MOTOR`), capitals folded
    (`casefold`), every blank removed (spaces, tabs, non-breaking and zero-width spaces:
    `MOTOR H`, `MOTOR  H` and `MOTORH` are alike), every dash made a hyphen (en and em
    dashes, the minus sign, a soft hyphen) and every quote a straight one (`O’RING` is
    `O'RING`, `“` and `”` are `"`).

    Nothing else: `MOTOR-H` and `MOTOR_H`, `MOTORH` and `MOTOR-H`, `BOLT 10` and
    `BOLT 1O` stay apart."""
    folded = unicodedata.normalize("NFKC", code).translate(_FOLD).casefold()
    return "".join(folded.split())


def lookalike_problems(first_cells: Iterable[Mapping[str, str]], products: Iterable[str],
                       distinct: Iterable[tuple[str, ...]] = ()) -> list[Problem]:
    """One error for each of `products` (the Usage sheet's, in order) whose code looks
    like another spelling on any sheet that no `distinct` list (Settings
    `distinct_products`) names beside it. `first_cells` maps each sheet's spellings to
    their first cell; a spelling's first cell on the earliest sheet is the one named."""
    where: dict[str, str] = {}
    for sheet in first_cells:
        for spelling, cell in sheet.items():
            where.setdefault(spelling, cell)
    spellings: dict[str, list[str]] = defaultdict(list)
    for spelling in where:
        spellings[look_alike(spelling)].append(spelling)
    apart = {frozenset(pair) for codes in distinct for pair in combinations(codes, 2)}
    problems = []
    for product in products:
        alike = [other for other in spellings[look_alike(product)]
                 if other != product and frozenset((product, other)) not in apart]
        if alike:
            problems.append(_problem(product, alike, where))
    return problems


def _problem(product: str, alike: list[str], where: dict[str, str]) -> Problem:
    named = [f"'{code}' ({where[code]})" for code in (product, *alike)]
    listed = ", ".join(named[:-1]) + " and " + named[-1]
    return Problem(
        code=Code.PRODUCT_LOOKALIKE, cell=where[product], product=product,
        message=f"{listed} differ only in capitals, blanks, dashes or quotes: probably one product typed two"
                f" ways, so {product} is not recommended. Spell them alike on every sheet; or, if they are"
                f" different products, add a Settings row distinct_products with the value"
                f" {distinct_value((product, *alike))}.")


SEPARATORS = ("|", ";", ",")
"""What separates the codes of a `distinct_products` value: `|` where the value holds one,
else `;` where it holds one, else `,`. So codes that hold a comma are listed with
semicolons (`12,5 MM; 12,50 MM`), codes that hold a semicolon with bars; a code that holds
a bar cannot be listed (spell it without one)."""


def distinct_codes(value: str) -> tuple[str, ...]:
    """The codes a `distinct_products` value lists, each with its surrounding blanks
    trimmed (empty ones dropped), each once."""
    separator = next((mark for mark in SEPARATORS if mark in value), ",")
    return tuple(dict.fromkeys(code.strip() for code in value.split(separator) if code.strip()))


def distinct_value(codes: Iterable[str]) -> str:
    """A `distinct_products` value that `distinct_codes` reads back as `codes`:
    `MOTOR-H, Motor-H`."""
    codes = tuple(codes)
    usable = [mark for index, mark in enumerate(SEPARATORS)
              if not any(other in code for code in codes for other in SEPARATORS[:index + 1])]
    separator = usable[-1] if usable else "|"
    return (" | " if separator == "|" else f"{separator} ").join(codes)
