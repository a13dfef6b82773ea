//! Styles: what makes lo-fi sound like lo-fi — tempo range, mode, instruments (General MIDI
//! programs), drum patterns, chord progressions, swing — and the words (English and
//! Chinese) that name each style.

use serde::{Deserialize, Serialize};

/// The styles the composer writes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    Lofi,
    Pop,
    Cinematic,
    Ambient,
    Electronic,
    Acoustic,
    Corporate,
}

/// Major or minor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Major,
    Minor,
}

/// One drum voice's hits in a bar of 16 steps: (step, velocity 0–127).
pub type Hits = &'static [(u8, u8)];

/// A style's settings.
pub struct Spec {
    pub name: &'static str,
    /// Tempo range: calm footage gets the low end, busy footage the high end.
    pub bpm: (f64, f64),
    pub mode: Mode,
    /// GM programs: chords, bass, lead, an extra layer (strings, pads, brass).
    pub chords: u8,
    pub bass: u8,
    pub lead: u8,
    pub layer: Option<u8>,
    /// How chords are played: held pads, strummed, or pulsed on the beat.
    pub comping: Comping,
    /// The lead: a melody, an arpeggio, or none.
    pub lead_kind: LeadKind,
    /// Drum voices (GM key) with their pattern in the main section.
    pub drums: &'static [(u8, Hits)],
    /// Delay of every other 16th, as a fraction of a 16th (0 = straight).
    pub swing: f64,
    /// Chord progressions to pick from (scale degrees, 0 = tonic), one chord a bar.
    pub progressions: &'static [&'static [u8]],
    /// Sevenths on chords (jazzier harmony).
    pub sevenths: bool,
    /// Bass rhythm: steps of the bar it plays on.
    pub bass_steps: &'static [u8],
    /// Velocity scale of the whole piece (0–1).
    pub energy: f64,
}

/// How chords are played.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comping {
    /// Held for the bar.
    Pad,
    /// Strummed on beats.
    Strum,
    /// Short chords on every beat or off-beat.
    Pulse,
}

/// What the lead instrument plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadKind {
    Melody,
    Arpeggio,
}

const KICK: u8 = 36;
const SIDE_STICK: u8 = 37;
const SNARE: u8 = 38;
const CLAP: u8 = 39;
const CLOSED_HAT: u8 = 42;
const OPEN_HAT: u8 = 46;
const LOW_TOM: u8 = 45;
const FLOOR_TOM: u8 = 41;
const TAMBOURINE: u8 = 54;
const SHAKER: u8 = 70;
const RIDE: u8 = 51;

pub const CRASH: u8 = 49;

const POP: &[&[u8]] = &[&[0, 4, 5, 3], &[0, 5, 3, 4], &[5, 3, 0, 4], &[0, 3, 5, 4], &[3, 0, 4, 5]];
const MINOR: &[&[u8]] = &[&[0, 5, 2, 6], &[0, 3, 6, 2], &[0, 6, 5, 6], &[0, 3, 4, 0], &[0, 5, 3, 4]];
const JAZZY: &[&[u8]] = &[&[1, 4, 0, 5], &[0, 5, 1, 4], &[3, 2, 5, 1], &[0, 3, 2, 5]];
const CALM: &[&[u8]] = &[&[0, 3, 0, 4], &[0, 5, 3, 0], &[3, 0, 5, 4], &[0, 2, 3, 0]];

