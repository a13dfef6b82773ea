//! Reading a text-to-video prompt (English or Chinese) into a scene description: keyword tables per field.

use crate::spec::*;
use cutroom_agent::token::{Tok, tokenize};

use Aspect::{Landscape, Portrait, Square};
use Camera::{Dolly, Orbit, Pan, PushIn, Static};
use Mood::{Cinematic, Cold, Grain, Monochrome, Neon, Pastel, Warm};
use Setting::{Abstract, City, Desert, Forest, Mountains, Ocean, Space};
use TimeOfDay::{Dawn, Day, Night, Sunset};
use Weather::{Fog, Haze, Rain, Snow};

// How the tables are read. English phrases match whole words, case-insensitively; a space or
// hyphen in a phrase matches any run of spaces and hyphens ("push in" = "push-in"), and a word
// may take a plural "s". Chinese phrases match anywhere. Where phrases overlap the longest wins
// ("heat haze" over "heat"), also over the `NOT_*` phrases, which say nothing for their field
// ("snow-capped" holds "snow"). Each field has a table of words that name a value and, after it,
// hints that count only when no naming word is there ("sunny" gives way to "at night").

/// Nouns that name a place.
const SETTINGS: &[(&str, Setting)] = &[
    ("city", City),
    ("cities", City),
    ("cityscape", City),
    ("skyline", City),
    ("downtown", City),
    ("street", City),
    ("metropolis", City),
    ("skyscraper", City),
    ("tower", City),
    ("urban", City),
    ("town", City),
    ("alley", City),
    ("alleyway", City),
    ("avenue", City),
    ("rooftop", City),
    ("times square", City),
    ("tokyo", City),
    ("new york", City),
    ("manhattan", City),
    ("shanghai", City),
    ("hong kong", City),
    ("london", City),
    ("paris", City),
    ("城市", City),
    ("都市", City),
    ("街道", City),
    ("街头", City),
    ("街", City),
    ("摩天大楼", City),
    ("摩天楼", City),
    ("高楼", City),
    ("天际线", City),
    ("上海", City),
    ("东京", City),
    ("纽约", City),
    ("香港", City),
    ("ocean", Ocean),
    ("sea", Ocean),
    ("seaside", Ocean),
    ("seascape", Ocean),
    ("beach", Ocean),
    ("beaches", Ocean),
    ("coast", Ocean),
    ("coastline", Ocean),
    ("shore", Ocean),
    ("shoreline", Ocean),
    ("海", Ocean),
    ("大海", Ocean),
    ("海洋", Ocean),
    ("海边", Ocean),
    ("海滩", Ocean),
    ("沙滩", Ocean),
    ("海岸", Ocean),
    ("forest", Forest),
    ("woods", Forest),
    ("woodland", Forest),
    ("jungle", Forest),
    ("rainforest", Forest),
    ("森林", Forest),
    ("树林", Forest),
    ("丛林", Forest),
    ("雨林", Forest),
    ("竹林", Forest),
    ("mountain", Mountains),
    ("mountain range", Mountains),
    ("peak", Mountains),
    ("alps", Mountains),
    ("alpine", Mountains),
    ("山", Mountains),
    ("高山", Mountains),
    ("雪山", Mountains),
    ("山脉", Mountains),
    ("山峰", Mountains),
    ("群山", Mountains),
    ("desert", Desert),
    ("dune", Desert),
    ("sahara", Desert),
    ("沙漠", Desert),
    ("沙丘", Desert),
    ("戈壁", Desert),
    ("space", Space),
    ("outer space", Space),
    ("galaxy", Space),
    ("galaxies", Space),
    ("nebula", Space),
    ("nebulae", Space),
    ("cosmos", Space),
    ("universe", Space),
    ("milky way", Space),
    ("太空", Space),
    ("宇宙", Space),
    ("星云", Space),
    ("银河", Space),
    ("星系", Space),
    ("abstract", Abstract),
    ("抽象", Abstract),
];

/// Things seen in a place, weaker than its name ("harbour city" is a city).
const SETTING_HINTS: &[(&str, Setting)] = &[
    ("cyberpunk", City),
    ("赛博朋克", City),
    ("waves", Ocean),
    ("surf", Ocean),
    ("bay", Ocean),
    ("harbor", Ocean),
    ("harbour", Ocean),
    ("island", Ocean),
    ("lighthouse", Ocean),
    ("海浪", Ocean),
    ("港口", Ocean),
    ("海岛", Ocean),
    ("trees", Forest),
    ("pine", Forest),
    ("树", Forest),
    ("松树", Forest),
    ("valley", Mountains),
    ("lake", Mountains),
    ("hill", Mountains),
    ("glacier", Mountains),
    ("fjord", Mountains),
    ("湖", Mountains),
    ("湖泊", Mountains),
    ("山谷", Mountains),
    ("冰川", Mountains),
    ("sand", Desert),
    ("canyon", Desert),
    ("mesa", Desert),
    ("cactus", Desert),
    ("峡谷", Desert),
    ("海市蜃楼", Desert),
    ("stars", Space),
    ("starfield", Space),
    ("star field", Space),
    ("planet", Space),
    ("星空", Space),
    ("星球", Space),
    ("行星", Space),
];

/// The weakest: words about abstract pictures, which count only when nothing else names a place.
const ABSTRACT_HINTS: &[(&str, Setting)] = &[
    ("gradient", Abstract),
    ("shapes", Abstract),
    ("background", Abstract),
    ("loop", Abstract),
    ("colors", Abstract),
    ("colours", Abstract),
    ("渐变", Abstract),
    ("背景", Abstract),
    ("几何", Abstract),
];

const NOT_SETTING: &[&str] =
    &["negative space", "copy space", "white space", "office space", "heat wave", "wave of", "海报", "海鲜"];

/// Water in front of another place: a lake, river or harbour (an ocean's own water goes without saying).
const WATER: &[(&str, bool)] = &[
    ("lake", true),
    ("river", true),
    ("harbor", true),
    ("harbour", true),
    ("bay", true),
    ("canal", true),
    ("reflection", true),
    ("reflections", true),
    ("waterfront", true),
    ("pond", true),
    ("湖", true),
    ("河", true),
    ("江", true),
    ("港", true),
    ("倒影", true),
    ("水面", true),
];

