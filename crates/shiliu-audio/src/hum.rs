//! Mains hum: the steady 50 or 60 Hz line (and its multiples) that a cheap microphone, a laptop
//! on its charger or a ground loop adds to a recording. It is no sound the student made, but it
//! is loud where a voice's pitch lives: 10 dB under a native 老师 it already cost the pitch
//! track a third of its points, and at the speech's own level the tones were misread; louder
//! still, the clip was taken for no speech at all.
//!
//! Hum is told from a voice by how narrow its lines are: it holds its frequency to a fraction
//! of a hertz for the whole clip, while a voice's harmonics wander by several hertz within a
//! syllable. It is taken out by subtracting, in quarter-second blocks, the sinusoid at each hum
//! line that fits the block best, so the phase and level may drift and nothing else is touched.

use crate::SAMPLE_RATE;

/// The mains frequencies in use (Hz): 50 in China, 60 on some imported equipment.
const MAINS_HZ: [f64; 2] = [50.0, 60.0];
/// Lines checked: the mains frequency and its multiples up to this one.
const HARMONICS: usize = 8;
/// A hum line's power over the median of the spectrum beside it (5–10 Hz away): 15 dB.
const LINE_OVER_SIDES: f64 = 30.0;
/// Lines quieter than this amplitude (−60 dBFS), or than this share of the clip's peak (40 dB
/// under it), are left alone: too faint to disturb the voice. (One native speaker's words carry
/// a −60 dBFS line near 50 Hz, some 60 dB under his voice.)
const NEGLIGIBLE_AMPLITUDE: f64 = 1e-3;
const NEGLIGIBLE_UNDER_PEAK: f64 = 0.01;
/// Clips shorter than this cannot tell a line from its neighbours 5 Hz away.
const SHORTEST_S: f64 = 0.8;
/// Where the exact line is sought around each nominal frequency (Hz), and in what steps: mains
/// and sound-card clocks are off by up to a few tenths of a hertz.
const SEARCH_HZ: f64 = 0.5;
const SEARCH_STEP_HZ: f64 = 0.05;
/// Samples per block of the subtraction (a quarter second: 12.5 periods of 50 Hz).
const BLOCK: usize = SAMPLE_RATE as usize / 4;
/// Hum lines lie below 500 Hz, so they are sought at an eighth of the rate (2 kHz), after two
/// passes of an 8-sample average keep most of what would fold down from above 1 kHz out.
const DECIMATION: usize = 8;

/// The hum found in a clip: the exact frequencies (Hz) of its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Hum {
    pub lines_hz: Vec<f64>,
}

/// A clip under a Hann window, ready to be probed at any frequency.
struct Windowed {
    samples: Vec<f64>,
    weights: f64,
    /// The weakest amplitude worth taking out.
    floor: f64,
}

