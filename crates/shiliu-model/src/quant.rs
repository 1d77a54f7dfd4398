//! Encoding f32 tensors as f16 or q8_0, bit-for-bit as ggml's reference quantiser does.

use half::f16;

/// Elements per q8_0 block.
pub const QK8_0: usize = 32;

pub fn to_f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub fn to_f16_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| f16::from_f32(*v).to_le_bytes()).collect()
}

/// q8_0: blocks of 32 values stored as one f16 scale `d = max|x| / 127` and 32 `i8`
/// values `round(x / d)` (ties away from zero, as C's `roundf`).
pub fn to_q8_0_bytes(values: &[f32]) -> Option<Vec<u8>> {
    if !values.len().is_multiple_of(QK8_0) {
        return None;
    }
    let mut out = Vec::with_capacity(values.len() / QK8_0 * (2 + QK8_0));
    for block in values.chunks_exact(QK8_0) {
        let amax = block.iter().fold(0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend(f16::from_f32(d).to_le_bytes());
        out.extend(block.iter().map(|v| (v * id).round() as i8 as u8));
    }
    Some(out)
}

/// Decodes q8_0 back to f32 (used by tests to bound the quantisation error).
pub fn from_q8_0_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(2 + QK8_0)
        .flat_map(|b| {
            let d = f16::from_le_bytes([b[0], b[1]]).to_f32();
            b[2..].iter().map(move |&q| q as i8 as f32 * d)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q8_0_round_trips_within_half_a_step() {
        let values: Vec<f32> = (0..256).map(|i| ((i as f32) * 0.37).sin() * 3.0).collect();
        let q = to_q8_0_bytes(&values).unwrap();
        assert_eq!(q.len(), 256 / 32 * 34);
        let back = from_q8_0_bytes(&q);
        for (block, qblock) in values.chunks(32).zip(back.chunks(32)) {
            let step = block.iter().fold(0f32, |m, v| m.max(v.abs())) / 127.0;
            for (a, b) in block.iter().zip(qblock) {
                // Half a step, plus the rounding of the scale to f16 (relative 2^-11).
                assert!((a - b).abs() <= step * 0.5 + a.abs() * 1e-3, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn the_largest_value_of_a_block_maps_to_127() {
        let mut values = vec![0.5f32; 32];
        values[7] = -2.0;
        let q = to_q8_0_bytes(&values).unwrap();
        assert_eq!(q[2 + 7] as i8, -127);
        assert_eq!(q[2] as i8, 32); // 0.5 / (2/127) = 31.75 → 32
    }

    #[test]
    fn an_all_zero_block_has_zero_scale_and_values() {
        let q = to_q8_0_bytes(&[0.0; 32]).unwrap();
        assert!(q.iter().all(|&b| b == 0));
    }

    #[test]
    fn lengths_that_are_not_whole_blocks_are_refused() {
        assert!(to_q8_0_bytes(&[1.0; 33]).is_none());
    }
}
