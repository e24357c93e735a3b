from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.views import ObtainAuthToken

from .throttles import LoginThrottle


class TokenLoginView(ObtainAuthToken):
    """Exchange a username and password for an API token (for mobile and partner apps)."""

    throttle_classes = [LoginThrottle]

    @extend_schema(
        tags=["auth"],
        responses={
            200: OpenApiResponse(description="The token"),
            400: OpenApiResponse(description="Wrong credentials"),
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
