//! `gen-maildir DIR [COUNT] [SEED]`: writes a synthetic maildir for manual testing and benchmarks.

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or_else(|| anyhow::anyhow!("usage: gen-maildir DIR [COUNT] [SEED]"))?;
    let count = args.next().map(|s| s.parse()).transpose()?.unwrap_or(20_000);
    let seed = args.next().map(|s| s.parse()).transpose()?.unwrap_or(7);
    let messages = kindly_tests::synth::messages(count, seed);
    kindly_tests::synth::write_maildir(std::path::Path::new(&dir), &messages)?;
    println!("wrote {count} messages to {dir}");
    Ok(())
}
