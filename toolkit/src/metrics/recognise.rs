//! Which metric an overview names, read from the registry's phrases: the evaluation sentence
//! first, then a section headed "Metric" or "Evaluation", then the whole text. A sentence that
//! states how submissions are evaluated but names no known metric is an error, never a default.

use super::{METRICS, Metric, MetricId};
use crate::error::{Result, ToolkitError};
use crate::spec::Task;

/// The metric an overview names, and where it was found (or why the default was taken).
#[derive(Clone, Debug, PartialEq)]
pub struct Recognised {
    /// The metric.
    pub metric: MetricId,
    /// Where it was named, quoting the sentence, or why the task's default was taken.
    pub why: String,
    /// Whether it is the task's default because the overview names none.
    pub defaulted: bool,
}

/// Words that show a sentence names a metric, known or not.
const METRIC_WORDS: &[&str] = &[
    "error",
    "loss",
    "score",
    "coefficient",
    "metric",
    "kappa",
    "precision",
    "recall",
    "correlation",
    "curve",
    "deviance",
    "distance",
    "accuracy",
    "likelihood",
    "auc",
    "@",
];

/// The overview's metric for `task`.
///
/// # Errors
/// [`ToolkitError::UnknownMetric`] when the evaluation sentence names a metric the registry lacks,
/// or one that cannot score `task`.
pub fn recognise(overview: &str, task: Task) -> Result<Recognised> {
    let text = without_link_targets(&overview.to_lowercase());
    if let Some(sentence) = evaluation_sentence(&text) {
        if let Some(m) = best(&sentence, task) {
            return Ok(found(m, "the overview's evaluation sentence", &sentence));
        }
        if let Some(other) = METRICS.iter().find(|m| matches(**m, &sentence).is_some()) {
            return Err(ToolkitError::UnknownMetric {
                sentence: sentence.trim().to_string(),
                why: format!(
                    "it names {}, which cannot score a {task:?} task; if the task is wrong, say so in competition.toml (`task`)",
                    other.name()
                ),
                known: MetricId::names(),
            });
        }
        if METRIC_WORDS.iter().any(|w| sentence.contains(w)) {
            return Err(ToolkitError::UnknownMetric {
                sentence: sentence.trim().to_string(),
                why: "no metric the registry knows is named in it".into(),
                known: MetricId::names(),
            });
        }
    }
    for (passage, place) in [
        (section(&text), "the overview's Metric/Evaluation section"),
        (Some(text.clone()), "the overview"),
    ] {
        if let Some(p) = passage
            && let Some(m) = best(&p, task)
        {
            let quote = sentence_around(&p, matches(m.get(), &p).map_or(0, |(_, _, at)| at));
            return Ok(found(m, place, &quote));
        }
    }
    let metric = MetricId::default_for(task);
    Ok(Recognised {
        metric,
        why: format!(
            "no metric named in the overview: {metric}, the default for a {task:?} task (set `--metric` or `metric` in competition.toml to choose)"
        ),
        defaulted: true,
    })
}

/// Whether the overview names `metric` by one of its phrases (the reader may only correct a
/// metric to one the overview states).
pub fn metric_named(overview: &str, metric: MetricId) -> bool {
    matches(
        metric.get(),
        &without_link_targets(&overview.to_lowercase()),
    )
    .is_some()
}

fn found(metric: MetricId, place: &str, sentence: &str) -> Recognised {
    let quote: String = sentence.trim().chars().take(160).collect();
    Recognised {
        metric,
        why: format!("named in {place}: \"{quote}\""),
        defaulted: false,
    }
}

/// The most specific metric for `task` that `text` names: most phrase parts, then longest.
fn best(text: &str, task: Task) -> Option<MetricId> {
    METRICS
        .iter()
        .filter(|m| m.tasks().contains(&task))
        .filter_map(|m| matches(*m, text).map(|(parts, len, _)| ((parts, len), *m)))
        .max_by_key(|(rank, _)| *rank)
        .map(|(_, m)| MetricId::of(m))
}

/// The best phrase of `m` found in `text`: (parts, length, position of the first part).
fn matches(m: &dyn Metric, text: &str) -> Option<(usize, usize, usize)> {
    m.phrases()
        .iter()
        .filter_map(|phrase| {
            let parts: Vec<&str> = phrase.split('+').collect();
            let at: Vec<usize> = parts
                .iter()
                .map(|p| find_bounded(text, p))
                .collect::<Option<_>>()?;
            Some((parts.len(), parts.iter().map(|p| p.len()).sum(), at[0]))
        })
        .max_by_key(|(parts, len, _)| (*parts, *len))
}

/// Where `needle` occurs in `text` not inside a longer word.
fn find_bounded(text: &str, needle: &str) -> Option<usize> {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        let first = needle.chars().next();
        let last = needle.chars().next_back();
        // A match inside a longer word on either side does not count.
        !(word(before) && word(first) || word(after) && word(last))
    })
}

/// The overview with markdown link targets (`](https://...)`) removed: URLs are not the words.
fn without_link_targets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 2..];
        rest = rest.find(')').map_or("", |j| &rest[j + 1..]);
    }
    out.push_str(rest);
    out
}

/// The sentence that says how submissions are evaluated.
fn evaluation_sentence(text: &str) -> Option<String> {
    // In this order: the first key found decides, so a stray "scored" elsewhere cannot.
    [
        "evaluated",
        "evaluation metric",
        "submissions are scored",
        "will be scored",
    ]
    .iter()
    .find_map(|k| text.find(k))
    .map(|i| sentence_around(text, i))
}

