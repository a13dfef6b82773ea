//! What one request asks for, before it is tied to the draft: the operation and its
//! references ("the second clip", "it", "the music") and values (absolute or relative).

use crate::tools::{ExportArgs, MetadataArgs, MusicArgs, PromoArgs, ReeditArgs, TextToVideoArgs};
use cutroom_timeline::{Anchor, Color, Fit, TransitionKind};

/// A reference to clips on the video track.
#[derive(Clone, Debug, PartialEq)]
pub enum ClipRef {
    /// By position from 1; negative from the end.
    Index(i64),
    /// The first n clips.
    FirstN(usize),
    /// The last n clips.
    LastN(usize),
    /// By the name of its media ("beach", "city.mp4").
    Name(String),
    /// Every clip.
    All,
    /// Every clip except the others named in the request.
    Others,
    /// The still images.
    Stills,
    /// What the conversation is about ("it").
    It,
    /// "the clip", singular and not said which: the clip in focus, or the only one; with
    /// several, the user is asked.
    The,
}

/// Which clips a request is about: named ones, or none said.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Clips(pub Vec<ClipRef>);

impl Clips {
    pub fn none(&self) -> bool {
        self.0.is_empty()
    }
}

/// A value to set, or a change to make.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Amount {
    Abs(f64),
    /// Multiply the current value.
    Rel(f64),
}

/// Whose sound a volume change is about.
#[derive(Clone, Debug, PartialEq)]
pub enum Sound {
    Clips(Clips),
    Music,
    Voice,
    /// Not said: the conversation's focus, else whatever sound there is.
    Unsaid,
}

/// Where in the sequence a clip goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Dest {
    Start,
    End,
    /// Before or after a clip.
    Before(ClipRef),
    After(ClipRef),
    /// At position n (from 1).
    Position(i64),
}

/// Which texts.
#[derive(Clone, Debug, PartialEq)]
pub enum TextSel {
    /// Of a role (title, caption, …); `n` picks one of them (from 1, negative from the end).
    Role {
        role: Role,
        n: Option<i64>,
        all: bool,
    },
    /// The text with these words.
    Words(String),
    /// Every text.
    All,
    It,
}

/// What a text is for; decides its default place and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Title,
    Caption,
    LowerThird,
    Cta,
    Text,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Caption => "captions",
            Role::LowerThird => "lower_third",
            Role::Cta => "cta",
            Role::Text => "text",
        }
    }
}

/// Style changes for a text.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StyleChange {
    pub size: Option<Amount>,
    pub color: Option<Color>,
    pub pos: Option<Anchor>,
    pub bold: Option<bool>,
}

impl StyleChange {
    pub fn is_empty(&self) -> bool {
        self.size.is_none() && self.color.is_none() && self.pos.is_none() && self.bold.is_none()
    }
}

/// When a text shows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct When {
    pub start: Option<u64>,
    pub end: Option<u64>,
    pub d: Option<u64>,
    /// Over a clip's span.
    pub over: Option<ClipRef>,
    /// At the very end of the video.
    pub at_end: bool,
    /// For the whole video.
    pub whole: bool,
}

/// Where a split falls.
#[derive(Clone, Debug, PartialEq)]
pub enum SplitAt {
    /// At a time: on the timeline, or into the clip when a clip was named and it fits.
    Time(u64),
    /// Into n equal parts.
    Parts(u32),
}

/// Where transitions go.
#[derive(Clone, Debug, PartialEq)]
pub enum Cuts {
    All,
    /// After these clips.
    After(Vec<ClipRef>),
}

/// A still's zoom/pan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MotionKind {
    ZoomIn,
    ZoomOut,
    PanLeft,
    PanRight,
}

/// One request.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    Canvas {
        w: u32,
        h: u32,
        name: &'static str,
    },
    CanvasBg(Color),
    CanvasFps(u32),
    Fit {
        clips: Clips,
        fit: Fit,
    },
    Swap(Clips),
    Move {
        clip: Clips,
        dest: Dest,
    },
    Reverse,
    Remove(Clips),
    KeepOnly(Clips),
    Duplicate {
        clip: Clips,
        copies: u32,
    },
    /// Take `head` ms off the start and/or `tail` off the end (negative extends).
    Trim {
        clip: Clips,
        head: i64,
        tail: i64,
    },
    /// Cut a span of the timeline out.
    CutSpan {
        from: u64,
        to: u64,
    },
    SetLen {
        clips: Clips,
        d: u64,
    },
    ScaleLen {
        clips: Clips,
        factor: f64,
    },
    Total(u64),
    Split {
        clip: Clips,
        at: SplitAt,
    },
    Speed {
        clips: Clips,
        amount: Amount,
    },
    Volume {
        sound: Sound,
        amount: Amount,
    },
    Fade {
        target: FadeTarget,
        fade_in: Option<u64>,
        fade_out: Option<u64>,
        has_in: bool,
        has_out: bool,
    },
    Transition {
        cuts: Cuts,
        kind: Option<TransitionKind>,
        d: Option<u64>,
    },
    NoTransition(Cuts),
    Duck(bool),
    AddText {
        text: Option<String>,
        role: Role,
        when: When,
        style: StyleChange,
    },
    /// Change texts; with `or_add`, a text that is not there yet is added instead ("标题写
    /// '毕业快乐'" with no title), otherwise the user is told it is not there.
    EditText {
        sel: TextSel,
        text: Option<String>,
        style: StyleChange,
        when: When,
        or_add: bool,
    },
    RemoveText(TextSel),
    Motion {
        clips: Clips,
        motion: Option<MotionKind>,
    },
    /// Put uploaded media on the video track; with `or_move` ("put beach.mp4 before the
    /// logo"), a clip of it already there (just one) moves instead.
    AddClip {
        media: String,
        dest: Dest,
        d: Option<u64>,
        or_move: bool,
    },
    /// Put an uploaded sound on its own audio track.
    AddAudio {
        media: String,
        start: u64,
        volume: Option<f64>,
    },
    MusicFromUpload {
        media: String,
        volume: Option<f64>,
    },
    Music(MusicArgs),
    RemoveMusic,
    RemoveVoice,
    MoveMusic(u64),
    Undo(u32),
    Redo(u32),
    Status,
    Credits,
    Export(ExportArgs),
    Promo(PromoArgs),
    TextToVideo(TextToVideoArgs),
    Metadata(MetadataArgs),
    Reedit(ReeditArgs),
    Help,
    /// A statement about clips ("the start of the last clip is boring"): what "it" means next.
    Focus(Clips),
    /// A comparative on its own ("bigger", "再小一点"): applies to what the conversation is
    /// about (the music's or voice's level, a text's size).
    Comparative(Amount),
    /// Something to ask the user before doing anything.
    Ask(Ask),
}

/// Why a request cannot go ahead as said.
#[derive(Clone, Debug, PartialEq)]
pub enum Ask {
    /// Which of several clips?
    WhichClip(&'static str),
    /// "it" with nothing to refer to.
    WhatIsIt(&'static str),
    /// What should the text say?
    WhatWords(Role),
    /// Something cutroom does not do.
    Unsupported(String),
    /// About other sessions, accounts, the server.
    OutOfScope,
    /// Credits are granted by the operator.
    NoGrant,
    /// Words that matched nothing.
    NotUnderstood(String),
    /// Which sound (music or the clips' own)?
    WhichSound,
    /// Several texts and no way to tell which.
    WhichText,
    /// A comparative with nothing to apply it to.
    WhatToChange,
    /// The named thing is not there.
    Missing(String),
}

/// What a fade is on.
#[derive(Clone, Debug, PartialEq)]
pub enum FadeTarget {
    Clips(Clips),
    /// The video as a whole: in on the first clip, out on the last.
    Video,
    Music,
    Voice,
    Text(TextSel),
}
