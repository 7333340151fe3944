"""Eyes-free cues: short tones synthesised with numpy, played with QSoundEffect when possible.

A practitioner's eyes are on the patient, so the window also speaks in sound: a rising tone on
entering the target band, a falling one on leaving it, countdown beeps for the last seconds of
a hold, a chime when a step is done, a repeating alarm over the safety ceiling, and optionally
a continuous tone whose pitch follows the error.

QtMultimedia is imported lazily inside try/except: on machines without an audio stack (no
libpulse, no output device) the import itself fails. Then a :class:`Silent` backend takes over,
the window keeps working, and one log message (plus one status-bar note) says sound is off.
Tones are written once as WAV files into a private temporary folder, because QSoundEffect
plays files (URLs), not bytes.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import wave
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

RATE = 44100

# cue name -> list of (frequency Hz, seconds) segments; frequency 0 is silence
CUES: dict[str, list[tuple[float, float]]] = {
    "enter": [(660.0, 0.07), (880.0, 0.09)],       # rising: you are in
    "leave": [(660.0, 0.07), (440.0, 0.09)],       # falling: you left
    "countdown": [(1000.0, 0.06)],                 # tick for the last seconds
    "done": [(784.0, 0.12), (988.0, 0.12), (1319.0, 0.25)],  # chime: step finished
    "alarm": [(1400.0, 0.12), (0.0, 0.05), (1400.0, 0.12), (0.0, 0.25)],  # over the ceiling
    "marker": [(520.0, 0.05)],                     # a key was heard
}
# Continuous error tone: pitch steps from far below (low) to far above (high).
ERROR_STEPS = 9
ERROR_BASE_HZ = 440.0


def synth(segments: list[tuple[float, float]], volume: float = 0.5, rate: int = RATE) -> np.ndarray:
    """Mono float samples in [-1, 1] for a list of (Hz, seconds); 5 ms fades avoid clicks."""
    parts = []
    for freq, seconds in segments:
        n = max(1, int(round(seconds * rate)))
        if freq <= 0:
            parts.append(np.zeros(n))
            continue
        t = np.arange(n) / rate
        tone = np.sin(2 * np.pi * freq * t)
        fade = min(n // 2, int(0.005 * rate))
        if fade:
            ramp = np.linspace(0.0, 1.0, fade)
            tone[:fade] *= ramp
            tone[-fade:] *= ramp[::-1]
        parts.append(tone)
    return np.clip(np.concatenate(parts) * volume, -1.0, 1.0)


def loop_tone(freq: float, volume: float = 0.25, rate: int = RATE) -> np.ndarray:
    """About 0.2 s of a tone, cut at a whole number of cycles so that looping it has no click."""
    cycles = max(1, int(round(freq * 0.2)))
    n = int(round(cycles * rate / freq))
    return np.sin(2 * np.pi * cycles * np.arange(n) / n) * volume


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """16-bit mono PCM WAV of float samples in [-1, 1]."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return out.getvalue()


def error_step(error_fraction: float) -> int:
    """Quantise a signed error (value - target) / tolerance into one of ERROR_STEPS pitches."""
    half = ERROR_STEPS // 2
    if not np.isfinite(error_fraction):
        return half
    return int(np.clip(round(error_fraction * 2), -half, half)) + half


class Silent:
    """No sound: the window works the same, and says once why it is quiet."""

    available = False

    def __init__(self, reason: str = "sound is off"):
        self.reason = reason
        self.muted = True
        self.played: list[str] = []  # what would have played (tests and the log read this)
        log.info("sound off: %s", reason)

    def play(self, cue: str) -> None:
        self.played.append(cue)

    def set_alarm(self, on: bool) -> None:
        if on:
            self.played.append("alarm")

    def set_error_tone(self, error_fraction: float | None) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        self.muted = True

    def close(self) -> None:
        pass


