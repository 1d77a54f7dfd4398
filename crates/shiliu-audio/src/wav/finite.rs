//! Samples that are not numbers.

use super::Decoded;

/// Float files can hold samples that are not numbers (NaN, ±∞: a crashed effect, a bad
/// converter). A few are clicks and become silence; more than one in a hundred is a damaged
/// file, not quiet audio.
pub(super) fn without_non_numbers(mut d: Decoded) -> std::result::Result<Decoded, String> {
    let bad = d.samples.iter().filter(|v| !v.is_finite()).count();
    if bad * 100 > d.samples.len() {
        return Err(format!("the audio data is damaged: {bad} of {} samples are not numbers", d.samples.len()));
    }
    d.samples.iter_mut().filter(|v| !v.is_finite()).for_each(|v| *v = 0.0);
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_samples_that_are_not_numbers_become_silence_and_many_make_the_file_damaged() {
        let mut d = Decoded { samples: vec![0.1; 1000], sample_rate: 16_000, channels: 1 };
        d.samples[10] = f32::NAN;
        d.samples[20] = f32::INFINITY;
        let clean = without_non_numbers(d.clone()).unwrap();
        assert_eq!((clean.samples[10], clean.samples[20], clean.samples[30]), (0.0, 0.0, 0.1));
        d.samples[..50].iter_mut().for_each(|v| *v = f32::NAN);
        assert!(without_non_numbers(d).unwrap_err().contains("not numbers"));
    }
}