/// The settings of a style.
pub fn spec(style: Style) -> Spec {
    match style {
        Style::Lofi => Spec {
            name: "lo-fi",
            bpm: (72.0, 90.0),
            mode: Mode::Major,
            chords: 4, // electric piano
            bass: 32,  // acoustic bass
            lead: 11,  // vibraphone
            layer: None,
            comping: Comping::Pad,
            lead_kind: LeadKind::Melody,
            drums: &[
                (KICK, &[(0, 100), (7, 70), (10, 90)]),
                (SNARE, &[(4, 80), (12, 85)]),
                (CLOSED_HAT, &[(0, 60), (2, 45), (4, 60), (6, 45), (8, 60), (10, 45), (12, 60), (14, 45)]),
            ],
            swing: 0.33,
            progressions: JAZZY,
            sevenths: true,
            bass_steps: &[0, 7, 10],
            energy: 0.7,
        },
        Style::Pop => Spec {
            name: "pop",
            bpm: (104.0, 124.0),
            mode: Mode::Major,
            chords: 0, // piano
            bass: 34,  // picked bass
            lead: 80,  // square lead
            layer: Some(48),
            comping: Comping::Pulse,
            lead_kind: LeadKind::Melody,
            drums: &[
                (KICK, &[(0, 110), (6, 80), (8, 105)]),
                (SNARE, &[(4, 105), (12, 110)]),
                (CLOSED_HAT, &[(0, 70), (2, 60), (4, 70), (6, 60), (8, 70), (10, 60), (12, 70), (14, 60)]),
                (TAMBOURINE, &[(4, 50), (12, 50)]),
            ],
            swing: 0.0,
            progressions: POP,
            sevenths: false,
            bass_steps: &[0, 3, 8, 11],
            energy: 0.9,
        },
        Style::Cinematic => Spec {
            name: "cinematic",
            bpm: (84.0, 108.0),
            mode: Mode::Minor,
            chords: 48,      // string ensemble
            bass: 43,        // contrabass
            lead: 60,        // french horn
            layer: Some(52), // choir aahs
            comping: Comping::Pad,
            lead_kind: LeadKind::Melody,
            drums: &[
                // A march of toms on the beat, the downbeats doubled by the kick.
                (FLOOR_TOM, &[(0, 120), (4, 95), (8, 110), (12, 95)]),
                (LOW_TOM, &[(12, 80)]),
                (KICK, &[(0, 110), (8, 100)]),
            ],
            swing: 0.0,
            progressions: MINOR,
            sevenths: false,
            bass_steps: &[0, 8],
            energy: 0.95,
        },
        Style::Ambient => Spec {
            name: "ambient",
            bpm: (60.0, 76.0),
            mode: Mode::Major,
            chords: 89, // warm pad
            bass: 89,
            lead: 8, // celesta
            layer: Some(91),
            comping: Comping::Pad,
            lead_kind: LeadKind::Arpeggio,
            drums: &[(SHAKER, &[(0, 35), (4, 30), (8, 35), (12, 30)])],
            swing: 0.0,
            progressions: CALM,
            sevenths: true,
            bass_steps: &[0],
            energy: 0.55,
        },
        Style::Electronic => Spec {
            name: "electronic",
            bpm: (120.0, 130.0),
            mode: Mode::Minor,
            chords: 90, // polysynth pad
            bass: 38,   // synth bass
            lead: 81,   // saw lead
            layer: None,
            comping: Comping::Pulse,
            lead_kind: LeadKind::Arpeggio,
            drums: &[
                (KICK, &[(0, 120), (4, 120), (8, 120), (12, 120)]),
                (CLAP, &[(4, 100), (12, 100)]),
                (OPEN_HAT, &[(2, 60), (6, 60), (10, 60), (14, 60)]),
                (
                    CLOSED_HAT,
                    &[
                        (0, 50),
                        (1, 40),
                        (3, 40),
                        (4, 50),
                        (5, 40),
                        (7, 40),
                        (8, 50),
                        (9, 40),
                        (11, 40),
                        (12, 50),
                        (13, 40),
                        (15, 40),
                    ],
                ),
            ],
            swing: 0.0,
            progressions: MINOR,
            sevenths: false,
            bass_steps: &[2, 6, 10, 14],
            energy: 1.0,
        },
        Style::Acoustic => Spec {
            name: "acoustic",
            bpm: (88.0, 108.0),
            mode: Mode::Major,
            chords: 25, // steel guitar
            bass: 32,
            lead: 73, // flute
            layer: None,
            comping: Comping::Strum,
            lead_kind: LeadKind::Melody,
            drums: &[
                (KICK, &[(0, 90), (8, 85)]),
                (SIDE_STICK, &[(4, 70), (12, 75)]),
                (SHAKER, &[(0, 50), (2, 40), (4, 50), (6, 40), (8, 50), (10, 40), (12, 50), (14, 40)]),
            ],
            swing: 0.1,
            progressions: POP,
            sevenths: false,
            bass_steps: &[0, 6, 8],
            energy: 0.8,
        },
        Style::Corporate => Spec {
            name: "corporate",
            bpm: (96.0, 112.0),
            mode: Mode::Major,
            chords: 0, // piano
            bass: 33,  // fingered bass
            lead: 46,  // harp (arpeggio)
            layer: Some(49),
            comping: Comping::Pulse,
            lead_kind: LeadKind::Arpeggio,
            drums: &[
                (KICK, &[(0, 100), (8, 95), (10, 70)]),
                (CLAP, &[(4, 90), (12, 90)]),
                (CLOSED_HAT, &[(0, 60), (2, 55), (4, 60), (6, 55), (8, 60), (10, 55), (12, 60), (14, 55)]),
                (RIDE, &[(0, 40)]),
            ],
            swing: 0.0,
            progressions: POP,
            sevenths: false,
            bass_steps: &[0, 4, 8, 12],
            energy: 0.85,
        },
    }
}

