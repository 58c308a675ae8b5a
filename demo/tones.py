"""Generated sound standing in for recordings (the tours' audio guides)."""

from __future__ import annotations

import io
import math
import struct
import wave


def soft_tone_wav(frequency: float, seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A quiet sine tone with fades, standing in for a recorded lecture (16-bit mono)."""
    frame_count = int(seconds * rate)
    fade = int(rate * 0.3)
    amplitude = 0.2 * 32767
    samples = []
    for i in range(frame_count):
        envelope = min(1.0, i / fade, (frame_count - 1 - i) / fade)
        samples.append(round(amplitude * envelope * math.sin(2 * math.pi * frequency * i / rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(struct.pack(f"<{frame_count}h", *samples))
    return buffer.getvalue()
