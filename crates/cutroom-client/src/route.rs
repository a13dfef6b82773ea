//! Keyword routing of a chat message, as the reference clients do it: export, credits and
//! state requests and uploads are answered by the client directly; everything else is an
//! agent turn. Pure: whether a path exists is asked of a predicate.
//!
//! The rule is a whitelist. A message routes to Export, Credits or State only when it holds
//! that request's keyword **and every other word** is one of the few words such a request
//! is made of ("export the final video in 1080p", "how many credits do I have left",
//! "show me the timeline"); English is matched on word boundaries, Chinese phrases are
//! matched as substrings and translated to those words first. So "add a title that says
//! download now", "the exported clip is too dark", "roll the credits at the end" and "make
//! the status bar red" are agent turns — and an agent turn is the safe side: the agent
//! exports, reports the timeline and answers questions itself, while a wrong local route
//! would swallow an edit.
//!
//! Uploads: a message starting with "upload"/"上传" lists paths or URLs (quoted or with
//! backslash-escaped spaces, as terminals paste them); a message made only of existing
//! media paths or http(s) URLs is an upload too (a file dropped on the terminal).

use crate::export::Quality;

/// Where a message goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Export the current draft (with what the message said about quality/size).
    Export(ExportHint),
    /// Show the credit balance.
    Credits,
    /// Show the session's timeline.
    State,
    /// Upload these files/URLs (possibly none: "upload" alone — ask for a path).
    Upload(Vec<Source>),
    /// Send the message to the agent.
    Turn,
}

/// What an export request asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportHint {
    pub quality: Option<Quality>,
    /// Shorter side in pixels ("720p" → 720, "4k" → 2160).
    pub resolution: Option<u32>,
}

/// One thing to upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A local file, as typed (`~` not expanded: see [`expand_home`]).
    Path(String),
    /// An http(s) URL for the server to fetch.
    Url(String),
    /// Looked like a file path but does not exist.
    Missing(String),
}

/// Longest message (in words) that may be a local request.
const MAX_WORDS: usize = 16;

/// Words that carry no intent.
const FILLERS: &[&str] = &[
    "please", "pls", "plz", "kindly", "can", "could", "would", "will", "you", "u", "ok", "okay", "now", "then", "just",
    "let", "lets", "s", "go", "ahead", "hey", "hi", "hello", "thanks", "thank", "i", "want", "to", "d", "like", "need",
    "and", "yes", "sure",
];

const EXPORT_TRIGGERS: &[&str] = &["export", "download", "send"];
const EXPORT_WORDS: &[&str] = &[
    "me",
    "the",
    "it",
    "this",
    "that",
    "my",
    "our",
    "video",
    "videos",
    "file",
    "mp4",
    "movie",
    "clip",
    "result",
    "final",
    "finished",
    "as",
    "in",
    "at",
    "a",
    "an",
    "of",
    "hd",
    "fhd",
    "uhd",
    "full",
    "quality",
    "high",
    "medium",
    "low",
    "best",
    "max",
    "preview",
    "version",
    "output",
    "format",
    "resolution",
    "again",
    "copy",
    "h264",
    "current",
];
/// "send" alone is not an export; "send me the video" is.
const SEND_OBJECTS: &[&str] = &["video", "videos", "file", "mp4", "it", "result", "movie", "clip"];

const CREDIT_TRIGGERS: &[&str] = &["credits", "credit", "balance"];
const CREDIT_WORDS: &[&str] = &[
    "how",
    "many",
    "much",
    "do",
    "does",
    "have",
    "has",
    "left",
    "remaining",
    "remain",
    "my",
    "check",
    "show",
    "what",
    "whats",
    "is",
    "are",
    "the",
    "me",
    "account",
    "current",
    "see",
    "get",
    "still",
    "there",
    "in",
    "of",
    "available",
    "tell",
    "about",
    "view",
    "query",
    "display",
    "got",
    "total",
];

