// The curves a pitch chart draws for a scored attempt, and for an item before any attempt.
import type { AttemptOutcome, ItemView } from "./api";

type Curve = [number, number][];

/** The target's and the student's curves of a result, with each syllable's character. */
export function resultCurves(outcome: AttemptOutcome) {
  const syllables = outcome.result.syllables;
  return {
    target: syllables.map((s) => s.target_pitch as Curve),
    student: syllables.map((s) => s.pitch as Curve),
    labels: syllables.map((s) => ({ ms: (s.start_ms + s.end_ms) / 2, text: s.hanzi, ok: s.verdict === "ok" })),
  };
}

/** How long a syllable is drawn before there is a recording to time it by. */
const SYLLABLE_MS = 400;

/** An item's target curve before any attempt, each syllable drawn the same length. */
export function itemCurves(item: ItemView) {
  const target: Curve[] = item.syllables.map(() => []);
  for (const [pos, st] of item.target) target[Math.min(target.length - 1, Math.floor(pos))]?.push([pos * SYLLABLE_MS, st]);
  const labels = item.syllables.map((s, k) => ({ ms: (k + 0.5) * SYLLABLE_MS, text: s.hanzi }));
  return { target, labels };
}