const NOT_WATER: &[&str] = &["银河", "星河", "河豚"];

const TIMES: &[(&str, TimeOfDay)] = &[
    ("dawn", Dawn),
    ("sunrise", Dawn),
    ("daybreak", Dawn),
    ("early morning", Dawn),
    ("morning", Dawn),
    ("first light", Dawn),
    ("黎明", Dawn),
    ("日出", Dawn),
    ("清晨", Dawn),
    ("早晨", Dawn),
    ("早上", Dawn),
    ("拂晓", Dawn),
    ("破晓", Dawn),
    ("daytime", Day),
    ("noon", Day),
    ("midday", Day),
    ("afternoon", Day),
    ("broad daylight", Day),
    ("白天", Day),
    ("中午", Day),
    ("正午", Day),
    ("下午", Day),
    ("sunset", Sunset),
    ("golden hour", Sunset),
    ("magic hour", Sunset),
    ("dusk", Sunset),
    ("evening", Sunset),
    ("twilight", Sunset),
    ("sundown", Sunset),
    ("日落", Sunset),
    ("落日", Sunset),
    ("夕阳", Sunset),
    ("黄昏", Sunset),
    ("傍晚", Sunset),
    ("黄金时刻", Sunset),
    ("night", Night),
    ("nighttime", Night),
    ("night time", Night),
    ("at night", Night),
    ("midnight", Night),
    ("moonlight", Night),
    ("moonlit", Night),
    ("夜", Night),
    ("夜晚", Night),
    ("夜景", Night),
    ("晚上", Night),
    ("深夜", Night),
    ("午夜", Night),
    ("月光", Night),
];

const TIME_HINTS: &[(&str, TimeOfDay)] = &[
    ("day", Day),
    ("daylight", Day),
    ("sunny", Day),
    ("sunshine", Day),
    ("bright", Day),
    ("blue sky", Day),
    ("晴天", Day),
    ("阳光", Day),
    ("starry", Night),
    ("stars", Night),
    ("starlit", Night),
    ("neon-lit", Night),
    ("星空", Night),
    ("星光", Night),
];

const WEATHERS: &[(&str, Weather)] = &[
    ("rain", Rain),
    ("rainy", Rain),
    ("raining", Rain),
    ("rainfall", Rain),
    ("drizzle", Rain),
    ("drizzling", Rain),
    ("storm", Rain),
    ("stormy", Rain),
    ("thunderstorm", Rain),
    ("downpour", Rain),
    ("monsoon", Rain),
    ("雨", Rain),
    ("下雨", Rain),
    ("雨夜", Rain),
    ("暴雨", Rain),
    ("雷雨", Rain),
    ("snow", Snow),
    ("snowy", Snow),
    ("snowing", Snow),
    ("snowfall", Snow),
    ("snowflake", Snow),
    ("snowstorm", Snow),
    ("blizzard", Snow),
    ("flurries", Snow),
    ("雪", Snow),
    ("下雪", Snow),
    ("雪花", Snow),
    ("暴雪", Snow),
    ("fog", Fog),
    ("foggy", Fog),
    ("mist", Fog),
    ("misty", Fog),
    ("雾", Fog),
    ("大雾", Fog),
    ("薄雾", Fog),
    ("烟雾", Fog),
    ("雾气", Fog),
    ("heat haze", Haze),
    ("haze", Haze),
    ("hazy", Haze),
    ("heat shimmer", Haze),
    ("mirage", Haze),
    ("scorching", Haze),
    ("heat wave", Haze),
    ("heatwave", Haze),
    ("sandstorm", Haze),
    ("dust storm", Haze),
    ("热浪", Haze),
    ("酷热", Haze),
    ("海市蜃楼", Haze),
    ("沙尘暴", Haze),
    ("雾霾", Haze),
];

const WEATHER_HINTS: &[(&str, Weather)] = &[
    ("wet", Rain),
    ("湿", Rain),
    ("winter", Snow),
    ("wintry", Snow),
    ("冬天", Snow),
    ("冬季", Snow),
    ("冬日", Snow),
    ("cloudy", Fog),
    ("overcast", Fog),
    ("smoke", Fog),
    ("smoky", Fog),
    ("阴天", Fog),
    ("shimmer", Haze),
    ("shimmering", Haze),
];

/// Heat: haze only over a desert ("a hot day in the city" stays clear).
const DESERT_HEAT: &[(&str, Weather)] =
    &[("hot", Haze), ("heat", Haze), ("炎热", Haze), ("烈日", Haze), ("高温", Haze)];

/// Snow on the mountains, not in the air; rain in the name of a forest.
const NOT_WEATHER: &[&str] =
    &["snow-capped", "snowcapped", "snowy peak", "snowy summit", "雪山", "雪峰", "雪顶", "雨林", "rainforest"];

