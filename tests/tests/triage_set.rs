//! Kindly's own labelled support-mail set (tests/fixtures/triage, written for this project): the
//! owner lane must catch the customers the owner has to see (recall ≥ 0.9) without filling up
//! with the rest (precision ≥ 0.8), whether the support address is configured or learned from the
//! mail. Run with `--nocapture` to see every miss. (The blind sets in tests/fixtures/triage-blind
//! are only reported on, by `eval-triage`: nothing is tuned to them.)

use kindly_tests::fixtures;
use kindly_tests::triage_eval::{Ours, evaluate};

#[test]
fn owner_lane_recall_and_precision_on_the_labelled_set() {
    let dir = fixtures().join("triage");
    let report = evaluate(&dir, Ours::Known(&["support@lumenpress.example".into()])).unwrap();
    println!("{report}");
    assert_eq!(report.cases, report.threads, "one case per labelled thread");
    assert!(report.engine.recall() >= 0.9, "owner-lane recall {:.3} < 0.9", report.engine.recall());
    assert!(report.engine.precision() >= 0.8, "owner-lane precision {:.3} < 0.8", report.engine.precision());
}

#[test]
fn with_no_account_the_support_address_is_learned_from_the_mail() {
    let dir = fixtures().join("triage");
    let report = evaluate(&dir, Ours::Learned).unwrap();
    println!("{report}");
    assert_eq!(report.learned, vec!["support@lumenpress.example"]);
    assert_eq!(report.cases, report.threads, "our replies join the customers' threads");
    assert!(report.engine.recall() >= 0.9, "owner-lane recall {:.3} < 0.9", report.engine.recall());
    assert!(report.engine.precision() >= 0.8, "owner-lane precision {:.3} < 0.8", report.engine.precision());
}
