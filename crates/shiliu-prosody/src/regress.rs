//! Bayesian linear regression with a Gaussian prior and known noise, for a handful of
//! coefficients (a speaker's level, range and declination fitted over one utterance).
//!
//! With so few syllables the prior matters: a two-syllable word cannot pin down both a
//! speaker's level and range, so the fit falls back on population values, and the
//! predictive variance says how uncertain the result still is.

/// The posterior of `K` coefficients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Posterior<const K: usize> {
    pub mean: [f64; K],
    pub cov: [[f64; K]; K],
}

/// A Gaussian prior: mean and standard deviation of each coefficient (independent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Prior<const K: usize> {
    pub mean: [f64; K],
    pub sd: [f64; K],
}

impl<const K: usize> Posterior<K> {
    /// Fits `y ≈ x·β` to `rows` of `(x, y, weight)`: a row's noise has standard deviation
    /// `noise_sd / sqrt(weight)`.
    pub(crate) fn fit(prior: &Prior<K>, rows: &[([f64; K], f64, f64)], noise_sd: f64) -> Option<Posterior<K>> {
        let noise_var = noise_sd * noise_sd;
        let mut precision = [[0.0f64; K]; K];
        let mut rhs = [0.0f64; K];
        for k in 0..K {
            let prior_precision = 1.0 / (prior.sd[k] * prior.sd[k]);
            precision[k][k] = prior_precision;
            rhs[k] = prior.mean[k] * prior_precision;
        }
        for (x, y, w) in rows {
            for a in 0..K {
                rhs[a] += w * x[a] * y / noise_var;
                for b in 0..K {
                    precision[a][b] += w * x[a] * x[b] / noise_var;
                }
            }
        }
        let cov = invert(precision)?;
        let mean = std::array::from_fn(|a| (0..K).map(|b| cov[a][b] * rhs[b]).sum());
        Some(Posterior { mean, cov })
    }

    /// Mean and variance of `x·β` (the prediction without noise).
    pub(crate) fn predict(&self, x: &[f64; K]) -> (f64, f64) {
        let mean = (0..K).map(|k| x[k] * self.mean[k]).sum();
        let var = (0..K).map(|a| (0..K).map(|b| x[a] * self.cov[a][b] * x[b]).sum::<f64>()).sum::<f64>();
        (mean, var.max(0.0))
    }
}

/// Gauss–Jordan inversion with partial pivoting; `None` for a singular matrix.
fn invert<const K: usize>(mut a: [[f64; K]; K]) -> Option<[[f64; K]; K]> {
    let mut inv = [[0.0f64; K]; K];
    for (k, row) in inv.iter_mut().enumerate() {
        row[k] = 1.0;
    }
    for col in 0..K {
        let pivot = (col..K).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let p = a[col][col];
        for k in 0..K {
            a[col][k] /= p;
            inv[col][k] /= p;
        }
        for row in 0..K {
            if row != col {
                let f = a[row][col];
                for k in 0..K {
                    a[row][k] -= f * a[col][k];
                    inv[row][k] -= f * inv[col][k];
                }
            }
        }
    }
    Some(inv)
}

/// Log density of a Student-t with `dof` degrees of freedom and scale `scale` at `r`, up to a
/// constant that is the same for every hypothesis compared with the same `dof`.
pub(crate) fn student_t_log_pdf(r: f64, scale: f64, dof: f64) -> f64 {
    -(dof + 1.0) / 2.0 * (1.0 + (r / scale).powi(2) / dof).ln() - scale.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_clean_rows_recover_the_line_whatever_the_prior() {
        let prior = Prior { mean: [0.0, 0.0], sd: [10.0, 10.0] };
        let rows: Vec<([f64; 2], f64, f64)> =
            (0..50).map(|i| ([1.0, i as f64 / 10.0], 3.0 - 2.0 * i as f64 / 10.0, 1.0)).collect();
        let post = Posterior::fit(&prior, &rows, 0.1).unwrap();
        assert!((post.mean[0] - 3.0).abs() < 1e-3 && (post.mean[1] + 2.0).abs() < 1e-3, "{post:?}");
        let (m, v) = post.predict(&[1.0, 1.0]);
        assert!((m - 1.0).abs() < 1e-3 && v < 1e-3);
    }

    #[test]
    fn without_rows_the_prior_is_the_answer_and_its_spread_remains() {
        let prior = Prior { mean: [1.0, 2.0, 3.0], sd: [1.0, 2.0, 3.0] };
        let post = Posterior::fit(&prior, &[], 1.0).unwrap();
        assert_eq!(post.mean, [1.0, 2.0, 3.0]);
        let (_, v) = post.predict(&[0.0, 1.0, 0.0]);
        assert!((v - 4.0).abs() < 1e-9);
    }

    #[test]
    fn heavy_tails_forgive_a_far_point_more_than_a_gaussian() {
        let gauss = |r: f64| -0.5 * r * r;
        let drop_t = student_t_log_pdf(0.0, 1.0, 4.0) - student_t_log_pdf(6.0, 1.0, 4.0);
        assert!(drop_t < (gauss(0.0) - gauss(6.0)) / 2.0, "{drop_t}");
    }
}
