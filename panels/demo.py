"""Demo program: about twenty published panels over the five themes, two days and three rooms,
two draft proposals waiting for a slot, and the coffee breaks, lunch and registration desk of
each day.

Idempotent: panels are found by their English title, so a second run changes nothing. Speakers
come from the speakers app's demo when it has run; otherwise a handful are created here.
"""

import datetime

from . import selectors, services
from .models import InfoPage, Panel, Participation, ProgramItem

# Panels point at speakers through the models' "speakers.Speaker" reference and never import the
# speakers app (it sits above them): the demo reaches the model the same way.
Speaker = Participation._meta.get_field("speaker").related_model

DEMO_EMAIL_DOMAIN = "@demo.forum.example"

FALLBACK_SPEAKERS = [
    ("Aysel", "Məmmədova", "AZ", "az", "Head of Cyber Defence Policy", "State Service for Special Communication"),
    ("Rəşad", "Əliyev", "AZ", "az", "Director", "National CERT"),
    ("Günel", "Həsənova", "AZ", "az", "Professor of Information Security", "ADA University"),
    ("Elvin", "Quliyev", "AZ", "az", "Chief Information Security Officer", "AzerEnergy"),
    ("Mehmet", "Yılmaz", "TR", "tr", "Head of Department", "USOM"),
    ("Ayşe", "Demir", "TR", "tr", "Research Director", "TÜBİTAK BİLGEM"),
    ("Nurlan", "Seitkali", "KZ", "ru", "Deputy Chairman", "Information Security Committee"),
    ("Aibek", "Toktogulov", "KG", "ru", "Adviser", "Ministry of Digital Development"),
    ("Anna", "Keller", "DE", "en", "Senior Analyst", "European Cyber Security Organisation"),
    ("James", "Carter", "GB", "en", "Founder", "Northwind Security"),
    ("Sofia", "Rossi", "IT", "en", "Programme Manager", "ITU Cybersecurity Division"),
    ("Daniel", "Novak", "CZ", "en", "Incident Response Lead", "FIRST"),
]

