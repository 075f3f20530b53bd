"""Finding figures in en, vi and ja text, and what each one is worth.

Patterns run from the most specific (dates, times, ordinals) to plain
numbers; a stretch of text belongs to the first figure that claims it.
What only looks like a figure is left alone: model and code names ("G20",
"ASEAN+3", "AMM-58", "COVID-19", "100/2019/NĐ-CP"), a number that is part of
a capitalised name ("Boeing 787", "Tokyo Strategy 2026"), ISO dates in
identifiers, and the "1." numbering a heading or list item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from . import DATE, MONEY, NUMBER, ORDINAL, PERCENT, QUANTITY, RANGE, TIME, YEAR, Figure

# Same length in and out, so offsets in the normalised text are offsets in the original.
_WIDE = str.maketrans("０１２３４５６７８９，．％＄￥：", "0123456789,.%$¥:")

NUM = r"\d+(?:[.,\u00a0\u202f]\d+)*"
_LATIN = "A-Za-z\u00c0-\u1ef9"
_CODE_TOKEN = re.compile(rf"[0-9{_LATIN}][0-9{_LATIN}+\-_./]*[0-9{_LATIN}+]")
# Letters glued to digits that are still figures: 28th, 1.5bn, 5km, 10am, 10h30.
_FIGURE_TOKEN = re.compile(
    r"\d+(?:st|nd|rd|th)|\d+(?:[.,]\d+)?(?:bn|mn|km|kg|ha|am|pm|mw|gw|h\d{0,2}|g)", re.IGNORECASE
)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_HEADING = re.compile(r"^\s*\d{1,2}[.)](?=\s)")

_MONTHS_EN = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_EN = (
    r"(?P<mon>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)

# How each language writes a number: (thousands separator, decimal separator).
CONVENTIONS = {"en": (",", "."), "ja": (",", "."), "vi": (".", ",")}
# Day and month order of a numeric date such as 2/12 in each language.
NUMERIC_DATE = {"en": "md", "ja": "md", "vi": "dm"}

SCALE_WORDS = {
    "en": {"trillion": 12, "billion": 9, "million": 6, "thousand": 3, "bn": 9, "mn": 6},
    "vi": {"nghìn tỷ": 12, "ngàn tỷ": 12, "nghìn tỉ": 12, "tỷ": 9, "tỉ": 9, "triệu": 6, "nghìn": 3, "ngàn": 3},
    "ja": {"兆": 12, "億": 8, "万": 4},
}
CURRENCY_BEFORE = {
    "en": {"US$": "USD", "$": "USD", "USD": "USD", "VND": "VND", "JPY": "JPY", "¥": "JPY", "€": "EUR", "EUR": "EUR"},
    "vi": {"US$": "USD", "$": "USD"},
    "ja": {"$": "USD", "¥": "JPY"},
}
CURRENCY_AFTER = {
    "en": {
        "USD": "USD", "US dollars": "USD", "dollars": "USD", "VND": "VND", "dong": "VND", "đồng": "VND",
        "yen": "JPY", "JPY": "JPY", "euros": "EUR", "euro": "EUR", "EUR": "EUR",
    },
    "vi": {
        "USD": "USD", "đô la Mỹ": "USD", "đô la": "USD", "đôla": "USD", "VND": "VND", "VNĐ": "VND", "đồng": "VND",
        "yên": "JPY", "Yên": "JPY", "JPY": "JPY", "euro": "EUR", "EUR": "EUR",
    },
    "ja": {"米ドル": "USD", "ドル": "USD", "円": "JPY", "ドン": "VND", "ユーロ": "EUR"},
}
PERCENT_AFTER = {"en": ["%", "percent", "per cent"], "vi": ["%", "phần trăm"], "ja": ["%", "パーセント"]}
UNIT_AFTER = {
    "en": {
        "km": "km", "kilometres": "km", "kilometers": "km", "kg": "kg", "tonnes": "tonne", "tonne": "tonne",
        "tons": "tonne", "hectares": "hectare", "ha": "hectare", "MW": "MW", "GW": "GW",
    },
    "vi": {"km": "km", "kg": "kg", "tấn": "tonne", "ha": "hectare", "héc-ta": "hectare", "MW": "MW", "GW": "GW"},
    "ja": {"km": "km", "キロメートル": "km", "キロ": "km", "キログラム": "kg", "メガワット": "MW", "ギガワット": "GW", "kg": "kg", "トン": "tonne", "ヘクタール": "hectare", "ha": "hectare", "MW": "MW", "GW": "GW"},
}
# Japanese writes years as 2026年; a number before a counter (人, 件…) is a count, not a year.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def parse_number(raw: str, lang: str, tolerant: bool = False) -> tuple[Decimal, ...]:
    """The values *raw* ("3,000", "240,8", "1.5") means in *lang*'s convention, or in either when *tolerant*."""
    compact = re.sub(r"[\u00a0\u202f]", "", raw)
    primary = CONVENTIONS.get(lang, (",", "."))
    readings: list[Decimal] = []
    for thousands, decimal in (primary, primary[::-1]):
        parts = compact.split(decimal)
        if len(parts) > 2:
            continue
        groups = parts[0].split(thousands)
        if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or not all(len(g) == 3 for g in groups[1:])):
            continue
        if len(parts) == 2 and thousands in parts[1]:
            continue
        try:
            value = Decimal("".join(groups) + ("." + parts[1] if len(parts) == 2 else ""))
        except InvalidOperation:
            continue
        if value not in readings:
            readings.append(value)
        if readings and not tolerant:
            break
    return tuple(readings) or (Decimal(re.sub(r"\D", "", compact) or 0),)


