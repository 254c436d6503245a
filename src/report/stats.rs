//! Small statistics of the report: medians, and incidents counted by severity.

use std::collections::BTreeMap;

use crate::model::coe::Coe;
use crate::model::policy::Config;

use super::view::SeverityCount;

/// The median; the mean of the two middle values for an even count; `None` for none.
pub fn median(values: impl IntoIterator<Item = i64>) -> Option<f64> {
    let mut values: Vec<i64> = values.into_iter().collect();
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] as f64 + values[mid] as f64) / 2.0
    })
}
/// Incidents per severity: every configured severity in order (zeros included), then any
/// other severity found, by name.
pub fn by_severity(coes: &[&Coe], config: &Config) -> Vec<SeverityCount> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for coe in coes {
        *counts.entry(coe.severity.trim()).or_default() += 1;
    }
    let mut out: Vec<SeverityCount> = config
        .severities
        .iter()
        .map(|s| SeverityCount {
            severity: s.clone(),
            incidents: counts.remove(s.as_str()).unwrap_or(0),
        })
        .collect();
    out.extend(counts.into_iter().map(|(s, n)| SeverityCount {
        severity: s.to_string(),
        incidents: n,
    }));
    out
}
