"""Candidate glossary terms in the day's articles: the names the glossary does not cover yet.

News copy introduces people, organisations, titles, agreements and acronyms
every week; each one missing from the glossary is a name the MT may garble.
This finds them with rules written for news copy in the three languages,
without a tagger (an NER model per language would triple the install):

- English: runs of capitalised words ("Kao Kim Hourn", "Asian Development
  Bank", "Secretary-General of ASEAN"), split into a title and the name it
  introduces ("Foreign Minister" + "Iwaya Takeshi"); a single capitalised
  word seen mid-sentence ("in Bangkok", "Jokowi said"), never only at a
  sentence's start or in a title-case headline; acronyms, paired with their
  expansion when the text gives one ("… Agency (JICA)");
- Vietnamese: runs of capitalised syllables ("Nguyễn Quốc Dũng", "Băng Cốc"),
  a single capitalised word mid-sentence ("Jokowi"), names after a title
  ("Thứ trưởng …", "TS. …") and the title itself with its portfolio
  ("Bộ trưởng Tài chính"), organisations from their head word ("Bộ …",
  "Quỹ …", "Ngân hàng …");
- Japanese: katakana names with ・ ("カオ・キムホン") or on their own
  ("バンコク"), kanji names before a title or honorific ("岩屋毅外務大臣",
  "田中氏") and the title after them ("財務相"), organisations by their
  suffix ("…機構", "…銀行", "…委員会"), Latin acronyms.

A candidate is dropped when the glossary matcher (the one enforcement uses,
with its variants, plurals and Unicode folding) covers every letter of it. A
single word is dropped as an everyday word when the day's articles also write
it in lower case, or when wordfreq's list for the language ranks it common.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..document import InlineCode
from . import Glossary
from .match import Matcher
from .wordfreqs import zipf

PERSON, ORGANISATION, TITLE, ACRONYM, MEETING, DOCUMENT, PLACE, NAME = (
    "person", "organisation", "title", "acronym", "meeting", "document", "place", "name"
)

# English ------------------------------------------------------------------------------------

_TITLE_WORDS = {
    "minister", "ministers", "deputy", "vice", "prime", "foreign", "president", "secretary", "secretary-general",
    "director", "director-general", "general", "chairman", "chairwoman", "chair", "chief", "executive", "governor",
    "mayor", "ambassador", "senator", "premier", "chancellor", "speaker", "king", "queen", "prince", "princess",
    "sultan", "commissioner", "spokesperson", "spokesman", "spokeswoman", "head", "permanent", "acting", "first",
    "under-secretary", "counsellor", "consul", "minister-counsellor", "fm", "pm", "ceo", "trade", "defence", "defense",
    "finance", "home", "interior", "justice", "health", "education", "industry", "agriculture", "transport",
}
_TITLE_HEADS = {
    "minister", "president", "secretary", "secretary-general", "director", "director-general", "chairman",
    "chairwoman", "chair", "governor", "mayor", "ambassador", "senator", "premier", "chancellor", "speaker", "king",
    "queen", "prince", "princess", "sultan", "commissioner", "spokesperson", "spokesman", "spokeswoman", "ceo",
    "fm", "pm", "under-secretary", "consul", "counsellor",
}
_HONORIFICS = {"mr.", "mrs.", "ms.", "dr.", "prof.", "gen.", "sen.", "rep.", "gov.", "lt.", "col.", "h.e."}
_DEMONYMS = re.compile(
    r"^(?:[A-Z][a-z]{3,}(?:ese|ian|ean|an|ish)|Thai|Lao|Khmer|French|Dutch|Swiss|Greek|Filipino|Israeli|Pakistani|"
    r"Bangladeshi|Iraqi|Kuwaiti|Saudi|Omani|Emirati|Nepali|Qatari)$"
)
_ORG_WORDS = {
    "agency", "fund", "bank", "association", "organisation", "organization", "council", "committee", "commission",
    "union", "university", "institute", "corporation", "company", "group", "office", "department", "ministry",
    "authority", "partnership", "community", "court", "party", "army", "navy", "force", "forces", "police",
    "centre", "center", "foundation", "programme", "program", "network", "alliance", "federation", "secretariat",
    "parliament", "congress", "government", "administration", "service", "board", "bureau", "airlines", "airways",
    "news", "times", "post", "press", "television", "radio", "nations", "assembly", "academy", "hospital", "school",
    "college", "club", "bloc", "forum", "initiative", "cooperation", "exchange",
}
_MEETING_WORDS = {"summit", "meeting", "conference", "dialogue", "talks", "congress", "session", "games", "expo"}
_DOCUMENT_WORDS = {
    "declaration", "convention", "treaty", "agreement", "strategy", "vision", "plan", "roadmap", "charter", "accord",
    "protocol", "act", "law", "memorandum", "statement", "framework", "resolution", "pact", "code",
}
_PLACE_WORDS = {"city", "province", "island", "islands", "sea", "river", "bay", "strait", "region", "district", "state"}
_CONNECTORS = {"of", "for", "on", "and", "the", "de", "la", "del", "van", "von", "bin", "binti", "al"}
_CALENDAR = re.compile(
    r"^(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?$|^(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$"
)
# Codes that are not terms: currencies and the like.
_NOT_TERMS = {"USD", "EUR", "JPY", "VND", "CNY", "GBP", "KRW", "THB", "SGD", "AUD", "FM", "PM", "CEO", "TV", "OK", "AM", "GMT", "UTC"}
_STARTERS = {
    "a", "an", "the", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those", "his", "her",
    "their", "its", "our", "on", "in", "at", "for", "by", "with", "from", "to", "as", "after", "before", "during",
    "speaking", "read", "other", "key", "but", "and", "or", "also", "meanwhile", "however", "updated", "related",
    "according", "earlier", "later", "last", "next", "both", "all", "some", "many", "most", "two", "three", "one",
    "year", "trade", "journalists", "leaders", "ministers", "officials",
}
_VI_SURNAMES_ASCII = {
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong",
    "ly", "dinh", "truong", "lam", "mai", "trinh", "dao", "cao", "ha", "luong", "ta", "chu", "thai", "to", "ton",
    "luu", "vuong", "quach", "doan", "kieu", "tang", "lai", "giang", "trieu", "la", "hua", "khuat",
}
# Common Japanese family names as romanised in Vietnamese and English news (family name first).
_JA_SURNAMES_LATIN = {
    "sato", "suzuki", "takahashi", "tanaka", "watanabe", "ito", "yamamoto", "nakamura", "kobayashi", "kato",
    "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto", "inoue", "kimura", "hayashi", "shimizu", "yamazaki",
    "mori", "abe", "ikeda", "hashimoto", "ishikawa", "ogawa", "okada", "goto", "hasegawa", "murakami", "kondo",
    "ishii", "saito", "sakamoto", "endo", "aoki", "fujii", "nishimura", "fukuda", "ota", "miura", "okamoto",
    "matsuda", "nakagawa", "harada", "ono", "tamura", "takeuchi", "kaneko", "wada", "nakano", "iwaya", "ishiba",
    "kishida", "motegi", "kamikawa", "suga", "koizumi", "takaichi", "hayashi", "akazawa", "iwasaki", "noda",
}
_ABBREVIATIONS = re.compile(r"^(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Vol)\.$")
_EN_TOKEN = re.compile(r"[^\W_][\w'’\-]*\.?|\(|\)|[,;:!?\"“”«»–—]|\S")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]*(?:-[A-Z0-9]+)*$")

# Vietnamese ---------------------------------------------------------------------------------

_VI_SURNAMES = {
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô", "dương",
    "lý", "đinh", "trương", "lâm", "mai", "trịnh", "đào", "cao", "hà", "lương", "tạ", "chu", "thái", "tô", "tôn",
    "lưu", "vương", "quách", "đoàn", "kiều", "tăng", "lại", "giang", "triệu", "la", "hứa", "khuất",
}
_VI_TITLES = (
    "bộ trưởng ngoại giao", "thứ trưởng ngoại giao", "phó thủ tướng", "thủ tướng", "thứ trưởng", "bộ trưởng", "chủ tịch", "phó chủ tịch", "tổng thư ký", "tổng bí thư",
    "đại sứ", "tổng thống", "ngoại trưởng", "giám đốc", "tổng giám đốc", "thống đốc", "chủ nhiệm", "viện trưởng",
    "ts.", "ths.", "gs.", "pgs.", "ông", "bà", "bác sĩ", "nhà báo",
)
# Forms of address before a name: not titles a glossary would hold.
_VI_HONORIFICS = {"ts.", "ths.", "gs.", "pgs.", "ông", "bà", "bác sĩ", "nhà báo"}
# Words before a capitalised day or month name ("thứ Ba", "tháng Mười"): a date, not a name.
_VI_DATE_WORDS = {"thứ", "tháng", "ngày", "chủ"}
_VI_ORG_HEADS = (
    "bộ", "quỹ", "cơ quan", "ngân hàng", "ủy ban", "uỷ ban", "ủy hội", "uỷ hội", "hiệp hội", "liên minh", "tổ chức", "văn phòng", "viện",
    "đại học", "tập đoàn", "công ty", "tổng cục", "cục", "hội đồng", "diễn đàn", "hội nghị", "cộng đồng", "trung tâm",
)
_VI_MEETING_HEADS = ("hội nghị", "diễn đàn")
_VI_TOKEN = re.compile(r"[^\W_][\w'’\-]*\.?|\S")
_VI_ABBREVIATIONS = {"ts.", "ths.", "gs.", "pgs.", "tp.", "bs.", "ks.", "tt."}
_VI_COUNTRIES = {
    "việt nam", "nhật bản", "trung quốc", "hàn quốc", "hoa kỳ", "mỹ", "ấn độ", "thái lan", "campuchia", "lào",
    "indonesia", "malaysia", "singapore", "philippines", "myanmar", "brunei", "úc", "australia", "nga", "pháp",
    "đức", "anh", "canada", "new zealand", "đông timor", "timor-leste",
}

# Japanese -----------------------------------------------------------------------------------

_JA_TITLES = (
    "外務副大臣", "外務大臣", "副大臣", "大臣", "外相", "副首相", "首相", "大統領", "副大統領", "総裁", "理事長", "事務総長",
    "官房長官", "長官", "議長", "社長", "会長", "知事", "市長", "大使", "総理", "国家主席", "主席", "書記長", "代表", "教授", "博士",
    "氏", "さん", "総書記",
)
# Ministerial titles written after a name ("林芳正財務相"): portfolio + 大臣/相.
_JA_PORTFOLIOS = (
    "外務", "財務", "貿易", "防衛", "経済産業", "経産", "国土交通", "法務", "文部科学", "厚生労働", "農林水産", "農水", "環境",
    "総務", "経済", "商工", "国防", "内務", "計画投資", "工商", "公安", "保健", "教育", "運輸", "建設", "司法", "労働", "情報通信",
)
_JA_HONORIFICS = {"氏", "さん", "代表", "教授", "博士"}
_JA_PLACE_SUFFIXES = ("市", "州", "県", "島", "省")
_JA_ORG_SUFFIXES = (
    "機構", "基金", "協会", "銀行", "委員会", "機関", "連合", "共同体", "大学", "研究所", "公社", "党", "省", "庁", "財団",
    "会議", "フォーラム", "共同声明", "宣言", "条約", "協定", "戦略", "パートナーシップ",
)
_KANJI = r"[\u4e00-\u9fff々〆]"
_KATAKANA = r"[\u30a1-\u30fa\u30fc]"
_JA_KATAKANA_NAME = re.compile(rf"{_KATAKANA}+(?:[・＝=]{_KATAKANA}+)+")
# A katakana word that is not part of a name joined by ・ or ＝ ("ハノイ＝VNA" is a dateline, not a name).
_JA_KATAKANA_WORD = re.compile(rf"(?<!{_KATAKANA})(?<!{_KATAKANA}[・＝=]){_KATAKANA}{{3,}}(?!{_KATAKANA}|[・＝=]{_KATAKANA})")
_JA_TITLE = re.compile(
    "|".join(
        sorted(
            [*map(re.escape, _JA_TITLES), *(re.escape(p) + "(?:副大臣|大臣|相)" for p in _JA_PORTFOLIOS)],
            key=len,
            reverse=True,
        )
    )
)
_JA_LATIN_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9&]+(?:-[A-Z0-9]+)*(?![A-Za-z])")


@dataclass
class Found:
    """One occurrence of a candidate in a sentence."""

    text: str
    kind: str
    expansion: str = ""  # an acronym's expansion given in the text (or the acronym of an expansion)
    single: bool = False  # one word: kept only if the day's articles and wordfreq do not make it an everyday word
    headline: bool = False  # found in a title-case headline, where capitals do not mark names


@dataclass
class Candidate:
    """A term the glossary lacks, with what the terminologist needs to decide on it."""

    text: str
    kind: str
    count: int = 0
    example: str = ""
    lang: str = ""
    article: str = ""
    expansion: str = ""
    renderings: dict[str, str] = field(default_factory=dict)  # target language → current MT rendering
    articles: int = 0  # how many articles use it
    single: bool = False
    headline_only: bool = True


_NAMED_THINGS = (ORGANISATION, MEETING, DOCUMENT)
Blocked = Sequence[tuple[int, int, str]]  # glossary matches in the sentence: start, end, entry type


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int
    blocked: str | None = None  # the type of the glossary entry covering it, "" if untyped


def without_codes(text: str, codes: Sequence[InlineCode]) -> str:
    """*text* with its inline codes (markup) blanked, so markup never reads as a name."""
    for code in sorted(codes, key=lambda c: -c.start):
        text = text[: code.start] + " " * (code.end - code.start) + text[code.end :]
    return " ".join(text.split())


def find(text: str, lang: str, blocked: Blocked = ()) -> list[Found]:
    """Candidate terms in one sentence of *lang*; *blocked* glossary matches split names and are never part of one."""
    if lang == "ja":
        return _japanese(text)
    if lang == "vi":
        return _vietnamese(text, blocked)
    return _english(text, blocked)


def covered(text: str, matcher: Matcher) -> bool:
    """Whether the glossary's matches cover every letter and digit of *text*."""
    spans = [(m.start, m.end) for m in matcher.find(text)]
    return all(any(s <= i < e for s, e in spans) for i, ch in enumerate(text) if ch.isalnum())


