import datetime

import pytest

from visas import azerbaijani


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Almaniya", "Almaniyadakı"),
        ("Norveç", "Norveçdəki"),
        ("Türkiyə", "Türkiyədəki"),
        ("Gürcüstan", "Gürcüstandakı"),
        ("İsrail", "İsraildəki"),
        ("Koreya Respublikası", "Koreya Respublikasındakı"),
        ("Amerika Birləşmiş Ştatları", "Amerika Birləşmiş Ştatlarındakı"),
        ("Birləşmiş Ərəb Əmirlikləri", "Birləşmiş Ərəb Əmirliklərindəki"),
        ("Böyük Britaniya", "Böyük Britaniyadakı"),
    ],
)
def test_locative_follows_vowel_harmony_and_the_buffer_n(name, expected):
    assert azerbaijani.locative_adjective(name) == expected


def test_dates_are_written_with_azerbaijani_month_names():
    assert azerbaijani.date(datetime.date(2026, 9, 3)) == "3 sentyabr 2026"
