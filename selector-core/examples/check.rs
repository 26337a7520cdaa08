//! Checks selectors given as arguments (or one per line on stdin): prints the canonical
//! text, unique id and label restrictions, or the error with a caret and help.

use selector_core::Selector;
use std::io::BufRead;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let inputs: Vec<String> = if args.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect()
    } else {
        args
    };
    let mut failed = false;
    for text in inputs {
        match Selector::parse(&text) {
            Ok(s) => {
                println!("ok    {}\n      id: {}", s.canonical(), s.unique_id());
                for (label, r) in s.label_restrictions() {
                    println!("      {label}: {r:?}");
                }
            }
            Err(e) => {
                failed = true;
                println!("{e}");
            }
        }
    }
    std::process::exit(i32::from(failed));
}
