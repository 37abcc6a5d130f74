//! Trends across the archive: counts per quarter, tag, severity and
//! service; duration medians and p90 per tag (never means: durations are
//! skewed); time to detect and resolve; open action items.

use super::Archive;
use crate::model::Kind;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize)]
pub struct Stats {
    pub incidents: usize,
    /// Every quarter from the first incident to the last, empty ones too.
    pub per_quarter: Vec<Count>,
    pub by_tag: Vec<Count>,
    pub by_severity: Vec<Count>,
    pub by_service: Vec<Count>,
    pub duration_by_tag: Vec<Spread>,
    pub time_to_detect: Option<Spread>,
    pub time_to_resolve: Option<Spread>,
    pub action_items: usize,
    pub open_action_items: usize,
    pub recurrences: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub label: String,
    pub count: usize,
}

/// Median and 90th percentile (nearest rank) of a set of minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spread {
    pub label: String,
    pub count: usize,
    pub median: i64,
    pub p90: i64,
}

impl Spread {
    fn of(label: &str, mut minutes: Vec<i64>) -> Option<Spread> {
        if minutes.is_empty() {
            return None;
        }
        minutes.sort_unstable();
        let rank = |q: f64| minutes[((q * minutes.len() as f64).ceil() as usize).clamp(1, minutes.len()) - 1];
        Some(Spread { label: label.to_string(), count: minutes.len(), median: rank(0.5), p90: rank(0.9) })
    }
}

impl Stats {
    pub fn of(archive: &Archive) -> Stats {
        let postmortems: Vec<_> = archive.postmortems().collect();
        let mut quarters: BTreeMap<(i16, i8), usize> = BTreeMap::new();
        for (_, p) in &postmortems {
            if let Some(date) = p.date {
                *quarters.entry((date.year(), (date.month() - 1) / 3 + 1)).or_default() += 1;
            }
        }
        // Taxonomies hold every kind of document; trends count postmortems.
        let of_postmortems = |list: &[usize]| -> Vec<usize> {
            list.iter().copied().filter(|&i| archive.incidents[i].kind == Kind::Postmortem).collect()
        };
        let counts = |map: &BTreeMap<String, Vec<usize>>| {
            let mut list: Vec<Count> = map
                .iter()
                .map(|(label, list)| Count { label: label.clone(), count: of_postmortems(list).len() })
                .filter(|c| c.count > 0)
                .collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
            list
        };
        let taxonomies = &archive.taxonomies;
        let duration_by_tag = taxonomies
            .tags
            .iter()
            .filter_map(|(tag, list)| {
                let minutes = of_postmortems(list).into_iter().filter_map(|i| archive.incidents[i].duration_minutes);
                let minutes = minutes.map(i64::from);
                Spread::of(tag, minutes.collect())
            })
            .collect();
        let phase = |pick: fn(&super::Phases) -> Option<i64>| {
            postmortems.iter().filter_map(|(i, _)| pick(&archive.phases[*i])).collect::<Vec<_>>()
        };
        let items = postmortems.iter().flat_map(|(_, p)| &p.action_items);
        Stats {
            incidents: postmortems.len(),
            per_quarter: fill_quarters(&quarters),
            by_tag: counts(&taxonomies.tags),
            // SEV1 before SEV2: severity reads in its own order, not by count.
            by_severity: {
                let mut list = counts(&taxonomies.severity);
                list.sort_by(|a, b| a.label.cmp(&b.label));
                list
            },
            by_service: counts(&taxonomies.services),
            duration_by_tag,
            time_to_detect: Spread::of("detect", phase(|p| p.detect)),
            time_to_resolve: Spread::of("resolve", phase(|p| p.resolve)),
            action_items: items.clone().count(),
            open_action_items: items.filter(|a| !a.done).count(),
            recurrences: archive.recurrences.len(),
        }
    }
}

/// `2024-Q1`… with zero for quarters without incidents, so a chart shows
/// quiet periods as quiet rather than skipping them.
fn fill_quarters(quarters: &BTreeMap<(i16, i8), usize>) -> Vec<Count> {
    let (Some(first), Some(last)) = (quarters.keys().next(), quarters.keys().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut year, mut quarter) = *first;
    while (year, quarter) <= *last {
        let count = quarters.get(&(year, quarter)).copied().unwrap_or(0);
        out.push(Count { label: format!("{year}-Q{quarter}"), count });
        (year, quarter) = if quarter == 4 { (year + 1, 1) } else { (year, quarter + 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_uses_nearest_rank() {
        let s = Spread::of("x", vec![10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]).unwrap();
        assert_eq!((s.median, s.p90), (50, 90));
        assert_eq!(Spread::of("x", vec![7]).map(|s| (s.median, s.p90)), Some((7, 7)));
    }

    #[test]
    fn quiet_quarters_are_kept() {
        let quarters = BTreeMap::from([((2023, 3), 2), ((2024, 2), 1)]);
        let labels: Vec<String> =
            fill_quarters(&quarters).into_iter().map(|c| format!("{}={}", c.label, c.count)).collect();
        assert_eq!(labels, ["2023-Q3=2", "2023-Q4=0", "2024-Q1=0", "2024-Q2=1"]);
    }
}
