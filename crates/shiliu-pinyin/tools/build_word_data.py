#!/usr/bin/env python3
"""Build the word -> pinyin lists that shiliu-pinyin embeds.

Single-character readings come from the `pinyin` crate at run time, so the word lists only need
words whose pronunciation the per-character default would get wrong or could not be sure of:
multi-character words containing at least one polyphonic character, or whose reading differs from
the characters' default readings (neutral tones, 儿化 suffixes).

The two sources are written to separate files because their licences differ:

* `data/words-phrase.txt` from mozillazg/phrase-pinyin-data `pinyin.txt` (MIT),
* `data/words-cedict.txt` from CC-CEDICT (CC BY-SA 4.0), kept only where it adds something:
  words missing from the first list, or neutral-tone alternatives for words in it.

Both sources are read from the `pypinyin-dict` wheel on PyPI (MIT; it carries the two data sets as
Python dictionaries), the per-character readings from the `pinyin` crate's copy of
mozillazg/pinyin-data, and the 8105 characters of the 2013 standard list from `pypinyin-dict` too.

Usage:
    pip download --no-deps pypinyin-dict==0.9.0 -d /tmp/pd && unzip /tmp/pd/*.whl -d /tmp/pd/whl
    python3 tools/build_word_data.py --wheel /tmp/pd/whl \
        --char-readings ~/.cargo/registry/src/*/pinyin-0.11.0/pinyin-data/pinyin.txt --out data
"""

import argparse
import ast
import glob
import os
import re
import sys
import unicodedata

TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}

# 一 and 不 are listed with their sandhi forms in some sources; citations always use yi1 / bu4
# (a dictionary's neutral 不, as in 对不起, is lexical and kept).
CITATION_ONLY = {"一": {"yi2": "yi1", "yi4": "yi1"}, "不": {"bu2": "bu4"}}


def numbered(marked):
    """Tone-marked pinyin (`lǚ`, `de`) to numbered pinyin (`lü3`, `de5`)."""
    tone = 5
    base = ""
    for ch in unicodedata.normalize("NFD", marked.strip().lower()):
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        else:
            base += ch
    base = unicodedata.normalize("NFC", base).replace("v", "ü")
    if base == "r":  # CC-CEDICT spells the 儿化 suffix as a bare r
        base = "er"
    return f"{base}{tone}"


def read_py_dict(path):
    """The dict literal of one of pypinyin-dict's generated modules, without importing pypinyin."""
    text = open(path, encoding="utf-8").read()
    start = text.index("{")
    end = text.index("\n}", start) + 2
    return ast.literal_eval(text[start:end])


def read_char_readings(path):
    readings = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"U\+([0-9A-F]+): ([^#]+)#", line)
        if m:
            readings[chr(int(m.group(1), 16))] = [numbered(r) for r in m.group(2).strip().split(",")]
    return readings


def normalise(word, syllables):
    return [CITATION_ONLY.get(ch, {}).get(s, s) for ch, s in zip(word, syllables)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", required=True, help="unpacked pypinyin-dict wheel")
    ap.add_argument("--char-readings", required=True, help="pinyin crate's pinyin-data/pinyin.txt")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    phrase_dir = os.path.join(args.wheel, "pypinyin_dict", "phrase_pinyin_data")
    standard = set(chr(c) for c in read_py_dict(
        os.path.join(args.wheel, "pypinyin_dict", "pinyin_data", "kmandarin_8105.py")))
    chars = read_char_readings(glob.glob(os.path.expanduser(args.char_readings))[0])
    syllable_set = {s[:-1] for rs in chars.values() for s in rs}

    def default(ch):
        return normalise(ch, chars[ch][:1])[0]

    def polyphonic(ch):
        return len(set(normalise(ch * len(chars[ch]), chars[ch]))) > 1

    def usable(word, syllables):
        return (len(word) >= 2 and len(word) == len(syllables)
                and all(ch in standard and ch in chars for ch in word)
                and all(s[:-1] in syllable_set for s in syllables))

    def interesting(word, syllables):
        return any(polyphonic(ch) or s != default(ch) for ch, s in zip(word, syllables))

    phrase = {}
    for word, alts in read_py_dict(os.path.join(phrase_dir, "pinyin.py")).items():
        syllables = normalise(word, [numbered(a[0]) for a in alts])
        if usable(word, syllables) and interesting(word, syllables):
            phrase[word] = syllables

    cedict = {}
    for part in sorted(glob.glob(os.path.join(phrase_dir, "cc_cedict_*.py"))):
        for word, alts in read_py_dict(part).items():
            options = [normalise(word * len(a), [numbered(x) for x in a]) for a in alts]
            options = [list(dict.fromkeys(o)) for o in options]
            first = [o[0] for o in options]
            if not usable(word, first) or not all(usable(word, [s] * len(word)) for o in options for s in o):
                continue
            has_neutral = any(len(o) > 1 and any(s.endswith("5") for s in o) or o[0].endswith("5")
                              for o in options)
            if word in phrase:
                # Only neutral tones the MIT list lacks are worth keeping.
                if not any(any(s.endswith("5") for s in o) and not p.endswith("5")
                           for o, p in zip(options, phrase[word])):
                    continue
            elif not interesting(word, first) and not has_neutral:
                continue
            cedict[word] = options

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "words-phrase.txt"), "w", encoding="utf-8") as f:
        f.write("# Word readings from mozillazg/phrase-pinyin-data pinyin.txt (MIT), filtered by\n")
        f.write("# crates/shiliu-pinyin/tools/build_word_data.py. See DATA-LICENCES.md.\n")
        for word in sorted(phrase):
            f.write(f"{word}\t{' '.join(phrase[word])}\n")
    with open(os.path.join(args.out, "words-cedict.txt"), "w", encoding="utf-8") as f:
        f.write("# Word readings derived from CC-CEDICT (https://www.mdbg.net/chinese/dictionary?page=cc-cedict),\n")
        f.write("# licensed CC BY-SA 4.0; filtered by crates/shiliu-pinyin/tools/build_word_data.py.\n")
        f.write("# This file (a derived work) is distributed under CC BY-SA 4.0. See DATA-LICENCES.md.\n")
        f.write("# A syllable written a/b has both readings in CC-CEDICT (separate entries).\n")
        for word in sorted(cedict):
            f.write(f"{word}\t{' '.join('/'.join(o) for o in cedict[word])}\n")
    print(f"phrase: {len(phrase)} words, cedict: {len(cedict)} words", file=sys.stderr)


if __name__ == "__main__":
    main()