def _scaled(readings: tuple[Decimal, ...], exponent: int) -> tuple[Decimal, ...]:
    return tuple((value * Decimal(10) ** exponent).normalize() + 0 for value in readings)


class _Scanner:
    """One pass over a text: spans are claimed by the first pattern that finds a figure there."""

    def __init__(self, text: str, lang: str, blocked: Sequence[tuple[int, int]], tolerant: bool) -> None:
        self.text = text.translate(_WIDE)
        self.lang = lang if lang in CONVENTIONS else "en"
        self.tolerant = tolerant
        self.taken: list[tuple[int, int]] = list(blocked)
        self.found: list[Figure] = []
        for match in _CODE_TOKEN.finditer(self.text) if not tolerant else ():
            token = match.group(0).rstrip(".")
            if re.search(r"\d", token) and re.search(rf"[{_LATIN}+]", token) and not _FIGURE_TOKEN.fullmatch(token):
                self.taken.append((match.start(), match.start() + len(token)))
        self.taken += [m.span() for m in _ISO_DATE.finditer(self.text)]
        heading = _HEADING.match(self.text)
        if heading and not tolerant:
            self.taken.append(heading.span())
        # ボーイング787が is a name; リーダー3,000人 is a count (a counter follows).
        for match in re.finditer(rf"(?<=[\u30a0-\u30ff]){NUM}(?![\d.,\u3400-\u9fff\u30a0-\u30ff%])", self.text):
            self.taken.append(match.span())

    def free(self, start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in self.taken)

    def claim(self, figure: Figure) -> None:
        self.taken.append((figure.start, figure.end))
        self.found.append(figure)

    def scan(self, pattern: re.Pattern[str], build: Callable[[re.Match[str]], Figure | None]) -> None:
        for match in pattern.finditer(self.text):
            if self.free(*match.span()):
                figure = build(match)
                if figure is not None:
                    self.claim(figure)

    def number(self, raw: str) -> tuple[Decimal, ...]:
        return parse_number(raw, self.lang, self.tolerant)


def _date(match: re.Match[str], day: str | None, month: int | str | None, year: str | None) -> Figure | None:
    month_number = int(month) if month is not None else None
    day_number = int(day) if day else None
    if month_number is None or not 1 <= month_number <= 12 or (day_number is not None and not 1 <= day_number <= 31):
        return None
    return Figure(DATE, match.start(), match.end(), day=day_number, month=month_number, year=int(year) if year else None)


