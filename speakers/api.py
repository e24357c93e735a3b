"""REST API of the speakers app, registered under /api/v1/.

* ``speakers/``: public profiles (consented speakers taking part in a public forum); never email,
  phone, passport or travel data.
* ``organizer/speakers/`` and ``organizer/invitations/``: organizers' CRUD and invitation actions.
* ``rsvp/<token>/``: the invited expert's own actions, by token (one guessing budget with the pages).
"""

import re

from django.conf import settings
from django_countries import countries
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.forms import parse_id
from core.rest.fields import TranslatedTextField
from core.rest.filters import SLUG_PATTERN, ForumFilterSet, SlugFilter
from core.rest.permissions import AnyoneWithTheLink, IsOrganizer
from core.rest.schema import ErrorSerializer
from core.rest.throttles import throttle
from forum.models import Forum
from forum.selectors import public_forums
from panels import selectors as panel_selectors
from panels.models import Panel, Participation

from . import limits, selectors, services
from .models import Invitation, InvitationPanel, Speaker

# --- public ------------------------------------------------------------------------------------


class PublicSessionSerializer(serializers.Serializer):
    panel = serializers.IntegerField(source="panel_id")
    title = serializers.CharField(source="panel.title")
    role = serializers.CharField()
    start = serializers.DateTimeField(source="panel.start")
    end = serializers.DateTimeField(source="panel.end")


class PublicSpeakerSerializer(serializers.ModelSerializer):
    """Only what a speaker agreed to publish."""

    full_name = serializers.CharField(read_only=True, help_text="The name as in the passport (native spelling).")
    display_name = serializers.CharField(
        read_only=True,
        help_text="The name to show a reader of the response's language: the native spelling in Azerbaijani, "
        "the Latin one (where given) in English, Russian and Turkish.",
    )
    position = serializers.CharField(read_only=True, help_text="In the response's language, else in Azerbaijani.")
    organization = serializers.CharField(read_only=True, help_text="In the response's language, else in Azerbaijani.")
    country = serializers.CharField(source="country.code", read_only=True)
    photo = serializers.SerializerMethodField()

    class Meta:
        model = Speaker
        fields = [
            "id", "display_name", "full_name", "honorific", "first_name", "last_name", "first_name_latin",
            "last_name_latin", "position", "organization", "country", "bio", "photo",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True, "description": "null without a photo."})
    def get_photo(self, speaker) -> str | None:
        if not speaker.photo:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(speaker.photo.url) if request else speaker.photo.url


class PublicSpeakerWithSessionsSerializer(PublicSpeakerSerializer):
    sessions = PublicSessionSerializer(source="public_sessions", many=True, read_only=True)

    class Meta(PublicSpeakerSerializer.Meta):
        fields = [*PublicSpeakerSerializer.Meta.fields, "sessions"]
        read_only_fields = fields


class PublicSpeakerFilter(ForumFilterSet):
    forum = SlugFilter(
        method="in_forum",
        help_text="An edition's slug: its speakers only, each with their published sessions there "
        "(an unknown or unpublished edition answers 404).",
    )
    country = filters.ChoiceFilter(choices=countries, method="from_country", help_text="ISO 3166 code, e.g. AZ.")

    class Meta:
        model = Speaker
        fields = ["forum", "country"]

    def from_country(self, queryset, name, value):
        # Only a listed code reaches here (the choice field refuses others with a 400).
        return queryset.filter(country=value)

    def in_forum(self, queryset, name, value):
        return queryset  # the view narrows to the edition (it also picks the serializer with sessions)


@extend_schema_view(
    list=extend_schema(
        summary="List speakers",
        description="Speakers who consented to a public profile and take part in a public edition: name, "
        "position, organization, country, bio and photo (never contact or travel data). With `?forum=<slug>`, "
        "that edition's speakers, each with their published sessions there.",
    ),
    retrieve=extend_schema(summary="One speaker", description="A public speaker profile."),
)
class PublicSpeakerViewSet(viewsets.ReadOnlyModelViewSet):
    """Speakers who consented to a public profile. ``?forum=<slug>`` lists one edition's speakers
    with their published sessions."""

    permission_classes = [permissions.AllowAny]
    filterset_class = PublicSpeakerFilter
    ordering_fields = ["last_name", "first_name", "country"]
    ordering = ["last_name", "first_name", "pk"]

    def _forum(self):
        slug = self.request.query_params.get("forum")
        if not slug or not re.match(SLUG_PATTERN, slug):
            return None  # a malformed slug is the filter's 400 (PublicSpeakerFilter)
        forum = public_forums().filter(slug=slug).first()
        if forum is None:
            raise exceptions.NotFound("No such forum edition.")
        return forum

    def get_serializer_class(self):
        return (
            PublicSpeakerWithSessionsSerializer if self.request.query_params.get("forum") else PublicSpeakerSerializer
        )

    def get_queryset(self):
        forum = self._forum()
        qs = selectors.public_speakers(forum=forum).order_by("last_name", "first_name", "pk")
        if forum is not None:
            qs = qs.prefetch_related(selectors.public_sessions_prefetch(forum))
        return qs


