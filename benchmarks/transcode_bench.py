"""Transcoding speed: seconds of work per minute of 1080p phone video on this machine.

Run from the project root::

    python benchmarks/transcode_bench.py [--seconds 40] [--codec hevc|h264] [--threads 0]

Generates a 1080p input (ffmpeg's testsrc2 pattern and a tone, 25 fps, HEVC by default as
phones record), then runs the transcoder exactly as the worker does
(``lectures.transcode.make_renditions``: loudness measure, 360p and 720p H.264 in one run,
HLS cut from them, poster) and prints the time per minute of input and the cores used. No
database or storage is touched: everything happens in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scratch import setup_django_without_database  # noqa: E402


def make_input(path: Path, seconds: int, codec: str) -> float:
    encoder = ["-c:v", "libx265", "-tag:v", "hvc1", "-x265-params", "log-level=error"]
    if codec == "h264":
        encoder = ["-c:v", "libx264"]
    started = time.monotonic()
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=220:beep_factor=4:duration={seconds}",
         *encoder, "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "128k", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40, help="input length (default 40)")
    parser.add_argument("--codec", choices=["hevc", "h264"], default="hevc")
    parser.add_argument("--threads", type=int, default=None, help="TRANSCODE_THREADS")
    args = parser.parse_args()
    if args.threads is not None:
        os.environ["TRANSCODE_THREADS"] = str(args.threads)

    setup_django_without_database()
    from django.conf import settings

    from lectures.transcode import make_renditions

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="hongke-transcode-bench-") as work:
        work = Path(work)
        source = work / f"input-{args.codec}.mp4"
        made = make_input(source, args.seconds, args.codec)
        out = work / "out"
        out.mkdir()
        started = time.monotonic()
        outputs = make_renditions(source, out)
        took = time.monotonic() - started
        size = sum(path.stat().st_size for path in out.iterdir())
    per_minute = took * 60 / args.seconds
    print(f"cores: {cores}   ffmpeg threads setting: {settings.TRANSCODE_THREADS} (0 = all)")
    print(f"input: {args.seconds} s 1080p25 {args.codec.upper()} + AAC (made in {made:.1f} s)")
    print(f"renditions: {', '.join(r['name'] for r in outputs.renditions)} "
          f"+ {len(outputs.files)} files, {size / 1e6:.1f} MB")  # fmt: skip
    print(f"transcode: {took:.1f} s  →  {per_minute:.1f} s per minute of 1080p input "
          f"({args.seconds / took:.2f}× real time)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
