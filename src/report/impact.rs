//! How much an incident hurt customers, as one number that orders every incident.
//!
//! Two measures, from the SPEC:
//! - **customer-minutes**: customers affected × minutes from started to mitigated, where the
//!   COE gives a customer count;
//! - **impact-minutes**: minutes from started to mitigated × the severity's
//!   `impact_weights`, where it does not.
//!
//! They are not in the same unit, so they are made comparable by the repository's own
//! incidents that give a count: for one incident, customer-minutes ÷ impact-minutes is
//! customers ÷ weight (the minutes cancel), and the *calibration* is the median of that over
//! them: "how many customers one unit of weight has stood for here" (a median, so one huge
//! incident does not inflate every estimate). An incident without a count is then ranked
//! by its impact-minutes × that ratio (an estimate of its customer-minutes); an incident
//! with a count by its customer-minutes. When no incident gives a count, the ratio is 1
//! and the ranking is in impact-minutes. An incident with no
//! mitigated time (or a severity without a weight and no count) has no impact: it is shown
//! as unknown and ranked last, never as 0.

use serde::{Deserialize, Serialize};

use crate::model::coe::Coe;
use crate::model::policy::Config;

/// Which measure an incident's impact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Customers affected × minutes to mitigate.
    CustomerMinutes,
    /// Minutes to mitigate × the severity's weight (no customer count).
    ImpactMinutes,
    /// Neither can be computed.
    Unknown,
}

/// The ranking's unit and how impact-minutes were converted into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactModel {
    /// The weights per severity (`impact_weights`).
    pub weights: std::collections::BTreeMap<String, f64>,
    /// Customer-minutes one impact-minute stands for: the median of customers ÷ weight over
    /// the incidents with a customer count and a weighted severity; `null` when none has.
    pub customer_minutes_per_impact_minute: Option<f64>,
    /// How many incidents that ratio is computed from.
    pub calibrated_on: usize,
    /// The unit of every `impact` figure: `customer-minutes` when the ratio is known (some
    /// of them estimated), else `impact-minutes`.
    pub unit: String,
}

impl ImpactModel {
    /// The model for a repository: calibrated on every COE given.
    pub fn calibrate<'c>(coes: impl IntoIterator<Item = &'c Coe>, config: &Config) -> ImpactModel {
        // customer-minutes ÷ impact-minutes of one incident is customers ÷ weight: the
        // minutes cancel, so an incident needs no mitigated time to calibrate.
        let ratios: Vec<f64> = coes
            .into_iter()
            .filter_map(|coe| {
                let customers = coe.impact.customers_affected?;
                let weight = config.impact_weight(&coe.severity).filter(|w| *w > 0.0)?;
                Some(customers as f64 / weight)
            })
            .collect();
        let ratio = median_f64(&ratios);
        ImpactModel {
            weights: config.impact_weights.clone(),
            customer_minutes_per_impact_minute: ratio,
            calibrated_on: ratios.len(),
            unit: if ratio.is_some() {
                "customer-minutes"
            } else {
                "impact-minutes"
            }
            .to_string(),
        }
    }

    /// The impact of one incident.
    pub fn impact(&self, coe: &Coe, config: &Config) -> Impact {
        let customer_minutes = coe.customer_minutes();
        let impact_minutes = impact_minutes_of(coe, config);
        let (measure, impact) = match (customer_minutes, impact_minutes) {
            (Some(cm), _) => (Measure::CustomerMinutes, Some(cm as f64)),
            (None, Some(im)) => (
                Measure::ImpactMinutes,
                Some(im * self.customer_minutes_per_impact_minute.unwrap_or(1.0)),
            ),
            (None, None) => (Measure::Unknown, None),
        };
        Impact {
            measure,
            customer_minutes,
            impact_minutes,
            impact,
        }
    }
}

/// One incident's impact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impact {
    /// Which measure `impact` comes from.
    pub measure: Measure,
    /// Customers affected × minutes to mitigate, when both are known.
    pub customer_minutes: Option<u64>,
    /// Minutes to mitigate × the severity's weight, when both are known.
    pub impact_minutes: Option<f64>,
    /// The ranking figure, in the model's unit; `None` when unknown.
    pub impact: Option<f64>,
}

/// The median; the mean of the middle two for an even count.
fn median_f64(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[mid]),
        _ => Some((v[mid - 1] + v[mid]) / 2.0),
    }
}

/// Minutes from started to mitigated × the severity's weight.
pub fn impact_minutes_of(coe: &Coe, config: &Config) -> Option<f64> {
    let minutes = coe.minutes_to_mitigate()?;
    Some(minutes as f64 * config.impact_weight(&coe.severity)?)
}

/// Orders impacts from most to least, unknown last.
pub fn most_first(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}