def suggest(
    sentences: Iterable[tuple[str, str]], lang: str, glossary: Glossary | None = None, min_count: int = 1
) -> list[Candidate]:
    """Candidates in *sentences* ((article, sentence) pairs of *lang*) that *glossary* does not cover.

    Counted per occurrence; the first sentence is the example. Those used in the most
    articles first, then the most frequent.
    """
    matcher = Matcher(glossary, lang) if glossary is not None else None
    found: dict[str, Candidate] = {}
    used_in: dict[str, set[str]] = {}
    lowercase: set[str] = set()
    for article, sentence in sentences:
        if lang != "ja":
            lowercase.update(word.casefold() for word in _WORD.findall(sentence) if word[:1].islower())
        for item in candidates_in(sentence, lang, matcher):
            key = _key(item.text)
            candidate = found.get(key)
            if candidate is None:
                candidate = found[key] = Candidate(item.text, item.kind, example=sentence, article=article, single=item.single)
            candidate.count += 1
            candidate.single = candidate.single and item.single
            candidate.headline_only = candidate.headline_only and item.headline
            candidate.expansion = candidate.expansion or item.expansion
            used_in.setdefault(key, set()).add(article)
    for key, candidate in found.items():
        candidate.articles = len(used_in[key])
    people = _people_words(glossary, lang, found.values())
    chosen = [
        c
        for c in found.values()
        if c.count >= min_count
        and not c.headline_only
        and not (c.single and (_everyday(c.text, lang, lowercase) or _key(c.text) in people))
    ]
    return sorted(chosen, key=lambda c: (-c.articles, -c.count))


