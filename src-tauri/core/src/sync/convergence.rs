//! Property: whatever the three replicas do, in whatever order their ops reach each other, with
//! duplicates and skewed clocks, once every op has reached every replica their case tables agree.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use rusqlite::OptionalExtension;

use super::ops;
use super::{Role, edit, replica};
use crate::store::Store;
use crate::triage::{Lane, TriageSettings};

/// The demo inbox, loaded once; every replica starts from a copy (as if both had synced the mail).
fn template() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.db");
        let mut store = Store::open(&path).unwrap();
        crate::demo::load(&mut store, &mut |_| {}).unwrap();
        store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        (dir, path)
    })
    .1
}

fn replicas(dir: &Path, roles: [Role; 3]) -> Vec<Store> {
    roles
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let path = dir.join(format!("r{i}.db"));
            std::fs::copy(template(), &path).unwrap();
            let mut s = Store::open(&path).unwrap();
            s.write(|tx| {
                tx.execute("DELETE FROM settings WHERE key = 'sync.replica_id'", [])?;
                replica::set_role(tx, *role, Some(&format!("person {i}")))
            })
            .unwrap();
            // The cases the steps touch are one customer's, so they can be merged.
            let ids = case_ids(&s);
            for id in &ids[1..] {
                s.conn()
                    .execute(
                        "UPDATE cases SET customer_id = (SELECT customer_id FROM cases WHERE id = ?1),
                                          customer_email = (SELECT customer_email FROM cases WHERE id = ?1)
                         WHERE id = ?2",
                        [&ids[0], id],
                    )
                    .unwrap();
            }
            // Triage reads the customer: it must be as every later retriage would leave it.
            s.write(|tx| crate::triage::retriage_all(tx, TriageSettings::load(tx)?)).unwrap();
            s
        })
        .collect()
}

fn case_ids(store: &Store) -> Vec<String> {
    let mut ids = crate::store::cases::all_ids(store.conn()).unwrap();
    ids.sort();
    ids.truncate(6);
    ids
}

