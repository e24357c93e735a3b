from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from core.rest.schema import ErrorSerializer
from core.rest.throttles import LoginThrottle


class TokenLoginView(ObtainAuthToken):
    """Exchange a username and password for an API token (for mobile and partner apps)."""

    throttle_classes = [LoginThrottle]
    permission_classes = [AllowAny]
    authentication_classes = []  # the username and password are the credentials

    @extend_schema(
        tags=["auth"],
        summary="Get an API token",
        description="Exchange a username and password for the account's token; send it as "
        "`Authorization: Token <token>`. Throttled per address (scope `login`).",
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()}),
            400: OpenApiResponse(ErrorSerializer, description="Wrong credentials."),
            429: OpenApiResponse(
                ErrorSerializer,
                description="Too many attempts: throttled, or locked out after repeated failures for the "
                "account or the address (`locked_out`).",
            ),
        },
        examples=[
            OpenApiExample("Login", value={"username": "scanner-door-1", "password": "..."}, request_only=True),
            OpenApiExample(
                "Token",
                value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Wrong credentials",
                value={"code": "invalid", "detail": "Unable to log in with provided credentials.", "fields": {}},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            # django-axes refused to check the password (the account or the address is locked):
            # say so, as the admin's login does, instead of "wrong credentials".
            if getattr(request, "axes_locked_out", False):
                from forum.views import locked_out

                return locked_out(request)
            raise