# Zipf frequency from which a single word is an everyday word. A Vietnamese syllable is
# always a common word on its own ("Hà", "Mai" are names and words), so there only the
# articles' own lower-case use decides.
_EVERYDAY = {"en": 5.5, "ja": 3.9}
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


def _people_words(glossary: Glossary | None, lang: str, found: Iterable[Candidate]) -> set[str]:
    """The words of people's names the glossary or the articles already give in full: "Iwaya said" is
    a second reference to Iwaya Takeshi, not a new term."""
    names = [c.text for c in found if c.kind == PERSON and not c.single]
    if glossary is not None:
        names += [form for entry in glossary.entries if entry.kind == PERSON for form in entry.usable(lang)]
    return {_key(word) for name in names for word in _WORD.findall(name)}


def _everyday(word: str, lang: str, lowercase: set[str]) -> bool:
    """Whether a single-word candidate is an everyday word rather than a name."""
    if word.casefold() in lowercase:
        return True
    return lang in _EVERYDAY and zipf(word, lang) >= _EVERYDAY[lang]


def candidates_in(sentence: str, lang: str, matcher: Matcher | None) -> list[Found]:
    """The candidates of one sentence that the glossary (through *matcher*) does not cover."""
    if matcher is None:
        return find(sentence, lang)
    blocked = [(m.start, m.end, m.entry.kind) for m in matcher.find(sentence)]
    split = [item for item in find(sentence, lang, _splitting(sentence, blocked)) if not covered(item.text, matcher)]
    # A known place or bloc may open a new name ("Tokyo Strategy 2026"): those are looked for unsplit.
    whole = [
        item
        for item in find(sentence, lang)
        if item.kind in _NAMED_THINGS and not covered(item.text, matcher) and not _inside(sentence, item.text, blocked)
    ]
    return whole + [item for item in split if not any(item.text in other.text for other in whole)]