def _en_month(name: str) -> int:
    return _MONTHS_EN[name[:3].lower()]


def _numeric_date(scanner: _Scanner, match: re.Match[str]) -> Figure | None:
    first, second, year = match.group("a"), match.group("b"), match.group("y")
    day, month = (first, second) if NUMERIC_DATE[scanner.lang] == "dm" else (second, first)
    return _date(match, day, month, year)


def _dates(s: _Scanner) -> None:
    if s.lang == "en":
        s.scan(
            re.compile(rf"(?<![A-Za-z]){_MONTH_EN}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<y>\d{{4}}))?(?![\d:])"),
            lambda m: _date(m, m.group("d"), _en_month(m.group("mon")), m.group("y")),
        )
        s.scan(
            re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s+{_MONTH_EN}(?:,?\s+(?P<y>\d{{4}}))?\b"),
            lambda m: _date(m, m.group("d"), _en_month(m.group("mon")), m.group("y")),
        )
        s.scan(re.compile(rf"(?<![A-Za-z]){_MONTH_EN}\s+(?P<y>\d{{4}})\b"), lambda m: _date(m, None, _en_month(m.group("mon")), m.group("y")))
    elif s.lang == "vi":
        s.scan(
            re.compile(r"(?:\b[Nn]gày\s+)?(?<![\d/.])(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?:\s+năm\s+(?P<y>\d{4})|/(?P<y2>\d{4}))?"),
            lambda m: _date(m, m.group("d"), m.group("m"), m.group("y") or m.group("y2")),
        )
        s.scan(
            re.compile(r"\b[Tt]háng\s+(?P<m>\d{1,2})(?:/|\s+năm\s+)(?P<y>\d{4})\b"),
            lambda m: _date(m, None, m.group("m"), m.group("y")),
        )
        s.scan(
            re.compile(r"\b[Nn]gày\s+(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}))?(?![\d/])"),
            lambda m: _numeric_date(s, m),
        )
    else:
        s.scan(
            re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
            lambda m: _date(m, m.group("d"), m.group("m"), m.group("y")),
        )
        s.scan(re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?!\d)"), lambda m: _date(m, None, m.group("m"), m.group("y")))
        s.scan(
            re.compile(r"(?<![\d/])(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])"),
            lambda m: _date(m, m.group("d"), m.group("m"), m.group("y")),
        )
    s.scan(re.compile(r"(?<![\d/.,])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}))?(?![\d/])"), lambda m: _numeric_date(s, m))


def _time(match: re.Match[str], hour: str, minute: str | None, half: str | None) -> Figure | None:
    h, mins = int(hour), int(minute) if minute else 0
    if half in ("pm", "p.m.", "午後") and h < 12:
        h += 12
    elif half in ("am", "a.m.", "午前") and h == 12:
        h = 0
    if not (0 <= h <= 24 and 0 <= mins < 60):
        return None
    return Figure(TIME, match.start(), match.end(), hour=h, minute=mins)


def _times(s: _Scanner) -> None:
    ampm = r"(?:\s?(?P<half>a\.m\.|p\.m\.|am|pm)(?![A-Za-z]))"
    if s.lang in ("en", "vi"):
        s.scan(
            re.compile(rf"(?<![\d.,:])(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?![\d:]){ampm}?"),
            lambda m: _time(m, m.group("h"), m.group("m"), (m.group("half") or "").lower() or None),
        )
    if s.lang == "en":
        s.scan(re.compile(rf"(?<![\d.,])(?P<h>\d{{1,2}}){ampm}"), lambda m: _time(m, m.group("h"), None, m.group("half").lower()))
    elif s.lang == "vi":
        s.scan(re.compile(rf"(?<![\d.,])(?P<h>\d{{1,2}})h(?P<m>\d{{2}})?(?![\d{_LATIN}])"), lambda m: _time(m, m.group("h"), m.group("m"), None))
        s.scan(
            re.compile(r"(?<![\d.,])(?P<h>\d{1,2})\s+giờ(?:\s+(?P<m>\d{1,2})(?:\s+phút)?)?"),
            lambda m: _time(m, m.group("h"), m.group("m"), None),
        )
    else:
        s.scan(
            re.compile(r"(?P<half>午前|午後)?(?P<h>\d{1,2})時(?:(?P<m>\d{1,2})分|(?P<half_hour>半))?"),
            lambda m: _time(m, m.group("h"), "30" if m.group("half_hour") else m.group("m"), m.group("half")),
        )