#[derive(Debug, Clone)]
enum Action {
    Lane(usize, Option<Lane>),
    Status(usize, &'static str),
    Assign(usize, Option<Role>),
    Note(usize, bool),
    Correct(usize, &'static str, bool),
    Review(usize, Lane),
    Settings(i64),
    Snooze(usize, Option<i64>),
    /// Refund the n-th order of the store (or mark that refund done).
    Refund(usize, bool),
    FollowUp(usize, i64),
    /// Tick off (or put back) the n-th task this replica knows.
    TaskDone(usize, bool),
    Gift(usize),
    Refunder(usize, Option<crate::care::decisions::RefunderDecision>),
    NoReplyNeeded(usize, bool),
    CareHours(u32),
    Suggestion(usize, Option<&'static str>),
    /// Merge case a into case b, or (None) split it out.
    Merge(usize, Option<usize>),
    Shipped(&'static str, bool),
    /// Import order n (of two) as bought by the cases' customer (or a newcomer), maybe refunded.
    ImportOrder {
        n: usize,
        newcomer: bool,
        product: &'static str,
        amount: i64,
        refunded: Option<i64>,
    },
}

fn lane() -> impl Strategy<Value = Lane> {
    prop_oneof![Just(Lane::OwnerExcellent), Just(Lane::OwnerAngry), Just(Lane::Assistant)]
}

fn action() -> impl Strategy<Value = Action> {
    let case = 0..6usize;
    prop_oneof![
        (case.clone(), proptest::option::of(lane())).prop_map(|(c, l)| Action::Lane(c, l)),
        (case.clone(), prop_oneof![Just("open"), Just("waiting"), Just("closed")])
            .prop_map(|(c, s)| Action::Status(c, s)),
        (case.clone(), proptest::option::of(prop_oneof![Just(Role::Owner), Just(Role::Assistant)]))
            .prop_map(|(c, r)| Action::Assign(c, r)),
        (case.clone(), any::<bool>()).prop_map(|(c, p)| Action::Note(c, p)),
        (case.clone(), prop_oneof![Just("not-angry"), Just("not-excellent")], any::<bool>())
            .prop_map(|(c, w, on)| Action::Correct(c, w, on)),
        (case, lane()).prop_map(|(c, l)| Action::Review(c, l)),
        (100i64..900).prop_map(|v| Action::Settings(v * 100)),
        (0..6usize, proptest::option::of(1i64..100)).prop_map(|(c, h)| Action::Snooze(c, h)),
        (0..3usize, any::<bool>()).prop_map(|(o, done)| Action::Refund(o, done)),
        (0..6usize, 1i64..100).prop_map(|(c, h)| Action::FollowUp(c, h)),
        (0..4usize, any::<bool>()).prop_map(|(n, done)| Action::TaskDone(n, done)),
        (0..6usize).prop_map(Action::Gift),
        (
            0..6usize,
            proptest::option::of(prop_oneof![
                Just(crate::care::decisions::RefunderDecision::Refund),
                Just(crate::care::decisions::RefunderDecision::RefundDoNotSell),
                Just(crate::care::decisions::RefunderDecision::DeclineKindly),
            ])
        )
            .prop_map(|(c, d)| Action::Refunder(c, d)),
        (0..6usize, any::<bool>()).prop_map(|(c, on)| Action::NoReplyNeeded(c, on)),
        (1u32..200).prop_map(Action::CareHours),
        (0..6usize, proptest::option::of(prop_oneof![Just("Dark mode"), Just("dark  MODE"), Just("PDF export")]))
            .prop_map(|(c, t)| Action::Suggestion(c, t)),
        (prop_oneof![Just("dark mode"), Just("PDF export")], any::<bool>()).prop_map(|(t, on)| Action::Shipped(t, on)),
        (0..6usize, proptest::option::of(0..6usize)).prop_map(|(a, b)| Action::Merge(a, b)),
        (
            0..2usize,
            any::<bool>(),
            prop_oneof![Just("Focus Journal"), Just("Habit Course")],
            1i64..50_000,
            proptest::option::of(0i64..10)
        )
            .prop_map(|(n, newcomer, product, amount, refunded)| Action::ImportOrder {
                n,
                newcomer,
                product,
                amount,
                refunded
            }),
    ]
}

/// One step: a replica acts (its clock skewed by up to an hour either way), or ops travel.
#[derive(Debug, Clone)]
enum Step {
    Act {
        replica: usize,
        skew_min: i64,
        action: Action,
    },
    /// Some of `from`'s ops reach `to`: a random selection, in random order, some twice.
    Deliver {
        from: usize,
        to: usize,
        picks: Vec<(usize, bool)>,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..3usize, -60i64..=60, action()).prop_map(|(replica, skew_min, action)| Step::Act { replica, skew_min, action }),
        1 => (0..3usize, 0..3usize, proptest::collection::vec((0..1000usize, any::<bool>()), 0..8))
            .prop_map(|(from, to, picks)| Step::Deliver { from, to, picks }),
    ]
}

fn act(store: &mut Store, ids: &[String], skew_min: i64, action: &Action) {
    store.set_clock_skew_ms(skew_min * 60_000);
    let now = store.now_ms();
    let result = store.write(|tx| match action {
        Action::Lane(c, l) => edit::set_lane(tx, now, &ids[*c], *l),
        Action::Status(c, s) => edit::set_status(tx, now, &ids[*c], s),
        Action::Assign(c, r) => edit::assign(tx, now, &ids[*c], *r),
        Action::Note(c, private) => edit::add_note(tx, now, &ids[*c], &format!("note at {now}"), *private).map(drop),
        Action::Correct(c, w, on) => edit::correct(tx, now, &ids[*c], w, *on),
        Action::Review(c, l) => edit::review(tx, now, &ids[*c], *l),
        Action::Refund(n, done) => {
            let (source, order_id): (String, String) = tx.query_row(
                "SELECT source, order_id FROM orders ORDER BY source, order_id LIMIT 1 OFFSET ?1",
                [*n as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if *done {
                // Marking done before the refund arrived here is refused: nothing recorded.
                match edit::refund_done(tx, now, &source, &order_id) {
                    Err(crate::Error::BadArgs(_)) => Ok(()),
                    other => other,
                }
            } else {
                edit::refund(tx, now, &source, &order_id, None)
            }
        }
        Action::Snooze(c, hours) => edit::snooze(tx, now, &ids[*c], hours.map(|h| now + h * 3_600_000)),
        Action::FollowUp(c, hours) => {
            let task = crate::care::tasks::Task {
                uid: String::new(),
                case_id: ids[*c].clone(),
                kind: crate::care::tasks::TaskKind::FollowUp,
                due_ms: now + hours * 3_600_000,
                note: "Did the new download work?".into(),
                phone: None,
                time_zone: None,
                author_name: String::new(),
                created_ms: now,
                done_ms: None,
            };
            edit::add_task(tx, now, &task).map(drop)
        }
        Action::TaskDone(n, done) => {
            let uid: Option<String> = tx
                .query_row("SELECT uid FROM tasks ORDER BY uid LIMIT 1 OFFSET ?1", [*n as i64], |r| r.get(0))
                .optional()?;
            uid.map_or(Ok(()), |uid| edit::task_done(tx, now, &uid, *done))
        }
        Action::Gift(c) => {
            let gift = crate::care::gifts::Gift {
                uid: String::new(),
                case_id: ids[*c].clone(),
                customer_email: String::new(),
                kind: crate::care::gifts::GiftKind::Bonus,
                description: format!("Bonus chapter at {now}"),
                amount_minor: None,
                currency: None,
                author_name: String::new(),
                created_ms: now,
            };
            edit::give_gift(tx, now, &gift).map(drop)
        }
        Action::Refunder(c, d) => {
            let email = crate::store::cases::customer_email(tx, &ids[*c])?.unwrap_or_default();
            edit::decide_refunder(tx, now, &email, *d)
        }
        Action::NoReplyNeeded(c, on) => edit::no_reply_needed(tx, now, &ids[*c], *on),
        Action::Suggestion(c, topic) => edit::tag_suggestion(tx, now, &ids[*c], *topic),
        Action::Merge(a, b) => edit::merge(tx, now, &ids[*a], b.map(|b| ids[b].as_str())),
        Action::Shipped(topic, on) => {
            let key = crate::care::feedback::key(crate::care::feedback::FeedbackKind::Suggestion, "", topic);
            edit::feedback_done(tx, now, &key, *on)
        }
        Action::ImportOrder { n, newcomer, product, amount, refunded } => {
            let email = match newcomer {
                true => "newcomer@example.com".to_string(),
                false => crate::store::cases::customer_email(tx, &ids[0])?.unwrap_or_default(),
            };
            let order = crate::store::orders::Order {
                source: "test".into(),
                order_id: format!("t-{n}"),
                product: product.to_string(),
                amount_minor: *amount,
                currency: "USD".into(),
                purchased_ms: 1_790_000_000_000 + *amount,
                refunded_ms: refunded.map(|d| 1_790_100_000_000 + d),
            };
            let incoming = crate::commerce::ingest::Incoming { email, name: String::new(), order };
            let mut summary = crate::commerce::ingest::ImportSummary::default();
            crate::commerce::ingest::apply(tx, "test", &[incoming], &[], now, &mut summary)
        }
        Action::CareHours(h) => {
            let care = crate::care::CareSettings { status_update_hours: *h, ..Default::default() };
            edit::set_care_settings(tx, now, &care)
        }
        Action::Settings(v) => {
            let settings = TriageSettings { valuable_lifetime_minor: *v, ..TriageSettings::default() };
            edit::set_triage_settings(tx, now, &settings)
        }
    });
    // Assistants may not write private notes, decide about refunders or say "no reply needed":
    // refused, nothing recorded.
    if let Err(e) = result {
        assert!(
            matches!(
                action,
                Action::Note(_, true) | Action::Refunder(..) | Action::NoReplyNeeded(..) | Action::Merge(..)
            ),
            "{action:?} failed: {e}"
        );
    }
}

/// The ops a replica would put in the sync folder (its own and those it has heard of).
fn shareable(store: &Store) -> Vec<ops::Op> {
    let mut stmt = store.conn().prepare("SELECT op_id FROM ops WHERE private = 0 ORDER BY op_id").unwrap();
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    ids.iter().map(|id| ops::get(store.conn(), id).unwrap().unwrap()).collect()
}

fn deliver(to: &mut Store, batch: &[ops::Op]) {
    to.write(|tx| ops::apply_remote(tx, batch)).unwrap();
}

fn state(store: &Store) -> String {
    super::fingerprint::state(store.conn()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn three_replicas_converge_whatever_the_order_and_duplicates(
        steps in proptest::collection::vec(step(), 1..40),
        final_order in proptest::collection::vec(0..3usize, 9),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut rs = replicas(dir.path(), [Role::Owner, Role::Assistant, Role::Owner]);
        let ids = case_ids(&rs[0]);
        for step in &steps {
            match step {
                Step::Act { replica, skew_min, action } => act(&mut rs[*replica], &ids, *skew_min, action),
                Step::Deliver { from, to, picks } => {
                    let source = shareable(&rs[*from]);
                    if source.is_empty() || from == to {
                        continue;
                    }
                    let mut batch = Vec::new();
                    for (i, twice) in picks {
                        let op = source[i % source.len()].clone();
                        if *twice {
                            batch.push(op.clone());
                        }
                        batch.push(op);
                    }
                    deliver(&mut rs[*to], &batch);
                }
            }
        }
        // Finally everything reaches everyone, in a scrambled order, twice.
        for round in 0..2 {
            for (k, to) in final_order.iter().enumerate() {
                let from = (to + 1 + (k + round) % 2) % 3;
                let mut batch = shareable(&rs[from]);
                batch.reverse();
                deliver(&mut rs[*to], &batch);
            }
            for to in 0..3 {
                for from in 0..3 {
                    if from != to {
                        let batch = shareable(&rs[from]);
                        deliver(&mut rs[to], &batch);
                    }
                }
            }
        }
        let s0 = state(&rs[0]);
        let s1 = state(&rs[1]);
        // The state is long: on a failure, the lines that differ say more than the whole.
        for (a, b) in s0.lines().zip(s1.lines()).filter(|(a, b)| a != b) {
            eprintln!("differs:\n  replica 0: {a}\n  replica 1: {b}");
        }
        prop_assert_eq!(&s0, &state(&rs[1]));
        prop_assert_eq!(&s0, &state(&rs[2]));
        // A new replica that only gets a snapshot (after compaction) reaches the same state.
        std::fs::create_dir_all(dir.path().join("fresh")).unwrap();
        let mut fresh = replicas(&dir.path().join("fresh"), [Role::Assistant; 3]).remove(0);
        let snapshot = ops::snapshot(rs[0].conn()).unwrap();
        deliver(&mut fresh, &snapshot);
        prop_assert_eq!(&s0, &state(&fresh));
        // Private notes never left replica 0 or 2.
        let private_elsewhere: i64 = rs[1]
            .conn()
            .query_row("SELECT count(*) FROM case_notes WHERE private = 1", [], |r| r.get(0))
            .unwrap();
        prop_assert_eq!(private_elsewhere, 0);
    }
}

#[test]
fn the_later_edit_wins_everywhere_and_both_notes_stay() {
    let dir = tempfile::tempdir().unwrap();
    let mut rs = replicas(dir.path(), [Role::Owner, Role::Assistant, Role::Owner]);
    let id = case_ids(&rs[0])[0].clone();
    act(&mut rs[0], std::slice::from_ref(&id), 0, &Action::Status(0, "closed"));
    // A minute later by replica 1's clock (within one millisecond the replica id would decide).
    act(&mut rs[1], std::slice::from_ref(&id), 1, &Action::Status(0, "waiting"));
    act(&mut rs[0], std::slice::from_ref(&id), 0, &Action::Note(0, false));
    act(&mut rs[1], std::slice::from_ref(&id), 0, &Action::Note(0, false));
    let (a, b) = (shareable(&rs[0]), shareable(&rs[1]));
    deliver(&mut rs[1], &a);
    deliver(&mut rs[0], &b);
    let status = |s: &Store| -> String {
        s.conn().query_row("SELECT status FROM cases WHERE id = ?1", [&id], |r| r.get(0)).unwrap()
    };
    assert_eq!(status(&rs[0]), "waiting", "replica 1 wrote last");
    assert_eq!(status(&rs[1]), "waiting");
    let notes = crate::store::cases::notes(rs[0].conn(), &id).unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(
        notes.iter().map(|n| n.author_role.as_str()).collect::<Vec<_>>().iter().filter(|r| **r == "assistant").count(),
        1
    );
    assert_eq!(crate::store::cases::notes(rs[1].conn(), &id).unwrap(), notes);
}

#[test]
fn an_op_about_a_case_not_yet_here_waits_for_its_mail() {
    let dir = tempfile::tempdir().unwrap();
    let mut rs = replicas(dir.path(), [Role::Owner, Role::Assistant, Role::Owner]);
    let id = case_ids(&rs[0])[1].clone();
    act(&mut rs[0], std::slice::from_ref(&id), 0, &Action::Assign(0, Some(Role::Assistant)));
    let batch = shareable(&rs[0]);
    // Replica 1 has not got this case's mail yet: hide it, deliver, then let the "mail" arrive.
    rs[1].conn().execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    rs[1].conn().execute("UPDATE cases SET id = 'elsewhere' WHERE id = ?1", [&id]).unwrap();
    deliver(&mut rs[1], &batch);
    let pending: i64 = rs[1].conn().query_row("SELECT count(*) FROM ops WHERE applied = 0", [], |r| r.get(0)).unwrap();
    assert_eq!(pending, 1);
    rs[1].conn().execute("UPDATE cases SET id = ?1 WHERE id = 'elsewhere'", [&id]).unwrap();
    rs[1].write(|tx| ops::apply_pending(tx)).unwrap();
    let assignee: Option<String> =
        rs[1].conn().query_row("SELECT assignee FROM cases WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
    assert_eq!(assignee.as_deref(), Some("assistant"));
}

#[test]
fn the_customer_writing_again_wakes_a_snoozed_case() {
    use crate::triage::QueueName;
    let dir = tempfile::tempdir().unwrap();
    let mut rs = replicas(dir.path(), [Role::Owner, Role::Assistant, Role::Owner]);
    let id = case_ids(&rs[0])[2].clone();
    let in_queue = |s: &Store, q: QueueName| {
        crate::store::cases::list_where(s.conn(), q.condition()).unwrap().iter().any(|c| c.id == id)
    };
    let now = rs[0].now_ms();
    rs[0].write(|tx| edit::snooze(tx, now, &id, Some(now + 86_400_000))).unwrap();
    let open_somewhere =
        |s: &Store| [QueueName::Owner, QueueName::Assistant, QueueName::Waiting].iter().any(|q| in_queue(s, *q));
    assert!(in_queue(&rs[0], QueueName::Snoozed) && !open_somewhere(&rs[0]));
    rs[0]
        .write(|tx| crate::store::cases::record_message(tx, &id, crate::store::messages::Direction::Inbound, now + 1))
        .unwrap();
    assert!(!in_queue(&rs[0], QueueName::Snoozed), "new mail from the customer brings it back");
    assert!(open_somewhere(&rs[0]));
}