const STATE_TRIGGERS: &[&str] = &["status", "tracks", "track", "timeline", "state", "summary", "draft"];
const STATE_WORDS: &[&str] = &[
    "show",
    "me",
    "the",
    "my",
    "current",
    "what",
    "whats",
    "is",
    "are",
    "check",
    "list",
    "view",
    "see",
    "of",
    "project",
    "session",
    "tell",
    "about",
    "on",
    "get",
    "display",
    "print",
    "in",
    "all",
    "there",
    "everything",
    "so",
    "far",
    "how",
    "does",
    "look",
    "looks",
];

/// Chinese phrases as the English words above (longest first when applied).
const ZH: &[(&str, &str)] = &[
    ("时间线", "timeline"),
    ("时间轴", "timeline"),
    ("低画质", "low quality"),
    ("高画质", "high quality"),
    ("发给我", "send me"),
    ("导出", "export"),
    ("下载", "download"),
    ("积分", "credits"),
    ("余额", "balance"),
    ("状态", "status"),
    ("轨道", "tracks"),
    ("上传", "upload"),
    ("发我", "send me"),
    ("请", "please"),
    ("帮我", "please"),
    ("麻烦", "please"),
    ("给我", "me"),
    ("一下", ""),
    ("吧", ""),
    ("吗", ""),
    ("呢", ""),
    ("我的", "my"),
    ("的", ""),
    ("我", "i"),
    ("多少", "many"),
    ("还有", "have"),
    ("还剩", "left"),
    ("剩余", "remaining"),
    ("剩下", "remaining"),
    ("查询", "check"),
    ("查看", "check"),
    ("看看", "check"),
    ("看下", "check"),
    ("显示", "show"),
    ("当前", "current"),
    ("目前", "current"),
    ("现在", "now"),
    ("视频", "video"),
    ("文件", "file"),
    ("高清", "hd"),
    ("画质", "quality"),
    ("质量", "quality"),
    ("格式", "format"),
    ("成", "as"),
    ("为", "as"),
    ("账户", "account"),
    ("帐户", "account"),
    ("账号", "account"),
    ("有", "have"),
    ("几", "many"),
    ("是", "is"),
    ("什么", "what"),
    ("项目", "project"),
    ("所有", "all"),
    ("全部", "all"),
    ("个", ""),
    ("把", ""),
];

/// Words between the files of an upload command.
const CONNECTORS: &[&str] = &[
    "and", "the", "file", "files", "video", "videos", "these", "this", "my", "&", "+", "和", "与", "及", "以及",
    "文件", "视频",
];

/// Routes a message. `exists` says whether a path (as typed) is an existing file; pass
/// [`path_exists`] in real use.
pub fn route(message: &str, exists: impl Fn(&str) -> bool) -> Route {
    let text = message.trim();
    if text.is_empty() {
        return Route::Turn;
    }
    if let Some(rest) = upload_command(text) {
        return Route::Upload(upload_args(rest, &exists));
    }
    if let Some(sources) = bare_sources(text, &exists) {
        return Route::Upload(sources);
    }
    let words = words(text);
    if words.len() > MAX_WORDS {
        return Route::Turn;
    }
    let content: Vec<&str> = words.iter().map(String::as_str).filter(|w| !FILLERS.contains(w)).collect();
    if content.is_empty() {
        return Route::Turn;
    }
    let only = |triggers: &[&str], vocab: &[&str], specs: bool| {
        content.iter().any(|w| triggers.contains(w))
            && content.iter().all(|w| triggers.contains(w) || vocab.contains(w) || (specs && is_spec(w)))
    };
    if only(EXPORT_TRIGGERS, EXPORT_WORDS, true)
        && (content.iter().any(|w| *w == "export" || *w == "download")
            || content.iter().any(|w| SEND_OBJECTS.contains(w)))
    {
        return Route::Export(export_hint(&content));
    }
    if only(CREDIT_TRIGGERS, CREDIT_WORDS, false) {
        return Route::Credits;
    }
    if only(STATE_TRIGGERS, STATE_WORDS, false) {
        return Route::State;
    }
    Route::Turn
}

