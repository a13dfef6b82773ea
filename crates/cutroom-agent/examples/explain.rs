//! Shows how the built-in planner reads a message: tokens, requests, intents.
//! Usage: cargo run -p cutroom-agent --example explain -- "make it vertical"

use cutroom_agent::clause::split;
use cutroom_agent::read::read;
use cutroom_agent::token::tokenize;

fn main() {
    let msg = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let toks = tokenize(&msg);
    println!("tokens: {:?}", toks.iter().map(|t| &t.t).collect::<Vec<_>>());
    let chars: Vec<char> = msg.chars().collect();
    for c in split(&toks) {
        println!("request: {:?} (borrowed {:?})", c.toks.iter().map(|t| &t.t).collect::<Vec<_>>(), c.borrowed);
        println!("  intents: {:?}", read(&c, &[], &chars));
    }
}
