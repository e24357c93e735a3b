"""Demo speakers for the demo forum: 30 experts, a third from abroad, invitations in every state.

Idempotent: speakers are found by email and invitations by (forum, speaker); nothing existing is
touched. Panels are offered only to invitations created in this run and only if the forum already
has panels (the panels demo runs after this one and seats speakers itself).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from panels.models import Panel, Participation

from . import services
from .models import Invitation, Speaker

S = Invitation.State

POSITIONS = {
    "ciso": {"az": "İnformasiya təhlükəsizliyi direktoru", "en": "Chief Information Security Officer",
             "ru": "Директор по информационной безопасности", "tr": "Bilgi Güvenliği Direktörü"},
    "head_cert": {"az": "CERT rəhbəri", "en": "Head of CERT", "ru": "Руководитель CERT", "tr": "CERT Başkanı"},
    "professor": {"az": "Professor", "en": "Professor", "ru": "Профессор", "tr": "Profesör"},
    "researcher": {"az": "Aparıcı tədqiqatçı", "en": "Lead Researcher", "ru": "Ведущий исследователь",
                   "tr": "Baş Araştırmacı"},
    "director": {"az": "Departament direktoru", "en": "Director", "ru": "Директор департамента",
                 "tr": "Daire Başkanı"},
    "analyst": {"az": "Təhdid kəşfiyyatı analitiki", "en": "Threat Intelligence Analyst",
                "ru": "Аналитик по киберугрозам", "tr": "Tehdit İstihbaratı Analisti"},
    "advisor": {"az": "Siyasət üzrə müşavir", "en": "Policy Advisor", "ru": "Советник по политике",
                "tr": "Politika Danışmanı"},
    "cto": {"az": "Texniki direktor", "en": "Chief Technology Officer", "ru": "Технический директор",
            "tr": "Teknoloji Direktörü"},
}  # fmt: skip

# Organizations written differently in other languages (the others read the same in each).
ORGANIZATIONS = {
    "ADA University": {"az": "ADA Universiteti", "en": "ADA University", "ru": "Университет ADA",
                       "tr": "ADA Üniversitesi"},
    "Baku State University": {"az": "Bakı Dövlət Universiteti", "en": "Baku State University",
                              "ru": "Бакинский государственный университет", "tr": "Bakü Devlet Üniversitesi"},
    "Khazar University": {"az": "Xəzər Universiteti", "en": "Khazar University", "ru": "Университет Хазар",
                          "tr": "Hazar Üniversitesi"},
    "Central Bank of Azerbaijan": {"az": "Azərbaycan Mərkəzi Bankı", "en": "Central Bank of Azerbaijan",
                                   "ru": "Центральный банк Азербайджана", "tr": "Azerbaycan Merkez Bankası"},
    "Azerbaijan Airlines": {"az": "Azərbaycan Hava Yolları", "en": "Azerbaijan Airlines",
                            "ru": "Азербайджанские авиалинии", "tr": "Azerbaycan Hava Yolları"},
    "Middle East Technical University": {"az": "Orta Doğu Texniki Universiteti",
                                         "en": "Middle East Technical University",
                                         "ru": "Ближневосточный технический университет",
                                         "tr": "Orta Doğu Teknik Üniversitesi"},
}  # fmt: skip

# first, last, first (Latin), last (Latin), honorific, position, organization, country, language, state
SPEAKERS = [
    ("Rəşad", "Məmmədov", "Rashad", "Mammadov", "dr", "head_cert", "CERT.az", "AZ", "az", S.ACCEPTED),
    ("Leyla", "Əliyeva", "Leyla", "Aliyeva", "", "ciso", "Kapital Bank", "AZ", "az", S.ACCEPTED),
    ("Elnur", "Hüseynov", "Elnur", "Huseynov", "prof", "professor", "ADA University", "AZ", "az", S.ACCEPTED),
    ("Nigar", "Quliyeva", "Nigar", "Guliyeva", "", "analyst", "AzInTelecom", "AZ", "az", S.ACCEPTED),
    ("Tural", "İsmayılov", "Tural", "Ismayilov", "", "cto", "Azercell", "AZ", "az", S.ACCEPTED),
    (
        "Günay",
        "Rəhimova",
        "Gunay",
        "Rahimova",
        "dr",
        "researcher",
        "ANAS Institute of Information Technology",
        "AZ",
        "az",
        S.ACCEPTED,
    ),
    ("Kamran", "Abbasov", "Kamran", "Abbasov", "", "director", "State Security Service", "AZ", "az", S.ACCEPTED),
    (
        "Səbinə",
        "Nəsirova",
        "Sabina",
        "Nasirova",
        "",
        "advisor",
        "Ministry of Digital Development",
        "AZ",
        "ru",
        S.ACCEPTED,
    ),
    ("Orxan", "Vəliyev", "Orkhan", "Valiyev", "", "ciso", "SOCAR", "AZ", "az", S.SENT),
    ("Aynur", "Kərimova", "Aynur", "Karimova", "", "analyst", "PASHA Bank", "AZ", "az", S.SENT),
    ("Fərid", "Cəfərov", "Farid", "Jafarov", "dr", "researcher", "Baku Higher Oil School", "AZ", "az", S.VIEWED),
    ("Ülviyyə", "Bağırova", "Ulviyya", "Baghirova", "", "director", "Central Bank of Azerbaijan", "AZ", "az", S.VIEWED),
    ("Murad", "Sadıqov", "Murad", "Sadigov", "", "cto", "Bakcell", "AZ", "ru", S.DECLINED),
    ("Zərifə", "Hacıyeva", "Zarifa", "Hajiyeva", "prof", "professor", "Baku State University", "AZ", "az", S.EXPIRED),
    ("Vüsal", "Nəbiyev", "Vusal", "Nabiyev", "", "head_cert", "Azerbaijan Airlines", "AZ", "az", S.DRAFT),
    (
        "Şəbnəm",
        "Qasımova",
        "Shabnam",
        "Gasimova",
        "",
        "advisor",
        "Innovation and Digital Development Agency",
        "AZ",
        "az",
        S.DRAFT,
    ),
    ("Emil", "Axundov", "Emil", "Akhundov", "", "analyst", "Azerbaijan Railways", "AZ", "az", S.WITHDRAWN),
    ("Ramil", "Orucov", "Ramil", "Orujov", "", "ciso", "Unibank", "AZ", "az", S.SENT),
    ("Könül", "Məlikova", "Konul", "Malikova", "dr", "researcher", "Khazar University", "AZ", "az", S.ACCEPTED),
    ("Səməd", "Əsgərov", "Samad", "Asgarov", "", "director", "Azerishig", "AZ", "az", S.ACCEPTED),
    # Foreign experts
    ("Ayşe", "Demir", "Ayse", "Demir", "dr", "head_cert", "USOM (TR-CERT)", "TR", "tr", S.ACCEPTED),
    (
        "Mehmet",
        "Yılmaz",
        "Mehmet",
        "Yilmaz",
        "prof",
        "professor",
        "Middle East Technical University",
        "TR",
        "tr",
        S.VIEWED,
    ),
    ("Ingrid", "Halvorsen", "", "", "", "advisor", "NATO CCDCOE", "NO", "en", S.ACCEPTED),
    ("Lukas", "Becker", "", "", "dr", "researcher", "Fraunhofer SIT", "DE", "en", S.ACCEPTED),
    ("Giorgi", "Beridze", "", "", "", "head_cert", "CERT-GE", "GE", "en", S.SENT),
    ("Marie", "Lefèvre", "Marie", "Lefevre", "", "director", "ANSSI", "FR", "en", S.DECLINED),
    ("Dmitri", "Sokolov", "Dmitri", "Sokolov", "", "cto", "Kazakhtelecom", "KZ", "ru", S.EXPIRED),
    ("Kenji", "Watanabe", "", "", "", "analyst", "JPCERT/CC", "JP", "en", S.DECLINED),
    ("Sarah", "O'Connell", "", "", "dr", "ciso", "University College Dublin", "IE", "en", S.WITHDRAWN),
    ("Amira", "Haddad", "", "", "", "advisor", "ITU", "CH", "en", S.DRAFT),
]

BIOS = {
    "en": "{name} works on {topic} at {org} and has spoken at international cybersecurity conferences.",
    "az": "{name} {org} təşkilatında {topic_az} üzrə çalışır və beynəlxalq kibertəhlükəsizlik konfranslarında "
    "çıxış edib.",
}
TOPICS = {
    "ciso": ("security governance", "təhlükəsizlik idarəçiliyi"),
    "head_cert": ("incident response", "insidentlərə cavab"),
    "professor": ("applied cryptography", "tətbiqi kriptoqrafiya"),
    "researcher": ("industrial control system security", "sənaye idarəetmə sistemlərinin təhlükəsizliyi"),
    "director": ("critical infrastructure protection", "kritik infrastrukturun mühafizəsi"),
    "analyst": ("threat intelligence", "təhdid kəşfiyyatı"),
    "advisor": ("cyber policy and international law", "kibersiyasət və beynəlxalq hüquq"),
    "cto": ("secure network architecture", "təhlükəsiz şəbəkə arxitekturası"),
}


def _email(first_latin, last_latin, first, last):
    local = f"{(first_latin or first)}.{(last_latin or last)}".lower().replace("'", "")
    return f"{local}@demo.forum.example"


def seed(*, forum, stdout=None):
    created_speakers = created_invitations = 0
    now = timezone.now().replace(microsecond=0)
    panels = list(Panel.objects.filter(forum=forum).exclude(status=Panel.Status.CANCELLED).order_by("start", "pk"))
    sample_links = []
    with transaction.atomic():
        for index, (first, last, first_l, last_l, honorific, position, org, country, lang, state) in enumerate(
            SPEAKERS
        ):
            email = _email(first_l, last_l, first, last)
            speaker = Speaker.objects.filter(email=email).first()
            if speaker is None:
                topic, topic_az = TOPICS[position]
                speaker = services.create_speaker(
                    first_name=first,
                    last_name=last,
                    first_name_latin=first_l,
                    last_name_latin=last_l,
                    honorific=honorific,
                    position=POSITIONS[position],
                    organization=ORGANIZATIONS.get(org, org),
                    country=country,
                    email=email,
                    phone=f"+994 50 555 {index:02d} {index * 7 % 100:02d}" if country == "AZ" else "",
                    preferred_language=lang,
                    bio={
                        "en": BIOS["en"].format(name=f"{first_l or first} {last_l or last}", topic=topic, org=org),
                        "az": BIOS["az"].format(
                            name=f"{first} {last}", topic_az=topic_az, org=ORGANIZATIONS.get(org, {}).get("az", org)
                        ),
                    },
                    publish_consent=state == S.ACCEPTED and index % 5 != 4,
                )
                created_speakers += 1
            if Invitation.objects.filter(forum=forum, speaker=speaker).exists():
                continue
            invitation = _invite(forum, speaker, state, now, panels, index)
            created_invitations += 1
            if state in {S.SENT, S.VIEWED, S.ACCEPTED} and len(sample_links) < 3:
                sample_links.append((speaker.full_name, state, invitation.pk))
    if stdout and created_speakers + created_invitations:
        stdout.write(f"Speakers: {created_speakers} created, {created_invitations} invitations.")
        # The emailed links leave the outbox once sent: mint one more link to show here.
        for name, state, pk in sample_links:
            invitation = Invitation.objects.select_related("forum").get(pk=pk)
            link = services.rsvp_url(services.issue_token(invitation, now))
            stdout.write(f"RSVP page of {name} ({state}): {link}")


def _invite(forum, speaker, state, now, panels, index):
    if state == S.EXPIRED:
        sent_at = now - datetime.timedelta(days=20)
        invitation = services.create_invitation(
            forum=forum, speaker=speaker, response_deadline=sent_at + datetime.timedelta(days=10), now=sent_at
        )
        services.send_invitation(invitation=invitation, now=sent_at)
        return services.expire_invitation(invitation=invitation, now=now)
    invitation = services.create_invitation(
        forum=forum,
        speaker=speaker,
        response_deadline=now + datetime.timedelta(days=5 + index % 10),
        personal_message="",
        now=now,
    )
    if panels and state in {S.SENT, S.VIEWED, S.ACCEPTED}:
        role = Participation.Role.MODERATOR if index % 4 == 0 else Participation.Role.PANELIST
        services.offer_panel(invitation=invitation, panel=panels[index % len(panels)], role=role)
    if state == S.DRAFT:
        return invitation
    services.send_invitation(invitation=invitation, now=now - datetime.timedelta(days=3))
    if state == S.VIEWED:
        return services.mark_viewed(invitation=invitation, now=now - datetime.timedelta(days=2))
    if state == S.ACCEPTED:
        answers = {offer.panel_id: True for offer in invitation.offered_panels.all()}
        invitation = services.accept_invitation(
            invitation=invitation, panel_answers=answers, now=now - datetime.timedelta(days=1)
        )
        if speaker.country.code != forum.host_country.code:
            services.update_travel(
                invitation=invitation,
                now=now,
                needs_visa_letter=speaker.country.code not in {"TR", "GE"},
                arrival_date=forum.start_date - datetime.timedelta(days=1),
                departure_date=forum.end_date + datetime.timedelta(days=1),
                arrival_flight=f"J2 {70 + index}",
                accommodation="hotel",
                interpretation_language="en" if speaker.preferred_language == "en" else "",
            )
        return invitation
    if state == S.DECLINED:
        return services.decline_invitation(
            invitation=invitation, reason="Another commitment that week.", now=now - datetime.timedelta(days=1)
        )
    if state == S.WITHDRAWN:
        return services.withdraw_invitation(invitation=invitation, now=now)
    return invitation


def link_panels(*, forum, stdout=None):
    """Offer each open or accepted demo invitation the panels its speaker sits on.

    The panels demo seats speakers after the invitations exist, so this runs after it; accepted
    invitations take their seats as accepted offers. Invitations that already have offers are left
    alone, so a second run changes nothing.
    """
    seats = {}
    for seat in Participation.objects.filter(panel__forum=forum).exclude(panel__status=Panel.Status.CANCELLED):
        seats.setdefault(seat.speaker_id, []).append(seat)
    invitations = Invitation.objects.filter(
        forum=forum,
        state__in=[S.DRAFT, S.SENT, S.VIEWED, S.ACCEPTED],
        speaker__email__endswith="@demo.forum.example",
        offered_panels__isnull=True,
    ).select_related("speaker", "forum")
    linked = 0
    with transaction.atomic():
        for invitation in invitations:
            own_seats = seats.get(invitation.speaker_id, [])
            for seat in own_seats:
                services.offer_panel(invitation=invitation, panel=seat.panel, role=seat.role)
            if own_seats and invitation.state == S.ACCEPTED:
                services.answer_panels(invitation=invitation, panel_answers={seat.panel_id: True for seat in own_seats})
            linked += bool(own_seats)
    if stdout and linked:
        stdout.write(f"Speakers: {linked} invitations linked to their panels.")