impl Windowed {
    fn new(x: &[f32]) -> Windowed {
        let smooth = |v: &[f64]| -> Vec<f64> {
            v.windows(DECIMATION).map(|w| w.iter().sum::<f64>() / DECIMATION as f64).collect()
        };
        let wide: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let low: Vec<f64> = smooth(&smooth(&wide)).into_iter().step_by(DECIMATION).collect();
        let n = low.len() as f64;
        let samples: Vec<f64> = low
            .iter()
            .enumerate()
            .map(|(i, &v)| (0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n).cos()) * v)
            .collect();
        let peak = x.iter().fold(0.0f64, |m, &v| m.max(f64::from(v).abs()));
        Windowed { weights: n / 2.0, samples, floor: NEGLIGIBLE_AMPLITUDE.max(NEGLIGIBLE_UNDER_PEAK * peak) }
    }

    /// Amplitude of the component at `hz` (a little under it above 200 Hz, through the averages).
    fn amplitude_at(&self, hz: f64) -> f64 {
        let step = std::f64::consts::TAU * hz * DECIMATION as f64 / f64::from(SAMPLE_RATE);
        let (rot_c, rot_s) = (step.cos(), step.sin());
        let (mut c, mut s) = (1.0f64, 0.0f64);
        let (mut re, mut im) = (0.0f64, 0.0f64);
        for &v in &self.samples {
            re += v * c;
            im += v * s;
            (c, s) = (c * rot_c - s * rot_s, c * rot_s + s * rot_c);
        }
        2.0 * (re * re + im * im).sqrt() / self.weights
    }

    /// The hum line near `nominal_hz`, if there is one: its exact frequency.
    fn line_near(&self, nominal_hz: f64) -> Option<f64> {
        let steps = (SEARCH_HZ / SEARCH_STEP_HZ).round() as i32;
        let (k, amplitude) = (-steps..=steps)
            .map(|k| (k, self.amplitude_at(nominal_hz + f64::from(k) * SEARCH_STEP_HZ)))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        // A line has its peak inside the search; energy still rising at its edge is broad sound
        // below or above, not a line.
        if amplitude < self.floor || k.abs() == steps {
            return None;
        }
        let hz = nominal_hz + f64::from(k) * SEARCH_STEP_HZ;
        let mut sides: Vec<f64> =
            (5..=10).flat_map(|d| [-1.0, 1.0].map(|sign| self.amplitude_at(hz + sign * f64::from(d)))).collect();
        sides.sort_by(f64::total_cmp);
        let side = (sides[sides.len() / 2 - 1] + sides[sides.len() / 2]) / 2.0;
        (amplitude * amplitude >= LINE_OVER_SIDES * side * side).then_some(hz)
    }
}

/// The mains hum in 16 kHz mono `x`, if any: a line at the mains frequency itself (below
/// nearly every voice's pitch, so never a voice's), with every multiple of it that also stands
/// out. (A voice held steady, or one whose pitch swings back and forth regularly, can make
/// narrow lines higher up.)
pub fn find(x: &[f32]) -> Option<Hum> {
    if (x.len() as f64) < SHORTEST_S * f64::from(SAMPLE_RATE) {
        return None;
    }
    let windowed = Windowed::new(x);
    MAINS_HZ.iter().find_map(|&mains| {
        let base = windowed.line_near(mains)?;
        let mut lines = vec![base];
        lines.extend((2..=HARMONICS).filter_map(|k| windowed.line_near(base * k as f64)));
        Some(Hum { lines_hz: lines })
    })
}

/// `x` without the hum's lines: in half-overlapping Hann-weighted blocks, the best-fitting
/// sinusoid at each line is subtracted.
fn subtract(x: &[f32], hum: &Hum) -> Vec<f32> {
    let n = x.len();
    let mut estimate = vec![0.0f64; n];
    let mut weight = vec![0.0f64; n];
    let (mut cos, mut sin) = (Vec::with_capacity(BLOCK), Vec::with_capacity(BLOCK));
    let mut start = 0usize;
    loop {
        let end = (start + BLOCK).min(n);
        let block = &x[start..end];
        let len = block.len();
        let taper: Vec<f64> =
            (0..len).map(|i| 0.5 - 0.5 * (std::f64::consts::TAU * (i as f64 + 0.5) / len as f64).cos()).collect();
        for &hz in &hum.lines_hz {
            // The line's cosine and sine over the block (times from the clip's start), by rotation.
            let w = std::f64::consts::TAU * hz / f64::from(SAMPLE_RATE);
            let (rot_s, rot_c) = w.sin_cos();
            let (mut s, mut c) = (w * start as f64).sin_cos();
            cos.clear();
            sin.clear();
            for _ in 0..len {
                cos.push(c);
                sin.push(s);
                (c, s) = (c * rot_c - s * rot_s, c * rot_s + s * rot_c);
            }
            // Least squares for a·cos + b·sin.
            let (mut cc, mut ss, mut cs, mut xc, mut xs) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
            for ((&v, &c), &s) in block.iter().zip(&cos).zip(&sin) {
                let v = f64::from(v);
                (cc, ss, cs) = (cc + c * c, ss + s * s, cs + c * s);
                (xc, xs) = (xc + v * c, xs + v * s);
            }
            let det = cc * ss - cs * cs;
            if det.abs() < 1e-9 {
                continue;
            }
            let (a, b) = ((xc * ss - xs * cs) / det, (xs * cc - xc * cs) / det);
            for i in 0..len {
                estimate[start + i] += taper[i] * (a * cos[i] + b * sin[i]);
            }
        }
        for (w, t) in weight[start..end].iter_mut().zip(&taper) {
            *w += t;
        }
        if end == n {
            break;
        }
        start += BLOCK / 2;
    }
    x.iter()
        .zip(estimate.iter().zip(&weight))
        .map(|(&v, (&e, &w))| if w > 1e-6 { v - (e / w) as f32 } else { v })
        .collect()
}

