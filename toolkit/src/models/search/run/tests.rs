//! The budgeted search's tests: events, the refitted ensemble, cancellation.

use std::cell::RefCell;

use super::*;
use crate::metrics::MetricId;
use crate::models::cv::ModelKind;
use crate::models::search::{SearchPlan, candidates};
use crate::spec::Task;

/// 600 rows, two features; the label is `x0 + x1 > 1`.
fn problem() -> Problem {
    let n = 600;
    let x0: Vec<f64> = (0..n).map(|i| ((i * 7919) % n) as f64 / n as f64).collect();
    let x1: Vec<f64> = (0..n)
        .map(|i| ((i * 104_729) % n) as f64 / n as f64)
        .collect();
    let y = (0..n)
        .map(|i| f64::from(u8::from(x0[i] + x1[i] > 1.0)))
        .collect();
    Problem {
        features: vec!["x0".into(), "x1".into()],
        categorical: vec![],
        x_train: [x0.clone(), x1.clone()].concat(),
        rows: n,
        extra: 0,
        x_test: [x0, x1].concat(),
        test_rows: n,
        y: vec![y],
        classes: vec!["0".into(), "1".into()],
        task: Task::Binary,
        metric: MetricId::must("accuracy"),
        log_target: false,
        strata: None,
    }
}

#[test]
fn a_search_reports_events_and_returns_a_refitted_ensemble_that_predicts() {
    let p = problem();
    let fold = cv::fold_ids(&p, 3, 1);
    let plan = SearchPlan {
        draws: vec![],
        ..SearchPlan::default()
    };
    let cands = candidates(&plan, p.rows, p.y.len(), 1);
    let heard = RefCell::new(Vec::new());
    let s = Search {
        clock: Some(Clock::new(60.0, 0.0)),
        seed: 1,
        cancelled: &|| false,
        events: &|e| heard.borrow_mut().push(e),
    };
    let out = run(&p, &fold, &cands, &s).unwrap();
    assert_eq!(
        out.results.len(),
        cands.len(),
        "a minute pays for every default"
    );
    let pred = out.ensemble.predict(&p.x_test, p.test_rows).unwrap();
    let right = (0..p.rows)
        .filter(|&i| (pred[0][i] > 0.5) == (p.y[0][i] > 0.5))
        .count();
    assert!(right as f64 / p.rows as f64 > 0.9, "{right} of {}", p.rows);
    let heard = heard.into_inner();
    let logs: Vec<&String> = heard
        .iter()
        .filter_map(|e| match e {
            Event::Log(l) => Some(l),
            Event::Fold(_) => None,
        })
        .collect();
    assert!(logs.iter().any(|l| l.contains(": CV ")), "{logs:?}");
    assert_eq!(
        out.log.len(),
        logs.len(),
        "every logged event is in the outcome's log"
    );
    let folds: Vec<&FoldStart> = heard
        .iter()
        .filter_map(|e| match e {
            Event::Fold(f) => Some(f),
            Event::Log(_) => None,
        })
        .collect();
    assert_eq!(folds.len(), 3 * cands.len(), "a fold event per fold");
    assert_eq!(
        folds[4].to_string(),
        format!("  candidate 2/{}: {} fold 2/3", cands.len(), cands[1].name)
    );
}

#[test]
fn a_capped_refit_takes_the_rows_the_time_left_pays_for() {
    // 300,000 rows, 3 folds capped at 100,000 rows each: the kept model's folds took 6 s, 2e-5 s
    // a row; a refit row is planned at 0.8 times that (the folds also score held-out rows).
    let mut p = problem();
    p.rows = 300_000;
    let mut kept = CvResult::of_oof("gbm", vec![]);
    kept.seconds = 6.0;
    let mut unused = CvResult::of_oof("linear", vec![]);
    unused.seconds = 100.0;
    let results = [kept, unused];
    let blend = blend::Blend {
        weights: vec![1.0, 0.0],
        score: 0.0,
        head: None,
        decision: Default::default(),
    };
    let rows = |left: f64| {
        // A 100 s budget of which 100 - left is spent; a tenth is kept after the refit.
        let clock = Clock::new(100.0, 100.0 - left);
        refit_rows(&clock, &p, &results, &blend, (3, 100_000))
    };
    assert_eq!(rows(20.0), usize::MAX, "10 s pay for 625,000 rows: all");
    // 3.2 s after the tenth: 3.2 / (2e-5 x 0.8) = 200,000 rows (to rounding of the clock).
    let n = rows(13.2);
    assert!((199_000..=200_000).contains(&n), "{n}");
    assert_eq!(
        rows(11.0),
        100_000,
        "1 s pays for fewer than the folds used"
    );
    assert_eq!(rows(5.0), 100_000, "past the tenth: as the folds");
    let clock = Clock::new(100.0, 0.0);
    assert_eq!(
        refit_rows(&clock, &p, &results, &blend, (3, usize::MAX)),
        usize::MAX,
        "an uncapped search refits on all rows"
    );
}

