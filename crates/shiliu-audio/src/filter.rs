//! Second-order filter sections (the usual audio-cookbook low- and high-pass, Q = 1/√2), which
//! keep their state from one block of samples to the next.

#[derive(Debug, Clone)]
pub(crate) struct Biquad {
    b: [f32; 3],
    a: [f32; 2],
    /// The last two inputs and outputs.
    state: [f32; 4],
}

impl Biquad {
    fn new(cutoff_hz: f32, rate_hz: f32, high: bool) -> Biquad {
        let w = std::f32::consts::TAU * cutoff_hz / rate_hz;
        let alpha = w.sin() / std::f32::consts::SQRT_2;
        let cos = w.cos();
        let a0 = 1.0 + alpha;
        let (b0, b1) = if high { ((1.0 + cos) / 2.0, -(1.0 + cos)) } else { ((1.0 - cos) / 2.0, 1.0 - cos) };
        Biquad { b: [b0 / a0, b1 / a0, b0 / a0], a: [-2.0 * cos / a0, (1.0 - alpha) / a0], state: [0.0; 4] }
    }

    pub(crate) fn low_pass(cutoff_hz: f32, rate_hz: f32) -> Biquad {
        Biquad::new(cutoff_hz, rate_hz, false)
    }

    pub(crate) fn high_pass(cutoff_hz: f32, rate_hz: f32) -> Biquad {
        Biquad::new(cutoff_hz, rate_hz, true)
    }

    /// Filters `x` in place, carrying on from the samples filtered before.
    pub(crate) fn run(&mut self, x: &mut [f32]) {
        let [mut x1, mut x2, mut y1, mut y2] = self.state;
        for v in x.iter_mut() {
            let y = self.b[0] * *v + self.b[1] * x1 + self.b[2] * x2 - self.a[0] * y1 - self.a[1] * y2;
            (x2, x1, y2, y1) = (x1, *v, y1, y);
            *v = y;
        }
        self.state = [x1, x2, y1, y2];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f32, n: usize) -> Vec<f32> {
        (0..n).map(|i| (std::f32::consts::TAU * hz * i as f32 / 16_000.0).sin()).collect()
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    #[test]
    fn filtering_in_blocks_is_the_same_as_filtering_at_once() {
        let x = tone(440.0, 1600);
        let mut whole = x.clone();
        Biquad::high_pass(200.0, 16_000.0).run(&mut whole);
        let mut blocks = x.clone();
        let mut f = Biquad::high_pass(200.0, 16_000.0);
        for chunk in blocks.chunks_mut(160) {
            f.run(chunk);
        }
        assert_eq!(whole, blocks);
    }

    #[test]
    fn a_high_pass_keeps_what_is_above_its_cutoff_and_drops_what_is_far_below() {
        let through = |hz: f32| {
            let mut x = tone(hz, 16_000);
            Biquad::high_pass(200.0, 16_000.0).run(&mut x);
            20.0 * (rms(&x[8000..]) / rms(&tone(hz, 8000))).log10()
        };
        assert!(through(1000.0).abs() < 0.5, "{}", through(1000.0));
        assert!(through(50.0) < -20.0, "{}", through(50.0));
    }
}
