//! RFM: recency, frequency and monetary value of a customer's orders, scored 1–5 each against
//! thresholds and turned into a class (champions, at risk, lost …). The figures come from
//! [`PurchaseFacts`]; who the customer is and what an order is are defined in
//! [`crate::purchases`].

use crate::model::RfmClass;
use crate::money::Currency;
use crate::purchases::PurchaseFacts;
use crate::time::{days_between, Instant};

/// A customer's raw RFM figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RfmValues {
    /// Whole days since the last order (in any currency).
    pub recency_days: i64,
    /// Orders in the workspace currency, over all time. All time rather than the last year so
    /// that a good customer who stopped buying keeps a high frequency and shows up as "at
    /// risk" or "can't lose" instead of looking like a one-off buyer; recency already says how
    /// long ago that was.
    pub frequency: u32,
    /// Lifetime value in minor units of the workspace currency.
    pub monetary_minor: i64,
}

/// RFM scores, each 1 (worst) to 5 (best).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RfmScores {
    pub recency: u8,
    pub frequency: u8,
    pub monetary: u8,
}

/// A customer's RFM figures, scores and class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rfm {
    pub values: RfmValues,
    pub scores: RfmScores,
    pub class: RfmClass,
}

/// The cut points that turn RFM values into scores. Each array is non-decreasing.
///
/// - Recency: score 5 when `recency_days <= recency_days[0]`, 4 when `<= [1]`, 3 when
///   `<= [2]`, 2 when `<= [3]`, else 1.
/// - Frequency and monetary: score 1 plus the number of cut points the value reaches
///   (`value >= cut`): below `[0]` scores 1, at or above `[3]` scores 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RfmThresholds {
    pub recency_days: [i64; 4],
    pub frequency: [u32; 4],
    pub monetary_minor: [i64; 4],
}

impl RfmThresholds {
    /// Fixed thresholds for a workspace too small for quintiles to mean much:
    /// - recency: 30, 90, 180, 365 days (within a month scores 5, over a year 1);
    /// - frequency: 2, 3, 5, 10 orders (one order scores 1, ten or more 5);
    /// - monetary, in major units: Toman 2 M, 10 M, 50 M, 200 M; rial ten times that;
    ///   dollar and euro 100, 500, 2 000, 10 000.
    pub fn fixed(currency: Currency) -> Self {
        let monetary_major: [i64; 4] = match currency {
            Currency::Toman => [2_000_000, 10_000_000, 50_000_000, 200_000_000],
            Currency::Irr => [20_000_000, 100_000_000, 500_000_000, 2_000_000_000],
            Currency::Usd | Currency::Eur => [100, 500, 2_000, 10_000],
        };
        let scale = 10_i64.pow(currency.minor_digits());
        RfmThresholds {
            recency_days: [30, 90, 180, 365],
            frequency: [2, 3, 5, 10],
            monetary_minor: monetary_major.map(|major| major * scale),
        }
    }

    /// Quintile thresholds over a customer base (the values of every customer with at least
    /// one order), so that about a fifth of the customers gets each score. `None` for an
    /// empty base.
    ///
    /// With the values sorted and `n` customers, the `k`-th cut (k = 1…4) is the value at
    /// nearest rank `ceil(k·n/5)`: for recency that value is the last scoring 6 − k; for
    /// frequency and monetary, values above it score at least k + 1 (the cut point is that
    /// value + 1, as the values are integers). Ties keep equal values on equal scores, so
    /// a base where most customers ordered once puts them all on the same frequency score.
    pub fn from_customers(values: &[RfmValues]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        fn cuts<T: Ord + Copy>(mut column: Vec<T>) -> [T; 4] {
            column.sort_unstable();
            let n = column.len();
            [1, 2, 3, 4].map(|k| column[(k * n).div_ceil(5) - 1])
        }
        let recency_days = cuts(values.iter().map(|v| v.recency_days).collect());
        let frequency = cuts(values.iter().map(|v| v.frequency).collect());
        let monetary = cuts(values.iter().map(|v| v.monetary_minor).collect());
        Some(RfmThresholds {
            recency_days,
            frequency: frequency.map(|cut| cut.saturating_add(1)),
            monetary_minor: monetary.map(|cut| cut.saturating_add(1)),
        })
    }

