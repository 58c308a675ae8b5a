"""core.segment: the words that go into the search index and the words of a query."""

from core.segment import query_words, segment_for_index, segment_query


class TestSegmentation:
    def test_index_holds_the_words_inside_a_long_name(self):
        words = segment_for_index("井冈山革命博物馆").split()
        assert {"井冈山", "革命", "博物馆"} <= set(words)

    def test_query_words_drop_operators_and_punctuation(self):
        assert segment_query('"AND OR NOT* ^(井冈山)') == "and or not 井冈山"
        assert query_words("南泥湾的故事") == ["南泥湾", "故事"]
        assert query_words("%_\x00") == []

    def test_mixed_chinese_english_and_digits(self):
        assert query_words("Python课程 5G") == ["python", "课程", "5g"]
        assert query_words("Ｐｙｔｈｏｎ") == ["python"]  # full-width typing on phones
