//! The tone model: one full-covariance density per (position, shape) over the contour
//! features, its mean and covariance fitted at first use on contours from [`crate::synth`],
//! its tails heavy (a multivariate Student-t) because real contours stray from synthetic ones.
//!
//! Fitting takes a few milliseconds and is deterministic (fixed seeds), so no fitted numbers
//! are stored in the source: changing the generator refits the model. When the speaker
//! reference is uncertain, its error shifts every height feature by the same amount, so its
//! variance is added to the height block of each covariance as a rank-one term; with only
//! population values to go on, the model then leans on the shape features.

use std::sync::OnceLock;

use crate::features::{DIM, REGISTER_DIMS, features};
use crate::rng::Rng;
use crate::synth::{Position, Shape, sample};
use shiliu_pinyin::Tone;

const SAMPLES_PER_SHAPE: usize = 500;
/// Degrees of freedom of the multivariate Student-t each component's density is. Real contours
/// stray from the synthetic ones the model is fitted on (a creaky gap in the middle of a third
/// tone makes its early slope three times anything synthetic): with Gaussian tails one such
/// feature decides the tone with certainty, with heavy tails it makes every tone less likely
/// and the other features still count. Four, as in the connected-speech model.
const TAIL_DOF: f64 = 4.0;
/// Added to every variance: keeps constant features (an isolated syllable's duration ratio)
/// from making the covariance singular, and stops the model trusting tiny synthetic spreads.
const RIDGE: f64 = 0.05;

#[derive(Debug, Clone)]
pub(crate) struct Gaussian {
    mean: [f64; DIM],
    cov: [[f64; DIM]; DIM],
}

impl Gaussian {
    pub(crate) fn fit(xs: &[[f32; DIM]]) -> Gaussian {
        let n = xs.len().max(2) as f64;
        let mut mean = [0.0f64; DIM];
        for x in xs {
            for d in 0..DIM {
                mean[d] += x[d] as f64 / n;
            }
        }
        let mut cov = [[0.0f64; DIM]; DIM];
        for x in xs {
            for a in 0..DIM {
                for b in 0..DIM {
                    cov[a][b] += (x[a] as f64 - mean[a]) * (x[b] as f64 - mean[b]) / (n - 1.0);
                }
            }
        }
        for (d, row) in cov.iter_mut().enumerate() {
            row[d] += RIDGE;
        }
        Gaussian { mean, cov }
    }

    /// Log density at `x` (up to a constant shared by every component), with `shift_var` of
    /// common-shift variance on the height features.
    pub(crate) fn log_pdf(&self, x: &[f32; DIM], shift_var: f64) -> f64 {
        let mut c = self.cov;
        for row in c.iter_mut().take(REGISTER_DIMS) {
            for v in row.iter_mut().take(REGISTER_DIMS) {
                *v += shift_var;
            }
        }
        let Some(l) = cholesky(&c) else { return f64::NEG_INFINITY };
        // Solve L z = x - mean; the quadratic form is |z|^2.
        let mut z = [0.0f64; DIM];
        for i in 0..DIM {
            let mut s = x[i] as f64 - self.mean[i];
            for k in 0..i {
                s -= l[i][k] * z[k];
            }
            z[i] = s / l[i][i];
        }
        let quad: f64 = z.iter().map(|v| v * v).sum();
        let log_det: f64 = (0..DIM).map(|i| 2.0 * l[i][i].ln()).sum();
        -0.5 * log_det - (TAIL_DOF + DIM as f64) / 2.0 * (1.0 + quad / TAIL_DOF).ln()
    }
}

