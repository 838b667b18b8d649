from flask import Flask


def init_api(app: Flask) -> None:
    """Placeholder until the API blueprint lands."""
