"""Screenshots of a report with Debian's headless Chromium (for the docs), offline.

    python -m sync_jobs.report.screenshot pac.html docs/img/report-fr.png [--width 1400 --height 1500]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def screenshot(page: Path, out: Path, *, width: int = 1400, height: int = 1500) -> Path:
    """Render ``page`` (a local HTML file) at width x height CSS pixels into the PNG ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pac-chromium-") as profile:
        # a fixed executable and flags; the only inputs are local paths turned into arguments, no shell
        subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",  # noqa: S603
                        f"--screenshot={out.resolve()}", page.resolve().as_uri()],
                       check=True, capture_output=True, timeout=180)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1500)
    args = parser.parse_args()
    print(screenshot(args.page, args.out, width=args.width, height=args.height))


if __name__ == "__main__":
    main()
