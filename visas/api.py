"""REST API of the visas app, registered under /api/v1/.

* ``organizer/inviting-organizations/<forum>/``, ``organizer/signatories/`` and
  ``organizer/arrival-info/<forum>/``: what the organizers set up once per edition (organizers).
* ``organizer/invitations/<id>/visa-letter/``: an invitation's current letter (organizers).
* ``rsvp/<token>/visa-applicant/`` and ``rsvp/<token>/visa-letter/``: the invited expert's passport
  data and letter, by token (one guessing budget with the RSVP pages).

Every write goes through ``visas.services``; a refused one answers the one error shape.
"""

from django.conf import settings
from django.http import HttpResponse
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from core import passports
from core.rest.fields import TranslatedTextField
from core.rest.filters import ForumFilterSet, SlugFilter
from core.rest.permissions import AnyoneWithTheLink, IsOrganizer
from core.rest.schema import ErrorSerializer
from core.rest.throttles import throttle
from forum.models import Forum
from speakers import limits as speaker_limits
from speakers import selectors as speaker_selectors
from speakers.models import Invitation

from . import selectors, services
from .errors import VisaError
from .models import ArrivalInfo, InvitingOrganization, Signatory, VisaApplicant

LETTER_UNAVAILABLE = OpenApiResponse(
    ErrorSerializer,
    description="No letter yet (`letter_unavailable`): the message says what is missing — the applicant's "
    "passport data, the inviting organization, a signatory with signature and stamp, or an accepted invitation.",
)
FORUM_SLUG = "[-a-zA-Z0-9_]+"
# ISO 3166 codes, one enum in the schema (settings.SPECTACULAR_SETTINGS names it CountryCodeEnum).
COUNTRY_CODES = [(code, code) for code in sorted(dict(countries))]


def _pdf(letter):
    with letter.pdf.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="visa-letter-{letter.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _forum(slug):
    forum = Forum.objects.filter(slug=slug).first()
    if forum is None:
        raise exceptions.NotFound("No such forum edition.")
    return forum


class ForumSlugFilter(ForumFilterSet):
    forum = SlugFilter(method="in_forum", help_text="An edition's slug.")

    def in_forum(self, queryset, name, value):
        return queryset.filter(**{self.forum_path: value})