    /// Scores RFM values.
    pub fn scores(&self, values: &RfmValues) -> RfmScores {
        let recency_misses = self
            .recency_days
            .iter()
            .filter(|&&cut| values.recency_days > cut)
            .count();
        let frequency_hits = self
            .frequency
            .iter()
            .filter(|&&cut| values.frequency >= cut)
            .count();
        let monetary_hits = self
            .monetary_minor
            .iter()
            .filter(|&&cut| values.monetary_minor >= cut)
            .count();
        // Each count is at most 4, so the casts are lossless.
        RfmScores {
            recency: 5 - recency_misses as u8,
            frequency: 1 + frequency_hits as u8,
            monetary: 1 + monetary_hits as u8,
        }
    }
}

/// Rows: recency score 5 down to 1; columns: FM score 1 to 5.
#[rustfmt::skip]
const RFM_GRID: [[RfmClass; 5]; 5] = {
    use RfmClass::*;
    [
        [NewCustomer,  PotentialLoyalist, PotentialLoyalist, Champions, Champions],
        [Promising,    PotentialLoyalist, PotentialLoyalist, Loyal,     Champions],
        [AboutToSleep, AboutToSleep,      NeedsAttention,    Loyal,     Loyal],
        [Hibernating,  Hibernating,       AtRisk,            AtRisk,    CannotLose],
        [Lost,         Lost,              Hibernating,       AtRisk,    CannotLose],
    ]
};

impl RfmScores {
    /// Frequency and monetary combined: their mean, rounded half up, 1–5.
    pub fn fm(self) -> u8 {
        (self.frequency.clamp(1, 5) + self.monetary.clamp(1, 5)).div_ceil(2)
    }

    /// The class, from recency (rows) and [`RfmScores::fm`] (columns):
    ///
    /// ```text
    ///        FM=1          FM=2               FM=3               FM=4       FM=5
    /// R=5    new customer  potential loyalist potential loyalist champions  champions
    /// R=4    promising     potential loyalist potential loyalist loyal      champions
    /// R=3    about to sleep about to sleep    needs attention    loyal      loyal
    /// R=2    hibernating   hibernating        at risk            at risk    can't lose
    /// R=1    lost          lost               hibernating        at risk    can't lose
    /// ```
    pub fn class(self) -> RfmClass {
        let row = usize::from(5 - self.recency.clamp(1, 5));
        let column = usize::from(self.fm() - 1);
        RFM_GRID[row][column]
    }
}

impl RfmValues {
    /// The values of a customer's purchases at `now`.
    pub fn of(facts: &PurchaseFacts, now: Instant) -> RfmValues {
        RfmValues {
            recency_days: days_between(facts.last, now),
            frequency: facts.orders,
            monetary_minor: facts.spend.minor,
        }
    }
}

