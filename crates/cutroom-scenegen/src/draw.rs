//! Drawing a layer once, before any frame: filled polygons, gradients and soft glows on a
//! tiny-skia pixmap (anti-aliased), turned into an [`Image`] for the per-frame compositor.

use crate::image::Image;
use tiny_skia::{
    Color, FillRule, GradientStop, LinearGradient, Paint, PathBuilder, Pixmap, Point, RadialGradient, Rect, Shader,
    SpreadMode, Transform,
};

/// A layer being drawn.
pub struct Canvas {
    pm: Pixmap,
}

/// Straight (not premultiplied) RGBA.
pub type Rgba = [u8; 4];

fn colour(c: Rgba) -> Color {
    Color::from_rgba8(c[0], c[1], c[2], c[3])
}

fn paint(shader: Shader<'static>) -> Paint<'static> {
    Paint { shader, anti_alias: true, ..Paint::default() }
}

impl Canvas {
    pub fn new(w: usize, h: usize) -> Canvas {
        Canvas { pm: Pixmap::new(w.max(1) as u32, h.max(1) as u32).expect("a non-empty layer") }
    }

    pub fn w(&self) -> f32 {
        self.pm.width() as f32
    }

    pub fn h(&self) -> f32 {
        self.pm.height() as f32
    }

    fn fill(&mut self, pts: &[(f32, f32)], paint: &Paint) {
        let mut pb = PathBuilder::new();
        let Some(&(x0, y0)) = pts.first() else { return };
        pb.move_to(x0, y0);
        for &(x, y) in &pts[1..] {
            pb.line_to(x, y);
        }
        pb.close();
        if let Some(path) = pb.finish() {
            self.pm.fill_path(&path, paint, FillRule::Winding, Transform::identity(), None);
        }
    }

    /// A filled polygon.
    pub fn poly(&mut self, pts: &[(f32, f32)], c: Rgba) {
        self.fill(pts, &paint(Shader::SolidColor(colour(c))));
    }

    /// A polygon filled with a vertical gradient from `top` at `y0` to `bottom` at `y1`.
    pub fn poly_vgrad(&mut self, pts: &[(f32, f32)], y0: f32, top: Rgba, y1: f32, bottom: Rgba) {
        let stops = vec![GradientStop::new(0.0, colour(top)), GradientStop::new(1.0, colour(bottom))];
        let shader = LinearGradient::new(
            Point::from_xy(0.0, y0),
            Point::from_xy(0.0, y1 + 0.01),
            stops,
            SpreadMode::Pad,
            Transform::identity(),
        );
        match shader {
            Some(s) => self.fill(pts, &paint(s)),
            None => self.poly(pts, top),
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: Rgba) {
        if let Some(r) = Rect::from_xywh(x, y, w.max(0.01), h.max(0.01)) {
            self.pm.fill_rect(r, &paint(Shader::SolidColor(colour(c))), Transform::identity(), None);
        }
    }

    /// The whole canvas with a vertical gradient through `stops` (position 0–1, colour).
    pub fn vgrad(&mut self, stops: &[(f32, Rgba)]) {
        let (w, h) = (self.w(), self.h());
        let stops = stops.iter().map(|(p, c)| GradientStop::new(*p, colour(*c))).collect();
        if let Some(s) = LinearGradient::new(
            Point::from_xy(0.0, 0.0),
            Point::from_xy(0.0, h),
            stops,
            SpreadMode::Pad,
            Transform::identity(),
        ) && let Some(r) = Rect::from_xywh(0.0, 0.0, w, h)
        {
            self.pm.fill_rect(r, &paint(s), Transform::identity(), None);
        }
    }

    /// A soft glow: `c` at alpha `c[3]` in the centre fading to nothing at radius `rx`×`ry`.
    pub fn glow(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: Rgba) {
        self.glow_stops(cx, cy, rx, ry, &[(0.0, c[3]), (0.35, c[3] / 2), (1.0, 0)], c);
    }

    /// A glow with its own alpha profile (`(position, alpha)` from the centre out).
    pub fn glow_stops(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, profile: &[(f32, u8)], c: Rgba) {
        if rx < 0.5 || ry < 0.5 {
            return;
        }
        let stops = profile.iter().map(|(p, a)| GradientStop::new(*p, colour([c[0], c[1], c[2], *a]))).collect();
        let t = Transform::from_row(1.0, 0.0, 0.0, ry / rx, cx, cy);
        let Some(s) = RadialGradient::new(Point::zero(), 0.0, Point::zero(), rx, stops, SpreadMode::Pad, t) else {
            return;
        };
        if let Some(r) = Rect::from_xywh(cx - rx, cy - ry, rx * 2.0, ry * 2.0) {
            self.pm.fill_rect(r, &paint(s), Transform::identity(), None);
        }
    }

    /// A solid disc.
    pub fn disc(&mut self, cx: f32, cy: f32, r: f32, c: Rgba) {
        if let Some(path) = PathBuilder::from_circle(cx, cy, r.max(0.3)) {
            self.pm.fill_path(
                &path,
                &paint(Shader::SolidColor(colour(c))),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }

    /// A disc shaded from `lit` (toward the light at angle `toward`, radians) to `dark`.
    pub fn sphere(&mut self, cx: f32, cy: f32, r: f32, lit: Rgba, dark: Rgba, toward: f32) {
        let (lx, ly) = (cx + toward.cos() * r * 0.55, cy - toward.sin() * r * 0.55);
        let stops = vec![GradientStop::new(0.0, colour(lit)), GradientStop::new(1.0, colour(dark))];
        let Some(s) = RadialGradient::new(
            Point::from_xy(lx, ly),
            0.0,
            Point::from_xy(lx, ly),
            r * 1.6,
            stops,
            SpreadMode::Pad,
            Transform::identity(),
        ) else {
            return;
        };
        if let Some(path) = PathBuilder::from_circle(cx, cy, r) {
            self.pm.fill_path(&path, &paint(s), FillRule::Winding, Transform::identity(), None);
        }
    }

    pub fn into_image(self) -> Image {
        Image::from_rgba(self.pm.width() as usize, self.pm.height() as usize, self.pm.data())
    }
}

/// A colour with alpha.
pub fn with_alpha(c: [u8; 4], a: u8) -> Rgba {
    [c[0], c[1], c[2], a]
}