# --- the inviting organization ------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = InvitingOrganization
        fields = [
            "forum", "legal_name_az", "legal_name_en", "registration_number", "legal_address_az", "legal_address_en",
            "phone", "email", "website", "contact_name", "contact_phone", "contact_email", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["forum", "updated_at"]


class OrganizationFilter(ForumSlugFilter):
    forum_path = "forum__slug"

    class Meta:
        model = InvitingOrganization
        fields = ["forum"]


class ForumKeyedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """One record per edition, addressed by the edition's slug: read it, or PUT it (created on the
    first PUT, replaced after) and PATCH it."""

    permission_classes = [IsOrganizer]
    lookup_field = "forum"
    lookup_value_regex = FORUM_SLUG
    save = None  # the service that creates or changes the record

    def get_object(self):
        forum = _forum(self.kwargs["forum"])
        record = self.get_queryset().filter(forum=forum).first()
        if record is None:
            raise exceptions.NotFound("Not set up for this edition yet.")
        return record

    def retrieve(self, request, forum=None, version=None):
        return Response(self.get_serializer(self.get_object()).data)

    def update(self, request, forum=None, version=None, partial=False):
        edition = _forum(forum)
        data = self.get_serializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        record = type(self).save(forum=edition, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    def partial_update(self, request, forum=None, version=None):
        return self.update(request, forum=forum, version=version, partial=True)


ORGANIZATION_EXAMPLE = {
    "legal_name_az": "Milli Kibertəhlükəsizlik Forumu İctimai Birliyi",
    "legal_name_en": "National Cybersecurity Forum Public Union",
    "registration_number": "1504872311",
    "legal_address_az": "AZ1000, Bakı şəhəri, Nizami küçəsi 10",
    "legal_address_en": "10 Nizami Street, Baku AZ1000, Azerbaijan",
    "phone": "+994 12 555 01 00",
    "email": "visa@cyberforum.az",
    "website": "https://cyberforum.az",
    "contact_name": "Leyla Hasanova",
    "contact_phone": "+994 50 555 01 01",
    "contact_email": "leyla@cyberforum.az",
}


@extend_schema_view(
    list=extend_schema(
        summary="List inviting organizations",
        description="The legal entity that invites, per edition (filter with `?forum=<slug>`).",
    ),
    retrieve=extend_schema(
        summary="An edition's inviting organization",
        description="Its letterhead: legal names (az, en), registration number (VÖEN), legal address, phone, email, "
        "website and the contact person a consulate calls. 404 until set up.",
    ),
    update=extend_schema(
        summary="Set up the inviting organization",
        description="Create (first call) or replace the edition's inviting organization. Letters issued after a "
        "change are new letters; earlier ones then show as replaced once reissued.",
        examples=[OpenApiExample("Organization", value=ORGANIZATION_EXAMPLE, request_only=True)],
    ),
    partial_update=extend_schema(
        summary="Change the inviting organization",
        description="Only the fields given change; a field that must not be empty answers 400.",
    ),
)
class InvitingOrganizationViewSet(ForumKeyedViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    ordering_fields = ["updated_at"]
    save = staticmethod(services.save_organization)

    def get_queryset(self):
        return InvitingOrganization.objects.select_related("forum").order_by("forum__start_date", "pk")


# --- signatories --------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.URI)
class PrivateFileUrlField(serializers.Field):
    """The organizers-only address of a private file (never a public media URL)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source)

    def to_representation(self, value):
        if not value:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(value.url) if request else value.url


class SignatorySerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Forum.objects.all(),
        source="organization.forum",
        help_text="The edition whose organization the person signs for (set up the organization first).",
    )
    signature = serializers.FileField(
        write_only=True,
        help_text="JPEG, PNG or WebP, at most 5 MB; re-encoded as PNG and stored privately. On a change, leave "
        "it out to keep the current image.",
    )
    stamp = serializers.FileField(write_only=True, help_text="As the signature.")
    signature_url = PrivateFileUrlField(source="signature", help_text="Organizers only.")
    stamp_url = PrivateFileUrlField(source="stamp", help_text="Organizers only.")

    class Meta:
        model = Signatory
        fields = ["id", "forum", "name", "title_az", "title_en", "is_active", "position", "signature", "stamp",
                  "signature_url", "stamp_url"]  # fmt: skip
        read_only_fields = ["id"]


class SignatoryFilter(ForumSlugFilter):
    forum_path = "organization__forum__slug"

    class Meta:
        model = Signatory
        fields = ["forum", "is_active"]


@extend_schema_view(
    list=extend_schema(
        summary="List signatories",
        description="People who sign letters, with their private image addresses. Filter by `forum` and "
        "`is_active`. The first active signatory with both images (lowest `position`) signs new letters.",
    ),
    create=extend_schema(
        summary="Add a signatory",
        description="Multipart: `forum`, `name`, `title_az`, `title_en`, `signature`, `stamp` (images checked and "
        "re-encoded by the upload rule, stored privately), `is_active`, `position`. An edition without an "
        "inviting organization answers 409.",
    ),
    retrieve=extend_schema(summary="One signatory", description="Name, titles, order and private image addresses."),
    update=extend_schema(
        summary="Replace a signatory's details",
        description="Every field but the images, which are replaced only when sent.",
    ),
    partial_update=extend_schema(
        summary="Change a signatory", description="Only the fields given; an image sent replaces the current one."
    ),
    destroy=extend_schema(
        summary="Remove a signatory",
        description="Letters already issued keep the name they were signed with and their PDF.",
    ),
)
class SignatoryViewSet(viewsets.ModelViewSet):
    permission_classes = [IsOrganizer]
    serializer_class = SignatorySerializer
    filterset_class = SignatoryFilter
    ordering_fields = ["position", "name"]

    def get_queryset(self):
        return Signatory.objects.select_related("organization__forum").order_by(
            "organization__forum__start_date", "organization", "position", "pk"
        )

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self.action in {"update", "partial_update"}:
            for name in ("signature", "stamp"):
                serializer.fields[name].required = False
            serializer.fields["forum"].read_only = True
        return serializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        forum = data.pop("organization")["forum"]
        organization = InvitingOrganization.objects.filter(forum=forum).first()
        if organization is None:
            raise VisaError(
                "Set up the edition's inviting organization before adding a signatory.",
                code="no_organization",
                status=409,
            )
        serializer.instance = services.add_signatory(organization=organization, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organization", None)
        serializer.instance = services.update_signatory(signatory=serializer.instance, **data)

    def perform_destroy(self, instance):
        services.remove_signatory(signatory=instance)


# --- arrival information ------------------------------------------------------------------------


class ArrivalInfoSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    venue_address = TranslatedTextField(required=False)
    hotel_name = TranslatedTextField(required=False)
    hotel_address = TranslatedTextField(required=False)
    arrival_instructions = TranslatedTextField(
        required=False, help_text="Airport transfer, badge pick-up, what to bring; {language: text}."
    )

    class Meta:
        model = ArrivalInfo
        fields = ["forum", "venue_address", "hotel_name", "hotel_address", "hotel_phone", "arrival_instructions",
                  "contact_phone", "updated_at"]  # fmt: skip
        read_only_fields = ["forum", "updated_at"]

    def to_representation(self, info):
        data = super().to_representation(info)
        for name in services.ARRIVAL_TRANSLATED_FIELDS:
            data[name] = {code: getattr(info, f"{name}_{code}") or "" for code in settings.LANGUAGE_CODES}
        return data


class ArrivalInfoFilter(ForumSlugFilter):
    forum_path = "forum__slug"

    class Meta:
        model = ArrivalInfo
        fields = ["forum"]


ARRIVAL_EXAMPLE = {
    "venue_address": {"az": "Bakı Konqres Mərkəzi, Heydər Əliyev prospekti 1", "en": "Baku Congress Centre"},
    "hotel_name": {"az": "Park Hotel", "en": "Park Hotel"},
    "hotel_address": {"az": "Neftçilər prospekti 5", "en": "5 Neftchilar Avenue"},
    "hotel_phone": "+994 12 555 02 00",
    "arrival_instructions": {"en": "A driver with a forum sign meets you at arrivals."},
    "contact_phone": "+994 50 555 01 01",
}


@extend_schema_view(
    list=extend_schema(
        summary="List arrival information",
        description="What accepted speakers read before they travel, per edition (filter with `?forum=<slug>`).",
    ),
    retrieve=extend_schema(
        summary="An edition's arrival information",
        description="Venue address, hotel, arrival instructions (per language) and a phone number. 404 until set up.",
    ),
    update=extend_schema(
        summary="Set the arrival information",
        description="Create (first call) or change it: the fields given are set. Texts are {language: text} "
        "(az, en, ru, tr) or a plain text (Azerbaijani); a language left empty shows the Azerbaijani text.",
        examples=[
            OpenApiExample(
                "Arrival",
                value=ARRIVAL_EXAMPLE,
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(summary="Change the arrival information", description="Only the fields given."),
)
class ArrivalInfoViewSet(ForumKeyedViewSet):
    serializer_class = ArrivalInfoSerializer
    filterset_class = ArrivalInfoFilter
    ordering_fields = ["updated_at"]
    save = staticmethod(services.save_arrival_info)

    def get_queryset(self):
        return ArrivalInfo.objects.select_related("forum").order_by("forum__start_date", "pk")


# --- an invitation's letter, for organizers -------------------------------------------------------


@extend_schema_view(
    visa_letter=extend_schema(
        summary="Visa letter of an invitation (PDF)",
        description="The current bilingual letter (Azerbaijani and English, signed, stamped, with its QR code): the "
        "valid one when nothing changed since it was issued, otherwise a new one that replaces it. Not ready "
        "answers 409 `letter_unavailable` with what is missing.",
        request=None,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 409: LETTER_UNAVAILABLE},
    )
)
class InvitationLetterViewSet(viewsets.GenericViewSet):
    permission_classes = [IsOrganizer]
    required_permission = "speakers.view_invitation"

    def get_queryset(self):
        return Invitation.objects.select_related("forum", "speaker")

    @action(detail=True, methods=["get"], url_path="visa-letter")
    def visa_letter(self, request, pk=None, version=None):
        invitation = get_object_or_404(self.get_queryset(), pk=pk)
        return _pdf(services.issue_letter(invitation=invitation, by=request.user))


# --- the invited expert's own, by token -----------------------------------------------------------


class ApplicantSerializer(serializers.Serializer):
    """The passport data a letter needs, exactly as in the passport. The consulate's rules (visas/rules.py)
    answer 400 with a message per field."""

    surname = serializers.CharField(max_length=100, allow_blank=True)
    given_names = serializers.CharField(max_length=100, allow_blank=True)
    birth_date = serializers.DateField(allow_null=True)
    birth_place = serializers.CharField(max_length=100, allow_blank=True)
    sex = serializers.ChoiceField(choices=VisaApplicant.Sex.choices, allow_blank=True, required=False, default="")
    nationality = serializers.ChoiceField(choices=COUNTRY_CODES, allow_blank=True)
    passport_number = serializers.CharField(max_length=passports.NUMBER_INPUT_MAX_LENGTH, allow_blank=True)
    passport_issued_on = serializers.DateField(allow_null=True)
    passport_expires_on = serializers.DateField(allow_null=True)
    passport_authority = serializers.CharField(max_length=150, allow_blank=True)
    arrival_date = serializers.DateField(allow_null=True)
    departure_date = serializers.DateField(allow_null=True)
    consulate_country = serializers.ChoiceField(choices=COUNTRY_CODES, allow_blank=True)
    consulate_city = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")


class ApplicantStateSerializer(ApplicantSerializer):
    saved = serializers.BooleanField(help_text="False: not saved yet; the values are what is already known.")
    letter_reference = serializers.CharField(allow_null=True, help_text="The valid letter's reference, if any.")
    letter_ready = serializers.BooleanField(help_text="True when `visa-letter` gives a PDF now.")


APPLICANT_EXAMPLE = {
    "surname": "Weber",
    "given_names": "Anna Maria",
    "birth_date": "1981-04-17",
    "birth_place": "Hamburg",
    "sex": "F",
    "nationality": "DE",
    "passport_number": "C01X00T47",
    "passport_issued_on": "2021-03-02",
    "passport_expires_on": "2031-03-01",
    "passport_authority": "Stadt Hamburg",
    "arrival_date": "2026-10-13",
    "departure_date": "2026-10-17",
    "consulate_country": "DE",
    "consulate_city": "",
}


class RsvpVisaViewSet(viewsets.ViewSet):
    """The invited expert's visa data and letter, authorised by the token from their email. Any
    token that does not open an invitation gets the same 404."""

    authentication_classes = []
    permission_classes = [AnyoneWithTheLink]
    throttle_classes = [throttle(speaker_limits.PERSONAL_LINK)]
    link_budget = ("rsvp", "RSVP_RATE_LIMIT")
    lookup_field = "token"
    lookup_value_regex = "[^/]+"

    def _invitation(self, token):
        invitation = speaker_selectors.invitation_for_token(token=token)
        if invitation is None:
            raise exceptions.NotFound()
        return invitation

    def _state(self, invitation):
        applicant = selectors.applicant_for(invitation)
        values = selectors.applicant_initial(invitation, applicant)
        letter = selectors.valid_letter(invitation)
        data = {name: values.get(name) for name in services.APPLICANT_FIELDS}
        data.update(
            saved=applicant is not None,
            letter_reference=letter.reference if letter else None,
            letter_ready=letter is not None or (applicant is not None and not services.letter_problems(invitation)),
        )
        return Response(ApplicantStateSerializer(data).data)

    @extend_schema(
        summary="My visa applicant data",
        description="GET: the passport data saved for the letter (or, before the first save, what is already "
        "known), whether a letter can be downloaded now. PUT: save it, checked as a consulate would (each broken "
        "rule answers 400 next to its field); the letter is issued at once when the organizers' side is set up. "
        "Only for an accepted invitation (409 otherwise). One guessing budget with the RSVP pages.",
        request=ApplicantSerializer,
        responses={200: ApplicantStateSerializer, 409: OpenApiResponse(ErrorSerializer, description="Not accepted.")},
        examples=[OpenApiExample("Passport data", value=APPLICANT_EXAMPLE, request_only=True)],
    )
    @action(detail=True, methods=["get", "put"], url_path="visa-applicant")
    def visa_applicant(self, request, token=None, version=None):
        invitation = self._invitation(token)
        if request.method == "PUT":
            data = ApplicantSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.submit_applicant(invitation=invitation, **data.validated_data)
            invitation.refresh_from_db()
        return self._state(invitation)

    @extend_schema(
        summary="My visa letter (PDF)",
        description="The bilingual letter once the invitation is accepted, the passport data saved and the "
        "organizers' side set up; otherwise 409 `letter_unavailable` says what is missing. One guessing budget "
        "with the pages.",
        request=None,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 409: LETTER_UNAVAILABLE},
    )
    @action(detail=True, methods=["get"], url_path="visa-letter")
    def visa_letter(self, request, token=None, version=None):
        return _pdf(services.issue_letter(invitation=self._invitation(token)))


def register(router):
    """Add this app's viewsets to the v1 router."""
    router.register("organizer/inviting-organizations", InvitingOrganizationViewSet, basename="inviting-organization")
    router.register("organizer/signatories", SignatoryViewSet, basename="signatory")
    router.register("organizer/arrival-info", ArrivalInfoViewSet, basename="arrival-info")
    router.register("organizer/invitations", InvitationLetterViewSet, basename="invitation-letter")
    router.register("rsvp", RsvpVisaViewSet, basename="rsvp-visa")