def _inside(sentence: str, text: str, blocked: Blocked) -> bool:
    """Whether *text* only occurs inside glossary matches of *sentence* (part of a longer term)."""
    starts = [m.start() for m in re.finditer(re.escape(text), sentence)]
    return bool(starts) and all(any(s <= at and at + len(text) <= e for s, e, _ in blocked) for at in starts)


def _splitting(text: str, blocked: Blocked) -> list[tuple[int, int, str]]:
    """Glossary matches that stand apart (not joined by a hyphen to a longer name: "ASEAN-Japan Economic…")."""
    return [
        (start, end, kind)
        for start, end, kind in blocked
        if (start == 0 or text[start - 1] != "-") and (end == len(text) or text[end] != "-")
    ]


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _tokens(pattern: re.Pattern[str], text: str, blocked: Blocked, strip: Callable[[str], str]) -> list[_Token]:
    tokens = []
    for match in pattern.finditer(text):
        word = strip(match.group(0))
        start, end = match.start(), match.start() + len(word)
        kind = next((k for s, e, k in blocked if s < end and start < e), None)
        tokens.append(_Token(word, start, end, kind))
    return tokens


def _spaced(text: str, a: _Token, b: _Token) -> bool:
    return text[a.end : b.start] == " "


# English ------------------------------------------------------------------------------------


