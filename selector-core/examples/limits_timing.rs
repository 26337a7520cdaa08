//! Times parsing of large inputs (a quick check that growth is linear).
use selector_core::Selector;
use std::time::Instant;

fn time(name: &str, input: &str) {
    let t = Instant::now();
    let r = Selector::parse(input);
    let parse = t.elapsed();
    let t = Instant::now();
    let toks = selector_core::tokens(input);
    println!(
        "{name:>28}: {:>8} bytes  parse {:>10.3?} ok={} tokens {:>10.3?} ({} tokens)",
        input.len(),
        parse,
        r.is_ok(),
        t.elapsed(),
        toks.tokens.len()
    );
}

fn main() {
    for n in [1usize << 18, 1 << 20] {
        time("bangs", &format!("{}has(a)", "!".repeat(n)));
        time("spaced bangs", &format!("{}has(a)", "! \t".repeat(n)));
        time("label", &"a".repeat(n));
        time("ü", &"ü".repeat(n / 2));
        time("unterminated", &format!("a == '{}", "x".repeat(n)));
        time("open set", &format!("a in {{{}", "'x',".repeat(n / 4)));
        time("set", &format!("a in {{{}}}", "'x',".repeat(n / 4)));
        // Distinct single-quoted values: each is printed, and searched for a `"`.
        let values: Vec<String> = (0..n / 8).map(|i| format!("'v{i}'")).collect();
        time("distinct set", &format!("a in {{{}}}", values.join(",")));
        let terms: Vec<String> = (0..n / 16).map(|i| format!("l{i} == \"v{i}\"")).collect();
        time("and chain", &terms.join(" && "));
        time("newlines", &"\n".repeat(n));
        time("&&", &"&&".repeat(n / 2));
    }
}