/// `x` with any mains hum taken out; a clip without hum comes back exactly as it was.
pub fn without_hum(x: &[f32]) -> Vec<f32> {
    match find(x) {
        Some(hum) => subtract(x, &hum),
        None => x.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SR: f64 = SAMPLE_RATE as f64;

    /// A voice-like sound: harmonics of a pitch that sinks from 240 to 160 Hz with a wobble
    /// (a voice that swings regularly, as vibrato does, makes narrow lines of its own, which
    /// is why hum is only believed when it has a line at the mains frequency itself).
    fn voice(seconds: f64) -> Vec<f32> {
        let n = (seconds * SR) as usize;
        let mut phase = 0.0f64;
        (0..n)
            .map(|i| {
                let t = i as f64 / SR;
                let pitch = 240.0 - 80.0 * t / seconds + 6.0 * (std::f64::consts::TAU * 1.3 * t).sin();
                phase += std::f64::consts::TAU * pitch / SR;
                (1..=10).map(|k| (k as f64 * phase).sin() / k as f64).sum::<f64>() as f32 * 0.2
            })
            .collect()
    }

    /// Hum at `mains` Hz a little off its nominal frequency, with a weaker second and third line.
    fn hum(mains: f64, amplitude: f64, n: usize) -> Vec<f32> {
        let f = mains + 0.12;
        (0..n)
            .map(|i| {
                let t = i as f64 / SR;
                let line = |k: f64, a: f64| a * (std::f64::consts::TAU * k * f * t + k).sin();
                (amplitude * (line(1.0, 1.0) + line(2.0, 0.5) + line(3.0, 0.3))) as f32
            })
            .collect()
    }

    fn rms(x: &[f32]) -> f64 {
        (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len().max(1) as f64).sqrt()
    }

    #[test]
    fn a_voice_alone_has_no_hum_and_comes_back_untouched() {
        let v = voice(2.0);
        assert_eq!(find(&v), None);
        assert_eq!(without_hum(&v), v);
    }

    #[test]
    fn fifty_and_sixty_hertz_hum_is_found_with_its_lines() {
        let v = voice(2.0);
        for mains in [50.0, 60.0] {
            let x: Vec<f32> = v.iter().zip(hum(mains, 0.1, v.len())).map(|(a, b)| a + b).collect();
            let found = find(&x).expect("hum found");
            // The third line (150 or 180 Hz, 0.03) sits where the voice sweeps through.
            assert!(found.lines_hz.len() >= 2, "{found:?}");
            assert!((found.lines_hz[0] - (mains + 0.12)).abs() <= 0.05, "{found:?}");
        }
    }

    #[test]
    fn taking_hum_out_leaves_the_voice() {
        let v = voice(3.0);
        let h = hum(50.0, 0.2, v.len());
        let x: Vec<f32> = v.iter().zip(&h).map(|(a, b)| a + b).collect();
        let cleaned = without_hum(&x);
        let left: Vec<f32> = cleaned.iter().zip(&v).map(|(c, v)| c - v).collect();
        // The hum was 3 dB under the voice; what is left of it (and of the voice lost with it)
        // is more than 25 dB under.
        assert!(rms(&left) < rms(&v) * 0.056, "left {} of voice {}", rms(&left), rms(&v));
    }

    #[test]
    fn quiet_or_short_clips_are_left_alone() {
        let faint = hum(50.0, 2e-4, 32_000);
        assert_eq!(find(&faint), None, "under −60 dBFS");
        let short = hum(50.0, 0.2, 8_000);
        assert_eq!(find(&short), None, "half a second");
    }
}