# Tokens after which a capital says nothing: a quotation or a clause after a colon starts like a sentence.
_OPENERS = {'"', "“", "‘", "«", ":", "–", "—", "(", "["}


def _english(text: str, blocked: Blocked) -> list[Found]:
    tokens = _tokens(_EN_TOKEN, text, blocked, _strip_period)
    found: list[Found] = []
    first_word = next((i for i, t in enumerate(tokens) if t.word[:1].isalnum()), None)
    headline = _title_case(tokens)
    i = 0
    while i < len(tokens):
        end = _chain(tokens, i, text)
        if end == i:
            i += 1
            continue
        chain = tokens[i:end]
        if i == first_word and (chain[0].word.lower() in _STARTERS | _CONNECTORS or _DEMONYMS.match(chain[0].word)):
            chain = chain[1:]
        after_title = i > 0 and tokens[i - 1].blocked in ("title",) and _spaced(text, tokens[i - 1], tokens[i])
        initial = chain[:1] == tokens[i : i + 1] and (i == first_word or tokens[i - 1].word in _OPENERS)
        found += [
            Found(f.text, f.kind, f.expansion, f.single, headline)
            for f in _english_chain(chain, text, after_title, single=not initial and not headline)
        ]
        i = end
    for token in tokens:
        if _is_acronym(token.word) and token.blocked is None:
            found.append(Found(token.word, ACRONYM))
    _pair_expansions(found, tokens)
    return found


def _strip_period(word: str) -> str:
    return word if not word.endswith(".") or _ABBREVIATIONS.match(word) or re.match(r"^(?:[A-Z]\.)+$", word) else word[:-1]


def _capitalised(token: _Token) -> bool:
    word = token.word
    if token.blocked is not None or _CALENDAR.match(word) or not word[:1].isalpha():
        return False
    return word[:1].isupper() or word.lower() in _HONORIFICS


def _is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and bool(_ACRONYM.match(word)) and len(word) <= 12 and word not in _NOT_TERMS


def _chain(tokens: list[_Token], i: int, text: str) -> int:
    """End of the run of capitalised words from *i*: single spaces between, connectors inside ("Law of the Sea")."""
    if not _capitalised(tokens[i]):
        return i
    end = j = i + 1
    seen_of = seen_and = False
    while j < len(tokens) and _spaced(text, tokens[j - 1], tokens[j]):
        word = tokens[j].word.lower()
        if _capitalised(tokens[j]):
            end = j = j + 1
            continue
        if tokens[j].blocked is None and word in _CONNECTORS and (word != "and" or (seen_of and not seen_and)):
            k = j + 1
            while word != "and" and k < len(tokens) and tokens[k].word.lower() in _CONNECTORS - {"and"} and _spaced(text, tokens[k - 1], tokens[k]):
                k += 1
            if k < len(tokens) and k - j <= 2 and _spaced(text, tokens[k - 1], tokens[k]) and _capitalised(tokens[k]):
                seen_of, seen_and = seen_of or word == "of", seen_and or word == "and"
                j = k
                continue
        if tokens[j].word.isdigit() and len(tokens[j].word) == 4 and tokens[end - 1].word.lower() in _DOCUMENT_WORDS:
            end = j = j + 1  # "Tokyo Strategy 2026"
            continue
        break
    return end


def _title_case(tokens: list[_Token]) -> bool:
    """Whether the sentence is a title-case headline, where capitals do not mark names: every longer
    word capitalised, everyday words among them ("Leaders Back New Energy Plan"), not only names and titles."""
    words = [t.word for t in tokens[1:] if t.word[:1].isalpha() and len(t.word) > 3 and not _is_acronym(t.word)]
    if len(words) < 3 or not all(w[:1].isupper() for w in words):
        return False
    everyday = sum(_single_name(w) and not _CALENDAR.match(w) and zipf(w, "en") >= _HEADLINE_ZIPF for w in words)
    return everyday >= max(2, 0.4 * len(words))


# Everyday words in a run of capitals make it title case ("back" 6.0, "energy" 5.1; "Hanoi" 3.4); a name
# that is also a word ("Hong", "Long") is one among names, not two in five words.
_HEADLINE_ZIPF = 4.5


