"""REST API of the speakers app (serializers and viewsets), registered under /api/v1/."""


def register(router):
    """Add this app's viewsets to the v1 router."""
