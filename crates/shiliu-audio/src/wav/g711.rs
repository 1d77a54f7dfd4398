//! G.711 companded samples (A-law and μ-law), as telephone systems, some voice recorders and
//! older Windows sound tools write them into WAV files. Each byte expands to a 16-bit linear
//! sample; the expansion follows ITU-T G.711.

/// One μ-law byte as a linear sample in [-1, 1).
pub fn mu_law(byte: u8) -> f32 {
    let u = !byte;
    let exponent = (u >> 4) & 0x07;
    let mantissa = i32::from(u & 0x0F);
    // The encoder added a bias of 0x84 before taking the segment; take it off again.
    let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    let linear = if u & 0x80 != 0 { -magnitude } else { magnitude };
    linear as f32 / 32768.0
}

/// One A-law byte as a linear sample in [-1, 1).
pub fn a_law(byte: u8) -> f32 {
    // Even bits are inverted on the line.
    let a = byte ^ 0x55;
    let exponent = (a >> 4) & 0x07;
    let mantissa = i32::from(a & 0x0F);
    let magnitude = if exponent == 0 { (mantissa << 4) + 8 } else { ((mantissa << 4) + 0x108) << (exponent - 1) };
    // Unlike μ-law, a set sign bit means positive.
    let linear = if a & 0x80 != 0 { magnitude } else { -magnitude };
    linear as f32 / 32768.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_i16(x: f32) -> i32 {
        (x * 32768.0).round() as i32
    }

    #[test]
    fn mu_law_reaches_its_published_end_points_and_silence() {
        assert_eq!(as_i16(mu_law(0xFF)), 0);
        assert_eq!(as_i16(mu_law(0x7F)), 0);
        assert_eq!(as_i16(mu_law(0x80)), 32124);
        assert_eq!(as_i16(mu_law(0x00)), -32124);
    }

    #[test]
    fn a_law_reaches_its_published_end_points_and_its_smallest_steps() {
        assert_eq!(as_i16(a_law(0xD5)), 8);
        assert_eq!(as_i16(a_law(0x55)), -8);
        assert_eq!(as_i16(a_law(0xAA)), 32256);
        assert_eq!(as_i16(a_law(0x2A)), -32256);
    }

    #[test]
    fn both_laws_grow_steadily_from_silence_to_full_scale() {
        // Within one sign, a larger code (after the line inversion) is a louder sample.
        let mu: Vec<i32> = (0..=0x7Fu8).rev().map(|c| as_i16(mu_law(c | 0x80))).collect();
        assert!(mu.windows(2).all(|w| w[0] < w[1]), "{mu:?}");
        let a: Vec<i32> = (0..=0x7Fu8).map(|c| as_i16(a_law((c | 0x80) ^ 0x55))).collect();
        assert!(a.windows(2).all(|w| w[0] < w[1]), "{a:?}");
    }
}