impl Rfm {
    /// The customer's figures, scored by `thresholds`, and their class.
    pub fn score(values: RfmValues, thresholds: &RfmThresholds) -> Rfm {
        let scores = thresholds.scores(&values);
        Rfm {
            values,
            scores,
            class: scores.class(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Currency = Currency::Toman;

    #[test]
    fn fixed_thresholds_score_hand_computed_values() {
        let fixed = RfmThresholds::fixed(T);
        let score = |recency_days, frequency, monetary_minor| {
            fixed.scores(&RfmValues {
                recency_days,
                frequency,
                monetary_minor,
            })
        };
        let s = |recency, frequency, monetary| RfmScores {
            recency,
            frequency,
            monetary,
        };
        assert_eq!(score(0, 1, 0), s(5, 1, 1));
        assert_eq!(score(30, 2, 2_000_000), s(5, 2, 2));
        assert_eq!(score(31, 3, 9_999_999), s(4, 3, 2));
        assert_eq!(score(90, 5, 10_000_000), s(4, 4, 3));
        assert_eq!(score(180, 9, 50_000_000), s(3, 4, 4));
        assert_eq!(score(365, 10, 200_000_000), s(2, 5, 5));
        assert_eq!(score(366, 40, i64::MAX), s(1, 5, 5));
        // Dollars are scored in cents.
        let usd = RfmThresholds::fixed(Currency::Usd);
        assert_eq!(usd.monetary_minor, [10_000, 50_000, 200_000, 1_000_000]);
    }

    #[test]
    fn classes_follow_the_grid() {
        use RfmClass::*;
        let class = |recency, frequency, monetary| {
            RfmScores {
                recency,
                frequency,
                monetary,
            }
            .class()
        };
        assert_eq!(class(5, 5, 5), Champions);
        assert_eq!(class(5, 4, 3), Champions); // FM = 3.5 → 4
        assert_eq!(class(4, 5, 5), Champions);
        assert_eq!(class(4, 4, 4), Loyal);
        assert_eq!(class(3, 5, 5), Loyal);
        assert_eq!(class(5, 2, 3), PotentialLoyalist);
        assert_eq!(class(5, 1, 1), NewCustomer);
        assert_eq!(class(4, 1, 1), Promising);
        assert_eq!(class(3, 3, 3), NeedsAttention);
        assert_eq!(class(3, 1, 2), AboutToSleep);
        assert_eq!(class(2, 4, 4), AtRisk);
        assert_eq!(class(1, 4, 3), AtRisk);
        assert_eq!(class(2, 5, 5), CannotLose);
        assert_eq!(class(1, 5, 4), CannotLose);
        assert_eq!(class(2, 2, 1), Hibernating);
        assert_eq!(class(1, 3, 3), Hibernating);
        assert_eq!(class(1, 1, 2), Lost);
        // Every class of the model is reachable.
        let mut reached: Vec<RfmClass> = (1..=5)
            .flat_map(|r| (1..=5).flat_map(move |f| (1..=5).map(move |m| class(r, f, m))))
            .collect();
        reached.sort_by_key(|class| class.as_str());
        reached.dedup();
        assert_eq!(reached.len(), RfmClass::ALL.len());
    }

    #[test]
    fn quintile_thresholds_split_the_base_in_fifths() {
        // Ten customers: recency 10, 20, …, 100 days; frequency 1…10; monetary 100…1 000.
        let base: Vec<RfmValues> = (1..=10)
            .map(|i| RfmValues {
                recency_days: i * 10,
                frequency: i as u32,
                monetary_minor: i * 100,
            })
            .collect();
        let quintiles = RfmThresholds::from_customers(&base).unwrap();
        // Nearest ranks 2, 4, 6, 8.
        assert_eq!(quintiles.recency_days, [20, 40, 60, 80]);
        assert_eq!(quintiles.frequency, [3, 5, 7, 9]);
        assert_eq!(quintiles.monetary_minor, [201, 401, 601, 801]);
        let scores: Vec<(u8, u8, u8)> = base
            .iter()
            .map(|values| quintiles.scores(values))
            .map(|s| (s.recency, s.frequency, s.monetary))
            .collect();
        assert_eq!(
            scores,
            vec![
                (5, 1, 1),
                (5, 1, 1),
                (4, 2, 2),
                (4, 2, 2),
                (3, 3, 3),
                (3, 3, 3),
                (2, 4, 4),
                (2, 4, 4),
                (1, 5, 5),
                (1, 5, 5),
            ]
        );
        assert_eq!(RfmThresholds::from_customers(&[]), None);

        // A single customer scores best on recency and lowest on the rest.
        let one = [base[0]];
        let thresholds = RfmThresholds::from_customers(&one).unwrap();
        let scores = thresholds.scores(&one[0]);
        assert_eq!(
            (scores.recency, scores.frequency, scores.monetary),
            (5, 1, 1)
        );
    }
}
