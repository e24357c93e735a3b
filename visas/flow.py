"""Placeholder replaced below."""


def register():
    pass
