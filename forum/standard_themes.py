"""The five panel themes every forum edition has, named in each language of the site."""

STANDARD_THEMES = [
    {
        "code": "ecosystem",
        "colour": "#1f5fa8",
        "name": {
            "az": "Milli kibertəhlükəsizlik ekosistemi",
            "en": "National cyber security ecosystem",
            "ru": "Национальная экосистема кибербезопасности",
            "tr": "Ulusal siber güvenlik ekosistemi",
        },
    },
    {
        "code": "cii",
        "colour": "#b3261e",
        "name": {
            "az": "Kritik informasiya infrastrukturunun (KİI) təhlükəsizliyi",
            "en": "Critical information infrastructure (CII) security",
            "ru": "Безопасность критической информационной инфраструктуры (КИИ)",
            "tr": "Kritik bilgi altyapısı (KBA) güvenliği",
        },
    },
    {
        "code": "startups",
        "colour": "#2e7d32",
        "name": {
            "az": "Kibertəhlükəsizlik həlləri və startaplar",
            "en": "Cyber security solutions and startups",
            "ru": "Решения в области кибербезопасности и стартапы",
            "tr": "Siber güvenlik çözümleri ve girişimler",
        },
    },
    {
        "code": "education",
        "colour": "#8e44ad",
        "name": {
            "az": "Kibertəhlükəsizlik sahəsində təhsil və insan resursları",
            "en": "Education and human resources in cyber security",
            "ru": "Образование и кадровые ресурсы в сфере кибербезопасности",
            "tr": "Siber güvenlikte eğitim ve insan kaynakları",
        },
    },
    {
        "code": "ots",
        "colour": "#00838f",
        "name": {
            "az": "Türk Dövlətləri Təşkilatı (TDT) kontekstində kibertəhlükəsizlik",
            "en": "Cybersecurity in the context of the Organization of Turkic States (OTS)",
            "ru": "Кибербезопасность в контексте Организации тюркских государств (ОТГ)",
            "tr": "Türk Devletleri Teşkilatı (TDT) bağlamında siber güvenlik",
        },
    },
]