# --- organizers --------------------------------------------------------------------------------

LETTER_UNAVAILABLE = OpenApiResponse(ErrorSerializer, description="No letter yet: the message says what is missing.")


class SpeakerSerializer(serializers.ModelSerializer):
    """Everything about a speaker, for organizers."""

    country = serializers.ChoiceField(choices=countries, help_text="ISO 3166 code, e.g. AZ.")
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    bio = TranslatedTextField(required=False, allow_null_values=True)
    position = TranslatedTextField(required=False, allow_null_values=True)
    organization = TranslatedTextField(required=False, allow_null_values=True)
    photo = serializers.ImageField(read_only=True)

    class Meta:
        model = Speaker
        fields = [
            "id", "honorific", "first_name", "last_name", "first_name_latin", "last_name_latin", "position",
            "organization", "country", "bio", "photo", "email", "phone", "preferred_language", "publish_consent",
            "publish_consent_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "photo", "publish_consent_at", "created_at", "updated_at"]
        extra_kwargs = {"email": {"validators": []}}

    def to_representation(self, speaker):
        data = super().to_representation(speaker)
        for name in ("bio", "position", "organization"):
            data[name] = {lang: getattr(speaker, f"{name}_{lang}") or "" for lang in settings.LANGUAGE_CODES}
        data["country"] = speaker.country.code
        return data

    def create(self, validated_data):
        return services.create_speaker(**validated_data)

    def update(self, instance, validated_data):
        return services.update_speaker(speaker=instance, **validated_data)


class SpeakerFilter(ForumFilterSet):
    preferred_language = filters.ChoiceFilter(choices=settings.LANGUAGES)

    class Meta:
        model = Speaker
        fields = ["country", "publish_consent", "preferred_language"]


@extend_schema_view(
    list=extend_schema(
        summary="List speakers (organizers)",
        description="Every speaker with contact data. Filter by `country`, `publish_consent` and "
        "`preferred_language`; order by `last_name` or `created_at`.",
    ),
    create=extend_schema(
        summary="Add a speaker",
        description="A new speaker; `bio`, `position` and `organization` take a text (Azerbaijani) or "
        "{language: text}. "
        "An email already on file answers 400.",
    ),
    retrieve=extend_schema(summary="One speaker (organizers)", description="Everything about a speaker."),
    update=extend_schema(summary="Replace a speaker's details", description="Every field; through the service."),
    partial_update=extend_schema(summary="Change a speaker's details", description="Only the fields given."),
    destroy=extend_schema(
        summary="Delete a speaker",
        description="Remove a speaker record with their invitations and places on panels; logged and announced.",
    ),
)
class SpeakerViewSet(viewsets.ModelViewSet):
    permission_classes = [IsOrganizer]
    serializer_class = SpeakerSerializer
    queryset = Speaker.objects.order_by("last_name", "first_name", "pk")
    filterset_class = SpeakerFilter
    ordering_fields = ["last_name", "created_at"]

    def perform_destroy(self, instance):
        services.delete_speaker(speaker=instance, by=self.request.user)


class OfferSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="panel.title", read_only=True)

    class Meta:
        model = InvitationPanel
        fields = ["panel", "title", "role", "answer", "answered_at"]
        read_only_fields = ["title", "answer", "answered_at"]


# The passport is not among them: the visa letter step asks it (``/rsvp/<token>/visa-applicant/``).
TRAVEL_API_FIELDS = [
    "arrival_date", "arrival_flight", "departure_date", "departure_flight", "needs_visa_letter", "accommodation",
    "dietary_needs", "accessibility_needs", "interpretation_language", "av_needs",
]  # fmt: skip


class InvitationSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="slug", queryset=Forum.objects.all())
    speaker = serializers.PrimaryKeyRelatedField(queryset=Speaker.objects.all())
    speaker_name = serializers.CharField(source="speaker.display_name", read_only=True)
    foreign = serializers.BooleanField(source="is_foreign", read_only=True)
    offered_panels = OfferSerializer(many=True, read_only=True)
    interpretation_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, allow_blank=True, read_only=True, help_text="Empty when none is needed."
    )

    class Meta:
        model = Invitation
        fields = [
            "id", "forum", "speaker", "speaker_name", "foreign", "state", "response_deadline", "personal_message",
            "send_round", "sent_at", "viewed_at", "accepted_at", "declined_at", "expired_at", "withdrawn_at",
            "last_reminded_at", "decline_reason", "offered_panels", *TRAVEL_API_FIELDS, "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [f for f in fields if f not in {"forum", "speaker", "response_deadline", "personal_message"}]
        validators = []
        extra_kwargs = {"response_deadline": {"required": False}}

    def create(self, validated_data):
        return services.create_invitation(
            invited_by=self.context["request"].user,
            **validated_data,
        )

    def update(self, instance, validated_data):
        validated_data.pop("forum", None)
        validated_data.pop("speaker", None)
        return services.update_invitation(invitation=instance, **validated_data)


class InvitationFilter(ForumFilterSet):
    forum = SlugFilter(field_name="forum__slug", help_text="An edition's slug.")

    class Meta:
        model = Invitation
        fields = ["forum", "state", "needs_visa_letter", "accommodation"]


class OfferPanelInput(serializers.Serializer):
    panel = serializers.PrimaryKeyRelatedField(queryset=Panel.objects.all())
    role = serializers.ChoiceField(choices=Participation.Role.choices, default=Participation.Role.PANELIST)


@extend_schema_view(
    list=extend_schema(
        summary="List invitations",
        description="Invitations with their state, offered panels and travel details. Filter by `forum`, "
        "`state`, `needs_visa_letter` and `accommodation`; order by `response_deadline` or `created_at`.",
    ),
    create=extend_schema(
        summary="Create an invitation",
        description="A draft invitation of a speaker to an edition (sent with the `send` action).",
    ),
    retrieve=extend_schema(summary="One invitation", description="An invitation with its travel details."),
    update=extend_schema(summary="Change an invitation", description="The response deadline and the personal message."),
    partial_update=extend_schema(
        summary="Change part of an invitation", description="The response deadline or the personal message."
    ),
)
class InvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Invitations, for organizers. State changes go through the actions (send, remind, withdraw);
    deleting is withdrawing, so the history stays."""

    permission_classes = [IsOrganizer]
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    ordering_fields = ["response_deadline", "created_at"]

    def get_queryset(self):
        return (
            Invitation.objects.select_related("forum", "speaker")
            .prefetch_related("offered_panels__panel")
            .order_by("forum", "speaker__last_name", "speaker__first_name", "pk")
        )

    def _done(self, invitation):
        invitation = self.get_queryset().get(pk=invitation.pk)
        return Response(self.get_serializer(invitation).data)

    @extend_schema(
        summary="Send an invitation",
        description="Email the invitation with its personal RSVP link (sending again issues a new link).",
        request=None,
        responses=InvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None, version=None):
        return self._done(services.send_invitation(invitation=self.get_object(), by=request.user))

    @extend_schema(
        summary="Remind an invited speaker",
        description="Queue a reminder for an open invitation; `reminded` says whether one was queued (a reminder "
        "already sent for this point in time is not repeated).",
        request=None,
        responses=InvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None, version=None):
        invitation = self.get_object()
        message = services.remind_invitation(invitation=invitation)
        response = self._done(invitation)
        response.data["reminded"] = message is not None
        return response

    @extend_schema(
        summary="Withdraw an invitation",
        description="The link stops working; the history stays.",
        request=None,
        responses=InvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, version=None):
        return self._done(services.withdraw_invitation(invitation=self.get_object()))

    @extend_schema(
        summary="Offer a panel",
        description="Offer the invited speaker a seat on a panel of the same edition, with a role.",
        request=OfferPanelInput,
        responses=InvitationSerializer,
    )
    @action(detail=True, methods=["post"], url_path="offer-panel")
    def offer_panel(self, request, pk=None, version=None):
        invitation = self.get_object()
        data = OfferPanelInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.offer_panel(invitation=invitation, **data.validated_data)
        return self._done(invitation)


# --- RSVP by token -----------------------------------------------------------------------------


class RsvpOfferSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="panel.title")
    start = serializers.DateTimeField(source="panel.start")
    end = serializers.DateTimeField(source="panel.end")

    class Meta:
        model = InvitationPanel
        fields = ["panel", "title", "start", "end", "role", "answer"]


class RsvpSerializer(serializers.ModelSerializer):
    """What the invited expert sees of their own invitation (their own travel data included)."""

    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    forum_name = serializers.CharField(source="forum.name", read_only=True)
    speaker_name = serializers.CharField(source="speaker.display_name", read_only=True)
    offered_panels = RsvpOfferSerializer(many=True, read_only=True)
    interpretation_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, allow_blank=True, read_only=True, help_text="Empty when none is needed."
    )
    availability = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "forum", "forum_name", "speaker_name", "state", "response_deadline", "personal_message",
            "offered_panels", *TRAVEL_API_FIELDS, "availability",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "start": {"type": "string", "format": "date-time"},
                    "end": {"type": "string", "format": "date-time"},
                },
            },
        }
    )
    def get_availability(self, invitation):
        return [
            {"start": w.start.isoformat(), "end": w.end.isoformat()}
            for w in panel_selectors.speaker_availability(forum=invitation.forum, speaker=invitation.speaker)
        ]


class RespondInput(serializers.Serializer):
    attend = serializers.BooleanField()
    panels = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate_panels(self, value):
        answers = {parse_id(key): answer for key, answer in value.items()}
        if None in answers:
            raise serializers.ValidationError("Panel ids are numbers.")
        return answers


class TravelInput(serializers.Serializer):
    arrival_date = serializers.DateField(required=False, allow_null=True)
    arrival_flight = serializers.CharField(required=False, allow_blank=True, max_length=40)
    departure_date = serializers.DateField(required=False, allow_null=True)
    departure_flight = serializers.CharField(required=False, allow_blank=True, max_length=40)
    needs_visa_letter = serializers.BooleanField(required=False)
    accommodation = serializers.ChoiceField(choices=Invitation.Accommodation.choices, required=False)
    dietary_needs = serializers.CharField(required=False, allow_blank=True, max_length=300)
    accessibility_needs = serializers.CharField(required=False, allow_blank=True, max_length=300)
    interpretation_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, allow_blank=True, help_text="Empty when none is needed."
    )
    av_needs = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate(self, attrs):
        # Said plainly rather than ignored: a client that still sends the passport here learns
        # where it goes now.
        passport = sorted(set(self.initial_data) & services.PASSPORT_FIELDS)
        if passport:
            message = (
                "Passport details are given with the visa applicant's data "
                "(PUT /api/v1/rsvp/<token>/visa-applicant/), not with the travel details."
            )
            raise serializers.ValidationError({key: [message] for key in passport})
        return attrs


class WindowInput(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class AvailabilityInput(serializers.Serializer):
    windows = WindowInput(many=True)


class RsvpViewSet(viewsets.ViewSet):
    """The invited expert's actions, authorised by the token from their email. Any token that does
    not open an invitation gets the same 404."""

    authentication_classes = []
    permission_classes = [AnyoneWithTheLink]
    # One guessing budget with the RSVP pages (RSVP_RATE_LIMIT per address, pages and API together).
    throttle_classes = [throttle(limits.PERSONAL_LINK)]
    lookup_field = "token"
    lookup_value_regex = "[^/]+"
    serializer_class = RsvpSerializer

    def _invitation(self, token):
        invitation = selectors.invitation_for_token(token=token)
        if invitation is None:
            raise exceptions.NotFound()
        return invitation

    def _show(self, invitation):
        invitation = (
            Invitation.objects.select_related("forum", "speaker")
            .prefetch_related("offered_panels__panel")
            .get(pk=invitation.pk)
        )
        return Response(RsvpSerializer(invitation).data)

    @extend_schema(
        summary="My invitation",
        description="The invitation the RSVP link opens: offered panels, own travel details and availability "
        "(the first visit is recorded). Any link that opens nothing answers the same 404. Throttled "
        "(one guessing budget with the RSVP pages).",
        responses=RsvpSerializer,
    )
    def retrieve(self, request, token=None, version=None):
        invitation = services.record_visit(invitation=self._invitation(token))
        return self._show(invitation)

    @extend_schema(
        summary="Answer the invitation",
        description="Come or not (`attend`), and yes or no per offered panel (`panels`: {panel id: true/false}); "
        "answering again changes the answer until the deadline. A passed deadline, a finished forum or a "
        "cancelled panel answer 409; a panel that was not offered 400. One guessing budget with the RSVP pages.",
        request=RespondInput,
        responses={200: RsvpSerializer, 409: OpenApiResponse(ErrorSerializer, description="Cannot answer now.")},
        examples=[
            OpenApiExample(
                "Accept, one panel of two",
                value={"attend": True, "panels": {"42": True, "43": False}},
                request_only=True,
            ),
            OpenApiExample("Decline", value={"attend": False, "reason": "Another conference."}, request_only=True),
            OpenApiExample(
                "Accepted",
                value={
                    "forum": "ncf-2026",
                    "forum_name": "National Cybersecurity Forum 2026",
                    "speaker_name": "Dr. Leyla Aliyeva",
                    "state": "accepted",
                    "response_deadline": "2026-09-01T19:59:59Z",
                    "personal_message": "",
                    "offered_panels": [
                        {
                            "panel": 42,
                            "title": "Securing the energy grid",
                            "start": "2026-10-14T06:00:00Z",
                            "end": "2026-10-14T07:00:00Z",
                            "role": "panelist",
                            "answer": "accepted",
                        },
                    ],
                    "arrival_date": None,
                    "arrival_flight": "",
                    "departure_date": None,
                    "departure_flight": "",
                    "needs_visa_letter": False,
                    "accommodation": "none",
                    "dietary_needs": "",
                    "accessibility_needs": "",
                    "interpretation_language": "",
                    "av_needs": "",
                    "availability": [],
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Deadline passed",
                value={
                    "code": "deadline_passed",
                    "detail": "The deadline to answer has passed. Please write to the organizers, who can reopen "
                    "your invitation.",
                    "fields": {},
                },
                response_only=True,
                status_codes=["409"],
            ),
            OpenApiExample(
                "Panel not offered",
                value={
                    "code": "unknown_panel",
                    "detail": "That panel was not offered to you.",
                    "fields": {"panels": ["unknown"]},
                },
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Unknown link",
                value={"code": "not_found", "detail": "Not found.", "fields": {}},
                response_only=True,
                status_codes=["404"],
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, token=None, version=None):
        invitation = self._invitation(token)
        data = RespondInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.respond(
            invitation=invitation,
            attend=data.validated_data["attend"],
            panel_answers=data.validated_data["panels"],
            reason=data.validated_data["reason"],
        )
        return self._show(invitation)

    @extend_schema(
        summary="My travel details",
        description="Arrival, departure, whether a visa support letter is needed, accommodation and needs; only "
        "the fields given change. Passport fields here answer 400: the passport goes with the visa applicant's "
        "data (`visa-applicant`). One guessing budget with the RSVP pages.",
        request=TravelInput,
        responses=RsvpSerializer,
    )
    @action(detail=True, methods=["patch"])
    def travel(self, request, token=None, version=None):
        invitation = self._invitation(token)
        data = TravelInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        invitation = services.update_travel(invitation=invitation, **data.validated_data)
        return self._show(invitation)

    @extend_schema(
        summary="My availability",
        description="Replace the windows (within the forum's days) when the speaker can be scheduled. "
        "Shares one guessing budget with the RSVP pages (`RSVP_RATE_LIMIT` per address).",
        request=AvailabilityInput,
        responses=RsvpSerializer,
    )
    @action(detail=True, methods=["put"])
    def availability(self, request, token=None, version=None):
        invitation = self._invitation(token)
        data = AvailabilityInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_availability(
            invitation=invitation, windows=[(w["start"], w["end"]) for w in data.validated_data["windows"]]
        )
        return self._show(invitation)


def register(router):
    """Add this app's viewsets to the v1 router."""
    router.register("speakers", PublicSpeakerViewSet, basename="speaker")
    router.register("organizer/speakers", SpeakerViewSet, basename="organizer-speaker")
    router.register("organizer/invitations", InvitationViewSet, basename="organizer-invitation")
    router.register("rsvp", RsvpViewSet, basename="rsvp")
