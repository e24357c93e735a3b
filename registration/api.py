"""REST API of the registration app (serializers and viewsets), registered under /api/v1/.

* ``POST registrations/`` public sign-up (throttle scope "registration"), the same service and
  answer as the form: 202 whether the address was new or already registered.
* ``GET registrations/?forum=<slug>`` organizers' list with the page's filters.
* ``GET registration-manage/<token>/``, ``PATCH`` (the panels of interest), ``POST .../confirm/``,
  ``POST .../cancel/``: the person's own registration through their personal link.
* ``POST checkins/`` scanner apps at the door: ``{"forum": slug, "code": badge code}``.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.rest.fields import ConsentField
from core.rest.filters import MAX_ID, BooleanFilter, ForumFilterSet
from core.rest.permissions import AnyoneWithTheLink, IsOrganizer
from core.rest.schema import ErrorSerializer
from core.rest.throttles import BudgetThrottle, PublicAnonThrottle, throttle
from forum.models import Forum
from forum.selectors import public_forums

from . import limits, selectors, services
from .errors import RegistrationError
from .models import Category, Registration

# The service's rule for a phone (digits, spaces, brackets, dashes, an optional leading +, 5 to 40
# characters once trimmed), written without surrounding spaces so the API checks exactly what its
# schema says.
PHONE_PATTERN = r"^(\+?[0-9()\-][0-9 ()\-]{3,38}[0-9()\-])?$"


class RegistrationCreateSerializer(serializers.Serializer):
    """The sign-up form's fields, typed as the service reads them (registration/services.py), so
    the schema says what a valid sign-up is."""

    forum = serializers.SlugField(help_text="The edition's slug.")
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    organization = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=200)
    country = serializers.ChoiceField(choices=countries, help_text="ISO 3166 code, e.g. AZ.")
    phone = serializers.RegexField(
        PHONE_PATTERN,
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Digits, spaces, brackets and dashes, with an optional leading +; empty when not given.",
    )
    category = serializers.ChoiceField(choices=Category.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, default=settings.LANGUAGE_CODE)
    panel_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=100
    )
    consent = ConsentField()
    website = serializers.CharField(required=False, allow_blank=True, default="", help_text="Leave empty.")


ACCEPTED = inline_serializer("RegistrationAccepted", fields={"detail": serializers.CharField()})


class RegistrationSerializer(serializers.ModelSerializer):
    """A registration as organizers see it (personal data included)."""

    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    panels = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    # Plain strings: the choices are documented on the models, and named enums would collide
    # with other apps' "status" in the OpenAPI schema.
    status = serializers.CharField(read_only=True)
    cancel_reason = serializers.CharField(read_only=True)
    category = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id", "forum", "first_name", "last_name", "email", "organization", "position", "country", "phone",
            "category", "language", "panels", "consent_at", "status", "cancel_reason", "hold_expires_at",
            "waitlisted_at", "confirmed_at", "cancelled_at", "checked_in_at", "badge_code", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class OwnRegistrationSerializer(RegistrationSerializer):
    """The person's own view through their link."""

    waitlist_position = serializers.SerializerMethodField()

    class Meta(RegistrationSerializer.Meta):
        fields = [
            "forum", "first_name", "last_name", "email", "organization", "position", "country", "phone",
            "category", "language", "panels", "status", "cancel_reason", "hold_expires_at", "confirmed_at",
            "checked_in_at", "badge_code", "waitlist_position",
        ]  # fmt: skip
        read_only_fields = fields

    def get_waitlist_position(self, registration) -> int | None:
        return selectors.waitlist_position(registration=registration)


class PanelChoiceSerializer(serializers.Serializer):
    panel_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=services.MAX_PANELS_OF_INTEREST,
        required=False,
        help_text="Ids of panels in the edition's public program; the list replaces the earlier choice "
        "(an empty list clears it; left out, the choice stays as it is).",
    )


PANELS_EXAMPLE = OpenApiExample("Choose panels", value={"panel_ids": [42, 57]}, request_only=True)
UNKNOWN_PANELS_EXAMPLE = OpenApiExample(
    "Not in the program",
    value={
        "code": "unknown_panels",
        "detail": "These panels are not in the public program of NCF 2026: 99.",
        "fields": {"panels": ["These panels are not in the public program of NCF 2026: 99."]},
    },
    response_only=True,
    status_codes=["400"],
)