/// The message as lower-case words, Chinese phrases translated (see [`ZH`]).
fn words(text: &str) -> Vec<String> {
    let mut s = text.to_lowercase();
    let mut zh: Vec<&(&str, &str)> = ZH.iter().collect();
    zh.sort_by_key(|(k, _)| std::cmp::Reverse(k.chars().count()));
    for (k, v) in zh {
        if s.contains(k) {
            s = s.replace(k, &format!(" {v} "));
        }
    }
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// "1080p", "720", "4k", "1920x1080", "30fps".
fn is_spec(w: &str) -> bool {
    let core = w.strip_suffix("fps").or_else(|| w.strip_suffix('p')).or_else(|| w.strip_suffix('k')).unwrap_or(w);
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    digits(core) || core.split_once('x').is_some_and(|(a, b)| digits(a) && digits(b))
}

fn export_hint(words: &[&str]) -> ExportHint {
    let mut hint = ExportHint::default();
    for w in words {
        match *w {
            "high" | "hd" | "fhd" | "uhd" | "best" | "max" => hint.quality = Some(Quality::High),
            "medium" => hint.quality = Some(Quality::Medium),
            "low" | "preview" => hint.quality = Some(Quality::Low),
            _ => {}
        }
        let n = |s: &str| s.parse::<u32>().ok();
        if let Some(p) = w.strip_suffix('p').and_then(n) {
            hint.resolution = Some(p);
        } else if let Some(k) = w.strip_suffix('k').and_then(n) {
            hint.resolution = Some(match k {
                4 => 2160,
                2 => 1440,
                8 => 4320,
                other => other * 540,
            });
        } else if let Some((a, b)) = w.split_once('x').and_then(|(a, b)| Some((n(a)?, n(b)?))) {
            hint.resolution = Some(a.min(b));
        }
    }
    hint
}

/// The rest of the message after "upload"/"上传" (and polite words before it).
fn upload_command(text: &str) -> Option<&str> {
    let mut rest = text.trim_start();
    loop {
        let before = rest;
        for p in ["please ", "pls ", "can you ", "could you ", "请", "帮我", "麻烦"] {
            if rest.len() >= p.len() && rest.is_char_boundary(p.len()) && rest[..p.len()].eq_ignore_ascii_case(p) {
                rest = rest[p.len()..].trim_start();
            }
        }
        if rest == before {
            break;
        }
    }
    if let Some(r) = rest.strip_prefix("上传") {
        return Some(r);
    }
    let head = rest.get(..6)?;
    let after = &rest[6..];
    (head.eq_ignore_ascii_case("upload") && after.chars().next().is_none_or(|c| c.is_whitespace() || c == ':'))
        .then(|| after.trim_start_matches(':'))
}

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    (l.starts_with("http://") || l.starts_with("https://")) && s.len() > 8
}

/// A token that can only be meant as a file: an absolute, home or relative path, or a name
/// with a media extension.
fn looks_like_path(s: &str) -> bool {
    if s.starts_with('/') || s.starts_with("~/") || s.starts_with("./") || s.starts_with("../") || s.contains('\\') {
        return true;
    }
    s.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (crate::error::ACCEPTED.iter().any(|a| a.eq_ignore_ascii_case(ext)) || ext.eq_ignore_ascii_case("jpeg"))
    })
}

fn clean_arg(arg: &str) -> &str {
    let a = arg.trim_end_matches([',', '，', ';', '；', '、']);
    a.strip_prefix("file://").unwrap_or(a)
}

fn upload_args(rest: &str, exists: &impl Fn(&str) -> bool) -> Vec<Source> {
    let mut out = Vec::new();
    for arg in shell_words(rest) {
        let a = clean_arg(&arg);
        if a.is_empty() || CONNECTORS.iter().any(|c| c.eq_ignore_ascii_case(a)) {
            continue;
        }
        match source(a, exists) {
            Source::Missing(_) if !looks_like_path(a) => {}
            s => out.push(s),
        }
    }
    out
}

