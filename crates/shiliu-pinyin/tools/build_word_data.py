#!/usr/bin/env python3
"""Build the word -> pinyin lists that shiliu-pinyin embeds.

Single-character readings come from the `pinyin` crate at run time, so the word lists only need
words whose pronunciation the per-character default would get wrong or could not be sure of:
multi-character words containing at least one polyphonic character, or whose reading differs from
the characters' default readings (neutral tones, 儿化 suffixes).

"Polyphonic" means more than one reading in kTGHZ2013 (the readings of 通用规范汉字字典, from
mozillazg/pinyin-data, MIT), not in the `pinyin` crate's merged data, which also keeps archaic
readings (他 tuó, 吃 jī) that would flag nearly every sentence. Those characters are written to
`data/polyphones.txt` for the run-time flag.

The two sources are written to separate files because their licences differ:

* `data/words-phrase.txt` from mozillazg/phrase-pinyin-data `pinyin.txt` (MIT),
* `data/polyphones.txt`: the characters with several kTGHZ2013 readings (MIT),
* `data/standard-chars.txt`: the 8105 characters of the 2013 standard list (MIT),
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


# Characters a suffix rule in src/hanzi/rules.rs reads differently at the end of an unknown word.
SUFFIX_RULE_CHARS = "儿们地"

# Must match NEUTRAL_BY_DEFAULT in src/hanzi/chars.rs.
NEUTRAL_BY_DEFAULT = "的了着吗呢吧啊呀么嘛啦哇哦们"


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
        # Mirrors chars::default_reading in the crate: the first reading, skipping a neutral one
        # unless the character is a particle or suffix that is neutral by default.
        readings = normalise(ch * len(chars[ch]), chars[ch])
        if ch in NEUTRAL_BY_DEFAULT:
            return readings[0]
        return next((r for r in readings if not r.endswith("5")), readings[0])

    modern = {}
    for code, field in read_py_dict(
            os.path.join(args.wheel, "pypinyin_dict", "pinyin_data", "ktghz2013.py")).items():
        ch = chr(code)
        readings = [numbered(r) for r in field.split(",")]
        modern[ch] = list(dict.fromkeys(normalise(ch * len(readings), readings)))

    def polyphonic(ch):
        if ch in modern:
            return len(modern[ch]) > 1
        return len(set(normalise(ch * len(chars[ch]), chars[ch]))) > 1

    def usable(word, syllables):
        return (len(word) >= 2 and len(word) == len(syllables)
                and all(ch in standard and ch in chars for ch in word)
                and all(s[:-1] in syllable_set for s in syllables))

    def interesting(word, syllables):
        return any(polyphonic(ch) or s != default(ch) for ch, s in zip(word, syllables))

    phrase_all = {}
    for word, alts in read_py_dict(os.path.join(phrase_dir, "pinyin.py")).items():
        syllables = normalise(word, [numbered(a[0]) for a in alts])
        if usable(word, syllables):
            phrase_all[word] = syllables

    cedict_all = {}
    for part in sorted(glob.glob(os.path.join(phrase_dir, "cc_cedict_*.py"))):
        for word, alts in read_py_dict(part).items():
            options = [normalise(word * len(a), [numbered(x) for x in a]) for a in alts]
            options = [list(dict.fromkeys(o)) for o in options]
            if usable(word, [o[0] for o in options]) and all(
                    usable(word, [s] * len(word)) for o in options for s in o):
                cedict_all[word] = options

    def has_neutral(options):
        return any(s.endswith("5") for o in options for s in o)

    def cedict_useful(word):
        options = cedict_all[word]
        return interesting(word, [o[0] for o in options]) or has_neutral(options)

    # A word the run-time fallback would read differently needs its MIT entry: polyphones,
    # non-default readings, words ending in a character a suffix rule would change (女儿 is not
    # 儿化), and words CC-CEDICT would otherwise decide alone (不是 bù shì, not bù shi).
    phrase = {
        word: syllables
        for word, syllables in phrase_all.items()
        if interesting(word, syllables)
        or word[-1] in SUFFIX_RULE_CHARS
        or (word in cedict_all and cedict_useful(word))
    }

    cedict = {}
    for word, options in cedict_all.items():
        if not cedict_useful(word):
            continue
        if word in phrase and not any(
                any(s.endswith("5") for s in o) and not p.endswith("5")
                for o, p in zip(options, phrase[word])):
            continue  # only neutral tones the MIT list lacks are worth keeping
        cedict[word] = options

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "standard-chars.txt"), "w", encoding="utf-8") as f:
        f.write("# The 8105 characters of the 2013 standard list (通用规范汉字表), from kMandarin_8105\n")
        f.write("# (mozillazg/pinyin-data, MIT); 80 to a line. See DATA-LICENCES.md.\n")
        ordered = "".join(sorted(standard))
        for i in range(0, len(ordered), 80):
            f.write(ordered[i:i + 80] + "\n")
    with open(os.path.join(args.out, "polyphones.txt"), "w", encoding="utf-8") as f:
        f.write("# Characters with more than one reading in kTGHZ2013 (mozillazg/pinyin-data, MIT),\n")
        f.write("# written by crates/shiliu-pinyin/tools/build_word_data.py. See DATA-LICENCES.md.\n")
        for ch in sorted(c for c in modern if len(modern[c]) > 1):
            f.write(f"{ch}\t{' '.join(modern[ch])}\n")
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
    print(f"phrase: {len(phrase)} words, cedict: {len(cedict)} words, "
          f"polyphones: {sum(len(r) > 1 for r in modern.values())}", file=sys.stderr)


if __name__ == "__main__":
    main()
