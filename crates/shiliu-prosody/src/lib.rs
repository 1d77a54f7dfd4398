//! Pitch, timing and tone for Shiliu (being written).