/// One thing named for upload: a URL, an existing file, or a missing one.
pub fn source(arg: &str, exists: impl Fn(&str) -> bool) -> Source {
    if is_url(arg) {
        Source::Url(arg.to_string())
    } else if exists(arg) {
        Source::Path(arg.to_string())
    } else {
        Source::Missing(arg.to_string())
    }
}

/// A message that is nothing but paths and URLs.
fn bare_sources(text: &str, exists: &impl Fn(&str) -> bool) -> Option<Vec<Source>> {
    let args = shell_words(text);
    if args.is_empty() {
        return None;
    }
    args.iter()
        .map(|arg| {
            let a = clean_arg(arg);
            if is_url(a) && !a.contains(char::is_whitespace) {
                Some(Source::Url(a.to_string()))
            } else if looks_like_path(a) {
                Some(if exists(a) { Source::Path(a.to_string()) } else { Source::Missing(a.to_string()) })
            } else {
                None
            }
        })
        .collect()
}

/// Splits like a shell: whitespace separates, quotes group, a backslash escapes the next
/// character (outside single quotes). An unclosed quote runs to the end.
pub fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut started = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => cur.push(c),
            (Some(_), '\\') | (None, '\\') => match chars.next() {
                Some(n) => {
                    cur.push(n);
                    started = true;
                }
                None => cur.push('\\'),
            },
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                started = false;
            }
            (None, c) => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `~/x` as `$HOME/x`; anything else unchanged.