const MOODS: &[(&str, Mood)] = &[
    ("cinematic", Cinematic),
    ("cinema", Cinematic),
    ("film-like", Cinematic),
    ("filmic", Cinematic),
    ("movie", Cinematic),
    ("movie-like", Cinematic),
    ("epic", Cinematic),
    ("dramatic", Cinematic),
    ("anamorphic", Cinematic),
    ("letterbox", Cinematic),
    ("letterboxed", Cinematic),
    ("blockbuster", Cinematic),
    ("hollywood", Cinematic),
    ("电影感", Cinematic),
    ("电影", Cinematic),
    ("大片", Cinematic),
    ("史诗", Cinematic),
    ("neon", Neon),
    ("cyberpunk", Neon),
    ("synthwave", Neon),
    ("vaporwave", Neon),
    ("retrowave", Neon),
    ("outrun", Neon),
    ("glowing sign", Neon),
    ("霓虹", Neon),
    ("赛博朋克", Neon),
    ("蒸汽波", Neon),
    ("pastel", Pastel),
    ("soft colors", Pastel),
    ("soft colours", Pastel),
    ("dreamy", Pastel),
    ("candy", Pastel),
    ("柔和", Pastel),
    ("粉彩", Pastel),
    ("梦幻", Pastel),
    ("马卡龙", Pastel),
    ("warm", Warm),
    ("warmth", Warm),
    ("cozy", Warm),
    ("cosy", Warm),
    ("golden", Warm),
    ("amber", Warm),
    ("温暖", Warm),
    ("暖色", Warm),
    ("暖调", Warm),
    ("cold", Cold),
    ("cool tones", Cold),
    ("cool colors", Cold),
    ("cool colours", Cold),
    ("icy", Cold),
    ("blue tones", Cold),
    ("bluish", Cold),
    ("freezing", Cold),
    ("chilly", Cold),
    ("frosty", Cold),
    ("冷", Cold),
    ("冷色", Cold),
    ("冷调", Cold),
    ("冰冷", Cold),
    ("蓝调", Cold),
    ("black and white", Monochrome),
    ("black & white", Monochrome),
    ("b&w", Monochrome),
    ("b/w", Monochrome),
    ("monochrome", Monochrome),
    ("monochromatic", Monochrome),
    ("grayscale", Monochrome),
    ("greyscale", Monochrome),
    ("noir", Monochrome),
    ("黑白", Monochrome),
    ("单色", Monochrome),
    ("film grain", Grain),
    ("grain", Grain),
    ("grainy", Grain),
    ("vintage", Grain),
    ("retro", Grain),
    ("retro film", Grain),
    ("8mm", Grain),
    ("16mm", Grain),
    ("35mm", Grain),
    ("super 8", Grain),
    ("analog", Grain),
    ("analogue", Grain),
    ("颗粒", Grain),
    ("胶片", Grain),
    ("复古", Grain),
];

/// The light of the hour, not a warm grade.
const NOT_MOOD: &[&str] = &["golden hour", "黄金时刻"];

const CAMERAS: &[(&str, Camera)] = &[
    ("static", Static),
    ("still shot", Static),
    ("still camera", Static),
    ("locked-off", Static),
    ("lock-off", Static),
    ("tripod", Static),
    ("fixed camera", Static),
    ("fixed shot", Static),
    ("no camera movement", Static),
    ("motionless", Static),
    ("固定镜头", Static),
    ("固定机位", Static),
    ("静止", Static),
    ("定镜", Static),
    ("pan", Pan),
    ("panning", Pan),
    ("sweep", Pan),
    ("sweeping", Pan),
    ("摇镜", Pan),
    ("平移", Pan),
    ("横摇", Pan),
    ("push in", PushIn),
    ("pushing in", PushIn),
    ("zoom", PushIn),
    ("zoom in", PushIn),
    ("zooming", PushIn),
    ("dolly in", PushIn),
    ("fly toward", PushIn),
    ("fly towards", PushIn),
    ("flying toward", PushIn),
    ("flying towards", PushIn),
    ("推进", PushIn),
    ("推镜", PushIn),
    ("拉近", PushIn),
    ("放大", PushIn),
    ("dolly", Dolly),
    ("tracking", Dolly),
    ("tracking shot", Dolly),
    ("parallax", Dolly),
    ("side-scrolling", Dolly),
    ("zoom out", Dolly),
    ("zooming out", Dolly),
    ("pull back", Dolly),
    ("移镜", Dolly),
    ("跟拍", Dolly),
    ("视差", Dolly),
    ("横移", Dolly),
    ("拉远", Dolly),
    ("orbit", Orbit),
    ("orbiting", Orbit),
    ("circle around", Orbit),
    ("circling", Orbit),
    ("arc shot", Orbit),
    ("fly around", Orbit),
    ("flying around", Orbit),
    ("rotate around", Orbit),
    ("环绕", Orbit),
    ("绕着", Orbit),
    ("围绕", Orbit),
    ("环拍", Orbit),
];

/// Words that often, not always, mean a camera move ("still water", "drifting snow").
const CAMERA_HINTS: &[(&str, Camera)] = &[
    ("still", Static),
    ("closer", PushIn),
    ("approach", PushIn),
    ("approaching", PushIn),
    ("truck", Dolly),
    ("trucking", Dolly),
    ("slide", Dolly),
    ("sliding", Dolly),
    ("drift", Orbit),
    ("drifting", Orbit),
    ("rotating", Orbit),
    ("360", Orbit),
    ("漂移", Orbit),
    ("旋转", Orbit),
];

const ASPECTS: &[(&str, Aspect)] = &[
    ("vertical", Portrait),
    ("tiktok", Portrait),
    ("tik tok", Portrait),
    ("reels", Portrait),
    ("shorts", Portrait),
    ("youtube shorts", Portrait),
    ("instagram story", Portrait),
    ("竖屏", Portrait),
    ("竖版", Portrait),
    ("竖向", Portrait),
    ("抖音", Portrait),
    ("square", Square),
    ("instagram post", Square),
    ("方形", Square),
    ("正方形", Square),
    ("horizontal", Landscape),
    ("widescreen", Landscape),
    ("wide screen", Landscape),
    ("youtube", Landscape),
    ("横屏", Landscape),
    ("横版", Landscape),
    ("横向", Landscape),
    ("宽屏", Landscape),
];

/// "A portrait of a woman", "a landscape of hills": shapes only when nothing else says one.
const ASPECT_HINTS: &[(&str, Aspect)] = &[
    ("portrait", Portrait),
    ("stories", Portrait),
    ("phone", Portrait),
    ("mobile", Portrait),
    ("landscape", Landscape),
];

/// Places called squares.
const NOT_ASPECT: &[&str] = &["times square", "town square", "city square", "public square"];

/// Words before a phrase that take it back ("no rain", "不要下雨").
const NEGATIONS: &[&str] = &["no", "not", "without", "never", "non"];
const ZH_NEGATIONS: &[&str] = &["不要有", "不要", "没有", "不", "没", "无", "别", "去掉"];

/// The order of `understood`.
const FIELDS: [&str; 9] = ["setting", "water", "time", "weather", "mood", "camera", "duration", "aspect", "text"];

/// On-screen text is cut to this many characters.
const MAX_TEXT_CHARS: usize = 80;

