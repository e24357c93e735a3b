"""Response headers shared by pages."""


def private_link_headers(response):
    """Pages reached by a personal link (RSVP, registration): never cached, never indexed, and the
    link never leaks as a referrer.

    ``same-origin`` and not ``no-referrer``: under ``no-referrer`` browsers send ``Origin: null``
    with the page's own form posts (cancel, language switch), which Django's CSRF check refuses.
    """
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