pub fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// Whether `path` (as typed, `~` expanded) is an existing file: the predicate for [`route`].
pub fn path_exists(path: &str) -> bool {
    expand_home(path).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(m: &str) -> Route {
        route(m, |p| matches!(p, "/tmp/a.mp4" | "clip.mov" | "/home/me/My Video.mp4" | "notes"))
    }

    fn export(quality: Option<Quality>, resolution: Option<u32>) -> Route {
        Route::Export(ExportHint { quality, resolution })
    }

    #[test]
    fn english_keywords() {
        for m in [
            "export",
            "Export!",
            "EXPORT",
            "download",
            "download the video",
            "send me the video",
            "send it",
            "please export the final video now",
            "can you download it?",
            "export the result again",
        ] {
            assert_eq!(r(m), export(None, None), "{m}");
        }
        assert_eq!(r("export 1080p MP4"), export(None, Some(1080)));
        assert_eq!(r("export in high quality"), export(Some(Quality::High), None));
        assert_eq!(r("export a low quality preview at 720p"), export(Some(Quality::Low), Some(720)));
        assert_eq!(r("download in 4K"), export(None, Some(2160)));
        assert_eq!(r("export 1080x1920"), export(None, Some(1080)));
        for m in [
            "credits",
            "Credits?",
            "balance",
            "how many credits do I have left",
            "what's my balance",
            "check credits",
            "show me my credit balance",
        ] {
            assert_eq!(r(m), Route::Credits, "{m}");
        }
        for m in [
            "status",
            "Status?",
            "show tracks",
            "show me the timeline",
            "what's the status",
            "timeline",
            "what is on the timeline",
            "show the current draft",
        ] {
            assert_eq!(r(m), Route::State, "{m}");
        }
    }

    #[test]
    fn chinese_keywords() {
        for m in ["导出", "导出视频", "请导出", "把视频发给我", "下载视频", "导出。"] {
            assert_eq!(r(m), export(None, None), "{m}");
        }
        assert_eq!(r("请导出1080p的MP4"), export(None, Some(1080)));
        assert_eq!(r("导出高清视频"), export(Some(Quality::High), None));
        for m in ["积分", "余额", "我还有多少积分？", "查看余额", "查询我的积分", "积分还剩多少"]
        {
            assert_eq!(r(m), Route::Credits, "{m}");
        }
        for m in ["状态", "查看当前状态", "显示轨道", "时间线", "当前项目状态"] {
            assert_eq!(r(m), Route::State, "{m}");
        }
        assert_eq!(r("上传 /tmp/a.mp4"), Route::Upload(vec![Source::Path("/tmp/a.mp4".into())]));
        assert_eq!(
            r("上传/tmp/a.mp4 和 clip.mov"),
            Route::Upload(vec![Source::Path("/tmp/a.mp4".into()), Source::Path("clip.mov".into())])
        );
        assert_eq!(r("请上传"), Route::Upload(vec![]));
    }

    #[test]
    fn sentences_that_are_turns() {
        for m in [
            "add a title that says download now",
            "make the status bar red",
            "the exported video looks too dark",
            "exported",
            "roll the credits at the end",
            "add a track with music",
            "export it vertical with music",
            "uploading is slow",
            "send me a title idea",
            "send",
            "make it vertical",
            "generate a 10-second video of a city at night",
            "把标题改成导出",
            "添加背景音乐",
            "状态栏变红",
            "生成一个导出按钮的动画",
            "下载音乐",
            "",
            "   ",
            "please",
            "status status status status status status status status status status status status status status status status status",
        ] {
            assert_eq!(r(m), Route::Turn, "{m:?}");
        }
    }

    #[test]
    fn uploads() {
        assert_eq!(r("upload /tmp/a.mp4"), Route::Upload(vec![Source::Path("/tmp/a.mp4".into())]));
        assert_eq!(
            r("Upload: /tmp/a.mp4, clip.mov and https://example.org/x.mp4"),
            Route::Upload(vec![
                Source::Path("/tmp/a.mp4".into()),
                Source::Path("clip.mov".into()),
                Source::Url("https://example.org/x.mp4".into())
            ])
        );
        assert_eq!(
            r("please upload '/home/me/My Video.mp4'"),
            Route::Upload(vec![Source::Path("/home/me/My Video.mp4".into())])
        );
        assert_eq!(
            r(r"upload /home/me/My\ Video.mp4"),
            Route::Upload(vec![Source::Path("/home/me/My Video.mp4".into())])
        );
        assert_eq!(r("upload the file notes"), Route::Upload(vec![Source::Path("notes".into())]));
        assert_eq!(r("upload /tmp/gone.mp4"), Route::Upload(vec![Source::Missing("/tmp/gone.mp4".into())]));
        assert_eq!(r("upload"), Route::Upload(vec![]));
        assert_eq!(r("upload my holiday video"), Route::Upload(vec![]));
        // A dropped file, or several, or a URL alone.
        assert_eq!(r("/tmp/a.mp4"), Route::Upload(vec![Source::Path("/tmp/a.mp4".into())]));
        assert_eq!(r("'/home/me/My Video.mp4'"), Route::Upload(vec![Source::Path("/home/me/My Video.mp4".into())]));
        assert_eq!(
            r("file:///tmp/a.mp4 clip.mov"),
            Route::Upload(vec![Source::Path("/tmp/a.mp4".into()), Source::Path("clip.mov".into())])
        );
        assert_eq!(r("/tmp/gone.mp4"), Route::Upload(vec![Source::Missing("/tmp/gone.mp4".into())]));
        assert_eq!(
            r("https://example.org/x.mp4"),
            Route::Upload(vec![Source::Url("https://example.org/x.mp4".into())])
        );
        // A file named like a keyword does not hijack it; words next to a path make a turn.
        assert_eq!(r("notes"), Route::Turn);
        assert_eq!(r("/tmp/a.mp4 make it vertical"), Route::Turn);
        assert_eq!(r("speed 1.5x"), Route::Turn);
    }

    #[test]
    fn shell_splitting() {
        assert_eq!(shell_words(r#"a "b c" 'd e' f\ g "h\"i""#), ["a", "b c", "d e", "f g", "h\"i"]);
        assert_eq!(shell_words("  "), Vec::<String>::new());
        assert_eq!(shell_words("''"), [""]);
        assert_eq!(shell_words("'unclosed x"), ["unclosed x"]);
    }
}
