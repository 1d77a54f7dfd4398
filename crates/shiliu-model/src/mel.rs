//! The mel filterbank whisper.cpp reads from the model file.
//!
//! Whisper uses librosa's Slaney-style filterbank (sr 16 kHz, n_fft 400, 80 mels, area
//! normalised). It is computed here rather than shipped, so conversion needs nothing but the
//! CTranslate2 files.

pub const SAMPLE_RATE: f64 = 16_000.0;
pub const N_FFT: usize = 400;

fn hz_to_mel(hz: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if hz >= min_log_hz { min_log_mel + (hz / min_log_hz).ln() / logstep } else { hz / f_sp }
}

fn mel_to_hz(mel: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if mel >= min_log_mel { min_log_hz * (logstep * (mel - min_log_mel)).exp() } else { f_sp * mel }
}

/// `n_mels × (N_FFT/2 + 1)` weights, row-major.
pub fn mel_filters(n_mels: usize) -> Vec<f32> {
    let n_freqs = N_FFT / 2 + 1;
    let fft_freqs: Vec<f64> = (0..n_freqs).map(|i| i as f64 * (SAMPLE_RATE / 2.0) / (n_freqs - 1) as f64).collect();
    let (mel_min, mel_max) = (hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2.0));
    let mel_points: Vec<f64> =
        (0..n_mels + 2).map(|i| mel_to_hz(mel_min + (mel_max - mel_min) * i as f64 / (n_mels + 1) as f64)).collect();
    let mut weights = vec![0f32; n_mels * n_freqs];
    for m in 0..n_mels {
        let (lo, mid, hi) = (mel_points[m], mel_points[m + 1], mel_points[m + 2]);
        let norm = 2.0 / (hi - lo);
        for (k, &f) in fft_freqs.iter().enumerate() {
            let lower = (f - lo) / (mid - lo);
            let upper = (hi - f) / (hi - mid);
            let w = lower.min(upper).max(0.0);
            weights[m * n_freqs + k] = (w * norm) as f32;
        }
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mel_scale_round_trips() {
        for hz in [0.0, 300.0, 999.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-9);
        }
    }

    #[test]
    fn filters_are_triangles_that_tile_the_spectrum() {
        let w = mel_filters(80);
        assert_eq!(w.len(), 80 * 201);
        // Each filter has a single peak and is zero far from it.
        for m in 0..80 {
            let row = &w[m * 201..(m + 1) * 201];
            assert!(row.iter().all(|&x| x >= 0.0));
            assert!(row.iter().any(|&x| x > 0.0), "filter {m} is empty");
        }
        // The first filter only covers the lowest bins; the DC bin has no weight.
        assert_eq!(w[0], 0.0);
        assert!(w[201 - 1] == 0.0);
        // Reference values from openai-whisper's published mel_filters.npz (mel_80).
        assert!((w[1] - 0.024_862_59).abs() < 1e-7, "{}", w[1]);
        assert!((w[79 * 201 + 195] - 0.002_243_8).abs() < 1e-7, "{}", w[79 * 201 + 195]);
        assert!((w.iter().sum::<f32>() - 1.999_024_2).abs() < 1e-4);
    }
}
