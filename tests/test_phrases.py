"""Each language says every kind of statement compose chooses, through an explicit table."""

from __future__ import annotations

import pytest

from ictrade.release import en, ko
from ictrade.release.lang import PHRASES
from ictrade.release.statement import KINDS


@pytest.mark.parametrize("lang", sorted(PHRASES))
def test_every_kind_has_a_phrase_in_each_language(lang):
    assert sorted(PHRASES[lang]) == sorted(KINDS)
    assert all(callable(p) for p in PHRASES[lang].values())


def test_the_tables_are_the_language_modules_own():
    assert PHRASES == {"en": en.PHRASES, "ko": ko.PHRASES}
