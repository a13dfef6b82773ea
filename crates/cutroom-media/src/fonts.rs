//! Installed fonts: which file serves a family/weight/script, and text measurement with the
//! same files drawtext will draw with.

use crate::plan::{FaceChoice, Fonts};
use ab_glyph::{Font, FontVec};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// (family, bold, file name). Debian: fonts-dejavu-core, fonts-noto-cjk.
const FACES: &[(&str, bool, &str)] = &[
    ("dejavu sans", false, "DejaVuSans.ttf"),
    ("dejavu sans", true, "DejaVuSans-Bold.ttf"),
    ("dejavu serif", false, "DejaVuSerif.ttf"),
    ("dejavu serif", true, "DejaVuSerif-Bold.ttf"),
    ("dejavu sans mono", false, "DejaVuSansMono.ttf"),
    ("dejavu sans mono", true, "DejaVuSansMono-Bold.ttf"),
    ("noto sans cjk", false, "NotoSansCJK-Regular.ttc"),
    ("noto sans cjk", true, "NotoSansCJK-Bold.ttc"),
];

/// Where fonts are looked for, after `$CUTROOM_FONT_DIR`.
const DIRS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/noto-cjk",
];

const DEFAULT_FAMILY: &str = "dejavu sans";
const CJK_FAMILY: &str = "noto sans cjk";

fn canonical(family: &str) -> Option<&'static str> {
    let f = family.trim().to_ascii_lowercase();
    let f = f.as_str();
    Some(match f {
        "" | "sans" | "sans-serif" | "default" | "dejavu sans" | "dejavusans" => "dejavu sans",
        "serif" | "dejavu serif" => "dejavu serif",
        "mono" | "monospace" | "dejavu sans mono" => "dejavu sans mono",
        _ if f.starts_with("noto sans cjk") || f == "cjk" || f.starts_with("noto sans sc") => CJK_FAMILY,
        _ => return None,
    })
}

/// The system's fonts, with measured widths.
pub struct FontBook {
    dirs: Vec<PathBuf>,
    loaded: Mutex<HashMap<PathBuf, Option<Arc<FontVec>>>>,
}

impl FontBook {
    /// Looks in `$CUTROOM_FONT_DIR` (when set), then the usual system folders.
    pub fn system() -> &'static FontBook {
        static BOOK: OnceLock<FontBook> = OnceLock::new();
        BOOK.get_or_init(|| {
            let mut dirs: Vec<PathBuf> = std::env::var_os("CUTROOM_FONT_DIR").map(PathBuf::from).into_iter().collect();
            dirs.extend(DIRS.iter().map(PathBuf::from));
            FontBook::in_dirs(dirs)
        })
    }

    pub fn in_dirs(dirs: Vec<PathBuf>) -> FontBook {
        FontBook { dirs, loaded: Mutex::new(HashMap::new()) }
    }

    fn find(&self, family: &str, bold: bool) -> Option<PathBuf> {
        let files = [bold, false]
            .iter()
            .filter_map(|b| FACES.iter().find(|(f, fb, _)| *f == family && fb == b).map(|(_, _, n)| *n))
            .collect::<Vec<_>>();
        files.iter().find_map(|name| self.dirs.iter().map(|d| d.join(name)).find(|p| p.is_file()))
    }

    /// The loaded font that serves `family` (CJK text: Noto Sans CJK), for drawing glyphs.
    pub fn load(&self, family: &str, bold: bool, cjk: bool) -> Option<Arc<FontVec>> {
        self.font(&self.face(family, bold, cjk).path)
    }

    fn font(&self, path: &Path) -> Option<Arc<FontVec>> {
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        loaded
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let bytes = std::fs::read(path).ok()?;
                FontVec::try_from_vec_and_index(bytes, 0).ok().map(Arc::new)
            })
            .clone()
    }
}

impl Fonts for FontBook {
    fn face(&self, family: &str, bold: bool, cjk: bool) -> FaceChoice {
        let wanted = canonical(family);
        let key = if cjk { CJK_FAMILY } else { wanted.unwrap_or(DEFAULT_FAMILY) };
        let substituted = (wanted.is_none() && !cjk)
            .then(|| format!("font '{}' is not available; DejaVu Sans was used", family.trim()));
        let path = self
            .find(key, bold)
            .or_else(|| self.find(DEFAULT_FAMILY, bold))
            // Not installed at all: name the expected file so the error says what is missing.
            .unwrap_or_else(|| PathBuf::from(DIRS[0]).join(FACES[usize::from(bold)].2));
        FaceChoice { path, substituted }
    }

    fn width(&self, face: &Path, size_px: f64, text: &str) -> f64 {
        let Some(font) = self.font(face) else {
            return text.chars().count() as f64 * size_px * 0.6;
        };
        let upem = f64::from(font.units_per_em().unwrap_or(1000.0));
        let mut units = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                units += f64::from(font.kern_unscaled(p, id));
            }
            units += f64::from(font.h_advance_unscaled(id));
            prev = Some(id);
        }
        units * size_px / upem
    }
}