impl Style {
    pub const ALL: [Style; 7] = [
        Style::Lofi,
        Style::Pop,
        Style::Cinematic,
        Style::Ambient,
        Style::Electronic,
        Style::Acoustic,
        Style::Corporate,
    ];

    /// The style's short name (`lofi`, `pop`, …).
    pub fn name(self) -> &'static str {
        match self {
            Style::Lofi => "lofi",
            Style::Pop => "pop",
            Style::Cinematic => "cinematic",
            Style::Ambient => "ambient",
            Style::Electronic => "electronic",
            Style::Acoustic => "acoustic",
            Style::Corporate => "corporate",
        }
    }

    /// A style from a word in English or Chinese ("chill", "upbeat", "史诗", "动感" …).
    pub fn from_word(word: &str) -> Option<Style> {
        let w = word.trim().to_lowercase();
        const WORDS: &[(&str, Style)] = &[
            ("lofi", Style::Lofi),
            ("lo-fi", Style::Lofi),
            ("chill", Style::Lofi),
            ("relaxed", Style::Lofi),
            ("jazzy", Style::Lofi),
            ("轻松", Style::Lofi),
            ("放松", Style::Lofi),
            ("慵懒", Style::Lofi),
            ("pop", Style::Pop),
            ("upbeat", Style::Pop),
            ("happy", Style::Pop),
            ("cheerful", Style::Pop),
            ("欢快", Style::Pop),
            ("轻快", Style::Pop),
            ("流行", Style::Pop),
            ("cinematic", Style::Cinematic),
            ("epic", Style::Cinematic),
            ("dramatic", Style::Cinematic),
            ("orchestral", Style::Cinematic),
            ("史诗", Style::Cinematic),
            ("大气", Style::Cinematic),
            ("电影感", Style::Cinematic),
            ("ambient", Style::Ambient),
            ("calm", Style::Ambient),
            ("peaceful", Style::Ambient),
            ("soothing", Style::Ambient),
            ("舒缓", Style::Ambient),
            ("平静", Style::Ambient),
            ("治愈", Style::Ambient),
            ("electronic", Style::Electronic),
            ("dance", Style::Electronic),
            ("edm", Style::Electronic),
            ("energetic", Style::Electronic),
            ("动感", Style::Electronic),
            ("电子", Style::Electronic),
            ("劲爆", Style::Electronic),
            ("acoustic", Style::Acoustic),
            ("folk", Style::Acoustic),
            ("guitar", Style::Acoustic),
            ("民谣", Style::Acoustic),
            ("吉他", Style::Acoustic),
            ("corporate", Style::Corporate),
            ("inspiring", Style::Corporate),
            ("uplifting", Style::Corporate),
            ("motivational", Style::Corporate),
            ("励志", Style::Corporate),
            ("商务", Style::Corporate),
        ];
        WORDS.iter().find(|(k, _)| *k == w).map(|(_, s)| *s)
    }
}
