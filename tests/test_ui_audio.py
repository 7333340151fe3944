"""Sound cues: tones synthesised right, a silent fallback that says once why it is quiet."""

import io
import logging
import wave

import numpy as np

from pressure.ui import audio


def test_synth_has_the_requested_pitch_and_length():
    samples = audio.synth([(440.0, 0.5)], volume=0.5)
    assert len(samples) == int(0.5 * audio.RATE)
    assert np.abs(samples).max() <= 0.5 + 1e-9
    spectrum = np.abs(np.fft.rfft(samples))
    peak_hz = np.argmax(spectrum) * audio.RATE / len(samples)
    assert abs(peak_hz - 440.0) < 3.0
    assert abs(samples[0]) < 0.01 and abs(samples[-1]) < 0.01  # faded: no click


def test_loop_tone_joins_without_a_click():
    tone = audio.loop_tone(523.25)
    looped = np.concatenate([tone, tone])
    inside = np.abs(np.diff(tone)).max()
    join = abs(looped[len(tone)] - looped[len(tone) - 1])
    assert join <= inside * 1.01  # the step across the join is no bigger than any other step
    spectrum = np.abs(np.fft.rfft(looped))
    assert abs(np.argmax(spectrum) * audio.RATE / len(looped) - 523.25) < 5.0


def test_wav_bytes_is_a_readable_mono_16_bit_file():
    data = audio.wav_bytes(audio.synth(audio.CUES["done"]))
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, audio.RATE)
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert frames.size == sum(int(round(s * audio.RATE)) for _, s in audio.CUES["done"])
    assert np.abs(frames).max() > 1000


def test_error_step_is_monotonic_and_centred():
    errors = np.linspace(-5, 5, 101)
    steps = [audio.error_step(e) for e in errors]
    assert steps == sorted(steps)
    assert audio.error_step(0.0) == audio.ERROR_STEPS // 2
    assert steps[0] == 0 and steps[-1] == audio.ERROR_STEPS - 1
    assert audio.error_step(float("nan")) == audio.ERROR_STEPS // 2


def test_silent_backend_logs_once_and_keeps_what_it_would_play(caplog):
    with caplog.at_level(logging.INFO, logger="pressure.ui.audio"):
        s = audio.make_audio(False)
        for cue in ("enter", "leave", "countdown"):
            s.play(cue)
        s.set_alarm(True)
    assert not s.available and s.played == ["enter", "leave", "countdown", "alarm"]
    assert len([r for r in caplog.records if "sound off" in r.getMessage()]) == 1


def test_make_audio_never_raises_here():
    backend = audio.make_audio(True)  # whatever this machine has: real sound or a reason
    assert backend.available or backend.reason
    backend.set_muted(True)
    backend.play("enter")
    backend.close()