# (day index, room index, start, end, theme code, format, language, interpretation, speakers, titles)
PROGRAM = [
    (0, 0, "09:30", "10:15", "ecosystem", "opening", "az", True, 2,
     {"az": "Forumun açılışı", "en": "Opening of the forum", "ru": "Открытие форума", "tr": "Forumun açılışı"}),
    (0, 0, "10:30", "11:15", "ecosystem", "keynote", "en", True, 1,
     {"az": "Milli kibertəhlükəsizlik strategiyası: növbəti beş il",
      "en": "The national cyber security strategy: the next five years",
      "ru": "Национальная стратегия кибербезопасности: следующие пять лет",
      "tr": "Ulusal siber güvenlik stratejisi: önümüzdeki beş yıl"}),
    (0, 0, "11:30", "12:45", "cii", "panel", "az", True, 4,
     {"az": "Enerji sektorunun kibermüdafiəsi", "en": "Cyber defence of the energy sector",
      "ru": "Киберзащита энергетического сектора", "tr": "Enerji sektörünün siber savunması"}),
    (0, 1, "11:30", "12:45", "startups", "panel", "en", False, 3,
     {"az": "Regionda kibertəhlükəsizlik startapları", "en": "Cyber security startups in the region",
      "ru": "Стартапы в области кибербезопасности в регионе", "tr": "Bölgede siber güvenlik girişimleri"}),
    (0, 2, "11:30", "13:00", "education", "workshop", "az", False, 2,
     {"az": "Təlim: insident cavabının ilk saatı", "en": "Workshop: the first hour of incident response",
      "ru": "Мастер-класс: первый час реагирования на инцидент", "tr": "Atölye: olay müdahalesinin ilk saati"}),
    (0, 0, "14:00", "15:15", "ots", "panel", "tr", True, 4,
     {"az": "TDT ölkələri arasında kiberinsident məlumat mübadiləsi",
      "en": "Cyber incident information sharing among OTS states",
      "ru": "Обмен информацией о киберинцидентах между странами ОТГ",
      "tr": "TDT ülkeleri arasında siber olay bilgi paylaşımı"}),
    (0, 1, "14:00", "15:15", "cii", "panel", "ru", True, 3,
     {"az": "Nəqliyyat və logistikada KİI təhlükəsizliyi", "en": "CII security in transport and logistics",
      "ru": "Безопасность КИИ на транспорте и в логистике", "tr": "Ulaşım ve lojistikte KBA güvenliği"}),
    (0, 2, "14:00", "15:30", "startups", "workshop", "en", False, 2,
     {"az": "Təlim: startap üçün təhlükəsiz proqram təminatı", "en": "Workshop: secure software for a startup",
      "ru": "Мастер-класс: безопасная разработка для стартапа", "tr": "Atölye: bir girişim için güvenli yazılım"}),
    (0, 0, "15:45", "17:00", "education", "panel", "az", True, 3,
     {"az": "Kibertəhlükəsizlik mütəxəssislərinin hazırlanması", "en": "Training the cyber security workforce",
      "ru": "Подготовка специалистов по кибербезопасности", "tr": "Siber güvenlik uzmanlarının yetiştirilmesi"}),
    (0, 1, "15:45", "17:00", "ecosystem", "panel", "en", False, 3,
     {"az": "Dövlət və özəl sektor tərəfdaşlığı", "en": "Public-private partnership in cyber security",
      "ru": "Государственно-частное партнёрство в кибербезопасности",
      "tr": "Siber güvenlikte kamu-özel sektör iş birliği"}),
    (1, 0, "09:30", "10:15", "cii", "keynote", "en", True, 1,
     {"az": "Kritik infrastrukturda süni intellekt riskləri", "en": "AI risks in critical infrastructure",
      "ru": "Риски ИИ в критической инфраструктуре", "tr": "Kritik altyapıda yapay zeka riskleri"}),
    (1, 0, "10:30", "11:45", "ots", "panel", "az", True, 4,
     {"az": "TDT-nin ortaq kibertəhlükəsizlik məkanı", "en": "A common cyber security space for the OTS",
      "ru": "Общее пространство кибербезопасности ОТГ", "tr": "TDT için ortak siber güvenlik alanı"}),
    (1, 1, "10:30", "11:45", "education", "panel", "ru", True, 3,
     {"az": "Məktəbdən universitetə: kibergigiyena", "en": "From school to university: cyber hygiene",
      "ru": "От школы до университета: кибергигиена", "tr": "Okuldan üniversiteye: siber hijyen"}),
    (1, 2, "10:30", "12:00", "cii", "workshop", "en", False, 2,
     {"az": "Təlim: SCADA sistemlərinə hücumun simulyasiyası", "en": "Workshop: simulating an attack on SCADA systems",
      "ru": "Мастер-класс: моделирование атаки на SCADA", "tr": "Atölye: SCADA sistemlerine saldırı simülasyonu"}),
    (1, 0, "12:00", "13:15", "startups", "panel", "en", True, 3,
     {"az": "Kibertəhlükəsizliyə investisiya", "en": "Investing in cyber security",
      "ru": "Инвестиции в кибербезопасность", "tr": "Siber güvenliğe yatırım"}),
    (1, 1, "12:00", "13:15", "ecosystem", "panel", "az", False, 3,
     {"az": "Kibercinayətkarlığa qarşı hüquqi çərçivə", "en": "The legal framework against cybercrime",
      "ru": "Правовая база против киберпреступности", "tr": "Siber suçlara karşı hukuki çerçeve"}),
    (1, 0, "14:30", "15:45", "education", "panel", "tr", True, 3,
     {"az": "Kiberpoliqonlar və yarışlar", "en": "Cyber ranges and competitions",
      "ru": "Киберполигоны и соревнования", "tr": "Siber poligonlar ve yarışmalar"}),
    (1, 1, "14:30", "15:45", "ots", "panel", "ru", True, 3,
     {"az": "Regional CERT-lərin əməkdaşlığı", "en": "Cooperation of regional CERTs",
      "ru": "Сотрудничество региональных CERT", "tr": "Bölgesel CERT'lerin iş birliği"}),
    (1, 2, "14:30", "16:00", "startups", "workshop", "az", False, 2,
     {"az": "Təlim: startap ideyasının təqdimatı", "en": "Workshop: pitching a security startup",
      "ru": "Мастер-класс: презентация стартапа", "tr": "Atölye: güvenlik girişimi sunumu"}),
    (1, 0, "16:15", "17:00", "ecosystem", "closing", "az", True, 2,
     {"az": "Forumun bağlanışı və nəticələr", "en": "Closing and conclusions",
      "ru": "Закрытие форума и итоги", "tr": "Kapanış ve sonuçlar"}),
]  # fmt: skip