/// The scene a prompt describes; unknown words leave the defaults.
pub fn understand(prompt: &str) -> SceneSpec {
    let tokens = tokenize(prompt);
    let text = Text::new(prompt, &tokens);
    let mut spec = SceneSpec { prompt: prompt.to_string(), duration_ms: DEFAULT_DURATION_MS, ..SceneSpec::default() };
    let mut said = Vec::new();

    let places = text.find(&[SETTINGS, SETTING_HINTS, ABSTRACT_HINTS], NOT_SETTING);
    if let Some(best) = pick(&places) {
        // "a city by the sea", "harbour city": the sea is the water in front of the city.
        let city = places.iter().find(|h| h.value == City && h.rank == best.rank && best.value == Ocean);
        let hit = city.unwrap_or(best);
        spec.setting = hit.value;
        said.push(text.said("setting", name(&hit.value), hit));
    }
    // Water: a lake or river anywhere, or the sea beside another place.
    let mut waters = text.find(&[WATER], NOT_WATER);
    waters.extend(places.iter().filter(|h| h.value == Ocean).map(|h| h.with(true)));
    spec.water = spec.setting == Ocean || !waters.is_empty();
    if spec.setting != Ocean
        && let Some(hit) = waters.iter().min_by_key(|h| h.start)
    {
        said.push(text.said("water", "true".into(), hit));
    }

    let moods = text.find(&[MOODS], NOT_MOOD);
    for hit in &moods {
        if !spec.moods.contains(&hit.value) {
            spec.moods.push(hit.value);
            said.push(text.said("mood", name(&hit.value), hit));
        }
    }
    spec.moods.sort();

    let times = text.find(&[TIMES, TIME_HINTS], &[]);
    if let Some(hit) = pick(&times) {
        spec.time = hit.value;
        said.push(text.said("time", name(&hit.value), hit));
    } else if spec.setting == Space || spec.has(Neon) {
        spec.time = Night;
    }

    let mut weathers = text.find(&[WEATHERS, WEATHER_HINTS, DESERT_HEAT], NOT_WEATHER);
    weathers.retain(|h| h.rank < 2 || spec.setting == Desert);
    if let Some(hit) = pick(&weathers) {
        spec.weather = hit.value;
        said.push(text.said("weather", name(&hit.value), hit));
    }

    if let Some(hit) = pick(&text.find(&[CAMERAS, CAMERA_HINTS], &[])) {
        spec.camera = hit.value;
        said.push(text.said("camera", name(&hit.value), hit));
    }

    if let Some((ms, tk)) = tokens.iter().find_map(|tk| if let Tok::Dur(ms) = tk.t { Some((ms, tk)) } else { None }) {
        spec.duration_ms = ms.clamp(MIN_DURATION_MS, MAX_DURATION_MS);
        said.push(text.said_span("duration", format_seconds(spec.duration_ms), tk.at, tk.end));
    }

    // Ratios and sizes rank with the naming words; the first said wins.
    let mut shapes = text.find(&[ASPECTS, ASPECT_HINTS], NOT_ASPECT);
    shapes.extend(tokens.iter().filter_map(|tk| {
        let value = match tk.t {
            Tok::Ratio(w, h) | Tok::Size(w, h) => shape(w, h)?,
            _ => return None,
        };
        Some(Hit { start: tk.at, end: tk.end, rank: 0, value })
    }));
    if let Some(hit) = pick(&shapes) {
        spec.aspect = hit.value;
        said.push(text.said("aspect", hit.value.label().into(), hit));
    }

    let quote = tokens.iter().find_map(|tk| match &tk.t {
        Tok::Quote(q) if !q.trim().is_empty() => Some((q, tk)),
        _ => None,
    });
    if let Some((q, tk)) = quote {
        let cut: String = q.trim().chars().take(MAX_TEXT_CHARS).collect();
        let cut = cut.trim_end().to_string();
        said.push(text.said_span("text", cut.clone(), tk.at, tk.end));
        spec.text = Some(cut);
    }

    said.sort_by_key(|u| FIELDS.iter().position(|f| *f == u.field));
    spec.understood = said;
    spec
}

/// The aspect a ratio or frame size has, if it is one of ours.
fn shape(w: u32, h: u32) -> Option<Aspect> {
    fn gcd(a: u32, b: u32) -> u32 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let g = gcd(w, h);
    if g == 0 {
        return None;
    }
    Aspect::parse(&format!("{}:{}", w / g, h / g))
}

/// The first hit of the strongest table.
fn pick<T>(hits: &[Hit<T>]) -> Option<&Hit<T>> {
    hits.iter().min_by_key(|h| (h.rank, h.start))
}

/// A phrase found in the prompt: chars `start..end`, from table `rank` of its field.
#[derive(Clone, Copy, Debug)]
struct Hit<T> {
    start: usize,
    end: usize,
    rank: usize,
    value: T,
}

impl<T> Hit<T> {
    fn with<U>(&self, value: U) -> Hit<U> {
        Hit { start: self.start, end: self.end, rank: self.rank, value }
    }
}

/// The prompt as chars: as given (for quoting back) and folded for matching (same positions).
struct Text {
    orig: Vec<char>,
    folded: Vec<char>,
}

impl Text {
    /// Folds case and full-width forms; quoted text is blanked, as it is shown, not read.
    fn new(prompt: &str, tokens: &[cutroom_agent::token::Token]) -> Text {
        let orig: Vec<char> = prompt.chars().collect();
        let mut folded: Vec<char> = orig.iter().map(|c| fold(*c)).collect();
        for tk in tokens.iter().filter(|tk| matches!(tk.t, Tok::Quote(_))) {
            let end = tk.end.min(folded.len());
            folded[tk.at.min(end)..end].fill(' ');
        }
        Text { orig, folded }
    }

