//! Triage benchmark (prints figures; not a timed test): the engine's reading of short texts per
//! second on one thread, and milliseconds per 1 MB message.
//! Run: `cargo run --release -p kindly-tests --bin bench-triage`.

use std::time::Instant;

use kindly_core::triage::signals;

fn main() {
    let short = [
        "Thank you so much, the course changed how I work!",
        "This is my THIRD email. Refund me today or I file a chargeback with my bank on Friday.",
        "Could you resend the invoice for order QM-1042? Our accountant needs the VAT number on it.",
        "Honestly, what a total joke. Three weeks and still no access to the course I paid for.",
    ];
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed().as_secs_f64() < 2.0 {
        for t in short {
            std::hint::black_box(signals::analyze(t));
            n += 1;
        }
    }
    println!("triage benchmark");
    println!(
        "  short texts    {:.0} texts/s on one thread (signals::analyze: phrases + tone models by sentence)",
        n as f64 / start.elapsed().as_secs_f64()
    );

    let sentence = "I have been waiting for weeks and nobody answers my emails about the course. ";
    let big = sentence.repeat(1_000_000 / sentence.len());
    let runs = 10;
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(signals::analyze(&signals::own_words(&big)));
    }
    println!(
        "  1 MB message   {:.1} ms per message ({} bytes, own words + analyze)",
        start.elapsed().as_secs_f64() * 1000.0 / runs as f64,
        big.len()
    );
}