def _speaker_pool(stdout):
    pool = list(Speaker.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN).order_by("id"))
    if len(pool) >= len(FALLBACK_SPEAKERS):
        return pool
    for first, last, country, language, position, organization in FALLBACK_SPEAKERS:
        email = f"{first}.{last}".lower().encode("ascii", "ignore").decode() + DEMO_EMAIL_DOMAIN
        Speaker.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "country": country,
                "preferred_language": language,
                "position": position,
                "organization": organization,
                "publish_consent": True,
            },
        )
    return list(Speaker.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN).order_by("id"))


# Proposals not yet placed: the grid lists them beside the schedule, ready to be dragged into a slot.
DRAFTS = [
    ("cii", "workshop", "en",
     {"az": "Seminar: SCADA şəbəkələrində anomaliyaların aşkarlanması",
      "en": "Workshop: spotting anomalies in SCADA networks",
      "ru": "Семинар: поиск аномалий в сетях SCADA",
      "tr": "Atölye: SCADA ağlarında anormallikleri tespit etmek"}),
    ("ots", "panel", "ru",
     {"az": "TDT ölkələrində kibertəhlükəsizlik üzrə kadr mübadiləsi",
      "en": "Exchanging cyber security talent across the OTS",
      "ru": "Обмен кадрами в сфере кибербезопасности в странах ОТГ",
      "tr": "TDT ülkeleri arasında siber güvenlik yetenek değişimi"}),
]  # fmt: skip


_BREAK = {"az": "Kofe fasiləsi", "en": "Coffee break", "ru": "Кофе-брейк", "tr": "Kahve arası"}
_LUNCH = {"az": "Nahar", "en": "Lunch", "ru": "Обед", "tr": "Öğle yemeği"}
_DESK = {
    "az": "Qeydiyyat və qarşılama kofesi", "en": "Registration and welcome coffee",
    "ru": "Регистрация и приветственный кофе", "tr": "Kayıt ve karşılama kahvesi",
}  # fmt: skip
_RECEPTION = {
    "az": "Şəbəkələşmə qəbulu", "en": "Networking reception", "ru": "Нетворкинг-приём", "tr": "Tanışma resepsiyonu",
}  # fmt: skip
# (day index, start, end, kind, titles): across all rooms.
ITEMS = [
    (0, "09:00", "09:30", "registration", _DESK),
    (0, "10:15", "10:30", "break", _BREAK),
    (0, "13:00", "14:00", "lunch", _LUNCH),
    (0, "15:30", "15:45", "break", _BREAK),
    (0, "17:00", "18:00", "networking", _RECEPTION),
    (1, "09:00", "09:30", "registration", _DESK),
    (1, "10:15", "10:30", "break", _BREAK),
    (1, "13:15", "14:30", "lunch", _LUNCH),
    (1, "16:00", "16:15", "break", _BREAK),
]  # fmt: skip


