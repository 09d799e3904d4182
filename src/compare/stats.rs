//! Stats: the association measures of the compare tables, as plain functions.
//!
//! Takes counts; gives Dunning's log-likelihood G² of a 2×2 table, its chi-square p-value
//! (1 degree of freedom), Hardie's Log Ratio and pointwise mutual information. No I/O, no
//! state; the tests check them against values computed independently with SciPy
//! (`tests/stats_scipy.py`).

/// `o · ln(o / e)`, 0 when `o` is 0 (the limit).
fn o_ln(o: f64, e: f64) -> f64 {
    if o > 0.0 && e > 0.0 {
        o * (o / e).ln()
    } else {
        0.0
    }
}

/// Dunning's log-likelihood G² of the 2×2 table `[[a, b], [c, d]]`:
/// `2 Σ o ln(o / e)` with `e = row total × column total / N`; 0 for an empty table.
/// The same statistic as SciPy's `power_divergence(obs, f_exp, lambda_="log-likelihood")`.
pub fn g2(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let n = a + b + c + d;
    if n <= 0.0 {
        return 0.0;
    }
    let (r0, r1, c0, c1) = (a + b, c + d, a + c, b + d);
    let g = 2.0
        * (o_ln(a, r0 * c0 / n)
            + o_ln(b, r0 * c1 / n)
            + o_ln(c, r1 * c0 / n)
            + o_ln(d, r1 * c1 / n));
    g.max(0.0)
}

/// Upper tail of the chi-square distribution with 1 degree of freedom at `x`:
/// `erfc(sqrt(x / 2))`.
pub fn chi2_sf_1(x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else {
        erfc((x / 2.0).sqrt())
    }
}

/// The complementary error function, to a relative error below 1.2e-7 (Chebyshev fit of
/// Press et al., *Numerical Recipes*, `erfcc`) — p-values are reported to that precision.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.26551223
        + t * (1.00002368
            + t * (0.37409196
                + t * (0.09678418
                    + t * (-0.18628806
                        + t * (0.27886807
                            + t * (-1.13520398
                                + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Hardie's Log Ratio: `log2((a / ta) / (b / tb))`, the binary log of the ratio of the
/// relative frequencies of a term in the target (`a` of `ta` tokens) and in the rest (`b` of
/// `tb`). A zero count is replaced by 0.5 (for this measure only), so a term absent from the
/// rest gets a finite value.
pub fn log_ratio(a: u64, ta: u64, b: u64, tb: u64) -> f64 {
    let smooth = |x: u64| if x == 0 { 0.5 } else { x as f64 };
    if ta == 0 || tb == 0 {
        return f64::NAN;
    }
    ((smooth(a) / ta as f64) / (smooth(b) / tb as f64)).log2()
}

/// Pointwise mutual information, `log2(p(a,b) / (p(a) p(b)))` with `p(a,b) = ab / n`,
/// `p(a) = a / n`, `p(b) = b / n`: `log2(ab · n / (a · b))`.
pub fn pmi(ab: u64, a: u64, b: u64, n: u64) -> f64 {
    if ab == 0 || a == 0 || b == 0 {
        return f64::NAN;
    }
    (ab as f64 * n as f64 / (a as f64 * b as f64)).log2()
}

/// Rounds to `d` decimals (for stable, readable CSV cells).
pub fn round(x: f64, d: i32) -> f64 {
    let f = 10f64.powi(d);
    (x * f).round() / f
}

/// Rounds to `digits` significant digits: a score written as `64.5523`, not
/// `64.55229198802085` (the digits past the sixth say nothing and cost a tenth of a table).
pub fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let d = digits - 1 - x.abs().log10().floor() as i32;
    if d >= 0 {
        round(x, d)
    } else {
        // a power of ten that is exact, multiplied back: 1234567 → 1234570
        let f = 10f64.powi(-d);
        (x / f).round() * f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_sig_keeps_six_digits_at_any_scale() {
        assert_eq!(round_sig(64.55229198802085, 6), 64.5523);
        assert_eq!(round_sig(0.000123456789, 6), 0.000123457);
        assert_eq!(round_sig(-1.1641586643339805, 6), -1.16416);
        assert_eq!(round_sig(1234567.8, 6), 1234570.0);
        assert_eq!(round_sig(0.0, 6), 0.0);
        assert!(round_sig(f64::NAN, 6).is_nan());
        // written as the short decimal, not a neighbour of it
        assert_eq!(format!("{}", round_sig(2.0 / 3.0, 6)), "0.666667");
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn erfc_matches_known_values() {
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.4795001221869535),
            (1.0, 0.15729920705028513),
            (2.0, 0.004677734981047266),
            (3.0, 2.209049699858544e-05),
            (-1.0, 1.8427007929497148),
        ] {
            assert!(close(erfc(x), want, 2e-7 * want.max(1e-3)), "erfc({x})");
        }
    }

    #[test]
    fn g2_of_a_balanced_table_is_zero() {
        assert_eq!(g2(10.0, 10.0, 90.0, 90.0), 0.0);
        assert_eq!(g2(0.0, 0.0, 0.0, 0.0), 0.0);
        assert_eq!(chi2_sf_1(0.0), 1.0);
        // the 5% critical value of chi-square with 1 d.o.f.
        assert!(close(chi2_sf_1(3.841458820694124), 0.05, 1e-7));
    }

    #[test]
    fn log_ratio_and_pmi() {
        // twice as frequent: log ratio 1
        assert!(close(log_ratio(4, 100, 2, 100), 1.0, 1e-12));
        // absent from the rest: 0.5 stands in for 0
        assert!(close(log_ratio(4, 100, 0, 100), 3.0, 1e-12));
        // independent words: pmi 0; always together: log2(n / a)
        assert!(close(pmi(10, 100, 100, 1000), 0.0, 1e-12));
        assert!(close(pmi(10, 10, 10, 1000), (100f64).log2(), 1e-12));
        assert!(pmi(0, 1, 1, 10).is_nan());
    }
}
