//! What the agent says, in the user's language: one short note per change, questions when a
//! request is unclear, and the list of what it can do. Never GUI talk: it either did the
//! thing or names the request that does it.

use crate::Lang;
use crate::intent::{Ask, MotionKind, Role, StyleChange};
use crate::tools::*;
use cutroom_timeline::{Fit, TransitionKind};

/// Seconds for people: "2 s", "1.5 s".
pub fn secs(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if (s - s.round()).abs() < 0.05 { format!("{:.0} s", s.round()) } else { format!("{s:.1} s") }
}

/// "clip 2 (city)" / "第2段（city）".
pub fn clip_label(lang: Lang, n: usize, name: &str) -> String {
    match (lang, name.is_empty()) {
        (Lang::En, true) => format!("clip {n}"),
        (Lang::En, false) => format!("clip {n} ({name})"),
        (Lang::Zh, true) => format!("第{n}段"),
        (Lang::Zh, false) => format!("第{n}段（{name}）"),
    }
}

/// Said after a change that moved the video's end, when the music followed it.
const FOLLOWS_EN: &str = " The music now ends with the video.";
const FOLLOWS_ZH: &str = "背景音乐也随视频一起结束。";

/// The reply: what changed, then any questions.
pub fn compose(lang: Lang, notes: Vec<String>, questions: &[String]) -> String {
    let mut out = String::new();
    let mut notes: Vec<String> = notes.into_iter().filter(|n| !n.is_empty()).collect();
    // That the music follows the video is said once, after the last change that moved it.
    for tail in [FOLLOWS_EN, FOLLOWS_ZH] {
        if let Some(last) = notes.iter().rposition(|n| n.ends_with(tail)) {
            for n in &mut notes[..last] {
                if let Some(head) = n.strip_suffix(tail) {
                    *n = head.to_string();
                }
            }
        }
    }
    for n in notes {
        if !out.is_empty() {
            // Chinese sentences that already end need no separator.
            match (lang, out.ends_with(['。', '？', '！', '）'])) {
                (Lang::Zh, true) => {}
                (Lang::Zh, false) => out.push('；'),
                (Lang::En, _) => out.push(' '),
            }
        }
        // A note may begin with a label ("clip 4 (photo) now …"): sentences start upper case.
        let mut chars = n.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    for q in questions {
        if !out.is_empty() {
            out.push(if lang.zh() { '\n' } else { ' ' });
        }
        out.push_str(q);
    }
    out
}

fn list(lang: Lang, items: &[String]) -> String {
    match (lang, items.len()) {
        (_, 0) => String::new(),
        (_, 1) => items[0].clone(),
        (Lang::Zh, _) => items.join("、"),
        (Lang::En, n) => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

fn transition_name(lang: Lang, k: TransitionKind) -> &'static str {
    use TransitionKind::*;
    match (lang, k) {
        (Lang::En, Crossfade) => "crossfade",
        (Lang::En, FadeBlack) => "fade through black",
        (Lang::En, FadeWhite) => "fade through white",
        (Lang::En, WipeLeft | WipeRight | WipeUp | WipeDown) => "wipe",
        (Lang::En, SlideLeft | SlideRight | SlideUp | SlideDown) => "slide",
        (Lang::En, CircleOpen | CircleClose) => "circle",
        (Lang::En, ZoomIn) => "zoom",
        (Lang::En, Pixelize) => "pixelate",
        (Lang::En, Radial) => "radial",
        (Lang::Zh, Crossfade) => "叠化",
        (Lang::Zh, FadeBlack) => "闪黑",
        (Lang::Zh, FadeWhite) => "闪白",
        (Lang::Zh, WipeLeft | WipeRight | WipeUp | WipeDown) => "擦除",
        (Lang::Zh, SlideLeft | SlideRight | SlideUp | SlideDown) => "滑动",
        (Lang::Zh, CircleOpen | CircleClose) => "圆形",
        (Lang::Zh, ZoomIn) => "缩放",
        (Lang::Zh, Pixelize) => "像素化",
        (Lang::Zh, Radial) => "径向",
    }
}

/// Phrases in one language.
#[derive(Clone, Copy, Debug)]
pub struct Say(pub Lang);

macro_rules! say {
    ($self:ident, $en:expr, $zh:expr) => {
        if $self.0.zh() { $zh } else { $en }
    };
}

impl Say {
    fn zh(&self) -> bool {
        self.0.zh()
    }

    pub fn help(&self) -> String {
        say!(
            self,
            "I edit this session's video from plain words. I can: change the format (vertical 9:16, square, 4:5, landscape) and how clips fill it; reorder, swap, remove, duplicate, trim, split clips or set their length; change speed and volume, add fades and transitions; add titles, captions, lower thirds and a call to action; add generated music in a style (lo-fi, pop, cinematic, ambient, electronic, acoustic, corporate) or use an uploaded song, with ducking; add a voiceover; zoom or pan stills; undo and redo; show the timeline (\"status\") or your credits; export an MP4 (\"export 1080p\"); make a promo from your footage, a video from a description, or titles and tags for a platform. What would you like to change?".to_string(),
            "我可以用一句话帮你剪这个视频：改画幅（竖屏 9:16、方形、4:5、横屏）和填充方式；调整、交换、删除、复制、剪短、分割片段或设定时长；改速度和音量，加淡入淡出和转场；加标题、字幕、人名条和结尾号召语；生成指定风格的配乐（轻松、欢快、史诗、舒缓、动感、民谣、励志）或使用你上传的歌，并自动避让人声；加旁白；给图片加推拉效果；撤销和重做；查看时间线（“状态”）或积分；导出 MP4（“导出1080p”）；用素材生成宣传片、用文字生成视频、为平台写标题和标签。你想怎么改？".to_string()
        )
    }

    pub fn too_long(&self, max: usize) -> String {
        say!(
            self,
            format!(
                "That message is too long for me to follow (over {max} characters); nothing was changed. Please send one or a few requests at a time."
            ),
            format!("这条消息太长了（超过 {max} 个字符），我没有做任何修改。请一次说一两个要求。")
        )
    }

    pub fn ask(&self, a: &Ask) -> String {
        match a {
            Ask::WhichClip(what) => say!(
                self,
                format!("Which clip should I {what}? Say e.g. \"the second clip\"."),
                "是哪一段？可以说“第二段”。".to_string()
            ),
            Ask::WhatIsIt(what) => say!(
                self,
                format!("What should I {what}? I'm not sure what \"it\" refers to."),
                "你说的“它”指的是什么？".to_string()
            ),
            Ask::WhatWords(role) => {
                let r = self.role(*role);
                say!(
                    self,
                    format!("What should the {r} say? Put the words in quotes, e.g. add a {r} 'Hello'."),
                    format!("{r}要写什么？请用引号写出内容，例如：加{r}“你好”。")
                )
            }
            Ask::Unsupported(what) => say!(
                self,
                format!(
                    "I can't do that (\"{what}\"): cutroom edits clips, text, music and timing but has no effects like that. {}",
                    self.short_help()
                ),
                format!(
                    "这个我做不到（“{what}”）：我能剪辑片段、文字、音乐和时间，但没有这类特效。{}",
                    self.short_help()
                )
            ),
            Ask::OutOfScope => say!(
                self,
                format!(
                    "I can only work on this session's video — not on other sessions, accounts, credits or the server, and I don't change my rules. {}",
                    self.short_help()
                ),
                format!(
                    "我只能编辑当前会话里的视频，不能操作其他会话、账号、积分或服务器，也不会改变规则。{}",
                    self.short_help()
                )
            ),
            Ask::NoGrant => say!(
                self,
                "I can't add credits; the server's operator grants them. Say \"credits\" to see your balance."
                    .to_string(),
                "我不能增加积分，积分由服务器管理员发放。说“积分”可以查看余额。".to_string()
            ),
            Ask::NotUnderstood(w) if w.trim().is_empty() => self.help(),
            Ask::NotUnderstood(w) => say!(
                self,
                format!("I didn't understand \"{w}\". {}", self.short_help()),
                format!("我没看懂“{w}”。{}", self.short_help())
            ),
            Ask::WhatToChange => say!(
                self,
                "What should change: the music's volume, the clips' sound, or the size of a text? For example \"make the music quieter\" or \"make the title bigger\".".to_string(),
                "要调整什么：背景音乐音量、片段原声，还是文字大小？比如“背景音乐小一点”或“标题大一点”。".to_string()
            ),
            Ask::WhichSound => say!(
                self,
                "Which sound: the music or the clips' own sound?".to_string(),
                "是调背景音乐，还是视频原声？".to_string()
            ),
            Ask::WhichText => say!(
                self,
                "Which text? Say e.g. \"the title\" or quote its words.".to_string(),
                "是哪一段文字？可以说“标题”或用引号写出它的内容。".to_string()
            ),
            Ask::Missing(what) => {
                say!(self, format!("There is no {what} in this session."), format!("这个会话里没有{what}。"))
            }
        }
    }

    fn short_help(&self) -> String {
        say!(
            self,
            "Try e.g. \"make it vertical\", \"add a title 'Hello'\", \"swap the first two clips\", \"add calm music at 30%\" or \"export 1080p\" — or say \"help\" for everything I can do.".to_string(),
            "比如可以说：“改成竖屏”“加标题‘你好’”“交换前两段”“加舒缓的音乐，音量30%”“导出1080p”，或者说“帮助”查看全部功能。".to_string()
        )
    }

    fn role(&self, r: Role) -> &'static str {
        match (r, self.zh()) {
            (Role::Title, false) => "title",
            (Role::Caption, false) => "caption",
            (Role::LowerThird, false) => "lower third",
            (Role::Cta, false) => "call to action",
            (Role::Text, false) => "text",
            (Role::Title, true) => "标题",
            (Role::Caption, true) => "字幕",
            (Role::LowerThird, true) => "人名条",
            (Role::Cta, true) => "号召语",
            (Role::Text, true) => "文字",
        }
    }

    pub fn placed(&self, names: &[String]) -> String {
        say!(
            self,
            format!(
                "Put your {} on the timeline ({}).",
                if names.len() == 1 { "clip".to_string() } else { format!("{} clips", names.len()) },
                list(self.0, names)
            ),
            format!("已把你的{}个素材放到时间线上（{}）。", names.len(), list(self.0, names))
        )
    }

    pub fn gone(&self, n: i64) -> String {
        say!(
            self,
            format!("Clip {n} was already removed by an earlier request; nothing else changed for this one."),
            format!("第{n}段已经被前面的操作删掉了。")
        )
    }

    pub fn no_clip(&self, n: i64, count: usize) -> String {
        let n = if n < 0 { format!("{}", count as i64 + n + 1) } else { n.to_string() };
        say!(
            self,
            format!(
                "There is no clip {n}: the timeline has {count} clip{}. Which one did you mean?",
                if count == 1 { "" } else { "s" }
            ),
            format!("没有第{n}段：时间线上只有{count}段。你指的是哪一段？")
        )
    }

    pub fn not_on_timeline(&self, name: &str) -> String {
        say!(
            self,
            format!("I can't find \"{name}\" on the timeline or in your uploads."),
            format!("时间线和上传的素材里都找不到“{name}”。")
        )
    }

    pub fn no_stills(&self) -> String {
        say!(
            self,
            "Zoom and pan work on still images, and there is none on the timeline.".to_string(),
            "推拉效果只能用在图片上，时间线上没有图片。".to_string()
        )
    }

    pub fn no_clips(&self) -> String {
        say!(
            self,
            "The timeline has no clips yet: upload a video or image first.".to_string(),
            "时间线上还没有片段，请先上传视频或图片。".to_string()
        )
    }

    pub fn which_clip(&self, what: &str, labels: &[String]) -> String {
        let verb = match (what, self.zh()) {
            ("remove", true) => "删除",
            ("move", true) => "移动",
            ("swap", true) => "交换",
            ("trim", true) => "剪短",
            ("split", true) => "分割",
            ("duplicate", true) => "复制",
            ("order", true) => "排序",
            (_, true) => "修改",
            (w, false) => w,
        };
        say!(
            self,
            if what == "order" {
                format!(
                    "In what order? E.g. \"reverse the order\", \"move the last clip to the start\", or \"order by energy\". Clips: {}.",
                    list(self.0, labels)
                )
            } else {
                format!("Which clip should I {verb}? There are {}: {}.", labels.len(), list(self.0, labels))
            },
            format!("要{verb}哪一段？现在有{}段：{}。", labels.len(), list(self.0, labels))
        )
    }

    pub fn need_two(&self) -> String {
        say!(
            self,
            "That needs at least two clips on the timeline.".to_string(),
            "这需要时间线上至少有两段。".to_string()
        )
    }

    pub fn canvas_same(&self, w: u32, h: u32) -> String {
        say!(self, format!("It's already {w}×{h}."), format!("已经是 {w}×{h} 了。"))
    }

    pub fn canvas(&self, w: u32, h: u32, name: &str) -> String {
        let shape = match (name, self.zh()) {
            ("9:16", false) => "vertical",
            ("16:9", false) => "landscape",
            ("1:1", false) => "square",
            ("9:16", true) => "竖屏",
            ("16:9", true) => "横屏",
            ("1:1", true) => "方形",
            (n, _) => n,
        };
        say!(self, format!("Made it {shape} ({w}×{h})."), format!("已改为{shape}（{w}×{h}）。"))
    }

    pub fn background(&self, c: &str) -> String {
        say!(self, format!("Set the background colour to {c}."), format!("背景色已设为 {c}。"))
    }

    pub fn fps(&self, fps: u32) -> String {
        say!(self, format!("Set the frame rate to {fps} fps."), format!("帧率已设为 {fps} fps。"))
    }

    pub fn fit(&self, fit: Fit, n: usize) -> String {
        let how = match (fit, self.zh()) {
            (Fit::Cover, false) => "fill the frame (cropped)",
            (Fit::Contain, false) => "show whole, with bars",
            (Fit::Blur, false) => "show whole over a blurred background",
            (Fit::Cover, true) => "铺满画面（裁切）",
            (Fit::Contain, true) => "完整显示（留边）",
            (Fit::Blur, true) => "完整显示，背景模糊",
        };
        say!(
            self,
            format!("{} now {how}.", if n == 1 { "The clip".to_string() } else { format!("All {n} clips") }),
            format!("{}现在{how}。", if n == 1 { "这段".to_string() } else { format!("{n}段片段") })
        )
    }

    pub fn reversed(&self, n: usize) -> String {
        say!(self, format!("Reversed the order of the {n} clips."), format!("已把{n}段片段倒序排列。"))
    }

    pub fn swapped(&self, a: &str, b: &str) -> String {
        say!(self, format!("Swapped {a} and {b}."), format!("已交换{a}和{b}。"))
    }

    pub fn already_there(&self, label: &str) -> String {
        say!(self, format!("{label} is already there."), format!("{label}已经在那个位置了。"))
    }

    pub fn moved(&self, label: &str, pos: usize, total: usize) -> String {
        say!(
            self,
            format!("Moved {label}; it's now clip {pos} of {total}."),
            format!("已移动{label}，现在是第{pos}段（共{total}段）。")
        )
    }

    pub fn removed(&self, labels: &[String]) -> String {
        say!(self, format!("Removed {}.", list(self.0, labels)), format!("已删除{}。", list(self.0, labels)))
    }

    pub fn duplicated(&self, label: &str, copies: u32) -> String {
        say!(
            self,
            if copies == 1 {
                format!("Duplicated {label}; the copy follows it.")
            } else {
                format!("Added {copies} copies of {label} after it.")
            },
            format!("已复制{label}{}。", if copies == 1 { String::new() } else { format!(" {copies} 次") })
        )
    }

    pub fn trim_too_much(&self, label: &str, d: u64) -> String {
        say!(
            self,
            format!("{label} is only {} long, so I can't trim that much.", secs(d)),
            format!("{label}只有{}，剪不了这么多。", secs(d))
        )
    }

    pub fn cannot_extend(&self, label: &str) -> String {
        say!(
            self,
            format!("{label} already uses all of its source, so it can't be longer."),
            format!("{label}已经用完了素材，无法再延长。")
        )
    }

    pub fn trimmed(&self, label: &str, head: i64, tail: i64, now: u64) -> String {
        let part = |ms: i64, start: bool| -> String {
            match (self.zh(), ms >= 0, start) {
                (false, true, true) => format!("trimmed {} from the start of {label}", secs(ms as u64)),
                (false, true, false) => format!("trimmed {} from the end of {label}", secs(ms as u64)),
                (false, false, true) => format!("extended the start of {label} by {}", secs((-ms) as u64)),
                (false, false, false) => format!("extended the end of {label} by {}", secs((-ms) as u64)),
                (true, true, true) => format!("{label}开头剪掉了{}", secs(ms as u64)),
                (true, true, false) => format!("{label}结尾剪掉了{}", secs(ms as u64)),
                (true, false, true) => format!("{label}开头延长了{}", secs((-ms) as u64)),
                (true, false, false) => format!("{label}结尾延长了{}", secs((-ms) as u64)),
            }
        };
        let mut parts = Vec::new();
        if head != 0 {
            parts.push(part(head, true));
        }
        if tail != 0 {
            parts.push(part(tail, false));
        }
        let s = list(self.0, &parts);
        say!(
            self,
            format!("{}{} (now {}).", s[..1].to_uppercase(), &s[1..], secs(now)),
            format!("{s}（现在{}）。", secs(now))
        )
    }

    pub fn cut_span(&self, from: u64, to: u64) -> String {
        say!(
            self,
            format!("Cut {}–{} out of the video.", secs(from), secs(to)),
            format!("已剪掉视频的 {}–{}。", secs(from), secs(to))
        )
    }

    pub fn lengths(&self, labels: &[String], each: &[u64], short: &[String]) -> String {
        let mut s = if labels.len() > 1 && each.windows(2).all(|w| w[0] == w[1]) {
            say!(
                self,
                format!("Set {} clips to {} each.", labels.len(), secs(each[0])),
                format!("已把{}段都设为{}。", labels.len(), secs(each[0]))
            )
        } else {
            let items: Vec<String> = labels.iter().zip(each).map(|(l, d)| format!("{l} {}", secs(*d))).collect();
            say!(
                self,
                format!("Set the length: {}.", list(self.0, &items)),
                format!("已设定时长：{}。", list(self.0, &items))
            )
        };
        if !short.is_empty() {
            s.push_str(&say!(
                self,
                format!(
                    " ({} ran out of source footage, so {} as long as it can be.)",
                    list(self.0, short),
                    if short.len() == 1 { "it is" } else { "they are" }
                ),
                format!("（{}的素材不够长，已设为最长。）", list(self.0, short))
            ));
        }
        s
    }

    pub fn total(&self, target: u64, got: u64) -> String {
        if got.abs_diff(target) <= 50 {
            say!(
                self,
                format!("The video is now {} long; every clip was scaled to fit.", secs(got)),
                format!("视频现在长{}，每段都按比例调整了。", secs(got))
            )
        } else {
            say!(
                self,
                format!(
                    "The clips' footage only allows {}, so the video is now that long (you asked for {}).",
                    secs(got),
                    secs(target)
                ),
                format!("素材只够{}，视频现在就是这么长（你要的是{}）。", secs(got), secs(target))
            )
        }
    }

    pub fn not_inside(&self, t: u64) -> String {
        say!(
            self,
            format!("There's no clip to split at {} (it has to fall inside a clip, away from its ends).", secs(t)),
            format!("在{}处没有可以分割的片段。", secs(t))
        )
    }

    pub fn split(&self, label: &str, at: u64, parts: u32) -> String {
        if parts == 2 {
            say!(
                self,
                format!("Split {label} at {} into two clips.", secs(at)),
                format!("已在{}处把{label}分成两段。", secs(at))
            )
        } else {
            say!(
                self,
                format!("Split {label} into {parts} parts of {} each.", secs(at)),
                format!("已把{label}分成{parts}段，每段{}。", secs(at))
            )
        }
    }

    pub fn speed(&self, labels: &[String], v: f64) -> String {
        let who = if labels.is_empty() {
            say!(self, "every clip".to_string(), "所有片段".to_string())
        } else {
            list(self.0, labels)
        };
        let how = if (v - 1.0).abs() < 1e-9 {
            say!(self, "normal speed".to_string(), "正常速度".to_string())
        } else {
            format!("{v}×")
        };
        say!(self, format!("Set {who} to {how}."), format!("已把{who}设为{how}。"))
    }

    pub fn the_music(&self) -> String {
        say!(self, "the music".to_string(), "背景音乐".to_string())
    }

    pub fn the_voice(&self) -> String {
        say!(self, "the voiceover".to_string(), "旁白".to_string())
    }

    pub fn the_clips(&self) -> String {
        say!(self, "the clips' own sound".to_string(), "视频原声".to_string())
    }

    pub fn the_video(&self) -> String {
        say!(self, "the video".to_string(), "视频".to_string())
    }

    pub fn volume_of(&self, who: String, v: f64) -> String {
        if v == 0.0 {
            say!(self, format!("Muted {who}."), format!("已把{who}静音。"))
        } else {
            say!(self, format!("Set {who} to {} volume.", pct(v)), format!("已把{who}音量设为{}。", pct(v)))
        }
    }

    pub fn no_music(&self) -> String {
        say!(
            self,
            "There's no music on the timeline yet; say e.g. \"add calm music\".".to_string(),
            "时间线上还没有音乐，可以说“加一段舒缓的音乐”。".to_string()
        )
    }

    pub fn no_voice(&self) -> String {
        say!(self, "There's no voiceover on the timeline.".to_string(), "时间线上没有旁白。".to_string())
    }

    pub fn fade(&self, what: String, i: bool, o: bool, len: u64) -> String {
        let how = match (i, o, self.zh()) {
            (true, true, false) => "fade in and out",
            (true, false, false) => "fade in",
            (_, _, false) => "fade out",
            (true, true, true) => "淡入淡出",
            (true, false, true) => "淡入",
            (_, _, true) => "淡出",
        };
        say!(self, format!("Made {what} {how} ({}).", secs(len)), format!("已给{what}加上{how}（{}）。", secs(len)))
    }

    pub fn transition(&self, k: TransitionKind, d: u64, n: usize) -> String {
        let name = transition_name(self.0, k);
        say!(
            self,
            format!(
                "Added a {} {name} {}.",
                secs(d),
                if n == 1 { "at that cut".to_string() } else { format!("at all {n} cuts") }
            ),
            format!(
                "已在{}加上{}的{name}转场。",
                if n == 1 { "这个剪切点".to_string() } else { format!("全部{n}个剪切点") },
                secs(d)
            )
        )
    }

    pub fn no_transition(&self, n: usize) -> String {
        say!(
            self,
            format!(
                "Removed the transition{} ({} hard cut{} now).",
                if n == 1 { "" } else { "s" },
                n,
                if n == 1 { "" } else { "s" }
            ),
            format!("已去掉转场，现在是{n}个直接切换。")
        )
    }

    pub fn duck(&self, on: bool) -> String {
        match on {
            true => say!(
                self,
                "The music now dips under the video's own sound and speech.".to_string(),
                "背景音乐会在有人说话时自动压低。".to_string()
            ),
            false => say!(
                self,
                "Turned ducking off: the music stays at its level.".to_string(),
                "已关闭自动压低，音乐保持原音量。".to_string()
            ),
        }
    }

    pub fn text_added(&self, role: Role, text: &str, start: u64, end: u64) -> String {
        let r = self.role(role);
        say!(
            self,
            format!("Added the {r} “{text}” ({}–{}).", secs(start), secs(end)),
            format!("已添加{r}“{text}”（{}–{}）。", secs(start), secs(end))
        )
    }

    pub fn text_changed(&self, text: &str, n: usize, words: bool, style: &StyleChange) -> String {
        let mut what = Vec::new();
        if words {
            what.push(say!(self, format!("now reads “{text}”"), format!("改为“{text}”")));
        }
        if style.color.is_some() {
            what.push(say!(self, "has a new colour".to_string(), "换了颜色".to_string()));
        }
        if style.size.is_some() {
            what.push(say!(self, "has a new size".to_string(), "调整了大小".to_string()));
        }
        if style.pos.is_some() {
            what.push(say!(self, "moved".to_string(), "换了位置".to_string()));
        }
        if style.bold.is_some() {
            what.push(say!(self, "changed weight".to_string(), "调整了粗细".to_string()));
        }
        if what.is_empty() {
            what.push(say!(self, "changed timing".to_string(), "调整了时间".to_string()));
        }
        let who = if n == 1 {
            say!(self, format!("The text “{text}”"), format!("文字“{text}”"))
        } else {
            say!(self, format!("{n} texts"), format!("{n}段文字"))
        };
        say!(self, format!("{who} {}.", list(self.0, &what)), format!("{who}{}。", list(self.0, &what)))
    }

    pub fn text_removed(&self, words: &[String]) -> String {
        let quoted: Vec<String> = words.iter().map(|w| format!("“{w}”")).collect();
        say!(self, format!("Removed {}.", list(self.0, &quoted)), format!("已删除{}。", list(self.0, &quoted)))
    }

    pub fn no_text(&self) -> String {
        say!(self, "There's no text on the timeline.".to_string(), "时间线上没有文字。".to_string())
    }

    pub fn no_role(&self, r: Role) -> String {
        let r = self.role(r);
        say!(self, format!("There's no {r} on the timeline."), format!("时间线上没有{r}。"))
    }

    pub fn no_words(&self, w: &str) -> String {
        say!(self, format!("No text on the timeline reads “{w}”."), format!("时间线上没有“{w}”这段文字。"))
    }

    pub fn motion(&self, labels: &[String], m: Option<MotionKind>) -> String {
        let how = match (m, self.zh()) {
            (None, false) => "no longer moves",
            (Some(MotionKind::ZoomIn), false) => "now slowly zooms in",
            (Some(MotionKind::ZoomOut), false) => "now slowly zooms out",
            (Some(MotionKind::PanLeft), false) => "now pans left",
            (Some(MotionKind::PanRight), false) => "now pans right",
            (None, true) => "去掉了推拉效果",
            (Some(MotionKind::ZoomIn), true) => "加上了缓慢推近",
            (Some(MotionKind::ZoomOut), true) => "加上了缓慢拉远",
            (Some(MotionKind::PanLeft), true) => "加上了向左平移",
            (Some(MotionKind::PanRight), true) => "加上了向右平移",
        };
        say!(self, format!("{} {how}.", list(self.0, labels)), format!("{}{how}。", list(self.0, labels)))
    }

    pub fn clip_added(&self, name: &str, pos: usize, len: u64) -> String {
        say!(
            self,
            format!("Added {name} as clip {pos} ({}).", secs(len)),
            format!("已把{name}加为第{pos}段（{}）。", secs(len))
        )
    }

    pub fn audio_added(&self, name: &str, start: u64) -> String {
        say!(
            self,
            format!("Added {name} on its own audio track from {}.", secs(start)),
            format!("已从{}开始加入{name}（单独音轨）。", secs(start))
        )
    }

    pub fn music(&self, style: Option<MusicStyle>, volume: f64) -> String {
        let s = style.map(|s| s.label(self.zh()));
        say!(
            self,
            format!(
                "Composing {} music for the video; it will sit under the picture at {} with a fade-out, dipping under speech.",
                s.map_or("fitting".to_string(), |s| s.to_string()),
                pct(volume)
            ),
            format!(
                "正在为视频创作{}配乐，音量{}，结尾淡出，有人声时自动压低。",
                s.map_or("合适的".to_string(), |s| format!("{s}风格的")),
                pct(volume)
            )
        )
    }

    pub fn music_placed(&self, name: &str, volume: f64, short: bool) -> String {
        let mut s = say!(
            self,
            format!(
                "Put {name} under the video as background music at {} with a fade-out, dipping under speech.",
                pct(volume)
            ),
            format!("已把{name}设为背景音乐，音量{}，结尾淡出，有人声时自动压低。", pct(volume))
        );
        if short {
            s.push_str(&say!(
                self,
                " (The song is shorter than the video.)".to_string(),
                "（这首歌比视频短。）".to_string()
            ));
        }
        s
    }

    pub fn music_removed(&self) -> String {
        say!(self, "Removed the music.".to_string(), "已去掉背景音乐。".to_string())
    }

    pub fn voice_removed(&self) -> String {
        say!(self, "Removed the voiceover.".to_string(), "已去掉旁白。".to_string())
    }

    pub fn music_moved(&self, at: u64) -> String {
        say!(self, format!("The music now starts at {}.", secs(at)), format!("背景音乐现在从{}开始。", secs(at)))
    }

    pub fn music_follows(&self) -> String {
        say!(self, FOLLOWS_EN.to_string(), FOLLOWS_ZH.to_string())
    }

    pub fn undo(&self, undo: bool, n: u32) -> String {
        match (undo, self.zh()) {
            (true, false) => {
                format!("Undoing the last {}.", if n == 1 { "change".to_string() } else { format!("{n} changes") })
            }
            (false, false) => {
                format!("Redoing {}.", if n == 1 { "the change".to_string() } else { format!("{n} changes") })
            }
            (true, true) => format!("撤销最近{}步。", n),
            (false, true) => format!("重做{}步。", n),
        }
    }

    pub fn status(&self) -> String {
        say!(self, "Here is the timeline.".to_string(), "这是当前的时间线。".to_string())
    }

    pub fn credits(&self) -> String {
        say!(self, "Checking your credits.".to_string(), "查询积分。".to_string())
    }

    pub fn export(&self, a: &ExportArgs) -> String {
        let res = a.resolution.map(|r| if r == 2160 { "4K".to_string() } else { format!("{r}p") });
        let q = a.quality.map(|q| match (q, self.zh()) {
            (Quality::High, false) => "high quality",
            (Quality::Medium, false) => "medium quality",
            (Quality::Low, false) => "low quality (a quick preview)",
            (Quality::High, true) => "高画质",
            (Quality::Medium, true) => "中等画质",
            (Quality::Low, true) => "低画质预览",
        });
        let parts: Vec<String> = res.into_iter().chain(q.map(str::to_string)).collect();
        say!(
            self,
            format!(
                "Exporting the MP4{}.",
                if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
            ),
            format!(
                "正在导出 MP4{}。",
                if parts.is_empty() { String::new() } else { format!("（{}）", parts.join("，")) }
            )
        )
    }

    pub fn promo(&self, a: &PromoArgs) -> String {
        let len = a.duration_ms.map(secs).unwrap_or_default();
        say!(
            self,
            format!(
                "Making a promo{} from your footage{}.",
                if len.is_empty() { String::new() } else { format!(" of {len}") },
                a.aspect.as_deref().map(|x| format!(" in {x}")).unwrap_or_default()
            ),
            format!(
                "正在用你的素材制作{}宣传片{}。",
                if len.is_empty() { String::new() } else { format!("{len}的") },
                a.aspect.as_deref().map(|x| format!("（{x}）")).unwrap_or_default()
            )
        )
    }

    pub fn text_to_video(&self, a: &TextToVideoArgs) -> String {
        say!(self, format!("Generating a video of “{}”.", a.prompt), format!("正在生成视频：“{}”。", a.prompt))
    }

    pub fn metadata(&self, a: &MetadataArgs) -> String {
        let p = a.platform.map(|p| format!("{p:?}")).unwrap_or_default();
        say!(
            self,
            format!(
                "Writing title options, a description with chapters, and tags{}.",
                if p.is_empty() { String::new() } else { format!(" for {p}") }
            ),
            format!(
                "正在写{}标题、带章节的简介和标签。",
                if p.is_empty() { String::new() } else { format!("适合{p}的") }
            )
        )
    }

    pub fn reedit(&self, a: &ReeditArgs) -> String {
        let mut what = Vec::new();
        if let Some(o) = a.order {
            what.push(match (o, self.zh()) {
                (ReeditOrder::Energy, false) => "ordering scenes by energy",
                (ReeditOrder::StrongestFirst, false) => "putting the strongest shot first",
                (ReeditOrder::Chronological, false) => "putting scenes in the order they were shot",
                (ReeditOrder::Reverse, false) => "reversing the scenes",
                (ReeditOrder::Energy, true) => "按精彩程度排列镜头",
                (ReeditOrder::StrongestFirst, true) => "把最好的镜头放在最前面",
                (ReeditOrder::Chronological, true) => "按拍摄时间排列镜头",
                (ReeditOrder::Reverse, true) => "倒序排列镜头",
            });
        }
        if let Some(p) = a.pace {
            what.push(match (p, self.zh()) {
                (Pace::Faster, false) => "tightening the pacing",
                (Pace::Slower, false) => "slowing the pacing",
                (Pace::Faster, true) => "加快节奏",
                (Pace::Slower, true) => "放慢节奏",
            });
        }
        if a.remove_dead_air {
            what.push(say!(self, "removing dead air", "去掉静音和静止的部分"));
        }
        let what: Vec<String> = what.into_iter().map(str::to_string).collect();
        say!(self, format!("Re-editing: {}.", list(self.0, &what)), format!("正在重新剪辑：{}。", list(self.0, &what)))
    }
    // ---- what the service adds after carrying a plan out ----

    pub fn export_ready(&self, url: &str, hours: u64) -> String {
        say!(
            self,
            format!("Your video is ready: {url} (the link works for {hours} h)."),
            format!("视频已导出：{url}（链接 {hours} 小时内有效）。")
        )
    }

    pub fn export_failed(&self, why: &str) -> String {
        say!(self, format!("The export failed: {why}"), format!("导出失败：{why}"))
    }

    pub fn exporting(&self, pct: f64) -> String {
        say!(self, format!("Exporting… {:.0}%", pct * 100.0), format!("正在导出… {:.0}%", pct * 100.0))
    }

    pub fn working(&self, what: &str, pct: f64) -> String {
        say!(self, format!("{what}… {:.0}%", pct * 100.0), format!("{what}… {:.0}%", pct * 100.0))
    }

    pub fn composing(&self) -> String {
        say!(self, "Composing music".to_string(), "正在作曲".to_string())
    }

    pub fn balance(&self, available: i64, frozen: i64) -> String {
        say!(
            self,
            format!(
                "You have {available} credits available{}.",
                if frozen > 0 { format!(" ({frozen} set aside for running jobs)") } else { String::new() }
            ),
            format!(
                "你有 {available} 积分可用{}。",
                if frozen > 0 { format!("（{frozen} 积分被进行中的任务占用）") } else { String::new() }
            )
        )
    }

    pub fn nothing_to(&self, undo: bool) -> String {
        match (undo, self.zh()) {
            (true, false) => "There is nothing to undo.".to_string(),
            (false, false) => "There is nothing to redo.".to_string(),
            (true, true) => "没有可以撤销的操作。".to_string(),
            (false, true) => "没有可以重做的操作。".to_string(),
        }
    }

    pub fn stepped(&self, undo: bool, n: usize) -> String {
        match (undo, self.zh()) {
            (true, false) => format!(
                "Undid {}.",
                if n == 1 {
                    "the last message's changes".to_string()
                } else {
                    format!("the last {n} messages' changes")
                }
            ),
            (false, false) => format!(
                "Redid {}.",
                if n == 1 { "those changes".to_string() } else { format!("{n} messages' changes") }
            ),
            (true, true) => format!("已撤销最近{n}次的修改。"),
            (false, true) => format!("已重做{n}次修改。"),
        }
    }

    pub fn unavailable(&self, tool: &str) -> String {
        let what = match (tool, self.zh()) {
            ("promo", false) => "making promos from footage",
            ("text_to_video", false) => "generating video from text",
            ("metadata", false) => "writing titles, descriptions and tags",
            ("reedit", false) => "automatic re-editing",
            ("music", false) => "music generation",
            ("promo", true) => "用素材生成宣传片",
            ("text_to_video", true) => "文字生成视频",
            ("metadata", true) => "生成标题、简介和标签",
            ("reedit", true) => "自动重新剪辑",
            (_, true) => "这个功能",
            (_, false) => "that",
        };
        say!(
            self,
            format!("This server can't do {what} yet; nothing was changed for that request."),
            format!("这台服务器暂时还不支持{what}，这个请求没有做任何修改。")
        )
    }

    pub fn job_failed(&self, why: &str) -> String {
        say!(self, format!("That didn't work: {why}"), format!("没有成功：{why}"))
    }

    pub fn edit_failed(&self, why: &str) -> String {
        say!(
            self,
            format!("I couldn't apply that: {why}. Nothing after it was changed."),
            format!("这一步无法完成：{why}。后面的修改都没有执行。")
        )
    }

    pub fn draft_moved(&self) -> String {
        say!(
            self,
            "The timeline changed meanwhile (another request?); please say that again.".to_string(),
            "时间线刚被其他请求修改了，请再说一遍。".to_string()
        )
    }

    pub fn nothing_changed(&self) -> String {
        say!(self, "Nothing was changed.".to_string(), "没有做任何修改。".to_string())
    }

    pub fn timed_out(&self) -> String {
        say!(
            self,
            "That took longer than a turn may run; what finished is saved. Check the state and try a smaller request."
                .to_string(),
            "这次处理超时了，已完成的部分已保存。请查看状态，或换一个小一点的请求。".to_string()
        )
    }

    pub fn music_ready(&self, style: &str, bpm: f64, secs_len: u64, volume: f64) -> String {
        say!(
            self,
            format!(
                "Added {style} music ({bpm:.0} BPM, {}) under the video at {}, fading out at the end and dipping under speech.",
                secs(secs_len),
                pct(volume)
            ),
            format!(
                "已加入{style}配乐（{bpm:.0} BPM，{}），音量{}，结尾淡出，有人声时自动压低。",
                secs(secs_len),
                pct(volume)
            )
        )
    }

    pub fn making_promo(&self) -> String {
        say!(self, "Making the promo".to_string(), "正在制作宣传片".to_string())
    }

    /// A promo is the new draft: how it came out.
    pub fn promo_ready(&self, shots: usize, len_ms: u64, aspect: &str, style: &str, bpm: f64) -> String {
        say!(
            self,
            format!(
                "Your promo is ready: {shots} shots in {} ({aspect}), cut on the beat of new {style} music ({bpm:.0} BPM). Say \"export\" to get the MP4, or ask for changes.",
                secs(len_ms)
            ),
            format!(
                "宣传片做好了：{shots}个镜头，{}（{aspect}），按新配乐（{style}，{bpm:.0} BPM）的节拍剪辑。说“导出”即可得到MP4，也可以继续提修改。",
                secs(len_ms)
            )
        )
    }

    pub fn writing_metadata(&self) -> String {
        say!(self, "Writing titles and tags".to_string(), "正在写标题和标签".to_string())
    }

    /// Metadata was written: the options, how the description opens, what else.
    pub fn metadata_ready(
        &self,
        titles: &[String],
        opening: &str,
        chapters: usize,
        tags: usize,
        hashtags: &[String],
    ) -> String {
        let list: String = titles.iter().enumerate().map(|(i, t)| format!("\n{}. {t}", i + 1)).collect();
        let tags_line = hashtags.join(" ");
        say!(
            self,
            format!(
                "Title options:{list}\nThe description opens: “{opening}”{}. {tags} tags; hashtags: {tags_line}. The first title, the description and the tags are on the draft and go into the exported MP4.",
                if chapters > 0 { format!(" and lists {chapters} chapters") } else { String::new() }
            ),
            format!(
                "标题候选：{list}\n简介开头：“{opening}”{}。{tags}个标签；话题：{tags_line}。第一个标题、简介和标签已写入草稿，导出的MP4会带上它们。",
                if chapters > 0 { format!("，含{chapters}个章节") } else { String::new() }
            )
        )
    }

    /// The configured language model's metadata was not used, and why.
    pub fn writer_fallback(&self, why: &str) -> String {
        say!(
            self,
            format!("(The language model was unavailable — {why} — so the built-in writer wrote this.)"),
            format!("（语言模型暂不可用：{why}，本次由内置写作器完成。）")
        )
    }

    pub fn generating_video(&self) -> String {
        say!(self, "Generating the video".to_string(), "正在生成视频".to_string())
    }

    /// A generated clip is on the timeline: what was understood, how long, what shape.
    pub fn video_ready(&self, scene: &str, len_ms: u64, width: u32, height: u32, appended: bool) -> String {
        say!(
            self,
            format!(
                "Generated a {} clip ({width}x{height}) {}: {scene}. Say \"export\" to get the MP4, or ask for changes.",
                secs(len_ms),
                if appended { "and added it at the end of the timeline" } else { "as the new timeline" }
            ),
            format!(
                "已生成{}的视频（{width}x{height}）{}：{scene}。说“导出”即可得到MP4，也可以继续提修改。",
                secs(len_ms),
                if appended { "，加在时间线末尾" } else { "，作为新的时间线" }
            )
        )
    }

    /// A re-edit was saved: how many scenes, how long, what went.
    pub fn reedit_done(&self, scenes: usize, len_ms: u64, dead_ms: u64, short_ms: u64) -> String {
        let mut en = format!("Re-edited: {scenes} scenes, {} long", secs(len_ms));
        let mut zh = format!("重新剪辑完成：{scenes}个镜头，共{}", secs(len_ms));
        if dead_ms > 0 {
            en.push_str(&format!(", {} of dead air cut", secs(dead_ms)));
            zh.push_str(&format!("，去掉了{}的静止无声部分", secs(dead_ms)));
        }
        if short_ms > 0 {
            en.push_str(&format!("; the footage ran out {} short of the length asked", secs(short_ms)));
            zh.push_str(&format!("；素材不够，比要求短了{}", secs(short_ms)));
        }
        en.push('.');
        zh.push('。');
        say!(self, en, zh)
    }
}
