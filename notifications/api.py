"""REST API of the outbox (organizers only), registered under /api/v1/."""


def register(router):
    """Add this app's viewsets to the v1 router."""
