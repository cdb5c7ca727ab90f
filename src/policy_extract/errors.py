"""Typed errors. Every error says what went wrong and, where it can, what to do."""
from __future__ import annotations


class PolicyExtractError(Exception):
    """Base class of every error this library raises on purpose."""


class PatternError(PolicyExtractError):
    """A pattern file is malformed (names the file and the rule)."""


class ConfigError(PolicyExtractError):
    """A Pipeline option is wrong: unknown extractor, unknown segmenter ..."""


class BackendUnavailable(ConfigError):
    """An optional backend (pkuseg, HanLP ...) is not installed or its model cannot be loaded."""


class InputError(PolicyExtractError):
    """The input is not text the library can take (not a str, too large ...)."""


class DocumentReadError(PolicyExtractError):
    """A file could not be read; ``path`` and ``reason`` say which and why."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