def _ordinals(s: _Scanner) -> None:
    pattern = {
        "en": r"(?<![\d.,])(?P<n>\d+)(?:st|nd|rd|th)(?![a-z])",
        "vi": r"\b(?:lần\s+)?thứ\s+(?P<n>\d+)(?![\d.,]\d)",
        "ja": r"第(?P<n>\d+)(?:回)?",
    }[s.lang]
    s.scan(re.compile(pattern), lambda m: Figure(ORDINAL, m.start(), m.end(), (Decimal(m.group("n")),)))


_NAME_BEFORE = re.compile(rf"(?:^|(?P<before>\S)\s+|(?<=\s))(?P<word>[{_LATIN}][{_LATIN}'’-]*)\s+$")


def _capitalised_name_before(text: str, start: int) -> bool:
    """Whether the number at *start* follows a capitalised word that is not the first of its sentence."""
    window = max(0, start - 60)  # a bounded look back keeps recognition linear in the text
    match = _NAME_BEFORE.search(text, window, start)
    if match is None or not match.group("word")[0].isupper() or match.group("word").lower()[:3] in _MONTHS_EN:
        return False
    before = match.group("before") or ("x" if match.start() > 0 else None)
    return before is not None and before not in ".!?:;\"“(–—-"


class _Amounts:
    """Numbers with what follows or precedes them: scale words, currency, percent, units."""

    def __init__(self, s: _Scanner) -> None:
        lang = s.lang
        self.s = s
        self.scales = SCALE_WORDS[lang]
        self.before = CURRENCY_BEFORE[lang]
        self.after = CURRENCY_AFTER[lang]
        gap = "" if lang == "ja" else r"\s?"
        space = "" if lang == "ja" else r"\s"
        word_end = "" if lang == "ja" else rf"(?![{_LATIN}])"
        if lang == "ja":
            amount = rf"(?P<amount>(?:{NUM}兆)?(?:{NUM}億)?(?:{NUM}万)?(?:{NUM})?)"
        else:
            amount = rf"(?P<amount>{NUM})(?:{gap}(?P<scale>{_alternation(list(self.scales))}){word_end})?"
        percent_sign = "%" if lang == "ja" else r"\s?%"
        percent_words = _alternation(PERCENT_AFTER[lang][1:])
        self.pattern = re.compile(
            rf"(?<![\d.,])(?P<pre>{_alternation(list(self.before))})?"
            + (r"\s?" if lang == "en" else "")
            + amount
            + rf"(?:(?P<cur>{gap}(?:{_alternation(list(self.after))}){word_end})"
            + rf"|(?P<pct>{percent_sign}|{space}(?:{percent_words}){word_end})"
            + rf"|(?P<unit>{gap}(?:{_alternation(list(UNIT_AFTER[lang]))}){word_end}))?"
        )

    def scan(self) -> None:
        s = self.s
        for match in self.pattern.finditer(s.text):
            if not match.group("amount") or not s.free(*match.span("amount")):
                continue
            figure = self.build(match)
            if figure is not None and not s.free(figure.start, figure.end):
                figure = self.build(match, bare=True)  # the currency or unit belongs to something else
            if figure is not None and s.free(figure.start, figure.end):
                s.claim(figure)

    def build(self, match: re.Match[str], bare: bool = False) -> Figure | None:
        s, lang = self.s, self.s.lang
        amount = match.group("amount")
        readings, scaled = self.value(amount, match.groupdict().get("scale"))
        if readings is None:
            return None
        start = match.start("pre") if match.group("pre") and not bare else match.start("amount")
        scale_end = match.end("scale") if match.groupdict().get("scale") else match.end("amount")
        pre = None if bare else match.group("pre")
        if not bare and match.group("cur"):
            return Figure(MONEY, start, match.end(), readings, scaled, currency=self.after[match.group("cur").strip()])
        if pre:
            return Figure(MONEY, start, scale_end, readings, scaled, currency=self.before[pre.strip()])
        if not bare and match.group("pct"):
            return Figure(PERCENT, start, match.end(), readings, scaled)
        if not bare and match.group("unit"):
            return Figure(QUANTITY, start, match.end(), readings, scaled, unit=UNIT_AFTER[lang][match.group("unit").strip()])
        end = scale_end
        if not scaled and not s.tolerant and _capitalised_name_before(s.text, start):
            return None
        if not scaled and re.fullmatch(r"\d{4}", amount) and 1800 <= int(amount) <= 2199:
            after = s.text[end : end + 1]
            if lang != "ja" or after == "年" or not _CJK.match(after):
                return Figure(YEAR, start, end, (Decimal(amount),), year=int(amount))
        return Figure(NUMBER, start, end, readings, scaled)

    def value(self, amount: str, scale: str | None) -> tuple[tuple[Decimal, ...] | None, bool]:
        """The readings of *amount* with its scale word applied, and whether it had one (1億5000万 is one)."""
        if self.s.lang != "ja":
            readings = self.s.number(amount)
            return (_scaled(readings, self.scales[scale]), True) if scale else (readings, False)
        pieces = re.findall(rf"({NUM})(兆|億|万)?", amount)
        if len(pieces) == 1 and not pieces[0][1]:
            return self.s.number(amount), False
        if any(not unit for _, unit in pieces[:-1]):
            return None, False
        total = sum((_scaled(parse_number(number, "ja"), self.scales.get(unit, 0))[0] for number, unit in pieces), Decimal(0))
        return (total.normalize() + 0,), True


