from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from rest_framework import serializers
        from rest_framework.fields import empty

        # DRF reads a boolean that a form-encoded or multipart body leaves out as false (an HTML
        # checkbox is absent when unticked). The API documents every content type alike, so an
        # absent boolean is absent in all of them: required ones are a 400, optional ones keep
        # their default or stored value. Without this, POST /rsvp/<token>/respond/ with an empty
        # form body declined the invitation.
        serializers.BooleanField.default_empty_html = empty

        # A body field the operation does not document is a 400, not silently ignored.
        from core.rest import bodies

        bodies.install()
