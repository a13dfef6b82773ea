//! cutroom's edit agent: a message in plain English or Chinese, with the session's draft
//! and media, becomes a plan — typed tool calls (draft edits, undo/redo, status, credits,
//! export, generator jobs) with a note for each, questions where the request is unclear,
//! and the conversation's focus for the next message. Pure: no I/O, no clocks.
//!
//! The built-in planner reads words into concepts (`lex`, `token`), cuts the message into
//! requests (`clause`), reads each request (`read`) and ties it to the draft (`resolve`),
//! trying every edit on a working copy so later requests see earlier ones.

pub mod clause;
pub mod intent;
pub mod lex;
pub mod read;
pub mod reply;
pub mod resolve;
pub mod token;
pub mod tools;

use cutroom_timeline::{Draft, MediaKind, Ms};
use serde::{Deserialize, Serialize};

pub use tools::ToolCall;

/// What the planner knows about one media file of the session.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaInfo {
    pub id: String,
    /// The file name as uploaded ("beach.mp4").
    pub name: String,
    pub kind: MediaKind,
    pub duration: Option<Ms>,
    pub has_audio: bool,
    /// Mostly speech (from the analysis, or a voice-like name), so a voice track.
    pub speech: bool,
    /// Made by a generator rather than uploaded.
    pub generated: bool,
}

impl MediaInfo {
    /// The name without its extension, lower case.
    pub fn stem(&self) -> String {
        let n = self.name.to_lowercase();
        n.rsplit_once('.').map_or(n.clone(), |(s, _)| s.to_string())
    }
}

/// The language of a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn zh(self) -> bool {
        self == Lang::Zh
    }
}

/// What the conversation is about, carried from one message to the next ("make it red").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Focus {
    /// Clips, by position on the video track (from 0).
    Clips {
        indices: Vec<usize>,
    },
    /// A text, by its words.
    Text {
        text: String,
    },
    Music,
    Voice,
    /// The video as a whole (canvas, everything).
    Video,
}

/// Memory between messages.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<Focus>,
}

/// A planner's input.
pub struct PlanInput<'a> {
    pub message: &'a str,
    pub draft: &'a Draft,
    /// The session's media in upload order (generated media included).
    pub media: &'a [MediaInfo],
    /// The session's language (`en`, `zh`, …), used when the message does not show one.
    pub language: Option<&'a str>,
    pub context: &'a Context,
}

/// One call of a plan, with what it does in the user's words.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub call: ToolCall,
    /// What the step (with the edit steps before it that have no note) achieves; the reply
    /// is made of these notes.
    pub note: Option<String>,
}

/// A plan.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Plan {
    pub lang: Lang,
    pub steps: Vec<Step>,
    /// Questions or refusals for the user (nothing is done for those requests).
    pub questions: Vec<String>,
    /// The focus after this message.
    pub context: Context,
}

impl Plan {
    /// The reply if every step succeeds (the service adds results of jobs and exports).
    pub fn reply(&self) -> String {
        reply::compose(self.lang, self.steps.iter().filter_map(|s| s.note.clone()).collect(), &self.questions)
    }

    /// Whether the plan asks instead of doing anything.
    pub fn is_question(&self) -> bool {
        self.steps.is_empty() && !self.questions.is_empty()
    }
}

/// Turns a message into a plan.
pub trait Planner: Send + Sync {
    fn plan(&self, input: &PlanInput<'_>) -> Plan;
}

/// The built-in planner: deterministic, no model.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuiltinPlanner;

impl Planner for BuiltinPlanner {
    fn plan(&self, input: &PlanInput<'_>) -> Plan {
        resolve::plan(input)
    }
}