def _ranges(s: _Scanner) -> None:
    """Join two figures around a dash (2025–2030, 10-15%, 2025～2030年) into one range."""
    ordered = sorted(s.found, key=lambda f: f.start)
    joined: list[Figure] = []
    skip: set[int] = set()
    for i, (low, high) in enumerate(zip(ordered, ordered[1:])):
        if i in skip:
            continue
        between = s.text[low.end : high.start]
        if not re.fullmatch(r"\s?[–—-]\s?|[～〜~]", between):
            continue
        if low.kind not in (NUMBER, YEAR) or high.kind not in (NUMBER, YEAR, PERCENT):
            continue
        if low.kind == YEAR or high.kind == YEAR:
            if not (low.kind == high.kind == YEAR or (s.lang == "ja" and high.kind == YEAR and re.fullmatch(r"\d{4}", s.text[low.start : low.end]))):
                continue
            low = Figure(YEAR, low.start, low.end, low.readings, year=int(low.value))
        elif high.kind == PERCENT:
            low = Figure(PERCENT, low.start, low.end, low.readings)
        joined.append(Figure(RANGE, low.start, high.end, parts=(low, high)))
        skip.update({i, i + 1})
    kept = [f for i, f in enumerate(ordered) if i not in skip]
    s.found = sorted(kept + joined, key=lambda f: f.start)


def find(text: str, lang: str, blocked: Sequence[tuple[int, int]] = (), tolerant: bool = False) -> list[Figure]:
    """The figures of *text*, written in *lang*, in text order, outside the *blocked* spans.

    *tolerant* reads a translation, which may follow either number convention
    and numbers names differently: every reading is kept, and no number is
    taken for part of a name.
    """
    scanner = _Scanner(text, lang, blocked, tolerant)
    _dates(scanner)
    _times(scanner)
    _ordinals(scanner)
    _Amounts(scanner).scan()
    _ranges(scanner)
    return scanner.found
