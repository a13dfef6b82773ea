//! Clauses: a message is cut into requests at sentence ends, "then", commas and "and" —
//! except where "and" joins the objects of one request ("swap clip 1 and 2", "between the
//! first and second clip"). A request that has no verb of its own borrows the previous
//! one's ("add a title 'Hi' and some music" adds both).

use crate::lex::L;
use crate::token::{Tok, Token};

/// One request's tokens.
#[derive(Clone, Debug, Default)]
pub struct Clause {
    pub toks: Vec<Token>,
    /// The verb borrowed from the previous request, if this one has none.
    pub borrowed: Option<L>,
}

/// Concepts that make a request by themselves.
pub fn is_action(l: L) -> bool {
    matches!(
        l,
        L::Add
            | L::Remove
            | L::Set
            | L::Swap
            | L::Move
            | L::Reverse
            | L::Reorder
            | L::Duplicate
            | L::Trim
            | L::Extend
            | L::Split
            | L::Cut
            | L::SpeedUp
            | L::SlowDown
            | L::Mute
            | L::Unmute
            | L::FadeIn
            | L::FadeOut
            | L::Fade
            | L::Duck
            | L::Export
            | L::Status
            | L::Credits
            | L::Undo
            | L::Redo
            | L::Generate
            | L::Replace
            | L::Keep
            | L::Help
            | L::Zoom
            | L::Pan
            | L::Use
            | L::Write
            | L::Increase
            | L::Decrease
            | L::Shorten
            | L::Lengthen
            | L::Show
            | L::SlowMotion
            | L::KenBurns
    )
}

/// Concepts that name something a request can act on.
fn is_object(t: &Tok) -> bool {
    match t {
        Tok::W(l) => matches!(
            l,
            L::Video
                | L::Clip
                | L::Image
                | L::Music
                | L::Sound
                | L::Original
                | L::Voice
                | L::Text
                | L::Title
                | L::Caption
                | L::LowerThird
                | L::Cta
                | L::Transition
                | L::Canvas
                | L::Background
                | L::Speed
                | L::Volume
                | L::Vertical
                | L::Horizontal
                | L::Square
                | L::Cover
                | L::Contain
                | L::Blur
                | L::TKind(_)
                | L::Platform(_)
                | L::Pacing
                | L::DeadAir
                | L::Promo
                | L::Metadata
                | L::Description
                | L::Tags
                | L::Everything
                | L::Style(_)
                | L::Cuts
                | L::OutOfScope
                | L::Unsupported
                | L::Fast
                | L::Slow
                | L::Loud
                | L::Quiet
                | L::Big
                | L::Small
                | L::Colour(_)
                | L::Pos(_)
                | L::Bold
        ),
        Tok::Quote(_) | Tok::Ratio(..) | Tok::Size(..) | Tok::Res(_) | Tok::Fps(_) => true,
        _ => false,
    }
}

fn has_action(toks: &[Token]) -> Option<L> {
    toks.iter().find_map(|t| match t.t {
        Tok::W(l) if is_action(l) => Some(l),
        _ => None,
    })
}

/// Verbs whose object is a pair: "swap A and B".
fn takes_pair(toks: &[Token]) -> bool {
    toks.iter().any(|t| matches!(t.t, Tok::W(L::Swap | L::Between)))
}

fn refs_only(toks: &[Token]) -> bool {
    // "2", "the third", "clip 3", "the last one": more of the same kind of object.
    toks.iter().all(|t| {
        matches!(
            t.t,
            Tok::Num(_)
                | Tok::Ord(_)
                | Tok::W(
                    L::Filler
                        | L::Clip
                        | L::Image
                        | L::First
                        | L::Last
                        | L::It
                        | L::Next
                        | L::Other
                        | L::Mine
                        | L::Plural
                )
                | Tok::Name(_)
        )
    })
}