def _single_name(word: str) -> bool:
    """Whether one capitalised word can be a name on its own (not a title, head or function word)."""
    lowered = word.lower()
    common = _TITLE_WORDS | _ORG_WORDS | _MEETING_WORDS | _DOCUMENT_WORDS | _PLACE_WORDS | _CONNECTORS | _STARTERS
    letters = sum(ch.isalpha() for ch in word)
    return letters >= 2 and word.isalpha() and not word.isupper() and lowered not in common and not _DEMONYMS.match(word)


def _english_chain(chain: list[_Token], text: str, after_title: bool, single: bool) -> list[Found]:
    """A capitalised run as title + name, or an organisation, meeting, document, place or name.

    A run of one word is a name only where its capital means something: mid-sentence (*single*)
    or after a title.
    """
    words = [t.word for t in chain]
    if not words:
        return []
    title_end = 0
    while title_end < len(words) and (words[title_end].lower() in _TITLE_WORDS | _HONORIFICS or _DEMONYMS.match(words[title_end])):
        title_end += 1
    has_head = any(w.lower() in _TITLE_HEADS for w in words[:title_end])
    honorific = title_end > 0 and words[0].lower() in _HONORIFICS
    found: list[Found] = []
    if has_head and title_end + 1 < len(words) and words[title_end].lower() == "of":
        title_end += 2  # "Secretary-General of ASEAN"
    if has_head:
        first = next(k for k in range(title_end) if not _DEMONYMS.match(words[k]) and words[k].lower() not in _HONORIFICS)
        found.append(Found(text[chain[first].start : chain[title_end - 1].end], TITLE))
    rest = chain[title_end:] if has_head or honorific else chain
    while rest and rest[-1].word.lower() in _CONNECTORS:
        rest = rest[:-1]
    names = [t.word for t in rest]
    person = after_title or has_head or honorific
    if not names or all(_is_acronym(w) for w in names):
        return found  # acronyms are taken one by one
    if len(names) == 1:
        if (single or person) and _single_name(names[0]):
            found.append(Found(names[0], PERSON if person else NAME, single=True))
        return found
    name = text[rest[0].start : rest[-1].end]
    found.append(Found(name, _kind(names, person)))
    return found


def _kind(words: list[str], after_title: bool) -> str:
    lowered = [w.lower() for w in words]
    if lowered[-1] in _MEETING_WORDS:
        return MEETING
    if lowered[0] in _DOCUMENT_WORDS or any(w in _DOCUMENT_WORDS for w in lowered[-2:]):
        return DOCUMENT
    if any(w in _ORG_WORDS for w in lowered):
        return ORGANISATION
    if lowered[-1] in _PLACE_WORDS:
        return PLACE
    if after_title or (2 <= len(words) <= 4 and lowered[0] in _VI_SURNAMES_ASCII | _JA_SURNAMES_LATIN):
        return PERSON
    return NAME


def _pair_expansions(found: list[Found], tokens: list[_Token]) -> None:
    """"Japan International Cooperation Agency (JICA)": the acronym and its expansion name each other."""
    for k in range(1, len(tokens) - 1):
        if tokens[k - 1].word == "(" and tokens[k + 1].word == ")" and _is_acronym(tokens[k].word):
            acronym = tokens[k].word
            before = next((f for f in reversed(found) if f.kind not in (ACRONYM, TITLE) and _initials_fit(f.text, acronym)), None)
            if before is None:
                continue
            before.expansion = acronym
            if before.kind == NAME:
                before.kind = ORGANISATION
            for item in found:
                if item.kind == ACRONYM and item.text == acronym:
                    item.expansion = before.text


def _initials_fit(expansion: str, acronym: str) -> bool:
    initials = [w[0] for w in re.findall(r"[^\W\d_][\w'’]*", expansion) if w[0].isupper()]
    letters = [ch for ch in acronym if ch.isalpha()]
    return bool(initials) and initials[0] == letters[0]


# Vietnamese ---------------------------------------------------------------------------------


def _vi_strip(word: str) -> str:
    return word if not word.endswith(".") or word.lower() in _VI_ABBREVIATIONS else word[:-1]