    /// Every phrase of `tables` in the prompt, longest first where they overlap, in prompt order,
    /// without the ones taken back by a negation or held inside a longer `not` phrase.
    fn find<T: Copy>(&self, tables: &[&[(&str, T)]], not: &[&str]) -> Vec<Hit<T>> {
        let mut found: Vec<Hit<Option<T>>> = Vec::new();
        for start in 0..self.folded.len() {
            if !self.can_start(start) {
                continue;
            }
            for (rank, table) in tables.iter().enumerate() {
                for (phrase, value) in table.iter() {
                    if let Some(end) = self.match_at(start, phrase) {
                        found.push(Hit { start, end, rank, value: Some(*value) });
                    }
                }
            }
            for phrase in not {
                if let Some(end) = self.match_at(start, phrase) {
                    found.push(Hit { start, end, rank: 0, value: None });
                }
            }
        }
        found.sort_by_key(|h| (std::cmp::Reverse(h.end - h.start), h.start, h.value.is_some(), h.rank));
        let mut taken = vec![false; self.folded.len()];
        let mut kept: Vec<Hit<Option<T>>> = Vec::new();
        for hit in found {
            if !taken[hit.start..hit.end].contains(&true) {
                taken[hit.start..hit.end].fill(true);
                kept.push(hit);
            }
        }
        kept.sort_by_key(|h| h.start);
        kept.into_iter().filter(|h| !self.negated(h.start)).filter_map(|h| h.value.map(|v| h.with(v))).collect()
    }

    /// Whether a phrase may begin at `i`: a Chinese character, or the start of a word.
    fn can_start(&self, i: usize) -> bool {
        let c = self.folded[i];
        is_cjk(c) || (is_word(c) && (i == 0 || !is_word(self.folded[i - 1])))
    }

    /// Where `phrase` ends if it is said at `start`.
    fn match_at(&self, start: usize, phrase: &str) -> Option<usize> {
        let text = &self.folded;
        let mut j = start;
        for p in phrase.chars() {
            if p == ' ' || p == '-' {
                let from = j;
                while text.get(j).is_some_and(|c| is_gap(*c)) {
                    j += 1;
                }
                if j == from {
                    return None;
                }
            } else if text.get(j) == Some(&p) {
                j += 1;
            } else {
                return None;
            }
        }
        let last = phrase.chars().last()?;
        if !last.is_ascii_alphanumeric() || !text.get(j).is_some_and(|c| is_word(*c)) {
            return Some(j);
        }
        // A plural: "streets", "pans".
        let plural = last.is_ascii_alphabetic() && text[j] == 's' && !text.get(j + 1).is_some_and(|c| is_word(*c));
        plural.then_some(j + 1)
    }

    /// Whether the words just before `start` say "no".
    fn negated(&self, start: usize) -> bool {
        if is_cjk(self.folded[start]) {
            let before: String = self.folded[start.saturating_sub(3)..start].iter().collect();
            return ZH_NEGATIONS.iter().any(|n| before.ends_with(n));
        }
        let before = &self.folded[start.saturating_sub(40)..start];
        let mut words = before.split(|c| !is_word(*c)).rev().filter(|w| !w.is_empty());
        let mut word = words.next();
        // "without any rain", "no heavy rain"
        if word.is_some_and(|w| matches!(w.iter().collect::<String>().as_str(), "any" | "a" | "heavy" | "more")) {
            word = words.next();
        }
        word.is_some_and(|w| NEGATIONS.contains(&w.iter().collect::<String>().as_str()))
    }

    fn said<T>(&self, field: &str, value: String, hit: &Hit<T>) -> Understood {
        self.said_span(field, value, hit.start, hit.end)
    }

    /// An `Understood` quoting the prompt's chars `at..end` as written.
    fn said_span(&self, field: &str, value: String, at: usize, end: usize) -> Understood {
        let end = end.min(self.orig.len());
        let from: String = self.orig[at.min(end)..end].iter().collect();
        Understood { field: field.into(), value, from: from.trim().to_string() }
    }
}