class QtAudio:
    """QSoundEffect per cue; a looped alarm; an optional looped pitch per error step."""

    available = True

    def __init__(self, effects_cls, url_cls, folder: Path, volume: float = 0.8):
        self.reason = ""
        self.muted = False
        self.played: list[str] = []
        self._folder = folder
        self._volume = volume
        self._make = lambda path: self._effect(effects_cls, url_cls, path)
        self._effects = {}
        for name, segments in CUES.items():
            path = folder / f"{name}.wav"
            path.write_bytes(wav_bytes(synth(segments)))
            self._effects[name] = self._make(path)
        self._effects["alarm"].setLoopCount(-2)  # QSoundEffect.Infinite
        self._error_effects = []
        for step in range(ERROR_STEPS):
            freq = ERROR_BASE_HZ * 2 ** ((step - ERROR_STEPS // 2) / 6)  # half-octave per 2 steps
            path = folder / f"error{step}.wav"
            path.write_bytes(wav_bytes(loop_tone(freq)))
            effect = self._make(path)
            effect.setLoopCount(-2)
            self._error_effects.append(effect)
        self._error_on = -1
        self._alarm_on = False

    def _effect(self, effects_cls, url_cls, path: Path):
        effect = effects_cls()
        effect.setSource(url_cls.fromLocalFile(str(path)))
        effect.setVolume(self._volume)
        return effect

    def play(self, cue: str) -> None:
        self.played.append(cue)
        if not self.muted and cue in self._effects and cue != "alarm":
            self._effects[cue].play()

    def set_alarm(self, on: bool) -> None:
        if on == self._alarm_on:
            return
        self._alarm_on = on
        if on:
            self.played.append("alarm")
        effect = self._effects["alarm"]
        if on and not self.muted:
            effect.play()
        else:
            effect.stop()

    def set_error_tone(self, error_fraction: float | None) -> None:
        step = -1 if error_fraction is None or self.muted else error_step(error_fraction)
        if step == self._error_on:
            return
        if self._error_on >= 0:
            self._error_effects[self._error_on].stop()
        if step >= 0:
            self._error_effects[step].play()
        self._error_on = step

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        for effect in [*self._effects.values(), *self._error_effects]:
            effect.setMuted(muted)
        if muted:
            self.set_error_tone(None)

    def close(self) -> None:
        for effect in [*self._effects.values(), *self._error_effects]:
            effect.stop()
        shutil.rmtree(self._folder, ignore_errors=True)


def play_frame_cues(audio, frame, error_tone: bool = False) -> None:
    """Turn one frame's coach events and state into sound: band tones, countdown ticks, the
    chime at a finished hold or routine, the ceiling alarm (held while over), the error tone."""
    for event in frame.events:
        kind = event.kind
        if kind == "enter_band":
            audio.play("enter")
        elif kind == "leave_band":
            audio.play("leave")
        elif kind == "countdown":
            audio.play("countdown")
        elif (kind == "step_end" and event.data.get("kind") == "hold" and not event.data.get("skipped")) \
                or kind == "routine_done":  # a skipped hold is not a hold done: no chime
            audio.play("done")
        elif kind == "threshold":
            audio.play("marker")
        elif kind == "release_overdue":  # time is up, the force still on: the falling tone again
            audio.play("leave")
    state = frame.state
    audio.set_alarm(state is not None and state.zone == "over" and not frame.stale)
    if error_tone and state is not None and state.band is not None and not frame.stale:
        lo, hi = state.band
        half = (hi - lo) / 2 or 1.0
        audio.set_error_tone((frame.value - (lo + hi) / 2) / half)
    else:
        audio.set_error_tone(None)


def make_audio(enabled: bool = True):
    """The best backend this machine allows: QtAudio, or Silent with the reason why not."""
    if not enabled:
        return Silent("sound disabled")
    from .quiet_audio import quiet_sound_server_probe, silence_multimedia_categories

    silence_multimedia_categories()
    try:
        from PySide6.QtCore import QUrl
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    except ImportError as exc:  # e.g. libpulse missing: QtMultimedia cannot even load
        missing = str(exc).split(":")[0].strip() or type(exc).__name__
        return Silent(f"no audio libraries ({missing})")
    try:
        with quiet_sound_server_probe():
            outputs = QMediaDevices.audioOutputs()
        if not outputs:
            return Silent("no audio output device")
        folder = Path(tempfile.mkdtemp(prefix="pressure-sounds-"))
        return QtAudio(QSoundEffect, QUrl, folder)
    except Exception as exc:  # any backend trouble must not take the window down
        log.warning("sound off: %s", exc)
        return Silent(f"audio backend failed ({exc})")