def _seed_items(forum):
    existing = set(ProgramItem.objects.filter(forum=forum).values_list("start", "kind"))
    for day, start, end, kind, titles in ITEMS:
        if day >= len(forum.days):
            continue
        start_at = forum.local_datetime(forum.days[day], _clock(start))
        if (start_at, kind) in existing:
            continue
        end_at = forum.local_datetime(forum.days[day], _clock(end))
        services.place_program_item(forum=forum, kind=kind, title=titles, start=start_at, end=end_at)


# (kind, {lang: title}, {lang: body}, {lang: accessibility})
PAGES = [
    ("terms",
     {"az": "İştirak şərtləri", "en": "Terms of participation", "ru": "Условия участия", "tr": "Katılım koşulları"},
     {"az": "İştirak pulsuzdur və qeydiyyat tələb edir. Girişdə şəxsiyyət vəsiqəsi və QR nişan təqdim olunur.\n\n"
            "Zallarda foto və video çəkiliş aparılır.",
      "en": "Attendance is free and needs a registration. Bring an identity document and your QR badge.\n\n"
            "Photos and video are taken in the halls.",
      "ru": "Участие бесплатное, нужна регистрация. Возьмите удостоверение личности и QR-бейдж.\n\n"
            "В залах ведётся фото- и видеосъёмка.",
      "tr": "Katılım ücretsizdir ve kayıt gerektirir. Kimlik belgenizi ve QR yaka kartınızı getirin.\n\n"
            "Salonlarda fotoğraf ve video çekimi yapılır."},
     {}),
    ("privacy",
     {"az": "Məxfilik bildirişi", "en": "Privacy notice", "ru": "Уведомление о конфиденциальности",
      "tr": "Gizlilik bildirimi"},
     {"az": "Məlumatlarınız yalnız forumun təşkili üçün istifadə olunur və forumdan sonra anonimləşdirilir.",
      "en": "Your data is used only to run the forum and is anonymized after it ends.",
      "ru": "Ваши данные используются только для проведения форума и обезличиваются после его окончания.",
      "tr": "Verileriniz yalnızca forumun düzenlenmesi için kullanılır ve forumdan sonra anonimleştirilir."},
     {}),
    ("contact",
     {"az": "Əlaqə", "en": "Contact", "ru": "Контакты", "tr": "İletişim"},
     {"az": "Təşkilat komitəsi: info@forum.example, +994 12 000 00 00 (iş günləri 09:00–18:00).",
      "en": "Organizing committee: info@forum.example, +994 12 000 00 00 (weekdays 09:00–18:00).",
      "ru": "Оргкомитет: info@forum.example, +994 12 000 00 00 (по будням 09:00–18:00).",
      "tr": "Düzenleme komitesi: info@forum.example, +994 12 000 00 00 (hafta içi 09:00–18:00)."},
     {}),
    ("venue",
     {"az": "Məkan və yol", "en": "Venue and directions", "ru": "Место и как добраться", "tr": "Mekân ve ulaşım"},
     {"az": "Metro: «28 May» stansiyası, 10 dəqiqəlik piyada yol. Avtobus: 5, 88. Parkinq girişdə.",
      "en": "Metro: 28 May station, a ten-minute walk. Buses 5 and 88. Parking at the entrance.",
      "ru": "Метро: станция «28 Мая», десять минут пешком. Автобусы 5 и 88. Парковка у входа.",
      "tr": "Metro: 28 May istasyonu, on dakika yürüme. 5 ve 88 numaralı otobüsler. Girişte otopark."},
     {"az": "Pilləsiz giriş və liftlər bütün mərtəbələrdədir. Böyük zalda eşitmə ilgəyi var; "
            "sakit otaq 2-ci mərtəbədədir.",
      "en": "Step-free entrance and lifts to every floor. Hearing loop in the Main Hall; a quiet room on floor 2.",
      "ru": "Вход без ступеней и лифты на все этажи. Индукционная петля в Большом зале; тихая комната на 2-м этаже.",
      "tr": "Basamaksız giriş ve her kata asansör. Büyük salonda işitme döngüsü; 2. katta sessiz oda."}),
]  # fmt: skip


