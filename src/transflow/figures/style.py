"""House style: how a newsroom writes a figure in its language.

The table is data (``[figures.<lang>]`` in transflow.toml, defaults in the
config template); babel supplies what the table leaves out: the locale's
decimal and group symbols, month names, currency symbols and names. Values
are exact decimals throughout, so 1.5 billion becomes 15億 or 1,5 tỷ and
never 14.999…億.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from babel import numbers as babel_numbers
from babel.dates import get_month_names

from ..errors import UsageError
from . import DATE, MONEY, ORDINAL, PERCENT, QUANTITY, RANGE, TIME, YEAR, Figure


@dataclass(frozen=True)
class HouseStyle:
    """One language's conventions; every template is a ``str.format`` pattern."""

    lang: str
    decimal: str = ""
    group: str = ""
    group_min: int = 1000
    scales: Mapping[str, int] = field(default_factory=dict)
    compound_scales: bool = False
    scale_unscaled_from: int = 0
    max_decimals: int = 3
    scale_format: str = "{number} {scale}"
    percent: str = "{number}%"
    ordinal: str = "{n}"
    ordinal_suffixes: Mapping[str, str] = field(default_factory=dict)
    date: str = "{day}/{month}"
    date_year: str = "{day}/{month}/{year}"
    month_year: str = "{month}/{year}"
    months: tuple[str, ...] = ()
    time: str = "{h24}:{mm}"
    time_hour: str = "{h24}:00"
    ampm: tuple[str, str] = ("AM", "PM")
    range: str = "{low}–{high}"
    money: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.decimal:
            object.__setattr__(self, "decimal", babel_numbers.get_decimal_symbol(self.lang))
        if not self.group:
            object.__setattr__(self, "group", babel_numbers.get_group_symbol(self.lang))
        if not self.months:
            object.__setattr__(self, "months", tuple(get_month_names("abbreviated", locale=self.lang)[m] for m in range(1, 13)))

    # Numbers -------------------------------------------------------------------------

    def digits(self, value: Decimal) -> str:
        """*value* with the house decimal symbol, grouped from ``group_min`` up."""
        text = format(value.normalize() + 0, "f")
        whole, _, fraction = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        whole = whole.lstrip("-")
        if abs(value) >= self.group_min:
            groups = []
            while len(whole) > 3:
                whole, groups = whole[:-3], [whole[-3:], *groups]
            whole = self.group.join([whole, *groups])
        return sign + whole + (self.decimal + fraction if fraction else "")

    def number(self, value: Decimal, scaled: bool) -> str:
        """*value* with a scale word when the source used one (or the house writes large numbers so)."""
        if scaled or (self.scale_unscaled_from and value >= self.scale_unscaled_from and value == value.to_integral()):
            written = self._compound(value) if self.compound_scales else self._decimal_scale(value)
            if written is not None:
                return written
        return self.digits(value)

    def _decimal_scale(self, value: Decimal) -> str | None:
        for word, exponent in sorted(self.scales.items(), key=lambda item: -item[1]):
            unit = Decimal(10) ** exponent
            if value < unit:
                continue
            quotient = (value / unit).normalize()
            if -quotient.as_tuple().exponent <= self.max_decimals:
                return self.scale_format.format(number=self.digits(quotient), scale=word)
        return None

    def _compound(self, value: Decimal) -> str | None:
        """1550000000 → 15億5000万: whole counts of each scale word, largest first."""
        ordered = sorted(self.scales.items(), key=lambda item: -item[1])
        if not ordered or value != value.to_integral() or value < Decimal(10) ** ordered[-1][1]:
            return None
        rest, pieces = int(value), []
        for word, exponent in ordered:
            count, rest = divmod(rest, 10**exponent)
            if count:
                pieces.append(self.scale_format.format(number=count, scale=word))
        return "".join(pieces) + (str(rest) if rest else "")

    # Figures ---------------------------------------------------------------------------

    def render(self, figure: Figure) -> str:
        """*figure* as this newsroom writes it."""
        kind = figure.kind
        if kind == RANGE:
            low, high = figure.parts
            if low.kind == high.kind == PERCENT:  # 10–15%, not 10%–15%
                numbers = self.range.format(low=self.number(low.value, low.scaled), high=self.number(high.value, high.scaled))
                return self.percent.format(number=numbers)
            return self.range.format(low=self.render(low), high=self.render(high))
        if kind == YEAR:
            return str(figure.year)
        if kind == DATE:
            return self._date(figure)
        if kind == TIME:
            return self._time(figure)
        if kind == ORDINAL:
            n = int(figure.value)
            return self.ordinal.format(n=n, suffix=self._ordinal_suffix(n))
        amount = self.number(figure.value, figure.scaled)
        if kind == PERCENT:
            return self.percent.format(number=amount)
        if kind == MONEY and figure.currency:
            template = self.money.get(figure.currency, "{amount} {code}")
            return template.format(
                amount=amount,
                code=figure.currency,
                symbol=babel_numbers.get_currency_symbol(figure.currency, locale=self.lang),
                name=babel_numbers.get_currency_name(figure.currency, locale=self.lang),
            )
        if kind == QUANTITY and figure.unit:
            return self.units.get(figure.unit, "{number} " + figure.unit).format(number=amount)
        return amount

    def _ordinal_suffix(self, n: int) -> str:
        if 10 <= n % 100 <= 20:
            return self.ordinal_suffixes.get("other", "")
        return self.ordinal_suffixes.get(str(n % 10), self.ordinal_suffixes.get("other", ""))

    def _date(self, figure: Figure) -> str:
        month = figure.month or 1
        template = self.month_year if figure.day is None else self.date_year if figure.year else self.date
        return template.format(
            day=figure.day,
            month=month,
            year=figure.year,
            month_abbr=self.months[month - 1],
            month_name=get_month_names("wide", locale=self.lang)[month],
        )

    def _time(self, figure: Figure) -> str:
        hour, minute = figure.hour or 0, figure.minute or 0
        template = self.time if minute else self.time_hour
        return template.format(
            h24=hour, h12=(hour - 1) % 12 + 1, mm=f"{minute:02d}", m=minute, ampm=self.ampm[hour >= 12 and hour != 24]
        )


