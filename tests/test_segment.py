"""Table-driven sentence segmentation over the hard cases of news copy in en, vi and ja."""

import pytest

from transflow.document import CodeKind, InlineCode
from transflow.segment import segment

CASES = [
    # English: abbreviations, initials, numbers, ellipses, quotes and brackets
    ("en", "Mr. Smith arrived. He spoke.", ["Mr. Smith arrived.", "He spoke."]),
    ("en", "Dr. Tanaka met Mrs. Lee.", ["Dr. Tanaka met Mrs. Lee."]),
    ("en", "The meeting was held on Nov. 27 in Hanoi. It ended late.", ["The meeting was held on Nov. 27 in Hanoi.", "It ended late."]),
    ("en", "They met in Jan. 2025 and again in Feb. 2026.", ["They met in Jan. 2025 and again in Feb. 2026."]),
    ("en", "He flew to the U.S. The talks began.", ["He flew to the U.S.", "The talks began."]),
    ("en", "The U.S. Secretary of State arrived.", ["The U.S. Secretary of State arrived."]),
    ("en", "Resolution No. 5 was adopted. No. It was not.", ["Resolution No. 5 was adopted.", "No.", "It was not."]),
    ("en", "J. R. R. Tolkien wrote it. Readers loved it.", ["J. R. R. Tolkien wrote it.", "Readers loved it."]),
    ("en", "Growth reached 3.5 percent. Exports rose.", ["Growth reached 3.5 percent.", "Exports rose."]),
    ("en", "Trade hit 3,000.5 million USD. Imports fell.", ["Trade hit 3,000.5 million USD.", "Imports fell."]),
    ("en", "He paused... Then he continued.", ["He paused...", "Then he continued."]),
    ("en", "He paused… and then continued.", ["He paused… and then continued."]),
    ("en", '"We agree," he said. "It is done."', ['"We agree," he said.', '"It is done."']),
    ("en", '"It is over. We won," he said.', ['"It is over. We won," he said.']),
    ("en", "“It is over. We won,” he said. Others disagreed.", ["“It is over. We won,” he said.", "Others disagreed."]),
    ("en", "He left (the talks were over.) Then he rested.", ["He left (the talks were over.)", "Then he rested."]),
    ("en", "The cost (about 5 bn USD. Roughly.) was high.", ["The cost (about 5 bn USD. Roughly.) was high."]),
    ("en", "Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."]),
    ("en", "What?! Really.", ["What?!", "Really."]),
    ("en", "It opened at 9 a.m. The talks lasted hours.", ["It opened at 9 a.m.", "The talks lasted hours."]),
    ("en", "It opened at 9 a.m. on Monday.", ["It opened at 9 a.m. on Monday."]),
    ("en", "Toyota Motor Corp. The company said so.", ["Toyota Motor Corp.", "The company said so."]),
    ("en", "Apple Inc. said profits rose.", ["Apple Inc. said profits rose."]),
    ("en", "See www.vietnamplus.vn for more. Thanks.", ["See www.vietnamplus.vn for more.", "Thanks."]),
    ("en", "The 2025 plan. 2026 will be better.", ["The 2025 plan.", "2026 will be better."]),
    ("en", "  Leading space. Trailing space.  ", ["Leading space.", "Trailing space."]),
    ("en", "One sentence without a final stop", ["One sentence without a final stop"]),
    ("en", "Prof. Dr. Nguyen spoke at St. Paul's.", ["Prof. Dr. Nguyen spoke at St. Paul's."]),
    # Vietnamese
    ("vi", "ThS. Trần Minh Anh phát biểu. Hội nghị kết thúc.", ["ThS. Trần Minh Anh phát biểu.", "Hội nghị kết thúc."]),
    ("vi", "TS. Lê Hải Bình đến TP. Hồ Chí Minh. Ông họp.", ["TS. Lê Hải Bình đến TP. Hồ Chí Minh.", "Ông họp."]),
    ("vi", "PGS.TS Nguyễn Văn A và GS. Trần B dự họp.", ["PGS.TS Nguyễn Văn A và GS. Trần B dự họp."]),
    ("vi", "GDP tăng 3,5% lên 3.000 tỷ đồng. Đây là mức cao.", ["GDP tăng 3,5% lên 3.000 tỷ đồng.", "Đây là mức cao."]),
    ("vi", "Hội nghị diễn ra ngày 27/11. Các bộ trưởng dự họp.", ["Hội nghị diễn ra ngày 27/11.", "Các bộ trưởng dự họp."]),
    ("vi", "Ông nói: “Chúng tôi đồng ý. Việc này quan trọng.” Sau đó ông rời đi.", ["Ông nói: “Chúng tôi đồng ý. Việc này quan trọng.”", "Sau đó ông rời đi."]),
    ("vi", "Thật không? Đúng vậy! Ông đáp.", ["Thật không?", "Đúng vậy!", "Ông đáp."]),
    ("vi", "Kim ngạch đạt 240,8 tỷ USD. – TTXVN", ["Kim ngạch đạt 240,8 tỷ USD.", "– TTXVN"]),
    ("vi", "Ông Nguyễn Văn A. Bộ Ngoại giao.", ["Ông Nguyễn Văn A. Bộ Ngoại giao."]),
    ("vi", "Ảnh minh họa (Ảnh: TTXVN). Đường phố đông đúc.", ["Ảnh minh họa (Ảnh: TTXVN).", "Đường phố đông đúc."]),
    # Japanese
    ("ja", "日本とASEANは協力を強化する。「重要だ」と述べた。", ["日本とASEANは協力を強化する。", "「重要だ」と述べた。"]),
    ("ja", "外務副大臣は「協力を続ける。」と語った！本当か？はい。", ["外務副大臣は「協力を続ける。」と語った！", "本当か？", "はい。"]),
    ("ja", "彼は「今日は晴れ。明日は雨。」と言った。", ["彼は「今日は晴れ。明日は雨。」と言った。"]),
    ("ja", "会議は11月27日（金）に開かれた。貿易額は2408億ドル。", ["会議は11月27日（金）に開かれた。", "貿易額は2408億ドル。"]),
    ("ja", "成長率は3.5％だった。輸出は増えた。", ["成長率は3.5％だった。", "輸出は増えた。"]),
    ("ja", "『未来へ。』という本を出した。好評だ。", ["『未来へ。』という本を出した。", "好評だ。"]),
    ("ja", "首相は述べた。 次の会合は東京で。", ["首相は述べた。", "次の会合は東京で。"]),
    ("ja", "（写真：VNA）", ["（写真：VNA）"]),
    ("ja", "Mr. Smith は来日した。", ["Mr. Smith は来日した。"]),
    ("ja", "本当に？！そうだ。", ["本当に？！", "そうだ。"]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_segmentation(lang, text, expected):
    assert [text[a:b] for a, b in segment(text, lang)] == expected


def test_never_splits_inside_an_inline_code():
    text = "Read [the U.S. plan. Now](https://a.b/c. D) today. Done."
    link_open = InlineCode(5, 6, CodeKind.OPEN, pair=0)
    close_at = text.index("](")
    link_close = InlineCode(close_at, text.index(" today"), CodeKind.CLOSE, pair=0)
    spans = segment(text, "en", [link_open, link_close])
    assert [text[a:b] for a, b in spans] == ["Read [the U.S. plan. Now](https://a.b/c. D) today.", "Done."]


def test_closing_code_stays_with_its_sentence():
    text = "**It is over.** Next one."
    codes = [InlineCode(0, 2, CodeKind.OPEN, 0), InlineCode(13, 15, CodeKind.CLOSE, 0)]
    assert [text[a:b] for a, b in segment(text, "en", codes)] == ["**It is over.**", "Next one."]


@pytest.mark.parametrize("after, expected", [(" Next one.", ["It is over.<fn1/>", "Next one."]), ("Next one.", ["It is over.<fn1/>Next one."])])
def test_a_note_mark_after_the_full_stop_stays_with_its_sentence_when_a_space_follows(after, expected):
    text = "It is over.<fn1/>" + after
    codes = [InlineCode(11, 17, CodeKind.STANDALONE)]
    assert [text[a:b] for a, b in segment(text, "en", codes)] == expected


def test_vietnamese_text_in_decomposed_form_segments_like_composed():
    import unicodedata

    text = unicodedata.normalize("NFD", "Ông họp. Đây là mức cao.")
    assert len(segment(text, "vi")) == 2
