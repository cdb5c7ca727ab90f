"""Stage 5, link: targets get the deadline that governs them; aliases merge into entities."""
from __future__ import annotations

from .document import Doc


def link(doc: Doc) -> None:
    """Fill a target's ``year`` from the deadline of its sentence, clause list or heading."""
    return None
