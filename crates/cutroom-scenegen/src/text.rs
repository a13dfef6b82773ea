//! On-screen text drawn once into a layer: the prompt's quoted words in DejaVu Sans Bold
//! (Noto Sans CJK for Chinese), white with a soft shadow, fitted to the frame's width.

use crate::image::{Image, mul255};
use ab_glyph::{Font, PxScale, ScaleFont, point};
use cutroom_media::FontBook;
use cutroom_media::plan::Fonts;
use cutroom_media::plan::text::is_cjk;

/// The text as an image no wider than `max_w`, at most `size` px tall per line; `None` when
/// no font is installed or the text is blank.
pub fn text_image(text: &str, max_w: f32, size: f32) -> Option<Image> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let book = FontBook::system();
    let cjk = text.chars().any(is_cjk);
    let font = book.load("DejaVu Sans", true, cjk)?;
    let face = book.face("DejaVu Sans", true, cjk).path;
    let width = |px: f32| book.width(&face, f64::from(px), text) as f32;
    let size = if width(size) > max_w { size * max_w / width(size) } else { size }.max(6.0);
    let scaled = font.as_scaled(PxScale::from(size));
    let pad = (size * 0.2).ceil() as usize;
    let w = width(size).ceil() as usize + pad * 2;
    let h = (scaled.ascent() - scaled.descent()).ceil() as usize + pad * 2;
    let mut mask = vec![0f32; w * h];
    let mut x = pad as f32;
    let mut prev = None;
    for c in text.chars().filter(|c| !c.is_control()) {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        let g = id.with_scale_and_position(size, point(x, pad as f32 + scaled.ascent()));
        if let Some(o) = font.outline_glyph(g) {
            let b = o.px_bounds();
            o.draw(|gx, gy, cov| {
                let (px, py) = (b.min.x as i64 + i64::from(gx), b.min.y as i64 + i64::from(gy));
                if px >= 0 && py >= 0 && (px as usize) < w && (py as usize) < h {
                    let m = &mut mask[py as usize * w + px as usize];
                    *m = m.max(cov.min(1.0));
                }
            });
        }
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    // Shadow: the mask blurred and offset down-right.
    let shadow = blur(&mask, w, h, (size * 0.06).ceil().max(1.0) as usize);
    let off = (size * 0.04).ceil() as usize;
    let mut img = Image::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let s = if x >= off && y >= off { shadow[(y - off) * w + x - off] } else { 0.0 };
            let sa = (s * 0.7 * 255.0) as u32;
            let ta = (mask[y * w + x] * 255.0) as u32;
            // White text over a black shadow, premultiplied.
            let a = ta + mul255(sa, 255 - ta);
            img.px[y * w + x] = [ta as u8, ta as u8, ta as u8, a.min(255) as u8];
        }
    }
    img.measure();
    Some(img)
}

/// Two box-blur passes of radius `r` each way.
fn blur(src: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut a = src.to_vec();
    let mut b = vec![0f32; w * h];
    for _ in 0..2 {
        for y in 0..h {
            for x in 0..w {
                let (lo, hi) = (x.saturating_sub(r), (x + r).min(w - 1));
                b[y * w + x] = a[y * w + lo..=y * w + hi].iter().sum::<f32>() / (hi - lo + 1) as f32;
            }
        }
        for y in 0..h {
            let (lo, hi) = (y.saturating_sub(r), (y + r).min(h - 1));
            for x in 0..w {
                a[y * w + x] = (lo..=hi).map(|yy| b[yy * w + x]).sum::<f32>() / (hi - lo + 1) as f32;
            }
        }
    }
    a
}
