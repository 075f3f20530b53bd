"""A generated batch of news articles in English, Vietnamese and Japanese with new names in them.

The names are hand-written here (people, including Vietnamese three-part
names and Japanese names in kanji and katakana, organisations with their
acronyms, titles), none of them in the newsroom glossary; templates from
wire copy place them next to glossary terms. Each article comes with the
names it contains: the labels ``glossary suggest`` is measured against.
"""

from __future__ import annotations

import random
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "data" / "glossary_candidates.json"

# (en, vi, ja) surface forms
PEOPLE = [
    ("Bui Thanh Son", "Bùi Thanh Sơn", "ブイ・タイン・ソン"),
    ("Do Hung Viet", "Đỗ Hùng Việt", "ドー・フン・ベト"),
    ("Nguyen Minh Vu", "Nguyễn Minh Vũ", "グエン・ミン・ブー"),
    ("Ho Duc Phoc", "Hồ Đức Phớc", "ホー・ドゥック・フォック"),
    ("Motegi Toshimitsu", "Motegi Toshimitsu", "茂木敏充"),
    ("Kamikawa Yoko", "Kamikawa Yoko", "上川陽子"),
    ("Hayashi Yoshimasa", "Hayashi Yoshimasa", "林芳正"),
    ("Mohamad Hasan", "Mohamad Hasan", "モハマド・ハサン"),
    ("Anwar Ibrahim", "Anwar Ibrahim", "アンワル・イブラヒム"),
    ("Prabowo Subianto", "Prabowo Subianto", "プラボウォ・スビアント"),
]
# Titles already in the glossary (en, vi, ja), placed before a person.
KNOWN_TITLES = [("Foreign Minister", "Bộ trưởng Ngoại giao", "外務大臣"), ("Prime Minister", "Thủ tướng", "首相")]
# New titles with a name (the Japanese templates name no new title).
NEW_TITLES = [("Trade Minister", "Bộ trưởng Thương mại", "貿易相"), ("Finance Minister", "Bộ trưởng Tài chính", "財務相")]
ORGANISATIONS = [
    ("Asian Development Bank", "Ngân hàng Phát triển châu Á", "アジア開発銀行", "ADB"),
    ("World Trade Organization", "Tổ chức Thương mại Thế giới", "世界貿易機関", "WTO"),
    ("Mekong River Commission", "Ủy hội Sông Mekong Quốc tế", "メコン川委員会", "MRC"),
    ("International Monetary Fund", "Quỹ Tiền tệ Quốc tế", "国際通貨基金", "IMF"),
    ("Ministry of Industry and Trade", "Bộ Công Thương", "商工省", "MOIT"),
]


@dataclass
class Article:
    name: str
    lang: str
    text: str
    labels: set[str]


def generate(count: int = 10, seed: int = 19) -> list[Article]:
    """*count* articles per language, each naming two people, a new title and two organisations."""
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        for lang in ("en", "vi", "ja"):
            p1, p2 = rng.sample(PEOPLE, 2)
            known, new = rng.choice(KNOWN_TITLES), rng.choice(NEW_TITLES)
            o1, o2 = rng.sample(ORGANISATIONS, 2)
            text, labels = _article(lang, p1, p2, known, new, o1, o2)
            articles.append(Article(f"batch-{n:02d}-{lang}.txt", lang, text, labels))
    return articles


def _article(lang, p1, p2, known, new, o1, o2) -> tuple[str, set[str]]:
    if lang == "en":
        lines = [
            f"{p1[0]} meets {p2[0]} ahead of summit",
            f"Hanoi (VNA) – {known[0]} {p1[0]} met {new[0]} {p2[0]} in Hanoi on Tuesday.",
            f"The {o1[0]} ({o1[3]}) will fund the new port, {p2[0]} said.",
            f"Officials from the {o2[0]} ({o2[3]}) and ASEAN attended the talks.",
            f"{p1[0]} said Japan would work with {o1[3]} on the project. – VNA",
        ]
        labels = {p1[0], p2[0], new[0], o1[0], o1[3], o2[0], o2[3]}
    elif lang == "vi":
        lines = [
            f"{known[1]} {p1[1]} hội đàm với {p2[1]}",
            f"Hà Nội (TTXVN) – {known[1]} {p1[1]} đã gặp {new[1]} {p2[1]} tại Hà Nội.",
            f"{o1[1]} ({o1[3]}) sẽ tài trợ cho cảng mới, {known[1]} {p2[1]} cho biết.",
            f"Đại diện {o2[1]} ({o2[3]}) và ASEAN cũng tham dự cuộc họp.",
            f"Theo {known[1]} {p1[1]}, Nhật Bản sẽ hợp tác với {o1[3]}. – TTXVN",
        ]
        labels = {p1[1], p2[1], new[1], o1[1], o1[3], o2[1], o2[3]}
    else:
        lines = [
            f"{p1[2]}{known[2]}、{p2[2]}氏と会談",
            f"【ハノイ＝VNA】{p1[2]}{known[2]}は火曜日、ハノイで{p2[2]}氏と会談した。",
            f"{o1[2]}（{o1[3]}）が新しい港の建設を支援する。",
            f"{o2[2]}（{o2[3]}）とASEANの代表も出席した。",
            f"{p1[2]}氏は「日本は{o1[3]}と協力する」と述べた。",
        ]
        labels = {p1[2], p2[2], o1[2], o1[3], o2[2], o2[3]}
    return "\n\n".join(lines) + "\n", labels