class RegistrationFilter(ForumFilterSet):
    """The organizers' list filters; the rules live in ``selectors.organizer_registrations``."""

    forum = filters.ModelChoiceFilter(
        queryset=Forum.objects.all(), to_field_name="slug", required=True, help_text="The edition's slug (required)."
    )
    q = filters.CharFilter(help_text="Words to find in the name, email or organization, or a badge code.")
    status = filters.ChoiceFilter(choices=Registration.Status.choices)
    category = filters.ChoiceFilter(choices=Category.choices)
    country = filters.ChoiceFilter(choices=countries, help_text="ISO 3166 code, e.g. AZ.")
    checked_in = BooleanFilter(help_text="true: present at the forum; false: not (yet) checked in.")

    class Meta:
        model = Registration
        fields = ["forum", "q", "status", "category", "country", "checked_in"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        checked_in = {True: "yes", False: "no"}.get(data.get("checked_in"), "")
        return selectors.organizer_registrations(
            forum=data["forum"],
            search=data.get("q") or "",
            status=data.get("status") or "",
            category=data.get("category") or "",
            country=data.get("country") or "",
            checked_in=checked_in,
        ).prefetch_related("panels")


REGISTER_EXAMPLE = OpenApiExample(
    "Sign-up",
    value={
        "forum": "ncf-2026", "first_name": "Aysel", "last_name": "Mammadova", "email": "aysel@example.org",
        "organization": "ADA University", "position": "Researcher", "country": "AZ", "phone": "",
        "category": "academia", "language": "en", "panel_ids": [42], "consent": True, "website": "",
    },
    request_only=True,
)  # fmt: skip
ACCEPTED_EXAMPLE = OpenApiExample(
    "Accepted",
    value={"detail": "Check your email: we sent you a message with your personal link."},
    response_only=True,
    status_codes=["202"],
)
INVALID_EXAMPLE = OpenApiExample(
    "Invalid fields",
    value={
        "code": "invalid",
        "detail": "The request has invalid fields.",
        "fields": {"email": ["Enter a valid email address."], "consent": ["Agree to the processing of your data."]},
    },
    response_only=True,
    status_codes=["400"],
)
CLOSED_EXAMPLE = OpenApiExample(
    "Registration closed",
    value={"code": "registration_closed", "detail": "Registration for this edition is not open.", "fields": {}},
    response_only=True,
    status_codes=["409"],
)
THROTTLED_EXAMPLE = OpenApiExample(
    "Too many sign-ups",
    value={"code": "throttled", "detail": "Request was throttled. Expected available in 3599 seconds.", "fields": {}},
    response_only=True,
    status_codes=["429"],
)


@extend_schema_view(
    list=extend_schema(
        summary="List registrations",
        description="One edition's registrations with personal data, in order of registration. Organizers only. "
        "`forum` is required; filter by `q` (name, email, organization or badge code), `status`, `category`, "
        "`country` and `checked_in`; order by `created_at`, `last_name`, `status` or `checked_in_at`.",
    ),
)
class RegistrationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = RegistrationSerializer
    required_permission = "registration.view_registration"
    filterset_class = RegistrationFilter
    ordering_fields = ["created_at", "last_name", "status", "checked_in_at"]
    ordering = ["created_at", "id"]

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [IsOrganizer()]

    def get_throttles(self):
        if self.action == "create":
            return [BudgetThrottle(limits.API_WRITES)]
        return super().get_throttles()

    def get_serializer_class(self):
        if self.action == "create":
            return RegistrationCreateSerializer
        return RegistrationSerializer

    def get_queryset(self):
        # Narrowed to one edition by RegistrationFilter (``?forum=`` is required).
        return Registration.objects.select_related("forum").prefetch_related("panels")

    @extend_schema(
        summary="Register for a forum",
        description="Public sign-up, throttled (scope `registration`). The answer is 202 whether the address is "
        "new or already registered (so it never tells who registered); the personal link goes by email. A full "
        "edition puts the person on the waitlist; a closed window answers 409.",
        request=RegistrationCreateSerializer,
        responses={
            202: ACCEPTED,
            404: OpenApiResponse(ErrorSerializer, description="No such published edition."),
            409: OpenApiResponse(ErrorSerializer, description="Registration closed, or the waitlist is full."),
        },
        examples=[REGISTER_EXAMPLE, ACCEPTED_EXAMPLE, INVALID_EXAMPLE, CLOSED_EXAMPLE, THROTTLED_EXAMPLE],
    )
    def create(self, request, *args, **kwargs):
        serializer = RegistrationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        slug = data.pop("forum")
        honeypot = data.pop("website", "")
        forum = public_forums().filter(slug=slug).first()
        if forum is None:
            raise RegistrationError(_("No such forum edition."), code="unknown_forum", status=404)
        if not honeypot:
            # The same budgets as the page (registration/limits.py): accepted sign-ups per address
            # and per email.
            if limits.refused(request, email=data.get("email", "")):
                raise exceptions.Throttled(
                    detail=_("Too many registrations from your network. Please try again later.")
                )
            services.register(forum=forum, **data)
            limits.count_accepted(request, email=data.get("email", ""))
        return Response(
            {"detail": _("Check your email: we sent you a message with your personal link.")},
            status=status.HTTP_202_ACCEPTED,
        )


class ManageViewSet(viewsets.ViewSet):
    """A person's own registration, reached with the token from their email."""

    permission_classes = [AnyoneWithTheLink]
    authentication_classes = []  # the token in the path is the credential
    lookup_field = "token"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    # One guessing budget with the registration's personal-link pages (REGISTRATION_LINK_RATE per
    # address, pages and API together).
    throttle_classes = [PublicAnonThrottle, throttle(limits.PERSONAL_LINK)]

    def get_throttles(self):
        # Writes by link are public writes: the "registration" scope, like sign-up, on top of the
        # link's guessing budget.
        if self.action in {"confirm", "cancel", "partial_update"}:
            return [BudgetThrottle(limits.API_WRITES), BudgetThrottle(limits.PERSONAL_LINK)]
        return super().get_throttles()

    def _registration(self, token):
        access = selectors.access_for_token(token=token)
        if access is None or access.registration.anonymized_at:
            raise RegistrationError(_("This link is not valid."), code="unknown_link", status=404)
        if access.expires_at <= timezone.now():
            raise RegistrationError(_("This link has expired."), code="link_expired", status=410)
        return access.registration

    @extend_schema(
        summary="My registration",
        description="The registration that the personal link (from the confirmation email) opens, with the "
        "waitlist position. An unknown link answers 404, an expired one 410.",
        responses={200: OwnRegistrationSerializer, 410: OpenApiResponse(ErrorSerializer, description="Link expired.")},
    )
    def retrieve(self, request, token=None):
        return Response(OwnRegistrationSerializer(self._registration(token)).data)

    @extend_schema(
        summary="Choose my panels",
        description="Replace the panels of interest with `panel_ids`. Every id must be a panel of the edition's "
        "public program (published, or cancelled after publication), otherwise nothing changes and the answer is "
        "400 `unknown_panels`. Sending the same list again changes nothing. A cancelled registration answers 409. "
        "The chosen panels appear on the manage page's agenda and in the personal calendar file, and the person is "
        "emailed when one of them moves or is cancelled. One guessing budget with its pages.",
        request=PanelChoiceSerializer,
        responses={
            200: OwnRegistrationSerializer,
            400: OpenApiResponse(ErrorSerializer, description="A panel outside the public program."),
            404: OpenApiResponse(ErrorSerializer, description="Unknown link."),
            409: OpenApiResponse(ErrorSerializer, description="The registration is cancelled."),
            410: OpenApiResponse(ErrorSerializer, description="Link expired."),
        },
        examples=[PANELS_EXAMPLE, UNKNOWN_PANELS_EXAMPLE],
    )
    def partial_update(self, request, token=None):
        registration = self._registration(token)  # an unknown or expired link answers 404/410 whatever the body
        serializer = PanelChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "panel_ids" in serializer.validated_data:
            registration = services.set_panels_of_interest(
                token=token, panel_ids=serializer.validated_data["panel_ids"]
            )
        return Response(OwnRegistrationSerializer(registration).data)

    @extend_schema(
        summary="Confirm my registration",
        description="Confirm the email address; a held seat becomes the person's (confirming twice is harmless). "
        "Shares one guessing budget with the registration pages (`REGISTRATION_LINK_RATE` per address).",
        request=None,
        responses={200: OwnRegistrationSerializer, 410: OpenApiResponse(ErrorSerializer, description="Link expired.")},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, token=None):
        registration = services.confirm(token=token)
        return Response(OwnRegistrationSerializer(registration).data)

    @extend_schema(
        summary="Cancel my registration",
        description="Cancel by the person; a seat it held goes to the next on the waitlist. Shares one "
        "guessing budget with the registration pages (`REGISTRATION_LINK_RATE` per address).",
        request=None,
        responses={200: OwnRegistrationSerializer, 410: OpenApiResponse(ErrorSerializer, description="Link expired.")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, token=None):
        registration = services.cancel(token=token)
        return Response(OwnRegistrationSerializer(registration).data)


class CheckinSerializer(serializers.Serializer):
    forum = serializers.SlugField()
    code = serializers.CharField(max_length=32)


class CheckedInSerializer(serializers.Serializer):
    """One scan at the desk (a ``services.DeskScan``): a real check-in, or a rehearsal scan that
    leaves the registration as it is (``rehearsal`` true, ``checked_in_at`` null)."""

    name = serializers.CharField(source="registration.full_name")
    organization = serializers.CharField(source="registration.organization")
    category = serializers.CharField(source="registration.category")
    badge_code = serializers.CharField(source="registration.badge_code")
    checked_in_at = serializers.DateTimeField(
        source="registration.checked_in_at",
        allow_null=True,
        help_text="When the person was checked in; null for a rehearsal scan.",
    )
    rehearsal = serializers.BooleanField(help_text="True when the desk is in rehearsal mode: practice, not attendance.")
    scanned_at = serializers.DateTimeField(help_text="When this scan was recorded.")


class RescanSerializer(ErrorSerializer):
    checked_in_at = serializers.DateTimeField(required=False, help_text="When the badge was first scanned.")
    first_day = serializers.DateField(required=False, help_text="`outside_forum_days`: the edition's first day.")
    last_day = serializers.DateField(required=False, help_text="`outside_forum_days`: the edition's last day.")
    rehearsal = serializers.BooleanField(required=False, help_text="Set on a second scan within a rehearsal.")
    scanned_at = serializers.DateTimeField(required=False, help_text="A rehearsal's first scan of the badge.")
    name = serializers.CharField(required=False)


class CheckinViewSet(viewsets.GenericViewSet):
    """The registration desk: mark a badge as present. 409 with ``checked_in_at`` on a rescan,
    409 ``outside_forum_days`` outside the edition's days unless the desk rehearses."""

    serializer_class = CheckinSerializer
    permission_classes = [IsOrganizer]
    required_permission = "registration.change_registration"

    @extend_schema(
        summary="Check in a badge",
        description="Mark the holder of a badge as present (the code as printed, with or without dashes). "
        "A second scan answers 409 `already_checked_in` with the time of the first; an unconfirmed registration "
        "409 `not_confirmed`; an unknown code 404. Real check-ins are taken only on the edition's days (in its "
        "zone): on other days the answer is 409 `outside_forum_days`, unless organizers switched the desk to "
        "rehearsal mode on the check-in page. In rehearsal mode every scan answers 200 with `rehearsal` true and "
        "`checked_in_at` null: it is kept apart and never counts as attendance (a second scan of a badge within "
        "the rehearsal: 409 `already_scanned_in_rehearsal`). Organizers only.",
        request=CheckinSerializer,
        responses={
            200: CheckedInSerializer,
            409: OpenApiResponse(
                RescanSerializer, description="Already checked in, not confirmed, or outside the forum's days."
            ),
        },
        examples=[
            OpenApiExample("Scan", value={"forum": "ncf-2026", "code": "K7QX-M2PD"}, request_only=True),
            OpenApiExample(
                "Welcome",
                value={
                    "name": "Aysel Mammadova",
                    "organization": "ADA University",
                    "category": "academia",
                    "badge_code": "K7QXM2PD",
                    "checked_in_at": "2026-10-14T08:41:12+04:00",
                    "rehearsal": False,
                    "scanned_at": "2026-10-14T08:41:12+04:00",
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Rescan",
                value={
                    "code": "already_checked_in",
                    "detail": "Aysel Mammadova was already checked in at 14.10.2026 08:41.",
                    "fields": {},
                    "checked_in_at": "2026-10-14T04:41:12+00:00",
                    "name": "Aysel Mammadova",
                },
                response_only=True,
                status_codes=["409"],
            ),
            OpenApiExample(
                "Rehearsal scan",
                value={
                    "name": "Aysel Mammadova",
                    "organization": "ADA University",
                    "category": "academia",
                    "badge_code": "K7QXM2PD",
                    "checked_in_at": None,
                    "rehearsal": True,
                    "scanned_at": "2026-10-13T17:05:40+04:00",
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Outside the forum's days",
                value={
                    "code": "outside_forum_days",
                    "detail": "Check-in is open only on the forum's days (14.10.2026 – 15.10.2026). To try the desk "
                    "before, switch it to rehearsal mode: rehearsal scans never count as attendance.",
                    "fields": {},
                    "first_day": "2026-10-14",
                    "last_day": "2026-10-15",
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def create(self, request):
        serializer = CheckinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        forum = get_object_or_404(Forum, slug=serializer.validated_data["forum"])
        scan = services.check_in(forum=forum, code=serializer.validated_data["code"], by=request.user)
        return Response(CheckedInSerializer(scan).data)


def register(router):
    """Add this app's viewsets to the v1 router."""
    router.register("registrations", RegistrationViewSet, basename="registration")
    router.register("registration-manage", ManageViewSet, basename="registration-manage")
    router.register("checkins", CheckinViewSet, basename="checkin")
