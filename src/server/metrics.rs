//! Prometheus metrics in the text exposition format: requests by route and status,
//! `ask` latency histogram, decisions by kind, feedback by helpfulness.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::decide::DecisionKind;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

/// All counters of one server.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    decisions: [AtomicU64; 4],
    feedback: [AtomicU64; 2],
}

impl Metrics {
    /// Counts one finished request.
    pub fn request(&self, route: &str, status: u16) {
        if let Ok(mut map) = self.requests.lock() {
            *map.entry((route.to_string(), status)).or_insert(0) += 1;
        }
    }

    /// Records one `ask`: its decision and how long it took.
    pub fn ask(&self, decision: DecisionKind, seconds: f64) {
        let idx = match decision {
            DecisionKind::Answer => 0,
            DecisionKind::Suggest => 1,
            DecisionKind::Abstain => 2,
            DecisionKind::Clarify => 3,
        };
        self.decisions[idx].fetch_add(1, Ordering::Relaxed);
        for (i, upper) in BUCKETS.iter().enumerate() {
            if seconds <= *upper {
                self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// Counts one feedback.
    pub fn feedback(&self, helpful: bool) {
        self.feedback[usize::from(!helpful)].fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str("# HELP madoguchi_http_requests_total HTTP requests by route and status.\n# TYPE madoguchi_http_requests_total counter\n");
        if let Ok(map) = self.requests.lock() {
            for ((route, status), n) in map.iter() {
                let _ = writeln!(
                    s,
                    "madoguchi_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                    route.replace('"', "'")
                );
            }
        }
        s.push_str("# HELP madoguchi_ask_duration_seconds Time to answer one question.\n# TYPE madoguchi_ask_duration_seconds histogram\n");
        for (i, upper) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                s,
                "madoguchi_ask_duration_seconds_bucket{{le=\"{upper}\"}} {}",
                self.latency_buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            s,
            "madoguchi_ask_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            s,
            "madoguchi_ask_duration_seconds_sum {}",
            self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(s, "madoguchi_ask_duration_seconds_count {count}");
        s.push_str("# HELP madoguchi_decisions_total Decisions by kind.\n# TYPE madoguchi_decisions_total counter\n");
        for (i, kind) in ["answer", "suggest", "abstain", "clarify"]
            .iter()
            .enumerate()
        {
            let _ = writeln!(
                s,
                "madoguchi_decisions_total{{decision=\"{kind}\"}} {}",
                self.decisions[i].load(Ordering::Relaxed)
            );
        }
        s.push_str("# HELP madoguchi_feedback_total Feedback by helpfulness.\n# TYPE madoguchi_feedback_total counter\n");
        for (i, helpful) in ["true", "false"].iter().enumerate() {
            let _ = writeln!(
                s,
                "madoguchi_feedback_total{{helpful=\"{helpful}\"}} {}",
                self.feedback[i].load(Ordering::Relaxed)
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_histogram() {
        let m = Metrics::default();
        m.request("/v1/ask", 200);
        m.request("/v1/ask", 200);
        m.ask(DecisionKind::Answer, 0.0004);
        m.ask(DecisionKind::Abstain, 0.003);
        m.feedback(false);
        let text = m.render();
        assert!(text.contains("madoguchi_http_requests_total{route=\"/v1/ask\",status=\"200\"} 2"));
        assert!(text.contains("madoguchi_ask_duration_seconds_bucket{le=\"0.0005\"} 1"));
        assert!(text.contains("madoguchi_ask_duration_seconds_bucket{le=\"0.005\"} 2"));
        assert!(text.contains("madoguchi_ask_duration_seconds_count 2"));
        assert!(text.contains("madoguchi_decisions_total{decision=\"abstain\"} 1"));
        assert!(text.contains("madoguchi_feedback_total{helpful=\"false\"} 1"));
    }
}