_KINDS = {f.name: f for f in fields(HouseStyle) if f.name != "lang"}
_REFERENCE = HouseStyle("en")
_PLACEHOLDER_FIELDS = {
    "scale_format": ("number", "scale"), "percent": ("number",), "ordinal": ("n", "suffix"),
    "date": ("day", "month", "year", "month_abbr", "month_name"), "date_year": ("day", "month", "year", "month_abbr", "month_name"),
    "month_year": ("day", "month", "year", "month_abbr", "month_name"), "time": ("h24", "h12", "mm", "m", "ampm"),
    "time_hour": ("h24", "h12", "mm", "m", "ampm"), "range": ("low", "high"),
}


def load(table: Mapping[str, Any], origin: str) -> dict[str, HouseStyle]:
    """House styles from the ``[figures]`` table; a bad entry is a one-line error naming the setting."""
    styles = {}
    for lang, values in table.items():
        if not isinstance(values, Mapping):
            raise UsageError(f"{origin}: [figures.{lang}] must be a table of house-style settings; see 'transflow init'")
        styles[lang] = _style(lang, values, origin)
    return styles


def _style(lang: str, values: Mapping[str, Any], origin: str) -> HouseStyle:
    where = f"{origin}: [figures.{lang}]"
    unknown = sorted(set(values) - set(_KINDS))
    if unknown:
        raise UsageError(f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(_KINDS)}")
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        default = getattr(_REFERENCE, name)
        try:
            if name in ("scales",):
                kwargs[name] = {str(word): int(exponent) for word, exponent in dict(value).items()}
            elif name in ("money", "units", "ordinal_suffixes"):
                kwargs[name] = {str(key): str(template) for key, template in dict(value).items()}
            elif name in ("months", "ampm"):
                kwargs[name] = tuple(str(item) for item in value)
                if len(kwargs[name]) != (12 if name == "months" else 2):
                    raise ValueError
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError
                kwargs[name] = value
            elif isinstance(default, int):
                kwargs[name] = int(value)
            else:
                kwargs[name] = str(value)
        except (TypeError, ValueError):
            raise UsageError(f"{where}: {name} = {value!r} is not valid; see docs/figures.md") from None
    style = HouseStyle(lang, **kwargs)
    for name, allowed in _PLACEHOLDER_FIELDS.items():
        _check_template(where, name, getattr(style, name), allowed)
    for table in ("money", "units"):
        for key, template in getattr(style, table).items():
            _check_template(where, f"{table}.{key}", template, ("amount", "code", "symbol", "name", "number"))
    return style


def _check_template(where: str, name: str, template: str, allowed: tuple[str, ...]) -> None:
    try:
        template.format(**{key: "" for key in allowed})
    except (KeyError, IndexError, ValueError):
        raise UsageError(f"{where}: {name} = {template!r} may only use {', '.join('{' + a + '}' for a in allowed)}") from None
