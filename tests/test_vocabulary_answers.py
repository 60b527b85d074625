"""Typed answers: what is accepted as right, as nearly right, and what is rejected."""

import pytest

from bot.vocabulary.answers import check


@pytest.mark.parametrize("typed, expected, notes", [
    ("ei bøtte", "ei bøtte", ()),
    ("Ei Bøtte", "ei bøtte", ()),                        # case does not count
    ("  ei   bøtte. ", "ei bøtte", ()),                  # nor spaces and punctuation
    ("en bøtte", "ei bøtte", ()),                        # every feminine noun may take "en"
    ("bøtte", "ei bøtte", ("article_missing",)),
    ("et kjoeleskap", "et kjøleskap", ("spelled_out",)),  # ø written as oe
    ("aa vaske", "å vaske", ("spelled_out",)),
    ("vaske", "å vaske", ("article_missing",)),
    ("a vaske", "å vaske", ()),
    ("kan jeg hjelpe deg med noe", "Kan jeg hjelpe deg med noe?", ()),
    ("Vil du ha pose", "Vil du ha pose?", ()),
])
def test_right(typed, expected, notes):
    verdict = check(typed, expected)
    assert verdict.right and verdict.typo is None and verdict.notes == notes


@pytest.mark.parametrize("typed, expected, typo", [
    ("ei bøte", "ei bøtte", "missing"),
    ("ei bøttte", "ei bøtte", "extra"),
    ("ei bøtta", "ei bøtte", "wrong"),
    ("ei bøtet", "ei bøtte", "swapped"),
    ("kan jeg hjelpe deg med noa", "Kan jeg hjelpe deg med noe?", "wrong"),
])
def test_one_small_typo_is_nearly_right_and_named(typed, expected, typo):
    verdict = check(typed, expected)
    assert verdict.right and verdict.typo == typo and not verdict.exact


def test_another_article_is_accepted_with_a_note():
    assert check("et kasse", "en kasse").notes == ("article_other",)


@pytest.mark.parametrize("typed, expected", [
    ("", "ei bøtte"),
    ("   ", "ei bøtte"),
    ("ei bøtta!!x", "ei bøtte"),   # two changes
    ("ei bytt", "ei bøtte"),
    ("kost", "en mopp"),           # another word
    ("ko", "en kø"),               # short words take no typo
    ("ei", "ei bøtte"),            # the article alone
])
def test_rejected(typed, expected):
    assert not check(typed, expected).right
