"""Size limits of the readers: what a file may cost before it is refused."""
from __future__ import annotations

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest file read at all (default of ``max_bytes``)."""
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
"""Largest total uncompressed size of a .docx package."""
MAX_ZIP_RATIO = 200
"""A .docx member that inflates more than this many times (and past 1 MB) is treated as a bomb."""
