"""OpenAPI generation: every operation documents the error answers it can give, in the one
error shape {"code", "detail", "fields"}."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable reason, e.g. not_found, invalid, conflict, throttled.")
    detail = serializers.CharField(help_text="A sentence a person understands.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per invalid field (empty when the error is not about a field).",
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: see `fields`.",
    "401": "Missing or invalid credentials.",
    "403": "Not allowed for this user.",
    "404": "No such object (or not visible to this user).",
    "409": "Conflicts with the current state (e.g. a schedule conflict).",
    "415": "The body's media type is not accepted: send JSON.",
    "429": "Too many requests: retry after the Retry-After header.",
}


class ForumAutoSchema(AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        # Our permission classes say themselves whether anonymous visitors may call an operation.
        for permission in self.view.get_permissions():
            allows = getattr(permission, "allows_anonymous", None)
            if allows and allows(self.method) and {} not in auths:
                auths.append({})
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # 404 applies to lists too (e.g. an unknown edition in a filter that narrows to one).
        codes = ["400", "401", "403", "404", "429"]
        if self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            codes.append("409")
        if self.method in {"POST", "PUT", "PATCH"}:
            codes.append("415")
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses
