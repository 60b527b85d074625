"""Jobbvenn: a Telegram assistant for job seekers in Supported Employment."""

from pathlib import Path

__version__ = "0.1.0"

#: The repository root, where content/, locales/ and picture_cards/ live.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = PROJECT_ROOT / "content"
LOCALES_DIR = PROJECT_ROOT / "locales"
PICTURE_CARDS_DIR = PROJECT_ROOT / "picture_cards"
