//! Playing a recording back (a teacher's model, a student's own attempt) on the default output.
//! Blocks until the sound has played; call it off the UI thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

use crate::SAMPLE_RATE;
use crate::error::{AudioError, Result};
use crate::resample::resample;

/// Plays 16 kHz mono samples through the default output device.
pub fn play(samples_16k: &[f32]) -> Result<()> {
    let host = cpal::default_host();
    let device =
        host.default_output_device().ok_or_else(|| AudioError::NoDevice("no speaker or headphones found".into()))?;
    let name = device.description().map(|d| d.to_string()).unwrap_or_else(|_| device.to_string());
    let fail = |e: cpal::Error| AudioError::DeviceFailed { device: name.clone(), detail: e.to_string() };
    let config = device.default_output_config().map_err(fail)?;
    let channels = config.channels() as usize;
    let rate = config.sample_rate();
    let audio = Arc::new(resample(samples_16k, SAMPLE_RATE, rate)?);
    let position = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let (a, p, d) = (audio.clone(), position.clone(), done.clone());
    let stream = device
        .build_output_stream::<f32, _, _>(
            config.config(),
            move |out, _| {
                for frame in out.chunks_mut(channels) {
                    let i = p.fetch_add(1, Ordering::Relaxed);
                    let v = a.get(i).copied().unwrap_or(0.0);
                    frame.iter_mut().for_each(|s| *s = v);
                    if i >= a.len() {
                        d.store(true, Ordering::Relaxed);
                    }
                }
            },
            |_| {},
            None,
        )
        .map_err(fail)?;
    stream.play().map_err(fail)?;
    let limit = Duration::from_secs_f32(audio.len() as f32 / rate as f32 + 2.0);
    let started = std::time::Instant::now();
    while !done.load(Ordering::Relaxed) && started.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let the device drain its buffer before the stream goes away.
    std::thread::sleep(Duration::from_millis(150));
    Ok(())
}