def _seed_pages(forum):
    written = set(InfoPage.objects.filter(forum=forum).values_list("kind", flat=True))
    for kind, titles, bodies, access in PAGES:
        if kind in written:
            continue
        page = InfoPage(forum=forum, kind=kind, title=titles["az"], body=bodies["az"])
        page.accessibility = access.get("az", "")
        for lang in titles:
            setattr(page, f"title_{lang}", titles[lang])
            setattr(page, f"body_{lang}", bodies[lang])
            setattr(page, f"accessibility_{lang}", access.get(lang, ""))
        page.save()


def _clock(value):
    hours, minutes = map(int, value.split(":"))
    return datetime.time(hours, minutes)


def seed(*, forum, stdout=None):
    existing = set(Panel.objects.filter(forum=forum).values_list("title_en", flat=True))
    _seed_drafts(forum, existing)
    _seed_items(forum)
    _seed_pages(forum)
    todo = [entry for entry in PROGRAM if entry[-1]["en"] not in existing]
    if not todo:
        return []
    rooms = list(forum.rooms.order_by("order", "id"))
    themes = {theme.code: theme for theme in forum.themes.all()}
    pool = _speaker_pool(stdout)
    busy = {}  # speaker id -> [(start, end)] of this run's panels
    for placed in Panel.objects.filter(forum=forum, start__isnull=False).prefetch_related("participations"):
        for participation in placed.participations.all():
            busy.setdefault(participation.speaker_id, []).append((placed.start, placed.end))
    cursor = 0
    created = []
    for day, room_index, start, end, theme, format_, language, interpretation, count, titles in todo:
        start_at = forum.local_datetime(forum.days[day], _clock(start))
        end_at = forum.local_datetime(forum.days[day], _clock(end))
        unavailable = set(
            selectors.speakers_unavailable(forum=forum, speaker_ids=[s.pk for s in pool], start=start_at, end=end_at)
        )
        chosen = []
        for step in range(len(pool)):
            candidate = pool[(cursor + step) % len(pool)]
            free = all(not (s < end_at and start_at < e) for s, e in busy.get(candidate.pk, []))
            if free and candidate.pk not in unavailable:
                chosen.append(candidate)
            if len(chosen) == count:
                break
        cursor = (cursor + count) % len(pool)
        panel = services.create_panel(
            forum=forum,
            title=titles,
            description={
                "az": f"{titles['az']}: mütəxəssislər təcrübə və yanaşmalarını bölüşür.",
                "en": f"{titles['en']}: experts share what works and what does not.",
            },
            theme=themes.get(theme),
            format=format_,
            language=language,
            interpretation=interpretation,
        )
        for order, speaker in enumerate(chosen):
            role = "keynote" if format_ == "keynote" else ("moderator" if order == 0 and count > 2 else "panelist")
            services.add_participant(panel=panel, speaker=speaker, role=role, order=order)
            busy.setdefault(speaker.pk, []).append((start_at, end_at))
        placement = services.schedule_panel(
            panel=panel, room=rooms[room_index % len(rooms)], start=start_at, end=end_at
        )
        created.append(services.publish_panel(panel=placement.panel))
    if stdout:
        stdout.write(f"Demo program: {len(created)} panels published.")
    return created


def _seed_drafts(forum, existing):
    themes = {theme.code: theme for theme in forum.themes.all()}
    for theme, format_, language, titles in DRAFTS:
        if titles["en"] not in existing:
            services.create_panel(forum=forum, title=titles, theme=themes.get(theme), format=format_, language=language)
