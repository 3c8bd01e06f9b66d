//! Reports the triage engine on every labelled inbox: the team's own (`tests/fixtures/triage`) and
//! the blind sets (`tests/fixtures/triage-blind/*`, written from a brief by someone who never saw
//! the engine; frozen by the sha256 in docs/triage-eval.md). Each is imported twice: with the
//! business's addresses known (`ours.txt` beside the set, one per line) and learned from the mail.
//! A report, not a test: nothing is tuned on the blind sets.
//! Run: `cargo run --release -p kindly-tests --bin eval-triage [-- --misses]`.

use kindly_tests::fixtures;
use kindly_tests::triage_eval::{Ours, evaluate};

fn main() -> anyhow::Result<()> {
    let misses = std::env::args().any(|a| a == "--misses");
    let mut sets = vec![fixtures().join("triage")];
    if let Ok(dir) = std::fs::read_dir(fixtures().join("triage-blind")) {
        let mut blind: Vec<_> = dir.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
        blind.sort();
        sets.extend(blind);
    }
    println!(
        "| set | threads | support address | owner recall | owner precision | keyword list (r / p) | exact lane |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut details = String::new();
    for dir in &sets {
        let name = dir.strip_prefix(fixtures()).unwrap_or(dir).display().to_string();
        let known: Vec<String> = std::fs::read_to_string(dir.join("ours.txt"))
            .map(|t| t.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
            .unwrap_or_else(|_| vec!["support@lumenpress.example".into()]);
        for (mode, ours) in [("known", Ours::Known(&known)), ("learned", Ours::Learned)] {
            let r = evaluate(dir, ours)?;
            println!(
                "| {name} | {} | {mode} | {:.2} | {:.2} | {:.2} / {:.2} | {}/{} |",
                r.threads,
                r.engine.recall(),
                r.engine.precision(),
                r.keywords.recall(),
                r.keywords.precision(),
                r.exact,
                r.threads
            );
            if misses {
                details.push_str(&format!("\n## {name}, addresses {mode}\n{r}"));
            } else if mode == "known" {
                let langs: Vec<String> =
                    r.by_language.iter().map(|(l, c)| format!("{l} {:.2}/{:.2}", c.recall(), c.precision())).collect();
                details.push_str(&format!("{name}: by language (recall/precision) {}\n", langs.join(", ")));
            }
        }
    }
    println!("\n{details}");
    Ok(())
}
