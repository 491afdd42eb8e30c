//! The offline reviewer and summarizer: scores and reports from the evidence (gates, CV), not from
//! the program's text.

use crate::roles::{
    GateResult, GateStatus, Outcome, PhaseCx, Review, Reviewer, Summarizer, gate_counts,
};

use super::OfflinePolicy;

impl Reviewer for OfflinePolicy {
    fn review(&self, _cx: &PhaseCx, o: &Outcome) -> Review {
        let failed: Vec<&GateResult> = o.gates.iter().filter(|g| g.failed()).collect();
        let (dev, why) = match (failed.len(), o.attempts) {
            (0, 1) => (5, "every gate passed on the first attempt".to_string()),
            (0, n) => (4, format!("every gate passed after {n} attempts")),
            (k, _) => (
                2,
                format!(
                    "{k} gate(s) failed: {}",
                    failed
                        .iter()
                        .map(|g| g.gate.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        let mut scores = vec![("developer".to_string(), dev, why)];
        let mut suggestions: Vec<String> = failed
            .iter()
            .map(|g| format!("{}: {}", g.gate, g.message))
            .collect();
        if let (Some(b), Some(best)) = (o.baseline, o.cv.first()) {
            let spread = o.cv.iter().map(|c| c.std).fold(0.0, f64::max);
            let (s, why) = if (best.mean - b).abs() < 1e-12 {
                (
                    2,
                    format!(
                        "the best model ({:.4}) does not beat the trivial baseline ({b:.4})",
                        best.mean
                    ),
                )
            } else {
                (
                    4,
                    format!(
                        "best CV {:.4} ± {:.4} against a trivial baseline of {b:.4}",
                        best.mean, best.std
                    ),
                )
            };
            scores.push(("planner".into(), s, why));
            if spread > 0.02 {
                suggestions.push(format!("fold scores vary by up to {spread:.3}: consider more folds or stronger regularisation"));
            }
        } else {
            scores.push((
                "planner".into(),
                4,
                format!("{} step(s) planned and carried out", o.steps.len()),
            ));
        }
        Review {
            scores,
            suggestions,
        }
    }
}

impl Summarizer for OfflinePolicy {
    fn summarize(&self, cx: &PhaseCx, plan: &str, o: &Outcome, review: &Review) -> String {
        let mut s = format!("# {}\n\n## Plan\n\n{plan}\n", cx.phase.title());
        if !o.steps.is_empty() {
            s.push_str("\n## What the program did\n\n");
            for l in o.steps {
                s.push_str(&format!("- {l}\n"));
            }
        }
        if !o.cv.is_empty() {
            s.push_str("\n## Cross-validation\n\n| model | CV mean | CV std |\n|---|---|---|\n");
            for c in o.cv {
                s.push_str(&format!("| {} | {:.5} | {:.5} |\n", c.model, c.mean, c.std));
            }
            if let Some(b) = o.baseline {
                s.push_str(&format!("\nTrivial baseline: {b:.5}\n"));
            }
        }
        let (passed, applicable) = gate_counts(o.gates);
        s.push_str(&format!(
            "\n## Gates ({passed} of {applicable} passed, {} attempt(s))\n\n",
            o.attempts
        ));
        for g in o.gates {
            let mark = match g.status {
                GateStatus::Passed => "PASS",
                GateStatus::Failed => "FAIL",
                GateStatus::NotApplicable => "N/A",
            };
            s.push_str(&format!("- {mark} {}: {}\n", g.gate, g.message));
        }
        s.push_str("\n## Review\n\n");
        for (who, score, why) in &review.scores {
            s.push_str(&format!("- {who}: {score}/5, {why}\n"));
        }
        for sug in &review.suggestions {
            s.push_str(&format!("- suggestion: {sug}\n"));
        }
        s
    }
}