/// Splits a message's tokens into requests.
pub fn split(toks: &[Token]) -> Vec<Clause> {
    // 1. Pieces between separators, remembering which separator came before each.
    let mut pieces: Vec<(Vec<Token>, bool)> = Vec::new(); // (tokens, joined by "and"/comma)
    let mut cur: Vec<Token> = Vec::new();
    let mut soft = false;
    for t in toks {
        match &t.t {
            Tok::Stop | Tok::W(L::Then) | Tok::W(L::Also) => {
                if !cur.is_empty() {
                    pieces.push((std::mem::take(&mut cur), soft));
                }
                soft = false;
            }
            Tok::Comma | Tok::W(L::And) => {
                if !cur.is_empty() {
                    pieces.push((std::mem::take(&mut cur), soft));
                }
                soft = true;
                // Keep the "and" so pair verbs can see it when pieces are joined again.
                cur.push(t.clone());
            }
            _ => cur.push(t.clone()),
        }
    }
    if !cur.is_empty() {
        pieces.push((cur, soft));
    }
    // 2. Join pieces that are objects of the request before them.
    let mut clauses: Vec<Clause> = Vec::new();
    for (piece, soft) in pieces {
        let content: Vec<Token> =
            piece.iter().filter(|t| !matches!(t.t, Tok::Comma | Tok::W(L::And))).cloned().collect();
        if content.is_empty() {
            continue;
        }
        let own = has_action(&content);
        if let Some(prev) = clauses.last_mut().filter(|_| soft) {
            // "第一段和第二段之间…": the first piece was only a reference for this one.
            let prev_refs_only = has_action(&prev.toks).is_none()
                && prev.borrowed.is_none()
                && refs_only(
                    &prev
                        .toks
                        .iter()
                        .filter(|t| !matches!(t.t, Tok::Comma | Tok::W(L::And)))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
            if prev_refs_only {
                prev.toks.extend(piece);
                continue;
            }
            // "titles and tags", "a caption and hashtags": one metadata request.
            let meta_words =
                |toks: &[Token]| toks.iter().any(|t| matches!(t.t, Tok::W(L::Tags | L::Description | L::Metadata)));
            let wordy = |toks: &[Token]| {
                toks.iter().any(|t| {
                    matches!(t.t, Tok::W(L::Title | L::Caption | L::Text | L::Write | L::Description | L::Tags))
                })
            };
            if own.is_none() && meta_words(&content) && wordy(&prev.toks) {
                prev.toks.extend(piece);
                continue;
            }
            // "a promo … with the title 'X' and the call to action 'Y'": details of the promo.
            let generator = prev.toks.iter().any(|t| matches!(t.t, Tok::W(L::Promo)));
            if own.is_none() && generator {
                prev.toks.extend(piece);
                continue;
            }
            if own.is_none() {
                let objects = content.iter().any(|t| is_object(&t.t));
                if !objects || refs_only(&content) {
                    prev.toks.extend(piece);
                } else {
                    let verb = has_action(&prev.toks).or(prev.borrowed);
                    clauses.push(Clause { toks: content, borrowed: verb });
                }
                continue;
            }
            if takes_pair(&prev.toks) && pair_incomplete(&prev.toks) && names_clips(&prev.toks) {
                prev.toks.extend(piece);
                continue;
            }
        }
        clauses.push(Clause { toks: content, borrowed: None });
    }
    clauses
}

/// Whether a request names clips at all (so "switch to vertical and add …" is no pair).
fn names_clips(toks: &[Token]) -> bool {
    toks.iter().any(|t| {
        matches!(
            t.t,
            Tok::Ord(_)
                | Tok::Num(_)
                | Tok::Name(_)
                | Tok::W(L::Clip | L::Image | L::First | L::Last | L::It | L::Between)
        )
    })
}

/// "between clip 1 and …" still waiting for its second object.
fn pair_incomplete(toks: &[Token]) -> bool {
    let refs = toks.iter().filter(|t| matches!(t.t, Tok::Ord(_) | Tok::Num(_) | Tok::Name(_))).count();
    refs < 2 && !toks.iter().any(|t| matches!(t.t, Tok::W(L::All)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    fn clauses(s: &str) -> Vec<usize> {
        split(&tokenize(s)).iter().map(|c| c.toks.len()).collect()
    }

    #[test]
    fn requests_and_objects() {
        assert_eq!(split(&tokenize("make it vertical and add a title 'Hello'")).len(), 2);
        assert_eq!(split(&tokenize("swap clip 1 and clip 3")).len(), 1);
        assert_eq!(split(&tokenize("swap clips 1 and 2")).len(), 1);
        assert_eq!(split(&tokenize("dissolve between clip 1 and 2, half a second")).len(), 1);
        let c = split(&tokenize("make it vertical, add a title 'Summer Sale' and some chill music at 30%"));
        assert_eq!(c.len(), 3);
        assert_eq!(c[2].borrowed, Some(L::Add));
        assert_eq!(split(&tokenize("删掉第二段，然后改成竖屏，再加个标题「旅行日记」")).len(), 3);
        assert_eq!(split(&tokenize("标题改成黄色，字幕放大，音乐调到50%")).len(), 3);
        assert_eq!(clauses("第一段和第二段之间加个半秒的叠化").len(), 1);
        assert_eq!(split(&tokenize("add a one second fade in and fade out")).len(), 2);
    }
}