/// The sentence holding byte `i`: from the end of the one before to ". " or a line break.
fn sentence_around(text: &str, i: usize) -> String {
    let start = [
        text[..i].rfind(". ").map(|s| s + 2),
        text[..i].rfind('\n').map(|s| s + 1),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(0);
    let rest = &text[i..];
    let end = [rest.find(". "), rest.find('\n')]
        .into_iter()
        .flatten()
        .min()
        .map_or(text.len(), |e| i + e);
    text[start..end]
        .trim()
        .trim_end_matches(['.', ':'])
        .to_string()
}

/// The text under a heading that names the metric or the evaluation, to the next heading.
fn section(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let heading = |l: &str| l.trim_start().starts_with('#');
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if heading(l) && (l.contains("metric") || l.contains("evaluation")) {
            for body in lines[i + 1..].iter().take_while(|b| !heading(b)) {
                out.push_str(body);
                out.push('\n');
            }
        }
    }
    (!out.trim().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(sentence: &str, task: Task) -> String {
        recognise(sentence, task).unwrap().metric.name().to_string()
    }

    #[test]
    fn kaggle_evaluation_sentences_name_each_metric() {
        use Task::*;
        for (sentence, task, name) in [
            (
                "Submissions are evaluated on [area under the ROC curve](http://en.wikipedia.org/wiki/Receiver_operating_characteristic) between the predicted probability and the observed target.",
                Binary,
                "roc_auc",
            ),
            (
                "Submissions are evaluated using area under the ROC curve using the predicted probabilities and the ground truth targets.",
                MultiLabel,
                "mean_columnwise_roc_auc",
            ),
            (
                "Submissions are evaluated using the [accuracy](https://en.wikipedia.org/wiki/Accuracy_and_precision) score.",
                Multiclass,
                "accuracy",
            ),
            (
                "Submissions are evaluated on [Root-Mean-Squared-Error (RMSE)](https://x) between the logarithm of the predicted value and the logarithm of the observed sales price.",
                Regression,
                "rmsle",
            ),
            (
                "Submissions are evaluated on the Root Mean Squared Error (RMSE).",
                Regression,
                "rmse",
            ),
            (
                "Submissions are evaluated according to the Mean Average Precision @ 3 (MAP@3):",
                Multiclass,
                "map_at_3",
            ),
            (
                "Submissions are evaluated using the Matthews correlation coefficient (MCC).",
                Binary,
                "mcc",
            ),
            (
                "Submissions are scored based on the quadratic weighted kappa, which measures the agreement between two outcomes.",
                Multiclass,
                "qwk",
            ),
            (
                "Submissions are evaluated using the multi-class logarithmic loss.",
                Multiclass,
                "log_loss",
            ),
            (
                "Submissions are evaluated on the Root Mean Squared Logarithmic Error (RMSLE).",
                Regression,
                "rmsle",
            ),
            (
                "Submissions are evaluated using the mean absolute error (MAE) between the predicted and actual values.",
                Regression,
                "mae",
            ),
            (
                "Submissions are evaluated on Mean Absolute Percentage Error (MAPE).",
                Regression,
                "mape",
            ),
            (
                "Submissions are evaluated on SMAPE between forecasts and actual values.",
                Regression,
                "smape",
            ),
            (
                "Submissions are evaluated using the Median Absolute Error (MedAE).",
                Regression,
                "median_absolute_error",
            ),
            (
                "Submissions are evaluated using R2 (the coefficient of determination).",
                Regression,
                "r2",
            ),
            (
                "Submissions are evaluated using the F1 score between the predicted and the observed targets.",
                Binary,
                "f1",
            ),
            (
                "Submissions will be evaluated using the macro F1 score.",
                Multiclass,
                "f1_macro",
            ),
            (
                "Submissions are evaluated using the micro-averaged F1-Score.",
                Multiclass,
                "f1_micro",
            ),
            (
                "Submissions are evaluated on balanced accuracy.",
                Multiclass,
                "balanced_accuracy",
            ),
            (
                "Submissions are evaluated on log loss between the predicted probability and the observed target.",
                Binary,
                "log_loss",
            ),
        ] {
            assert_eq!(named(sentence, task), name, "{sentence}");
        }
    }

    #[test]
    fn an_unknown_metric_stops_with_the_sentence_and_the_choices() {
        let err = recognise(
            "## Evaluation\nSubmissions are evaluated using the Brier score of the predicted probabilities.\n",
            Task::Binary,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains(
                "\"submissions are evaluated using the brier score of the predicted probabilities\""
            ),
            "{err}"
        );
        assert!(
            err.contains("--metric") && err.contains("map_at_3"),
            "{err}"
        );
        // A metric that cannot score the task is not swapped for one that can.
        let err = recognise("Submissions are evaluated on RMSE.", Task::Binary).unwrap_err();
        assert!(
            err.to_string()
                .contains("names rmse, which cannot score a Binary task"),
            "{err}"
        );
    }

    #[test]
    fn no_metric_named_takes_the_default_and_says_so() {
        let r = recognise("Predict who survived.", Task::Binary).unwrap();
        assert!(r.defaulted && r.metric.name() == "accuracy");
        assert!(r.why.starts_with(
            "no metric named in the overview: accuracy, the default for a Binary task"
        ));
        // A section headed Metric is read when no sentence says "evaluated".
        let r = recognise("## Metric\n\nYour score is the percentage you predict right. This is known as [accuracy](https://x/Accuracy_and_precision#auc).\n## Submission\nauc", Task::Binary).unwrap();
        assert_eq!((r.metric.name(), r.defaulted), ("accuracy", false));
        assert!(metric_named("they use the MAE", MetricId::must("mae")));
        assert!(!metric_named("sauce because", MetricId::must("roc_auc")));
    }
}
