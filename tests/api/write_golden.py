"""Rewrites tests/golden/api/v1_names.txt from the current namespace (run deliberately)."""

from __future__ import annotations

from tests.api import api_surface

if __name__ == "__main__":
    names = sorted(api_surface.current_surface())
    api_surface.GOLDEN.write_text("\n".join(names) + "\n")
    print(f"wrote {len(names)} names to {api_surface.GOLDEN}")