@dataclass
class Score:
    """Precision and recall of suggestions against labels; what was missed and what was wrong."""

    suggested: int
    expected: int
    correct: int
    missed: list[str]
    wrong: list[str]

    @property
    def precision(self) -> float:
        return self.correct / self.suggested if self.suggested else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def score(suggested: Iterable[str], expected: Iterable[str], acceptable: Iterable[str] = ()) -> Score:
    """*acceptable* labels are right when suggested but not required (glossary terms, with no glossary given)."""
    got = {key(t): t for t in suggested}
    want = {key(t): t for t in expected}
    fine = set(want) | {key(t) for t in acceptable}
    correct = [k for k in got if k in want]
    return Score(len(got), len(want), len(correct), sorted(want[k] for k in want if k not in got), sorted(got[k] for k in got if k not in fine))


def sample_labels() -> dict[str, dict]:
    return json.loads(LABELS.read_text(encoding="utf-8"))["articles"]


def evaluate(glossary) -> dict[str, Score]:
    """Suggestions on the sample articles (without and with the glossary) and on the generated batch (with it)."""
    from transflow.formats import parse_file
    from transflow.glossary.suggest import suggest
    from transflow.segment import segments_of

    samples = HERE.parent / "sample_articles"
    labels = sample_labels()
    results: dict[str, Score] = {}
    for name, with_glossary in (("samples, no glossary", None), ("samples, newsroom glossary", glossary)):
        parts = []
        for article, data in labels.items():
            sentences = [(article, seg.text) for seg in segments_of(parse_file(samples / article), data["lang"])]
            found = [c.text for c in suggest(sentences, data["lang"], with_glossary)]
            terms = data["terms"]
            expected = [t["text"] for t in terms if with_glossary is None or not t["in_glossary"]]
            parts.append(score(found, expected))
        results[name] = _sum(parts)
    parts = []
    for article in generate():
        sentences = [(article.name, line) for line in article.text.splitlines() if line.strip()]
        parts.append(score([c.text for c in suggest(sentences, article.lang, glossary)], article.labels))
    results["generated batch, newsroom glossary"] = _sum(parts)
    parts = []
    news = generate_news()
    for lang in ("en", "vi", "ja"):  # as `glossary suggest` reads a day's inbox: all articles of a language at once
        batch = [a for a in news if a.lang == lang]
        sentences = [(a.name, line) for a in batch for line in a.text.splitlines() if line.strip()]
        parts.append(score([c.text for c in suggest(sentences, lang, glossary)], set().union(*(a.labels for a in batch))))
    results["held-out news (single words, titles), newsroom glossary"] = _sum(parts)
    return results


def _sum(parts: list[Score]) -> Score:
    return Score(
        sum(p.suggested for p in parts),
        sum(p.expected for p in parts),
        sum(p.correct for p in parts),
        sorted({m for p in parts for m in p.missed}),
        sorted({w for p in parts for w in p.wrong}),
    )


# Held-out news: written after the single-word and title rules, never used to tune them.
# (en, vi, ja) surface forms of capitals, people known by one name, one-token agencies and new titles.
CAPITALS = [("Manila", "Manila", "マニラ"), ("Seoul", "Seoul", "ソウル"), ("Canberra", "Canberra", "キャンベラ"), ("Dili", "Dili", "ディリ")]
ONE_NAME = [("Sukarno", "Sukarno", "スカルノ"), ("Marcos", "Marcos", "マルコス"), ("Widodo", "Widodo", "ウィドド")]
AGENCIES = ["KOICA", "JETRO", "USAID", "OECD"]
PORTFOLIOS = [("Defence Minister", "Bộ trưởng Quốc phòng", "防衛相"), ("Health Minister", "Bộ trưởng Y tế", "保健相"), ("Education Minister", "Bộ trưởng Giáo dục", "教育相")]


def generate_news(count: int = 8, seed: int = 29) -> list[Article]:
    """*count* articles per language naming a capital, a person known by one name (with a new title)
    and a one-token agency, each at least twice, among everyday words written with capitals
    (sentence starts, a title-case headline, captions) and Japanese loanwords."""
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        for lang in ("en", "vi", "ja"):
            capital, person, agency, title = rng.choice(CAPITALS), rng.choice(ONE_NAME), rng.choice(AGENCIES), rng.choice(PORTFOLIOS)
            text, labels = _news(lang, capital, person, agency, title)
            articles.append(Article(f"news-{n:02d}-{lang}.txt", lang, text, labels))
    return articles


def _news(lang, capital, person, agency, title) -> tuple[str, set[str]]:
    i = {"en": 0, "vi": 1, "ja": 2}[lang]
    c, p, t = capital[i], person[i], title[i]
    if lang == "en":
        lines = [
            f"Regional Leaders Back New Energy Plan",
            f"Analysts expect the talks in {c} to last two days, {t} {p} said on Monday.",
            f"Speaking to reporters, {p} said the {agency} grant would cover digital projects.",
            f"Funding from {agency} reached {c} last year. (Photo: VNA)",
        ]
    elif lang == "vi":
        lines = [
            f"Lãnh đạo khu vực ủng hộ kế hoạch năng lượng mới",
            f"Các chuyên gia cho rằng cuộc đàm phán tại {c} sẽ kéo dài hai ngày, {t} {p} cho biết hôm thứ Hai.",
            f"Trả lời báo chí, ông {p} nói khoản viện trợ của {agency} sẽ dành cho các dự án số.",
            f"Trong khi đó, vốn của {agency} đã đến {c} năm ngoái. (Ảnh: TTXVN)",
        ]
    else:
        lines = [
            f"地域の首脳、新しいエネルギー計画を支持",
            f"{p}{t}は月曜日、{c}での協議は2日間続く見通しだと述べた。",
            f"{p}氏は記者団に対し、{agency}の資金はデジタルとインフラのプロジェクトに充てられると語った。",
            f"{agency}の資金は昨年{c}に届いた。写真：VNA",
        ]
    return "\n\n".join(lines) + "\n", {c, p, agency, t}