#[test]
fn a_cancelled_search_stops_before_its_first_candidate() {
    let p = problem();
    let fold = cv::fold_ids(&p, 3, 1);
    let cands = candidates(&SearchPlan::default(), p.rows, 1, 1);
    let s = Search {
        clock: None,
        seed: 1,
        cancelled: &|| true,
        events: &|_| {},
    };
    assert!(matches!(
        run(&p, &fold, &cands, &s),
        Err(ToolkitError::Cancelled)
    ));
}

#[test]
fn a_family_forecast_once_is_not_timed_again_for_its_later_candidates() {
    // A linear model was forecast at 1,000 s: a later linear candidate is projected from it (on
    // 600 rows, timing one would say nothing and give the slowest so far, here none: 0 s).
    let p = problem();
    let linear = |name: &str| ModelSpec {
        name: name.into(),
        kind: ModelKind::new(crate::models::linear::LinearParams::default()),
    };
    let clock = Clock::new(50.0, 10.0);
    let mut forecasts = Forecasts {
        seed: 1,
        known: vec![(linear("linear_a").kind, 1000.0)],
    };
    let project = |forecasts: &mut Forecasts| {
        projected(
            &clock,
            &p,
            &[],
            &linear("linear_b"),
            (3, usize::MAX),
            0.4,
            forecasts,
        )
        .unwrap()
    };
    let known = project(&mut forecasts);
    assert!(known >= 10.0 + 1100.0, "{known}");
    forecasts.known.clear();
    let when = project(&mut forecasts);
    assert!(when < 11.0, "{when}");
}

#[test]
fn a_booster_is_forecast_from_its_engine_scaled_by_its_trees_and_depth() {
    // A depth-4 booster at a rate of 0.1 took 2 s; a depth-8 one at 0.025 grows four times the
    // trees, each twice as deep: 16 s of folds, 20 s with its refit (a quarter), 22 s with the
    // margin, plus the first's refit (0.5 s), from 10 s spent.
    let p = problem();
    let booster = |depth: usize, rate: f32| ModelSpec {
        name: format!("gbm_d{depth}_lr{rate}"),
        kind: ModelKind::new(GbmParams {
            max_depth: depth,
            learning_rate: rate,
            ..GbmParams::default()
        }),
    };
    let mut done = CvResult::of_oof("gbm_d4", vec![]);
    done.model = booster(4, 0.1);
    done.seconds = 2.0;
    let clock = Clock::new(50.0, 10.0);
    let mut forecasts = Forecasts {
        seed: 1,
        known: vec![],
    };
    let mut project = |c: &ModelSpec| {
        projected(
            &clock,
            &p,
            &[done.clone()],
            c,
            (5, usize::MAX),
            0.25,
            &mut forecasts,
        )
        .unwrap()
    };
    let slow = project(&booster(8, 0.025));
    assert!((slow - 32.5).abs() < 0.05, "{slow}");
    // Half the depth at twice the rate: a quarter of the first, 0.5 s of folds.
    let fast = project(&booster(2, 0.2));
    assert!((fast - 11.19).abs() < 0.05, "{fast}");
}

#[test]
fn a_boosters_deadline_leaves_the_earlier_candidates_refits() {
    // 30 s left, of which 10 s go to the refits before it: 20 s for its folds and its refit (a
    // quarter of its folds), so its folds stop after 16 s; never under 2 s.
    let clock = Clock::new(50.0, 20.0);
    let end = deadline(&clock, 10.0, 0.25);
    let secs = end.duration_since(Instant::now()).as_secs_f64();
    assert!((15.9..=16.0).contains(&secs), "{secs}");
    let end = deadline(&clock, 40.0, 0.25);
    let secs = end.duration_since(Instant::now()).as_secs_f64();
    assert!((1.9..=2.0).contains(&secs), "{secs}");
}
