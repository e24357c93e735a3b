"""Azerbaijani wording the letter needs and the country list does not ship: country names, dates,
and the locative form of a country name ("Almaniyadakı"), which follows vowel harmony."""

MONTHS = ["yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr",
          "dekabr"]  # fmt: skip

# The countries experts come from most often; others fall back to the English name.
COUNTRIES = {
    "AE": "Birləşmiş Ərəb Əmirlikləri", "AM": "Ermənistan", "AT": "Avstriya", "AU": "Avstraliya",
    "BE": "Belçika", "BG": "Bolqarıstan", "BR": "Braziliya", "BY": "Belarus", "CA": "Kanada",
    "CH": "İsveçrə", "CN": "Çin", "CZ": "Çexiya", "DE": "Almaniya", "DK": "Danimarka", "EE": "Estoniya",
    "EG": "Misir", "ES": "İspaniya", "FI": "Finlandiya", "FR": "Fransa", "GB": "Böyük Britaniya",
    "GE": "Gürcüstan", "GR": "Yunanıstan", "HR": "Xorvatiya", "HU": "Macarıstan", "ID": "İndoneziya",
    "IE": "İrlandiya", "IL": "İsrail", "IN": "Hindistan", "IR": "İran", "IT": "İtaliya", "JP": "Yaponiya",
    "KR": "Koreya Respublikası", "KZ": "Qazaxıstan", "LT": "Litva", "LV": "Latviya", "MD": "Moldova",
    "MY": "Malayziya", "NG": "Nigeriya", "NL": "Niderland", "NO": "Norveç", "PK": "Pakistan", "PL": "Polşa",
    "PT": "Portuqaliya", "QA": "Qətər", "RO": "Rumıniya", "RS": "Serbiya", "RU": "Rusiya", "SA": "Səudiyyə Ərəbistanı",
    "SE": "İsveç", "SG": "Sinqapur", "SK": "Slovakiya", "TR": "Türkiyə", "UA": "Ukrayna",
    "US": "Amerika Birləşmiş Ştatları", "UZ": "Özbəkistan", "AZ": "Azərbaycan", "TM": "Türkmənistan",
    "KG": "Qırğızıstan", "TJ": "Tacikistan", "SI": "Sloveniya", "LU": "Lüksemburq", "NZ": "Yeni Zelandiya",
}  # fmt: skip

BACK_VOWELS = set("aıouAIOU")
FRONT_VOWELS = set("eəiöüEƏİÖÜ")
VOWELS = BACK_VOWELS | FRONT_VOWELS


def country_name(country):
    return COUNTRIES.get(country.code, country.name)


def date(day):
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def locative_adjective(name):
    """ "Almaniya" → "Almaniyadakı", "Norveç" → "Norveçdəki", "Koreya Respublikası" →
    "Koreya Respublikasındakı": -da/-də by the last vowel, with the buffer "n" after a
    possessive ending (a name of more than one word ending in ı/i/u/ü)."""
    last_vowel = next((ch for ch in reversed(name) if ch in VOWELS), "a")
    back = last_vowel in BACK_VOWELS
    suffix = "dakı" if back else "dəki"
    if " " in name and name[-1] in "ıiuü":
        suffix = "n" + suffix
    return name + suffix