def _vietnamese(text: str, blocked: Blocked) -> list[Found]:
    tokens = _tokens(_VI_TOKEN, text, blocked, _vi_strip)
    lowered = [t.word.lower() for t in tokens]
    found: list[Found] = []
    i = 0
    while i < len(tokens):
        if tokens[i].blocked is not None:
            i += 1
            continue
        head = _vi_phrase(lowered, i, _VI_ORG_HEADS)
        if head and tokens[i].word[:1].isupper():
            end = _vi_org_end(tokens, i + head, text)
            if end > i + head:
                kind = MEETING if _vi_phrase(lowered, i, _VI_MEETING_HEADS) else ORGANISATION
                found.append(Found(text[tokens[i].start : tokens[end - 1].end], kind))
                i = end
                continue
        title = _vi_phrase(lowered, i, _VI_TITLES)
        after_title = bool(title) or (i > 0 and tokens[i - 1].blocked == "title")
        if title and tokens[i].word[:1].isupper() and " ".join(lowered[i : i + title]) not in _VI_HONORIFICS:
            title += _vi_portfolio(tokens, i + title)
            if not any(t.blocked is not None for t in tokens[i : i + title]):
                found.append(Found(text[tokens[i].start : tokens[i + title - 1].end], TITLE))
        start = i + title
        if title and _vi_phrase(lowered, start, _VI_ORG_HEADS):  # "Thứ trưởng Bộ Ngoại giao Nguyễn Quốc Dũng"
            org_end = _vi_org_end(tokens, start + _vi_phrase(lowered, start, _VI_ORG_HEADS), text)
            found.append(Found(text[tokens[start].start : tokens[org_end - 1].end], ORGANISATION))
            start = org_end
        start += _vi_phrase(lowered, start, sorted(_VI_COUNTRIES)) if after_title else 0
        end = start
        while end < len(tokens) and _vi_name_part(tokens[end]) and (end == start or _spaced(text, tokens[end - 1], tokens[end])):
            end += 1
        if end - start >= 2 and (start > 0 or title):
            words = [t.word for t in tokens[start:end]]
            person = after_title or (words[0].lower() in _VI_SURNAMES and 2 <= len(words) <= 4)
            found.append(Found(text[tokens[start].start : tokens[end - 1].end], PERSON if person else NAME))
            i = end
            continue
        if end - start == 1 and (after_title or _vi_mid_sentence(tokens, lowered, start)) and _vi_single(tokens[start].word):
            found.append(Found(tokens[start].word, PERSON if after_title else NAME, single=True))
        if start == 0:  # a capitalised run opening the sentence may be a word before a title ("Theo Bộ trưởng …")
            end = next((k for k in range(1, end) if _vi_phrase(lowered, k, (*_VI_TITLES, *_VI_ORG_HEADS))), end)
        i = max(i + 1, end)
    for token in tokens:
        if token.blocked is not None:
            continue
        parts = [token.word] if _is_acronym(token.word) else token.word.split("-")
        found += [Found(part, ACRONYM) for part in parts if _is_acronym(part) and part.lower() + "." not in _VI_ABBREVIATIONS]
    return found


def _vi_mid_sentence(tokens: list[_Token], lowered: list[str], i: int) -> bool:
    """Whether a capital at *i* marks a name: not the sentence's first word, not after a quotation
    mark or colon, not a day or month ("thứ Ba")."""
    return i > 0 and tokens[i - 1].word not in _OPENERS | {".", "!", "?"} and lowered[i - 1] not in _VI_DATE_WORDS


_VI_HEAD_WORDS = {phrase.split()[0] for phrase in (*_VI_TITLES, *_VI_ORG_HEADS)}


def _vi_single(word: str) -> bool:
    """Whether one capitalised word can be a name on its own (not the first word of a title or an
    organisation, nor a code such as a currency)."""
    lowered = word.lower()
    letters = sum(ch.isalpha() for ch in word)
    return lowered not in _VI_HEAD_WORDS and lowered.rstrip(".") + "." not in _VI_ABBREVIATIONS and letters >= 2 and not word.isupper()


def _vi_portfolio(tokens: list[_Token], i: int) -> int:
    """How many words after a title name its portfolio ("Bộ trưởng | Tài chính"): a capitalised word and
    its lower-case syllable that make an everyday compound (wordfreq), before a name or the clause's end."""
    if i + 1 >= len(tokens) or not _vi_name_part(tokens[i]) or not tokens[i + 1].word[:1].islower():
        return 0
    following = tokens[i + 2] if i + 2 < len(tokens) else None
    if following is not None and following.word[:1].isalpha() and not following.word[:1].isupper():
        return 0
    compound = f"{tokens[i].word} {tokens[i + 1].word}".lower()
    return 2 if zipf(compound, "vi") >= _PORTFOLIO_ZIPF else 0


# A portfolio is an everyday compound ("tài chính" 5.7, "thương mại" 5.4); a name and a verb are not ("jokowi nói").
_PORTFOLIO_ZIPF = 4.0


def _vi_name_part(token: _Token) -> bool:
    return token.blocked is None and token.word[:1].isupper() and token.word[:1].isalpha() and not _is_acronym(token.word)


def _vi_phrase(lowered: list[str], i: int, phrases: Sequence[str]) -> int:
    """How many tokens from *i* make one of *phrases* (0 if none)."""
    for phrase in sorted(phrases, key=lambda p: -len(p.split())):
        words = phrase.split()
        if lowered[i : i + len(words)] == words:
            return len(words)
    return 0


