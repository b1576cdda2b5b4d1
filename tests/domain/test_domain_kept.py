"""`kept_origins`: whose five each close of a review shows (domain.kept)."""

from accountreview.domain import kept


def test_the_origin_a_close_shows_is_read_where_it_is_known() -> None:
    text = kept.with_close(kept.with_close(None, 1, "a1"), 3, "c3")
    assert text == '["a1",null,"c3"]'  # compact, as the hub writes it
    assert [kept.shown_origin(text, n) for n in (1, 2, 3, 4)] == ["a1", None, "c3", None]
    assert kept.shown_origin(text, 0) is None and kept.shown_origin(None, 1) is None
    assert kept.shown_origin("not json", 1) is None


def test_the_hub_s_choice_wins_where_it_knows_a_close() -> None:
    assert kept.merged('["a1"]', '["b1","b2"]') == '["a1","b2"]'
    assert kept.merged('["a1",null]', '["b1","b2"]') == '["a1","b2"]'
    assert kept.merged(None, '["b1"]') == '["b1"]'