/// Lower case, full-width Latin as ASCII, dashes as hyphens: one char for one.
fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2010}'..='\u{2015}' => '-',
        _ => c,
    };
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// A char of an English word (Chinese characters are not: they border English words).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// What may stand between the words of a phrase.
fn is_gap(c: char) -> bool {
    c.is_whitespace() || c == '-' || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use Aspect::Tall;

    /// The fields that were not left at their defaults, by name.
    fn fields(s: &SceneSpec) -> Vec<&str> {
        s.understood.iter().map(|u| u.field.as_str()).collect()
    }

    fn from<'a>(s: &'a SceneSpec, field: &str) -> Option<&'a str> {
        s.understood.iter().find(|u| u.field == field).map(|u| u.from.as_str())
    }

    #[test]
    fn a_futuristic_city_at_night() {
        let p = "generate a 10-second video of a futuristic city at night with cinematic lighting";
        let s = understand(p);
        assert_eq!(s.prompt, p);
        assert_eq!(s.setting, City);
        assert_eq!(s.time, Night);
        assert_eq!(s.weather, Weather::Clear);
        assert_eq!(s.moods, vec![Cinematic]);
        assert_eq!(s.camera, Dolly);
        assert_eq!(s.duration_ms, 10_000);
        assert_eq!(s.aspect, Landscape);
        assert!(!s.water);
        assert_eq!(s.text, None);
        assert_eq!(fields(&s), ["setting", "time", "mood", "duration"]);
        assert_eq!(from(&s, "duration"), Some("10-second"));
        assert_eq!(from(&s, "time"), Some("at night"));
        let d = s.understood.iter().find(|u| u.field == "duration").unwrap();
        assert_eq!(d.value, "10 s");
    }

    #[test]
    fn a_snowy_forest_in_chinese() {
        let s = understand("生成一段十秒的竖屏视频：下雪的森林，黄昏，电影感");
        assert_eq!(s.setting, Forest);
        assert_eq!(s.time, Sunset);
        assert_eq!(s.weather, Snow);
        assert_eq!(s.moods, vec![Cinematic]);
        assert_eq!(s.duration_ms, 10_000);
        assert_eq!(s.aspect, Portrait);
        assert_eq!(from(&s, "weather"), Some("下雪"));
        assert_eq!(from(&s, "mood"), Some("电影感"));
        assert_eq!(from(&s, "aspect"), Some("竖屏"));
        assert_eq!(from(&s, "duration"), Some("十秒"));
    }

    #[test]
    fn a_desert_at_golden_hour() {
        let s = understand("slow zoom into a desert at golden hour with heat haze, 8s");
        assert_eq!(s.setting, Desert);
        assert_eq!(s.time, Sunset);
        assert_eq!(s.weather, Haze);
        assert_eq!(s.camera, PushIn);
        assert_eq!(s.duration_ms, 8_000);
        assert!(s.moods.is_empty(), "golden hour is a time, not a warm mood: {:?}", s.moods);
        assert_eq!(from(&s, "time"), Some("golden hour"));
        assert_eq!(from(&s, "weather"), Some("heat haze"));
    }

    #[test]
    fn a_stormy_ocean() {
        let s = understand("a stormy ocean at dawn, vertical");
        assert_eq!((s.setting, s.time, s.weather, s.aspect), (Ocean, Dawn, Rain, Portrait));
        assert!(s.water);
        assert!(!fields(&s).contains(&"water"), "an ocean's water goes without saying");
    }

    #[test]
    fn a_foggy_mountain_lake() {
        let s = understand("foggy mountain lake at sunrise, pastel colors, static camera");
        assert_eq!((s.setting, s.time, s.weather, s.camera), (Mountains, Dawn, Fog, Static));
        assert!(s.water);
        assert_eq!(s.moods, vec![Pastel]);
        assert_eq!(from(&s, "setting"), Some("mountain"));
        assert_eq!(from(&s, "water"), Some("lake"));
    }

    #[test]
    fn deep_space() {
        let s = understand("deep space nebula drifting, 6 seconds, square");
        assert_eq!((s.setting, s.time, s.camera, s.aspect), (Space, Night, Orbit, Square));
        assert_eq!(s.duration_ms, 6_000);
        assert!(!fields(&s).contains(&"time"), "night is the default in space");
    }

    #[test]
    fn an_abstract_loop_with_text() {
        let s = understand("abstract neon gradient loop with the text 'SALE'");
        assert_eq!(s.setting, Abstract);
        assert_eq!(s.moods, vec![Neon]);
        assert_eq!(s.time, Night);
        assert_eq!(s.text.as_deref(), Some("SALE"));
        assert_eq!(from(&s, "text"), Some("'SALE'"));
        assert_eq!(from(&s, "setting"), Some("abstract"));
    }

    #[test]
    fn a_noir_street() {
        let s = understand("black and white rainy street at night, film grain");
        assert_eq!((s.setting, s.time, s.weather), (City, Night, Rain));
        assert_eq!(s.moods, vec![Monochrome, Grain]);
        assert_eq!(from(&s, "setting"), Some("street"));
    }

    #[test]
    fn a_cyberpunk_pan() {
        let s = understand("cyberpunk city, neon, pan across the skyline");
        assert_eq!((s.setting, s.time, s.camera), (City, Night, Pan));
        assert_eq!(s.moods, vec![Neon]);
        assert_eq!(from(&s, "setting"), Some("city"));
        assert!(!fields(&s).contains(&"time"));
        // Said neon with another time: that time.
        assert_eq!(understand("neon-lit streets at dawn").time, Dawn);
        assert_eq!(understand("neon-lit streets").time, Night);
        assert_eq!(understand("neon-lit streets").moods, vec![Neon]);
    }

    #[test]
    fn a_cold_seaside_sunset_in_chinese() {
        let s = understand("蓝色的冷调海边日落，环绕镜头，4:5");
        assert_eq!((s.setting, s.time, s.camera, s.aspect), (Ocean, Sunset, Orbit, Tall));
        assert_eq!(s.moods, vec![Cold]);
        assert_eq!(from(&s, "aspect"), Some("4:5"));
        assert_eq!(from(&s, "setting"), Some("海边"));
    }

    #[test]
    fn a_forest_and_nothing_else() {
        let s = understand("a forest");
        assert_eq!(s.setting, Forest);
        assert_eq!(s.time, Day);
        assert_eq!(s.weather, Weather::Clear);
        assert!(s.moods.is_empty());
        assert_eq!(s.camera, Dolly);
        assert_eq!(s.duration_ms, DEFAULT_DURATION_MS);
        assert_eq!(s.aspect, Landscape);
        assert_eq!(
            s.understood,
            vec![Understood { field: "setting".into(), value: "forest".into(), from: "forest".into() }]
        );
    }

    #[test]
    fn every_setting_in_both_languages() {
        let cases: [(&str, Setting); 26] = [
            ("downtown skyline", City),
            ("skyscrapers", City),
            ("an urban scene", City),
            ("城市", City),
            ("街头", City),
            ("摩天大楼和天际线", City),
            ("the open sea", Ocean),
            ("waves on the beach", Ocean),
            ("大海", Ocean),
            ("沙滩", Ocean),
            ("woods", Forest),
            ("a pine jungle", Forest),
            ("树林", Forest),
            ("snow-capped mountains", Mountains),
            ("the alps", Mountains),
            ("雪山", Mountains),
            ("山谷", Mountains),
            ("dunes of the sahara", Desert),
            ("沙漠", Desert),
            ("outer space", Space),
            ("the milky way", Space),
            ("星云", Space),
            ("宇宙", Space),
            ("abstract shapes", Abstract),
            ("抽象渐变", Abstract),
            ("a gradient", Abstract),
        ];
        for (p, want) in cases {
            let s = understand(p);
            assert_eq!(s.setting, want, "{p}");
            assert!(fields(&s).contains(&"setting"), "{p}");
        }
    }

    #[test]
    fn places_that_share_a_picture() {
        let s = understand("a city by the sea");
        assert_eq!(s.setting, City);
        assert!(s.water);
        assert_eq!(from(&s, "water"), Some("sea"));
        let s = understand("harbour city at dusk");
        assert_eq!((s.setting, s.time), (City, Sunset));
        assert!(s.water);
        let s = understand("the sea next to a big city");
        assert_eq!(s.setting, City);
        let s = understand("city skyline over the river");
        assert_eq!(s.setting, City);
        assert!(s.water);
        assert_eq!(from(&s, "water"), Some("river"));
        let s = understand("湖边的森林");
        assert_eq!(s.setting, Forest);
        assert!(s.water);
        // The first place named wins; features give way to names.
        assert_eq!(understand("a forest in the mountains").setting, Forest);
        assert_eq!(understand("mountains above a forest").setting, Mountains);
        assert_eq!(understand("palm trees on a beach").setting, Ocean);
        assert_eq!(understand("a desert under the stars").setting, Desert);
        assert_eq!(understand("a desert under the stars").time, Night);
        assert_eq!(understand("pastel colors over the forest").setting, Forest);
        assert_eq!(understand("上海的夜景").setting, City);
        assert!(!understand("上海的夜景").water);
        assert_eq!(understand("银河").setting, Space);
        assert!(!understand("银河").water);
        assert!(!understand("a forest").water);
    }

    #[test]
    fn every_time() {
        let cases: [(&str, TimeOfDay); 20] = [
            ("at dawn", Dawn),
            ("sunrise", Dawn),
            ("early morning", Dawn),
            ("黎明", Dawn),
            ("清晨的", Dawn),
            ("daytime", Day),
            ("at noon", Day),
            ("a sunny afternoon", Day),
            ("白天", Day),
            ("下午", Day),
            ("sunset", Sunset),
            ("dusk", Sunset),
            ("evening", Sunset),
            ("夕阳", Sunset),
            ("傍晚", Sunset),
            ("midnight", Night),
            ("moonlit", Night),
            ("a starry sky", Night),
            ("夜晚", Night),
            ("深夜", Night),
        ];
        for (p, want) in cases {
            let s = understand(p);
            assert_eq!(s.time, want, "{p}");
            assert!(fields(&s).contains(&"time"), "{p}");
        }
        assert_eq!(understand("bright neon city at night").time, Night);
        assert_eq!(understand("a sunny morning").time, Dawn);
        assert_eq!(understand("a city").time, Day);
        assert!(!fields(&understand("a city")).contains(&"time"));
    }

    #[test]
    fn every_weather() {
        let cases: [(&str, Weather); 19] = [
            ("rain", Rain),
            ("a rainy day", Rain),
            ("thunderstorm", Rain),
            ("下雨", Rain),
            ("暴雨", Rain),
            ("snowing", Snow),
            ("a blizzard", Snow),
            ("winter", Snow),
            ("雪花", Snow),
            ("冬天的森林", Snow),
            ("fog", Fog),
            ("misty", Fog),
            ("overcast", Fog),
            ("大雾", Fog),
            ("heat haze", Haze),
            ("shimmering mirage", Haze),
            ("热浪", Haze),
            ("酷热", Haze),
            ("a hot desert", Haze),
        ];
        for (p, want) in cases {
            let s = understand(p);
            assert_eq!(s.weather, want, "{p}");
            assert!(fields(&s).contains(&"weather"), "{p}");
        }
        assert_eq!(understand("a hot day in the city").weather, Weather::Clear);
        assert_eq!(understand("heat over the desert").weather, Haze);
    }

    #[test]
    fn snow_capped_mountains_are_not_snowing() {
        for p in ["snow-capped mountains", "snowcapped peaks", "snowy peaks at dawn", "雪山", "一座雪山", "热带雨林"]
        {
            let s = understand(p);
            assert_eq!(s.weather, Weather::Clear, "{p}");
            assert!(!fields(&s).contains(&"weather"), "{p}");
        }
        assert_eq!(understand("snow-capped mountains").setting, Mountains);
        assert_eq!(understand("snow falling on snow-capped mountains").weather, Snow);
        assert_eq!(understand("下雪的雪山").weather, Snow);
        assert_eq!(understand("a rainforest").weather, Weather::Clear);
        assert_eq!(understand("a rainforest").setting, Forest);
    }

    #[test]
    fn every_mood() {
        let cases: [(&str, Mood); 22] = [
            ("cinematic lighting", Cinematic),
            ("an epic movie shot", Cinematic),
            ("电影感", Cinematic),
            ("大片", Cinematic),
            ("neon signs", Neon),
            ("synthwave", Neon),
            ("霓虹", Neon),
            ("pastel", Pastel),
            ("dreamy soft colors", Pastel),
            ("梦幻", Pastel),
            ("warm and cozy", Warm),
            ("暖色调", Warm),
            ("icy blue tones", Cold),
            ("冷色调", Cold),
            ("black-and-white", Monochrome),
            ("b&w", Monochrome),
            ("film noir", Monochrome),
            ("黑白", Monochrome),
            ("film grain", Grain),
            ("shot on 16mm", Grain),
            ("vintage", Grain),
            ("复古胶片", Grain),
        ];
        for (p, want) in cases {
            let s = understand(p);
            assert_eq!(s.moods, vec![want], "{p}");
            assert!(fields(&s).contains(&"mood"), "{p}");
        }
        let s = understand("cinematic, neon, pastel, warm, cold, monochrome, grainy, cinematic again");
        assert_eq!(s.moods, vec![Cinematic, Neon, Pastel, Warm, Cold, Monochrome, Grain]);
        assert_eq!(fields(&s).iter().filter(|f| **f == "mood").count(), 7);
    }

    #[test]
    fn every_camera() {
        let cases: [(&str, Camera); 21] = [
            ("static shot", Static),
            ("locked-off tripod", Static),
            ("固定镜头", Static),
            ("pan left", Pan),
            ("the camera pans", Pan),
            ("sweeping view", Pan),
            ("摇镜", Pan),
            ("push in", PushIn),
            ("push-in", PushIn),
            ("zooming in", PushIn),
            ("fly towards the tower", PushIn),
            ("推进", PushIn),
            ("dolly shot", Dolly),
            ("tracking shot", Dolly),
            ("parallax", Dolly),
            ("跟拍", Dolly),
            ("orbit", Orbit),
            ("circle around the peak", Orbit),
            ("drifting", Orbit),
            ("环绕", Orbit),
            ("漂移", Orbit),
        ];
        for (p, want) in cases {
            let s = understand(p);
            assert_eq!(s.camera, want, "{p}");
            assert!(fields(&s).contains(&"camera"), "{p}");
        }
        assert_eq!(understand("drifting snow, slow pan").camera, Pan);
        assert!(!fields(&understand("a city")).contains(&"camera"));
    }

    #[test]
    fn aspects() {
        let cases: [(&str, Aspect); 14] = [
            ("9:16", Portrait),
            ("16:9", Landscape),
            ("1:1", Square),
            ("4:5", Tall),
            ("for tiktok", Portrait),
            ("youtube shorts", Portrait),
            ("instagram post", Square),
            ("horizontal", Landscape),
            ("竖版", Portrait),
            ("正方形", Square),
            ("横屏", Landscape),
            ("1080x1920", Portrait),
            ("9x16", Portrait),
            ("a portrait of a woman", Portrait),
        ];
        for (p, want) in cases {
            let s = understand(p);
            assert_eq!(s.aspect, want, "{p}");
            assert!(fields(&s).contains(&"aspect"), "{p}");
        }
        assert_eq!(understand("a portrait of a woman, 16:9").aspect, Landscape);
        assert_eq!(understand("3:2").aspect, Landscape);
        assert!(!fields(&understand("3:2")).contains(&"aspect"));
        assert_eq!(understand("times square at night").aspect, Landscape);
        assert_eq!(understand("times square at night").setting, City);
    }

    #[test]
    fn words_inside_words_do_not_count() {
        let s = understand("a thousand seasons today, on sunday");
        assert_eq!(s.setting, Abstract);
        assert_eq!(s.time, Day);
        assert!(s.understood.is_empty(), "{:?}", s.understood);
        assert!(understand("brainstorm a rainbow").understood.is_empty());
        assert!(understand("a panel of pandas").understood.is_empty());
        assert_eq!(understand("THE OCEAN AT NIGHT").setting, Ocean);
        assert_eq!(understand("The City's Streets").setting, City);
        assert_eq!(from(&understand("The City's Streets"), "setting"), Some("City"));
    }

    #[test]
    fn durations_are_clamped() {
        assert_eq!(understand("a 5 minute video").duration_ms, MAX_DURATION_MS);
        assert_eq!(understand("0.5 second clip").duration_ms, MIN_DURATION_MS);
        assert_eq!(understand("half a minute of waves").duration_ms, 30_000);
        assert_eq!(understand("two seconds").duration_ms, 2_000);
        assert_eq!(understand("0:05").duration_ms, 5_000);
        assert_eq!(understand("一个十五秒的视频").duration_ms, 15_000);
        assert_eq!(understand("a 5 minute video").understood[0].value, "60 s");
        assert_eq!(understand("7.5s").understood[0].value, "7.5 s");
        assert_eq!(understand("3s then 9s").duration_ms, 3_000);
    }

    #[test]
    fn quoted_text() {
        let s = understand("标题“夜晚特卖”，海边");
        assert_eq!(s.text.as_deref(), Some("夜晚特卖"));
        assert_eq!(s.time, Day, "夜晚 inside the quotes is not read");
        assert_eq!(from(&s, "text"), Some("“夜晚特卖”"));
        assert_eq!(understand("「你好 世界」").text.as_deref(), Some("你好 世界"));
        assert_eq!(understand("a forest with the words \"Ocean Sale\"").setting, Forest);
        assert_eq!(understand("a neon sign saying OPEN, at night").text.as_deref(), Some("OPEN"));
        let long = format!("'{}'", "字".repeat(200));
        assert_eq!(understand(&long).text.map(|t| t.chars().count()), Some(MAX_TEXT_CHARS));
        assert_eq!(understand("“   ”").text, None);
    }

    #[test]
    fn negations() {
        assert_eq!(understand("a forest, no rain").weather, Weather::Clear);
        assert_eq!(understand("a city without any fog, snowy").weather, Snow);
        assert_eq!(understand("不要下雨的森林").weather, Weather::Clear);
        assert_eq!(understand("没有雾").weather, Weather::Clear);
        assert!(understand("no film grain, warm").moods == vec![Warm]);
        assert_eq!(understand("不要复古").moods, vec![]);
        assert_eq!(understand("no camera movement").camera, Static);
        assert_eq!(understand("无人机环绕").camera, Orbit);
    }

    #[test]
    fn the_empty_prompt_is_all_defaults() {
        for p in ["", "   ", "\n\t", "make me something nice"] {
            let s = understand(p);
            let want = SceneSpec { prompt: p.into(), duration_ms: DEFAULT_DURATION_MS, ..SceneSpec::default() };
            assert_eq!(s, want, "{p:?}");
            assert_eq!(s.setting, Abstract);
        }
    }

    #[test]
    fn hostile_prompts_do_not_panic() {
        let junk: String = (0..10_000u32)
            .map(|i| match i % 9 {
                0 => char::from_u32(0x1F600 + i % 60).unwrap_or('x'),
                1 => char::from_u32(i % 32).unwrap_or('x'),
                2 => '\u{200D}',
                3 => '“',
                4 => '\'',
                5 => 'İ',
                6 => char::from_u32(0x4E00 + i * 7 % 3000).unwrap_or('x'),
                7 => '：',
                _ => char::from_u32(0x61 + i % 26).unwrap_or('x'),
            })
            .collect();
        let began = std::time::Instant::now();
        let s = understand(&junk);
        assert_eq!(s.prompt, junk);
        assert!(began.elapsed() < std::time::Duration::from_secs(2), "{:?}", began.elapsed());
        assert!((MIN_DURATION_MS..=MAX_DURATION_MS).contains(&s.duration_ms));

        let plain = format!("{}\u{0}\u{7}🎬🌃", "zzz ".repeat(2_500));
        let s = understand(&plain);
        assert_eq!(s, SceneSpec { prompt: plain.clone(), duration_ms: DEFAULT_DURATION_MS, ..SceneSpec::default() });
        let began = std::time::Instant::now();
        let _ = understand(&"rain at night ".repeat(800));
        let _ = understand(&"雨夜雪山".repeat(2_500));
        assert!(began.elapsed() < std::time::Duration::from_secs(2), "{:?}", began.elapsed());
        for p in ["'", "“", "9:", ":16", "-", "no", "不", "İstanbul city", "ＣＩＴＹ at ＮＩＧＨＴ", "🌊 ocean 🌊"]
        {
            let _ = understand(p);
        }
        assert_eq!(understand("ＣＩＴＹ at ＮＩＧＨＴ").setting, City);
        assert_eq!(understand("ＣＩＴＹ at ＮＩＧＨＴ").time, Night);
    }
}
