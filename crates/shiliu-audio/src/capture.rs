//! Microphone capture through cpal: device listing, a status check the app shows on its home
//! screen, and a recorder with live levels and automatic stop when the student falls silent.
//!
//! The cpal stream lives on its own thread, so a [`Recorder`] can be held anywhere (the Tauri
//! shell keeps one in its state). Samples are mixed to mono as they arrive and converted to
//! 16 kHz once the recording ends.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use serde::Serialize;

use crate::SAMPLE_RATE;
use crate::error::{AudioError, Result};
use crate::level::{Endpoint, Endpointer, peak_dbfs, sound_dbfs};
use crate::resample::resample;

/// An input device as the settings screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "InputDevice.ts"))]
pub struct InputDevice {
    /// Stable identifier to choose the device by.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    pub is_default: bool,
}

/// Whether the app can hear: a usable microphone or the reason there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "MicStatus.ts"))]
pub enum MicStatus {
    Ready { device: String, sample_rate: u32, channels: u16 },
    Unavailable { code: String, message: String },
}

/// Lists the microphones a teacher can choose from: the input devices of the default audio
/// host without ALSA's helper plugins (rate converters, mixers, `null`…), which are listed as
/// inputs but are not microphones. Everything is listed when nothing else is.
pub fn input_devices() -> Vec<InputDevice> {
    let all = all_input_devices();
    let offered: Vec<InputDevice> = all.iter().filter(|d| d.is_default || is_microphone_like(&d.id)).cloned().collect();
    if offered.is_empty() { all } else { offered }
}

/// Every input device the default audio host reports, helper plugins included.
pub fn all_input_devices() -> Vec<InputDevice> {
    let host = cpal::default_host();
    let default_id = host.default_input_device().and_then(|d| d.id().ok()).map(|id| id.to_string());
    let Ok(devices) = host.input_devices() else { return Vec::new() };
    devices
        .filter_map(|d| {
            let id = d.id().ok()?.to_string();
            let name = d.description().map(|desc| desc.to_string()).unwrap_or_else(|_| d.to_string());
            Some(InputDevice { is_default: Some(&id) == default_id.as_ref(), id, name })
        })
        .collect()
}

/// Whether a device id names something that records from a microphone: the sound server
/// (`default`, `pulse`, `pipewire`), or a sound card through ALSA's converting plugins
/// (`sysdefault:CARD=…`, `plughw:CARD=…`). Not: rate converters, up/down-mixers, `null`, JACK
/// and OSS bridges, raw `hw:` (fails at most sample rates), output-only and sharing plugins.
fn is_microphone_like(id: &str) -> bool {
    let Some(alsa) = id.strip_prefix("alsa:") else { return true };
    matches!(alsa, "default" | "pulse" | "pipewire") || ["sysdefault:", "plughw:"].iter().any(|p| alsa.starts_with(p))
}

fn find_device(device: Option<&str>) -> Result<cpal::Device> {
    let host = cpal::default_host();
    match device {
        None => host.default_input_device().ok_or_else(|| {
            AudioError::NoDevice("the system reports no input device; plug in a microphone or headset".into())
        }),
        Some(wanted) => host
            .input_devices()
            .map_err(|e| AudioError::NoDevice(e.to_string()))?
            .find(|d| d.id().is_ok_and(|id| id.to_string() == wanted) || d.to_string() == wanted)
            .ok_or_else(|| AudioError::NoDevice(format!("the chosen microphone {wanted:?} is not connected"))),
    }
}

fn device_name(d: &cpal::Device) -> String {
    d.description().map(|desc| desc.to_string()).unwrap_or_else(|_| d.to_string())
}

fn classify(device: &str, e: cpal::Error) -> AudioError {
    match e.kind() {
        cpal::ErrorKind::PermissionDenied => AudioError::PermissionDenied { device: device.to_owned() },
        cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::HostUnavailable => AudioError::NoDevice(format!(
            "{device} is not available ({e}); is a microphone connected and the sound service running?"
        )),
        _ => AudioError::DeviceFailed { device: device.to_owned(), detail: e.to_string() },
    }
}

/// Opens the microphone briefly to check it really works. A listed device whose stream cannot
/// be built (no sound server, unplugged) counts as no microphone; no other device is tried.
pub fn microphone_status(device: Option<&str>) -> MicStatus {
    let check = || -> Result<MicStatus> {
        let dev = find_device(device)?;
        let name = device_name(&dev);
        let config = dev.default_input_config().map_err(|e| classify(&name, e))?;
        let stream = dev
            .build_input_stream::<f32, _, _>(config.config(), |_, _| {}, |_| {}, None)
            .or_else(|_| dev.build_input_stream::<i16, _, _>(config.config(), |_, _| {}, |_| {}, None))
            .map_err(|e| classify(&name, e))?;
        stream.play().map_err(|e| classify(&name, e))?;
        drop(stream);
        Ok(MicStatus::Ready { device: name, sample_rate: config.sample_rate(), channels: config.channels() })
    };
    check().unwrap_or_else(|e| MicStatus::Unavailable { code: e.code().into(), message: e.to_string() })
}