fn cholesky(a: &[[f64; DIM]; DIM]) -> Option<[[f64; DIM]; DIM]> {
    let mut l = [[0.0f64; DIM]; DIM];
    for i in 0..DIM {
        for j in 0..=i {
            let dot: f64 = l[i][..j].iter().zip(&l[j][..j]).map(|(x, y)| x * y).sum();
            let s = a[i][j] - dot;
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// Every shape the model fits at a position.
pub(crate) fn shapes_at(position: Position) -> Vec<Shape> {
    let mut shapes = vec![Shape::High, Shape::Rising, Shape::Dipping, Shape::LowFalling, Shape::Falling];
    if position != Position::Isolated {
        shapes.push(Shape::Neutral(None));
        shapes.extend(Tone::FULL.map(|t| Shape::Neutral(Some(t))));
    }
    shapes
}

pub(crate) struct ToneModel {
    components: Vec<(Position, Shape, Gaussian)>,
}

impl ToneModel {
    fn fit() -> ToneModel {
        let mut components = Vec::new();
        for position in Position::ALL {
            for (k, shape) in shapes_at(position).into_iter().enumerate() {
                let mut r = Rng::new(0x5EED_0000 + (position.index() * 100 + k) as u64);
                let xs: Vec<[f32; DIM]> = (0..SAMPLES_PER_SHAPE)
                    .filter_map(|_| {
                        let (s, onset) = sample(shape, position, &mut r);
                        features(&s, onset, position != Position::Isolated)
                    })
                    .collect();
                components.push((position, shape, Gaussian::fit(&xs)));
            }
        }
        ToneModel { components }
    }

    pub(crate) fn get(&self, position: Position, shape: Shape) -> Option<&Gaussian> {
        self.components.iter().find(|(p, s, _)| *p == position && *s == shape).map(|c| &c.2)
    }
}

/// The model, fitted on first use.
pub(crate) fn model() -> &'static ToneModel {
    static MODEL: OnceLock<ToneModel> = OnceLock::new();
    MODEL.get_or_init(ToneModel::fit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fitted_gaussian_recovers_its_mean_and_prefers_it() {
        let mut r = Rng::new(9);
        let xs: Vec<[f32; DIM]> = (0..2000).map(|_| std::array::from_fn(|d| r.gauss(d as f32, 1.0))).collect();
        let g = Gaussian::fit(&xs);
        for d in 0..DIM {
            assert!((g.mean[d] - d as f64).abs() < 0.1);
        }
        let at_mean: [f32; DIM] = std::array::from_fn(|d| d as f32);
        let off: [f32; DIM] = std::array::from_fn(|d| d as f32 + 2.0);
        assert!(g.log_pdf(&at_mean, 0.0) > g.log_pdf(&off, 0.0));
    }

    #[test]
    fn one_wild_feature_costs_tens_of_nats_not_hundreds() {
        let mut r = Rng::new(11);
        let xs: Vec<[f32; DIM]> = (0..2000).map(|_| std::array::from_fn(|_| r.gauss(0.0, 1.0))).collect();
        let g = Gaussian::fit(&xs);
        let wild = |sd: f32| -> [f32; DIM] { std::array::from_fn(|d| if d == 5 { sd } else { 0.0 }) };
        let drop = g.log_pdf(&wild(10.0), 0.0) - g.log_pdf(&wild(20.0), 0.0);
        // A Gaussian would lose (400 - 100) / 2 = 150 nats between 10 and 20 sd.
        assert!(drop > 0.0 && drop < 20.0, "{drop}");
    }

    #[test]
    fn register_uncertainty_forgives_a_common_shift() {
        let mut r = Rng::new(10);
        let xs: Vec<[f32; DIM]> = (0..2000).map(|_| std::array::from_fn(|_| r.gauss(0.0, 0.5))).collect();
        let g = Gaussian::fit(&xs);
        let shifted: [f32; DIM] = std::array::from_fn(|d| if d < REGISTER_DIMS { 3.0 } else { 0.0 });
        assert!(g.log_pdf(&shifted, 16.0) > g.log_pdf(&shifted, 0.0) + 10.0);
    }

    #[test]
    fn the_model_fits_every_shape_at_every_position() {
        let m = model();
        for p in Position::ALL {
            for s in shapes_at(p) {
                assert!(m.get(p, s).is_some(), "{p:?} {s:?}");
            }
        }
        assert!(m.get(Position::Isolated, Shape::Neutral(None)).is_none());
    }
}