def _vi_org_end(tokens: list[_Token], i: int, text: str) -> int:
    """Where an organisation's name ends: words start with a capital, but a compound's other syllables
    may not ("Bộ Ngoại giao", "Ngân hàng Phát triển châu Á"); it stops at a glossary term or a person."""
    end = j = i
    while j < len(tokens) and tokens[j].blocked is None and _spaced(text, tokens[j - 1], tokens[j]):
        word = tokens[j].word
        if word[:1].isupper() and word[:1].isalpha():
            if tokens[j - 1].word[:1].islower() and word.lower() in _VI_SURNAMES:
                end = j
                break  # "Bộ Ngoại giao | Nguyễn Quốc Dũng": a person's name follows
            end = j = j + 1
            continue
        lower = j
        while lower < len(tokens) and lower - j < 2 and tokens[lower].word[:1].islower() and _spaced(text, tokens[lower - 1], tokens[lower]):
            lower += 1
        if lower == j or end == i:
            break
        following = tokens[lower] if lower < len(tokens) else None
        if following is not None and following.word[:1].isupper() and _spaced(text, tokens[lower - 1], following):
            j = lower  # lower-case syllables inside the name
            continue
        if lower - j == 1 and (following is None or not following.word[:1].isalnum()):
            end = lower  # the name's last compound ends the sentence or the clause
        break
    return end


# Japanese -----------------------------------------------------------------------------------


def _japanese(text: str) -> list[Found]:
    found: list[Found] = []
    for match in _JA_KATAKANA_NAME.finditer(text):
        found.append(Found(match.group(0), PERSON))
        found += _ja_title_after(text, match.end())
    for match in _JA_KATAKANA_WORD.finditer(text):
        found += _ja_katakana_word(text, match)
    for match in re.finditer(rf"(?<!{_KANJI})({_KANJI}{{2,4}}?)(?:{_JA_TITLE.pattern})(?!{_KANJI})", text):
        name = match.group(1)
        if not _JA_TITLE.match(name) and not any(t.startswith(name) or name.endswith(t) for t in _JA_TITLES):
            found.append(Found(name, PERSON))
            found += _ja_title_after(text, match.end(1))
    suffixes = "|".join(sorted(map(re.escape, _JA_ORG_SUFFIXES), key=len, reverse=True))
    for match in re.finditer(rf"(?:[A-Z]+・?)?(?:{_KANJI}|{_KATAKANA}|・)+?(?:{suffixes})(?!{_KANJI}|{_KATAKANA})", text):
        name = match.group(0).lstrip("・")
        if len(name) >= 3:
            found.append(Found(name, _ja_kind(name)))
    for match in re.finditer(rf"(?<![A-Za-z])((?:[A-Z]+・?)?(?:{_KANJI}|{_KATAKANA}|・){{3,}})[（(]([A-Z][A-Z0-9&-]+)[）)]", text):
        name, acronym = match.group(1), match.group(2)  # "政府開発援助（ODA）": the expansion of an acronym
        if not any(f.text == name for f in found):
            found.append(Found(name, ORGANISATION, acronym))
    for match in _JA_LATIN_ACRONYM.finditer(text):
        if match.group(0) not in _NOT_TERMS:
            found.append(Found(match.group(0), ACRONYM))
    return found


def _ja_title_after(text: str, at: int) -> list[Found]:
    """The title written right after a name ("…財務相", "…大統領"), as a title term; forms of address are not."""
    title = _JA_TITLE.match(text, at)
    return [Found(title.group(0), TITLE)] if title and title.group(0) not in _JA_HONORIFICS else []


def _ja_katakana_word(text: str, match: re.Match[str]) -> list[Found]:
    """A katakana word on its own ("バンコク", "スハルト氏"): a name unless it is part of a compound with kanji
    (an organisation's or a place's name is found whole) or wordfreq ranks it an everyday loanword."""
    before, after = text[match.start() - 1 : match.start()], text[match.end() :]
    title = _JA_TITLE.match(after)
    if re.match(_KANJI, before) or (re.match(_KANJI, after) and not title and not after.startswith(_JA_PLACE_SUFFIXES)):
        return []
    word = match.group(0)
    if title:
        return [Found(word, PERSON, single=True), *_ja_title_after(text, match.end())]
    return [Found(word, PLACE if after.startswith(_JA_PLACE_SUFFIXES) else NAME, single=True)]


def _ja_kind(name: str) -> str:
    if name.endswith(("会議", "フォーラム")):
        return MEETING
    if name.endswith(("宣言", "条約", "協定", "戦略", "共同声明", "パートナーシップ")):
        return DOCUMENT
    return ORGANISATION