/// What to record and when to stop.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// Device id or name; the system default when `None`.
    pub device: Option<String>,
    /// Hard limit on the recording length.
    pub max_duration: Duration,
    /// Stop by itself after speech and this much silence (`None`: only `stop()` or the limit).
    pub stop_after_silence: Option<Duration>,
    /// With `stop_after_silence`, give up when no speech starts within this time.
    pub no_speech_timeout: Duration,
    /// With `stop_after_silence`, the speech the target needs at the least, and the stretches
    /// between pauses it is read in (its items, for a list): until both have been heard, longer
    /// pauses are waited through (see [`Endpointer::expecting_speech`]).
    pub speech_expected: Duration,
    pub stretches_expected: u32,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions {
            device: None,
            max_duration: Duration::from_secs(30),
            stop_after_silence: Some(Duration::from_millis(900)),
            no_speech_timeout: Duration::from_secs(8),
            speech_expected: Duration::ZERO,
            stretches_expected: 0,
        }
    }
}

/// Things a recorder reports while it runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "RecorderEvent.ts"))]
pub enum RecorderEvent {
    /// About every 50 ms: loudness of the last stretch of audio.
    Level { rms_db: f32, peak_db: f32 },
    /// The recording ended by itself (speech then silence, no speech, or the time limit).
    Stopped { reason: StopReason },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "StopReason.ts"))]
pub enum StopReason {
    Requested,
    SpeechEnded,
    NoSpeech,
    TimeLimit,
}

/// A finished recording, 16 kHz mono.
#[derive(Debug, Clone)]
pub struct Recording {
    pub samples: Vec<f32>,
    pub device: String,
    pub device_rate: u32,
    pub stop_reason: StopReason,
}

/// A running recording. Dropping it stops and discards the recording.
pub struct Recorder {
    stop: Arc<AtomicBool>,
    worker: Option<JoinHandle<Result<Recording>>>,
}

enum Chunk {
    Samples(Vec<f32>),
    Failed(cpal::Error),
}

impl Recorder {
    /// Opens the microphone and starts recording; returns once audio is flowing or has failed.
    pub fn start(options: RecordOptions, on_event: impl FnMut(RecorderEvent) + Send + 'static) -> Result<Recorder> {
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = mpsc::channel::<bool>();
        let stop_flag = stop.clone();
        let worker = std::thread::Builder::new()
            .name("shiliu-recorder".into())
            .spawn(move || record(options, stop_flag, ready_tx, on_event))
            .map_err(|e| AudioError::DeviceFailed { device: "microphone".into(), detail: e.to_string() })?;
        if ready_rx.recv() == Ok(true) {
            return Ok(Recorder { stop, worker: Some(worker) });
        }
        // The worker failed to open the device and returns why.
        Err(worker.join().ok().and_then(|r| r.err()).unwrap_or(AudioError::DeviceFailed {
            device: "microphone".into(),
            detail: "the recorder stopped unexpectedly".into(),
        }))
    }

    /// True once the recording has ended by itself.
    pub fn is_finished(&self) -> bool {
        self.worker.as_ref().is_none_or(|w| w.is_finished())
    }

    /// Stops (if still running) and returns the recording.
    pub fn stop(mut self) -> Result<Recording> {
        self.stop.store(true, Ordering::SeqCst);
        self.join()
    }

    /// Waits for the recording to end by itself (silence, no speech or the time limit).
    pub fn wait(mut self) -> Result<Recording> {
        self.join()
    }

