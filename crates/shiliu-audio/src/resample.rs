//! Sample-rate conversion to the 16 kHz Whisper and the pitch tracker expect.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use crate::error::{AudioError, Result};

/// Resamples mono `samples` from `from_rate` to `to_rate` (band-limited, FFT based).
pub fn resample(samples: &[f32], from_rate: u32, to_rate: u32) -> Result<Vec<f32>> {
    if from_rate == to_rate || samples.is_empty() {
        return Ok(samples.to_vec());
    }
    if from_rate == 0 || to_rate == 0 {
        return Err(AudioError::Unsupported(format!("a sample rate of {from_rate} Hz cannot be converted")));
    }
    let err = |e: &dyn std::fmt::Display| AudioError::Resample(e.to_string());
    let mut resampler =
        Fft::<f32>::new(from_rate as usize, to_rate as usize, 1024, 1, FixedSync::Input).map_err(|e| err(&e))?;
    let input = InterleavedSlice::new(samples, 1, samples.len()).map_err(|e| err(&e))?;
    let needed = resampler.process_all_needed_output_len(samples.len());
    let mut out = vec![0f32; needed];
    let mut output = InterleavedSlice::new_mut(&mut out, 1, needed).map_err(|e| err(&e))?;
    let (_, produced) =
        resampler.process_all_into_buffer(&input, &mut output, samples.len(), None).map_err(|e| err(&e))?;
    out.truncate(produced);
    Ok(out)
}

/// Averages interleaved channels into one.
pub fn mix_to_mono(interleaved: &[f32], channels: usize) -> Vec<f32> {
    if channels <= 1 {
        return interleaved.to_vec();
    }
    interleaved.chunks_exact(channels).map(|f| f.iter().sum::<f32>() / channels as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f32, rate: u32, secs: f32) -> Vec<f32> {
        (0..(rate as f32 * secs) as usize)
            .map(|i| (i as f32 * freq * std::f32::consts::TAU / rate as f32).sin() * 0.5)
            .collect()
    }

    /// Frequency estimate from zero crossings.
    fn crossing_freq(x: &[f32], rate: u32) -> f32 {
        let crossings = x.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        crossings as f32 * rate as f32 / x.len() as f32
    }

    #[test]
    fn resampling_keeps_duration_and_pitch() {
        for from in [8_000, 22_050, 44_100, 48_000] {
            let x = sine(440.0, from, 2.0);
            let y = resample(&x, from, 16_000).unwrap();
            let expected = 32_000f32;
            assert!((y.len() as f32 - expected).abs() < 40.0, "{from}: {} samples", y.len());
            let f = crossing_freq(&y[1000..y.len() - 1000], 16_000);
            assert!((f - 440.0).abs() < 3.0, "{from}: {f} Hz");
        }
    }

    #[test]
    fn content_above_the_new_nyquist_is_removed() {
        let x = sine(12_000.0, 48_000, 1.0);
        let y = resample(&x, 48_000, 16_000).unwrap();
        let rms = (y[500..y.len() - 500].iter().map(|v| v * v).sum::<f32>() / (y.len() - 1000) as f32).sqrt();
        assert!(rms < 0.01, "aliasing left rms {rms}");
    }

    #[test]
    fn stereo_is_averaged() {
        assert_eq!(mix_to_mono(&[1.0, 0.0, 0.5, 0.5], 2), vec![0.5, 0.5]);
    }
}