    fn join(&mut self) -> Result<Recording> {
        let worker = self.worker.take().expect("joined once");
        worker.join().unwrap_or_else(|_| {
            Err(AudioError::DeviceFailed { device: "microphone".into(), detail: "the recorder thread crashed".into() })
        })
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

fn record(
    options: RecordOptions,
    stop: Arc<AtomicBool>,
    ready: mpsc::Sender<bool>,
    mut on_event: impl FnMut(RecorderEvent),
) -> Result<Recording> {
    let opened = (|| {
        let dev = find_device(options.device.as_deref())?;
        let name = device_name(&dev);
        let config = dev.default_input_config().map_err(|e| classify(&name, e))?;
        let (tx, rx) = mpsc::channel::<Chunk>();
        let channels = config.channels() as usize;
        let err_tx = tx.clone();
        let on_error = move |e: cpal::Error| {
            let _ = err_tx.send(Chunk::Failed(e));
        };
        let stream = match config.sample_format() {
            cpal::SampleFormat::F32 => dev.build_input_stream::<f32, _, _>(
                config.config(),
                move |data, _| {
                    let _ = tx.send(Chunk::Samples(crate::resample::mix_to_mono(data, channels)));
                },
                on_error,
                None,
            ),
            cpal::SampleFormat::I16 => dev.build_input_stream::<i16, _, _>(
                config.config(),
                move |data, _| {
                    let f: Vec<f32> = data.iter().map(|&s| s as f32 / 32768.0).collect();
                    let _ = tx.send(Chunk::Samples(crate::resample::mix_to_mono(&f, channels)));
                },
                on_error,
                None,
            ),
            cpal::SampleFormat::I32 => dev.build_input_stream::<i32, _, _>(
                config.config(),
                move |data, _| {
                    let f: Vec<f32> = data.iter().map(|&s| s as f32 / 2_147_483_648.0).collect();
                    let _ = tx.send(Chunk::Samples(crate::resample::mix_to_mono(&f, channels)));
                },
                on_error,
                None,
            ),
            other => return Err(AudioError::Unsupported(format!("the microphone delivers {other} samples"))),
        }
        .map_err(|e| classify(&name, e))?;
        stream.play().map_err(|e| classify(&name, e))?;
        Ok((stream, rx, name, config.sample_rate()))
    })();
    let (stream, rx, name, rate) = match opened {
        Ok(v) => {
            let _ = ready.send(true);
            v
        }
        Err(e) => {
            let _ = ready.send(false);
            return Err(e);
        }
    };

    let started = Instant::now();
    let max_samples = (options.max_duration.as_secs_f64() * f64::from(rate)).ceil() as usize;
    let mut samples: Vec<f32> = Vec::with_capacity(rate as usize * 10);
    let level_every = (rate / 20) as usize; // 50 ms
    let frame_len = (rate / 100) as usize; // 10 ms end-pointer frames
    let mut endpointer = options.stop_after_silence.map(|s| {
        Endpointer::new(s.as_millis() as u32, options.no_speech_timeout.as_millis() as u32)
            .expecting_speech(options.speech_expected.as_millis() as u32, options.stretches_expected)
    });
    let (mut level_pos, mut frame_pos) = (0usize, 0usize);
    let mut reason = StopReason::Requested;
    let shared_error: Mutex<Option<AudioError>> = Mutex::new(None);
    'outer: loop {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        if started.elapsed() >= options.max_duration {
            reason = StopReason::TimeLimit;
            break;
        }
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(Chunk::Samples(chunk)) => {
                samples.extend_from_slice(&chunk);
                // The limit is on the audio, not the clock: a device that delivers faster than
                // real time (a loopback, a null device) must not fill the disk.
                if samples.len() >= max_samples {
                    samples.truncate(max_samples);
                    reason = StopReason::TimeLimit;
                    break;
                }
            }
            Ok(Chunk::Failed(e)) => {
                let err = match e.kind() {
                    cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::StreamInvalidated => {
                        AudioError::DeviceLost { device: name.clone() }
                    }
                    cpal::ErrorKind::Xrun | cpal::ErrorKind::DeviceChanged | cpal::ErrorKind::RealtimeDenied => {
                        continue;
                    }
                    _ => classify(&name, e),
                };
                *shared_error.lock().expect("not poisoned") = Some(err);
                break;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                *shared_error.lock().expect("not poisoned") = Some(AudioError::DeviceLost { device: name.clone() });
                break;
            }
        }
        while samples.len() - level_pos >= level_every {
            let window = &samples[level_pos..level_pos + level_every];
            on_event(RecorderEvent::Level { rms_db: sound_dbfs(window), peak_db: peak_dbfs(window) });
            level_pos += level_every;
        }
        if let Some(ep) = endpointer.as_mut() {
            while samples.len() - frame_pos >= frame_len {
                let state = ep.push(&samples[frame_pos..frame_pos + frame_len], 10);
                frame_pos += frame_len;
                match state {
                    Endpoint::Finished => {
                        reason = StopReason::SpeechEnded;
                        break 'outer;
                    }
                    Endpoint::NoSpeech => {
                        reason = StopReason::NoSpeech;
                        break 'outer;
                    }
                    _ => {}
                }
            }
        }
    }
    drop(stream);
    if let Some(e) = shared_error.into_inner().expect("not poisoned") {
        return Err(e);
    }
    if reason != StopReason::Requested {
        on_event(RecorderEvent::Stopped { reason });
    }
    let samples = resample(&samples, rate, SAMPLE_RATE)?;
    Ok(Recording { samples, device: name, device_rate: rate, stop_reason: reason })
}

#[cfg(test)]
mod tests {
    use super::is_microphone_like;

    #[test]
    fn the_sound_server_and_sound_cards_are_offered_and_alsas_helper_plugins_are_not() {
        for id in
            ["alsa:default", "alsa:pulse", "alsa:pipewire", "alsa:sysdefault:CARD=PCH", "alsa:plughw:CARD=Mic,DEV=0"]
        {
            assert!(is_microphone_like(id), "{id}");
        }
        for id in
            ["alsa:null", "alsa:samplerate", "alsa:speexrate", "alsa:upmix", "alsa:jack", "alsa:hw:CARD=PCH,DEV=0"]
        {
            assert!(!is_microphone_like(id), "{id}");
        }
        assert!(is_microphone_like("wasapi:{0.0.1.00000000}.{4b6c}"), "other hosts list microphones only");
    }
}
