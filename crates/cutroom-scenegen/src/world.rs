//! The scene's layers, drawn once: the sky (gradient, sun or moon with its glow, stars),
//! clouds, the setting's distant, middle and near layers (skylines with lit windows and
//! neon signs, ranges with snow caps, tree lines, dunes, islands and rocks, nebulae and a
//! planet, colour fields), fog banks and light rays — each wide enough for the camera's
//! travel, with a depth that sets its parallax.

use crate::draw::{Canvas, Rgba, with_alpha};
use crate::image::Image;
use crate::look::{Look, Rgb, mix, scale};
use crate::spec::{Camera, Mood, SceneSpec, Setting, TimeOfDay, Weather};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How the camera moves a layer: travel by depth, eased over the clip.
#[derive(Clone, Debug)]
pub struct Rig {
    pub camera: Camera,
    pub w: f32,
    pub secs: f32,
}

impl Rig {
    /// Eased progress: slow in and out, never quite still.
    pub fn ease(u: f32) -> f32 {
        let u = u.clamp(0.0, 1.0);
        0.2 * u + 0.8 * u * u * (3.0 - 2.0 * u)
    }

    /// The camera's sideways shift (pixels) of a layer at `depth` (0 far, 1 near) at eased progress `e`.
    pub fn camera_shift(&self, depth: f32, e: f32) -> f32 {
        let w = self.w;
        match self.camera {
            Camera::Static | Camera::PushIn => 0.0,
            Camera::Pan => -0.22 * w * e,
            Camera::Dolly => -0.30 * w * e * depth.powf(1.5),
            Camera::Orbit => 0.28 * w * e * (0.45 - depth),
        }
    }

    /// Total shift at progress `u` (0–1) of a layer drifting `drift` px/s.
    pub fn shift(&self, depth: f32, drift: f32, u: f32) -> f32 {
        self.camera_shift(depth, Rig::ease(u)) + drift * self.secs * u
    }

    /// The least and greatest shift over the clip.
    pub fn span(&self, depth: f32, drift: f32) -> (f32, f32) {
        let (a, b) = (self.shift(depth, drift, 0.0), self.shift(depth, drift, 1.0));
        (a.min(b), a.max(b))
    }

    /// Zoom at eased progress `e` (push-in only).
    pub fn zoom(&self, e: f32) -> f32 {
        if self.camera == Camera::PushIn { 1.0 + 0.3 * e } else { 1.0 }
    }
}

/// A pre-drawn layer and how it moves.
pub struct Layer {
    pub img: Image,
    pub depth: f32,
    /// Own motion, px per second (clouds, fog, colour fields).
    pub drift: f32,
    /// Layer column shown at frame column 0 when the shift is 0.
    pub origin: f32,
    pub opacity: u32,
    /// Opacity breathing, 0–1 (light rays).
    pub pulse: f32,
    /// Drawn after the water (in front of it).
    pub front: bool,
}

/// A star that twinkles (drawn every frame).
#[derive(Clone, Debug)]
pub struct Twinkle {
    pub x: f32,
    pub y: f32,
    pub colour: [u8; 4],
    pub phase: f32,
    pub speed: f32,
}

/// Water below a horizon, reflecting what is above.
#[derive(Clone, Debug)]
pub struct Water {
    pub top: usize,
    pub colour: [u8; 4],
    /// Sun or moon glitter: column (frame fraction) and colour.
    pub glitter: Option<(f32, [u8; 4])>,
}

/// Soft colour blobs scattered over a layer: how many, their radius (share of the long
/// side), their alpha and the band of heights (share of the height) they sit in.
struct Blobs {
    count: usize,
    size: (f32, f32),
    alpha: u8,
    band: (f32, f32),
}

/// Everything drawn once.
pub struct World {
    pub sky: Layer,
    pub layers: Vec<Layer>,
    pub water: Option<Water>,
    pub twinkles: Vec<Twinkle>,
    /// Heat shimmer from this row down.
    pub shimmer: Option<usize>,
}

/// Builds a layer canvas wide enough for its travel; returns it with its origin.
fn canvas(rig: &Rig, h: usize, depth: f32, drift: f32) -> (Canvas, f32) {
    let (lo, hi) = rig.span(depth, drift);
    let w = (rig.w + hi - lo).ceil() as usize + 4;
    (Canvas::new(w, h), hi + 2.0)
}

fn layer(c: Canvas, origin: f32, depth: f32, drift: f32) -> Layer {
    Layer { img: c.into_image(), depth, drift, origin, opacity: 255, pulse: 0.0, front: false }
}

struct Builder<'a> {
    spec: &'a SceneSpec,
    look: &'a Look,
    rig: &'a Rig,
    rng: ChaCha8Rng,
    w: f32,
    h: f32,
    /// Where the ground or water meets the sky.
    horizon: f32,
}

impl Builder<'_> {
    fn c(&self, c: Rgb) -> Rgba {
        self.look.c(c)
    }

    fn r(&mut self, lo: f32, hi: f32) -> f32 {
        if hi <= lo { lo } else { self.rng.random_range(lo..hi) }
    }

    fn chance(&mut self, p: f32) -> bool {
        self.rng.random::<f32>() < p
    }

    fn short(&self) -> f32 {
        self.w.min(self.h)
    }

    fn sky(&mut self) -> (Layer, Vec<Twinkle>) {
        let (mut cv, origin) = canvas(self.rig, self.h as usize, 0.0, 0.0);
        let (top, hor) = (self.c(self.look.sky_top), self.c(self.look.sky_horizon));
        let hz = (self.horizon / self.h).clamp(0.2, 1.0);
        let mid = self.c(mix(self.look.sky_top, self.look.sky_horizon, 0.55));
        cv.vgrad(&[(0.0, top), (hz * 0.6, mid), (hz, hor), (1.0, hor)]);
        let sw = cv.w();
        let mut twinkles = Vec::new();
        // Stars: fixed ones in the sky, a few that twinkle every frame.
        let stars = (self.look.stars * self.w * self.horizon / 2200.0) as usize;
        for _ in 0..stars {
            let (x, y) = (self.r(0.0, sw), self.r(0.0, self.horizon * 0.95));
            let b = self.r(0.35, 1.0);
            let c = self.c(scale([0.9, 0.92, 1.0], b));
            let s = self.r(0.8, 1.6) * (self.short() / 1080.0).max(0.5);
            cv.rect(x, y, s, s, with_alpha(c, (255.0 * (1.0 - y / self.horizon * 0.6)) as u8));
        }
        for _ in 0..stars / 10 {
            twinkles.push(Twinkle {
                x: self.r(0.0, sw) - origin,
                y: self.r(0.0, self.horizon * 0.85),
                colour: self.c([0.95, 0.96, 1.0]),
                phase: self.r(0.0, std::f32::consts::TAU),
                speed: self.r(2.0, 7.0),
            });
        }
        // Light over a city at night.
        if self.spec.setting == Setting::City && self.look.night {
            let glow = if self.spec.has(Mood::Neon) { [0.6, 0.15, 0.5] } else { [0.45, 0.28, 0.15] };
            cv.glow(sw / 2.0, self.horizon, sw * 0.7, self.h * 0.35, with_alpha(self.c(glow), 110));
        }
        let no_body = matches!(self.spec.setting, Setting::Space | Setting::Abstract);
        if let Some(b) = self.look.body.clone().filter(|_| !no_body) {
            let (x, y, r) = (origin + b.x * self.w, b.y * self.horizon, b.r * self.short());
            let c = self.c(b.colour);
            cv.glow_stops(
                x,
                y,
                r * b.glow,
                r * b.glow,
                &[(0.0, (255.0 * b.glow_strength) as u8), (0.25, (120.0 * b.glow_strength) as u8), (1.0, 0)],
                c,
            );
            if b.moon {
                cv.disc(x, y, r, c);
                for _ in 0..4 {
                    let (dx, dy, rr) = (self.r(-0.5, 0.5) * r, self.r(-0.5, 0.5) * r, self.r(0.12, 0.28) * r);
                    cv.disc(x + dx, y + dy, rr, with_alpha(self.c(scale(b.colour, 0.8)), 90));
                }
            } else {
                cv.disc(x, y, r, with_alpha(self.c(mix(b.colour, [1.0, 1.0, 1.0], 0.3)), 255));
            }
        }
        let mut sky = layer(cv, origin, 0.0, 0.0);
        // The sky is opaque everywhere.
        for p in &mut sky.img.px {
            p[3] = 255;
        }
        (sky, twinkles)
    }

    fn clouds(&mut self) -> Option<Layer> {
        let cover = self.look.clouds;
        if cover < 0.02 || self.spec.setting == Setting::Space || self.spec.setting == Setting::Abstract {
            return None;
        }
        let drift = self.w * 0.012;
        let (mut cv, origin) = canvas(self.rig, self.h as usize, 0.05, drift);
        let sw = cv.w();
        let colour = self.c(self.look.cloud);
        let shade = self.c(scale(self.look.cloud, 0.8));
        if cover > 0.6 {
            // Overcast: a ceiling of cloud.
            for i in 0..12 {
                let x = sw * (i as f32 + 0.5) / 12.0;
                let (rx, ry) = (sw * 0.12, self.horizon * self.r(0.25, 0.4));
                cv.glow(x, self.r(0.0, 0.12) * self.horizon, rx * 1.4, ry, with_alpha(shade, (200.0 * cover) as u8));
            }
        }
        let count = (cover * 14.0 * sw / self.w).ceil() as usize;
        for _ in 0..count {
            let (cx, cy) = (self.r(0.0, sw), self.r(0.06, 0.55) * self.horizon);
            let size = self.r(0.06, 0.14) * self.w.max(self.h * 0.7);
            for _ in 0..self.rng.random_range(5..10) {
                let (dx, dy) = (self.r(-1.2, 1.2) * size, self.r(-0.25, 0.2) * size);
                let (rx, ry) = (self.r(0.5, 1.0) * size, self.r(0.25, 0.45) * size);
                cv.glow(cx + dx, cy + dy + ry * 0.3, rx, ry, with_alpha(shade, 90));
                cv.glow(cx + dx, cy + dy, rx, ry, with_alpha(colour, 150));
            }
        }
        Some(layer(cv, origin, 0.05, drift))
    }

    /// Buildings standing on `base`, with windows (lit at night) and, for neon, signs.
    fn skyline(&mut self, depth: f32, base: f32, heights: (f32, f32), widths: (f32, f32), cell: f32) -> Layer {
        let (mut cv, origin) = canvas(self.rig, self.h as usize, depth, 0.0);
        let sw = cv.w();
        let wall = self.look.at_depth(self.look.subject, depth);
        let wall = if depth > 0.9 { mix(wall, self.look.shadow, 0.5) } else { wall };
        let glass = mix(self.look.sky_horizon, wall, 0.6);
        let neon = self.spec.has(Mood::Neon);
        let lights = self.look.lights.clone();
        let mut x = -self.r(0.0, widths.1) * self.w;
        while x < sw {
            let bw = self.r(widths.0, widths.1) * self.w;
            let bh = self.r(heights.0, heights.1) * self.h;
            let top = base - bh;
            let k = self.r(0.8, 1.15);
            let c = scale(wall, k);
            cv.poly_vgrad(
                &[(x, top), (x + bw, top), (x + bw, base + 1.0), (x, base + 1.0)],
                top,
                self.c(mix(c, self.look.sky_horizon, 0.08)),
                base,
                self.c(scale(c, 0.85)),
            );
            if !self.look.night {
                // The sunlit face.
                cv.rect(x, top, bw * 0.22, bh, with_alpha(self.c(mix(c, [1.0, 0.95, 0.85], 0.25)), 140));
            }
            // Roof details: a setback or an antenna.
            if self.chance(0.3) {
                let (iw, ih) = (bw * self.r(0.3, 0.6), bh * self.r(0.05, 0.12));
                cv.rect(x + (bw - iw) / 2.0, top - ih, iw, ih + 1.0, self.c(c));
            }
            if self.chance(0.25) {
                let ah = bh * self.r(0.08, 0.2);
                cv.rect(x + bw * 0.5, top - ah, (bw * 0.03).max(1.5), ah, self.c(c));
                if self.look.night {
                    cv.glow(x + bw * 0.5, top - ah, cell * 1.5, cell * 1.5, with_alpha(self.c([1.0, 0.2, 0.15]), 200));
                }
            }
            // Windows.
            let (cw, ch) = (cell * self.w, cell * self.w * 1.3);
            let cols = ((bw - cw) / (cw * 1.8)).floor().max(1.0) as usize;
            let rows = ((bh - ch) / (ch * 1.6)).floor().max(0.0) as usize;
            let pad = (bw - cols as f32 * cw * 1.8) / 2.0 + cw * 0.4;
            let floor_lit = self.look.lit * self.r(0.5, 1.5);
            for r in 0..rows {
                let wy = top + ch * 0.8 + r as f32 * ch * 1.6;
                for col in 0..cols {
                    let wx = x + pad + col as f32 * cw * 1.8;
                    if self.look.night || self.spec.time == TimeOfDay::Sunset {
                        if self.chance(floor_lit) {
                            let lc = lights[self.rng.random_range(0..lights.len().min(if neon { 4 } else { 2 }))];
                            let b = self.r(0.55, 1.0);
                            cv.rect(wx, wy, cw, ch, self.c(scale(lc, b)));
                        }
                    } else {
                        cv.rect(wx, wy, cw, ch, with_alpha(self.c(glass), 200));
                    }
                }
            }
            // Neon signs with their glow.
            if neon && self.look.night && depth > 0.3 && self.chance(0.45) {
                let lc = lights[self.rng.random_range(0..2)];
                let (sw_, sh) = (bw * 0.12, bh * self.r(0.15, 0.35));
                let (sx, sy) = (x + bw * self.r(0.1, 0.8), top + bh * self.r(0.1, 0.4));
                cv.glow(sx + sw_ / 2.0, sy + sh / 2.0, sw_ * 4.0, sh * 0.9, with_alpha(self.c(lc), 120));
                cv.rect(sx, sy, sw_, sh, self.c(mix(lc, [1.0, 1.0, 1.0], 0.35)));
            }
            x += bw + if depth > 0.9 { self.r(0.5, 1.5) } else { self.r(0.0, 0.25) } * bw;
        }
        layer(cv, origin, depth, 0.0)
    }

    /// A jagged or rolling ridge line across the layer: points every `step` px.
    fn ridge(&mut self, width: f32, base: f32, amp: f32, rough: f32) -> Vec<(f32, f32)> {
        let n = 64;
        let mut ys = vec![0.0f32; n + 1];
        // Midpoint displacement.
        let mut step = n;
        let mut scale_ = 1.0;
        ys[0] = self.r(0.2, 0.8);
        ys[n] = self.r(0.2, 0.8);
        while step > 1 {
            let half = step / 2;
            for i in (half..n).step_by(step) {
                ys[i] = (ys[i - half] + ys[i + half]) / 2.0 + self.r(-0.5, 0.5) * scale_;
            }
            step = half;
            scale_ *= rough;
        }
        let (lo, hi) = ys.iter().fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        ys.iter()
            .enumerate()
            .map(|(i, v)| (width * i as f32 / n as f32, base - amp * (v - lo) / (hi - lo).max(1e-3)))
            .collect()
    }

    fn range(&mut self, depth: f32, base: f32, amp: f32, rough: f32, colour: Rgb, snow: bool) -> Layer {
        let (mut cv, origin) = canvas(self.rig, self.h as usize, depth, 0.0);
        let sw = cv.w();
        let ridge = self.ridge(sw, base, amp, rough);
        let mut pts = ridge.clone();
        pts.push((sw, self.h));
        pts.push((0.0, self.h));
        let c = self.look.at_depth(colour, depth);
        cv.poly_vgrad(&pts, base - amp, self.c(mix(c, self.look.sky_horizon, 0.15)), base, self.c(scale(c, 0.8)));
        if snow {
            let line = base - amp * 0.55;
            let snowc = self.look.at_depth(mix([0.95, 0.96, 1.0], self.look.subject, 0.15), depth);
            let mut cap: Vec<(f32, f32)> = ridge.clone();
            let back: Vec<(f32, f32)> =
                ridge.iter().rev().map(|&(x, y)| (x, y.max(line + (x * 0.05).sin() * amp * 0.06))).collect();
            cap.extend(back);
            cv.poly(&cap, self.c(snowc));
        }
        layer(cv, origin, depth, 0.0)
    }

    fn conifer(&mut self, cv: &mut Canvas, x: f32, base: f32, th: f32, c: Rgba) {
        let tw = (th * self.r(0.28, 0.4)).min(self.w * 0.22);
        cv.rect(x - tw * 0.05, base - th * 0.15, tw * 0.1, th * 0.15 + 2.0, c);
        for k in 0..3 {
            let k = k as f32;
            let (top, bottom) = (base - th * (1.0 - k * 0.22), base - th * (0.45 - k * 0.18).max(0.08));
            let half = tw * (0.3 + k * 0.12);
            cv.poly(&[(x, top), (x + half, bottom), (x - half, bottom)], c);
        }
    }

    fn trees(&mut self, depth: f32, base: f32, heights: (f32, f32), spacing: f32, colour: Rgb) -> Layer {
        let (mut cv, origin) = canvas(self.rig, self.h as usize, depth, 0.0);
        let sw = cv.w();
        let c = self.look.at_depth(colour, depth);
        cv.rect(0.0, base - 1.0, sw, self.h - base + 1.0, self.c(scale(c, 0.8)));
        let mut x = -spacing * self.w;
        while x < sw + spacing * self.w {
            let th = self.r(heights.0, heights.1) * self.h;
            let k = self.r(0.8, 1.1);
            let tc = self.c(scale(c, k));
            let foot = base + self.r(0.0, 0.02) * self.h;
            self.conifer(&mut cv, x, foot, th, tc);
            x += self.r(0.4, 1.0) * spacing * self.w;
        }
        layer(cv, origin, depth, 0.0)
    }

    fn dunes(&mut self, depth: f32, base: f32, amp: f32, colour: Rgb) -> Layer {
        let (mut cv, origin) = canvas(self.rig, self.h as usize, depth, 0.0);
        let sw = cv.w();
        let (f1, f2, p1, p2) = (self.r(1.0, 2.0), self.r(3.0, 5.0), self.r(0.0, 6.0), self.r(0.0, 6.0));
        let crest: Vec<(f32, f32)> = (0..=96)
            .map(|i| {
                let u = i as f32 / 96.0 * sw / self.w;
                let v = 0.6 * (u * f1 * 3.0 + p1).sin() + 0.4 * (u * f2 * 3.0 + p2).sin();
                (sw * i as f32 / 96.0, base - amp * (0.5 + 0.5 * v))
            })
            .collect();
        let mut pts = crest.clone();
        pts.push((sw, self.h));
        pts.push((0.0, self.h));
        let c = self.look.at_depth(colour, depth);
        cv.poly_vgrad(&pts, base - amp, self.c(mix(c, [1.0, 0.95, 0.85], 0.15)), self.h, self.c(scale(c, 0.6)));
        // The crest catches the light.
        let mut lip: Vec<(f32, f32)> = crest.clone();
        lip.extend(crest.iter().rev().map(|&(x, y)| (x, y + amp * 0.05)));
        cv.poly(&lip, with_alpha(self.c(mix(c, [1.0, 0.97, 0.9], 0.4)), 150));
        layer(cv, origin, depth, 0.0)
    }

    fn rocks(&mut self, depth: f32) -> Layer {
        let (mut cv, origin) = canvas(self.rig, self.h as usize, depth, 0.0);
        let sw = cv.w();
        let c = self.c(self.look.shadow);
        let mut x = self.r(-0.1, 0.1) * self.w;
        while x < sw {
            let (rw, rh) = (self.r(0.12, 0.3) * self.w, self.r(0.05, 0.14) * self.h);
            let pts: Vec<(f32, f32)> = (0..=8)
                .map(|i| {
                    let a = std::f32::consts::PI * i as f32 / 8.0;
                    (x + rw / 2.0 - a.cos() * rw / 2.0, self.h - a.sin() * rh * self.r(0.7, 1.0))
                })
                .collect();
            cv.poly(&pts, c);
            x += rw + self.r(0.5, 1.2) * self.w;
        }
        let mut l = layer(cv, origin, depth, 0.0);
        l.front = true;
        l
    }

    fn blobs(&mut self, depth: f32, drift: f32, colours: &[Rgb], b: Blobs) -> Layer {
        let Blobs { count, size, alpha, band } = b;
        let (mut cv, origin) = canvas(self.rig, self.h as usize, depth, drift);
        let sw = cv.w();
        for i in 0..count {
            let c = colours[i % colours.len()];
            let (x, y) = (self.r(0.0, sw), self.r(band.0, band.1) * self.h);
            let r = self.r(size.0, size.1) * self.w.max(self.h);
            let ry = r * self.r(0.5, 1.0);
            cv.glow(x, y, r, ry, with_alpha(self.c(c), alpha));
        }
        layer(cv, origin, depth, drift)
    }

    fn fog(&mut self, depth: f32, drift: f32, band: (f32, f32), alpha: u8) -> Layer {
        let haze = self.look.haze;
        let count = (8.0 * (1.0 + self.rig.span(depth, drift).1.abs() / self.w)) as usize;
        let mut l = self.blobs(
            depth,
            drift,
            &[haze, mix(haze, [1.0, 1.0, 1.0], 0.1)],
            Blobs { count, size: (0.25, 0.45), alpha, band },
        );
        l.front = depth > 0.8;
        l
    }

    fn rays(&mut self, colour: Rgb) -> Layer {
        let (mut cv, origin) = canvas(self.rig, self.h as usize, 0.3, 0.0);
        let x0 = origin + self.look.body.as_ref().map_or(0.3, |b| b.x) * self.w;
        for _ in 0..7 {
            let spread = self.r(-0.6, 0.6) * self.w;
            let width = self.r(0.02, 0.06) * self.w;
            let c = with_alpha(self.c(colour), self.rng.random_range(18..40));
            cv.poly(
                &[
                    (x0 - width * 0.2, 0.0),
                    (x0 + width * 0.2, 0.0),
                    (x0 + spread + width, self.h),
                    (x0 + spread - width, self.h),
                ],
                c,
            );
        }
        let mut l = layer(cv, origin, 0.3, 0.0);
        l.pulse = 0.35;
        l
    }

    fn planet(&mut self) -> Layer {
        let (mut cv, origin) = canvas(self.rig, self.h as usize, 1.0, 0.0);
        let r = self.short() * 0.22;
        let (x, y) = (origin + self.w * 0.27, self.h * 0.74);
        let base: Rgb = [[0.3, 0.45, 0.85], [0.8, 0.45, 0.25], [0.45, 0.7, 0.6]][self.rng.random_range(0..3)];
        cv.glow_stops(
            x,
            y,
            r * 1.25,
            r * 1.25,
            &[(0.75, 0), (0.8, 120), (1.0, 0)],
            self.c(mix(base, [0.6, 0.8, 1.0], 0.5)),
        );
        cv.sphere(x, y, r, self.c(base), self.c(scale(base, 0.08)), 0.8);
        layer(cv, origin, 1.0, 0.0)
    }
}

/// Draws every layer of the scene for a `w`×`h` frame.
pub fn build(spec: &SceneSpec, look: &Look, rig: &Rig, w: usize, h: usize, seed: u64) -> World {
    let (wf, hf) = (w as f32, h as f32);
    let water = spec.water || spec.setting == Setting::Ocean;
    let horizon = match spec.setting {
        _ if water => hf * if hf > wf { 0.6 } else { 0.58 },
        Setting::Space | Setting::Abstract => hf,
        Setting::City => hf * 0.7,
        _ => hf * 0.62,
    };
    let mut b = Builder { spec, look, rig, rng: ChaCha8Rng::seed_from_u64(seed), w: wf, h: hf, horizon };
    let (sky, twinkles) = b.sky();
    let mut layers: Vec<Layer> = b.clouds().into_iter().collect();
    let ground = if water { horizon } else { hf };
    let clear_light = spec.weather == Weather::Clear && !look.night;
    match spec.setting {
        Setting::City => {
            let hz = if water { horizon } else { hf * 0.92 };
            layers.push(b.skyline(0.15, hz, (0.08, 0.22), (0.025, 0.06), 0.0045));
            layers.push(b.skyline(0.45, if water { hz } else { hf }, (0.18, 0.42), (0.05, 0.1), 0.009));
            if !water {
                layers.push(b.skyline(1.0, hf, (0.35, 0.6), (0.1, 0.18), 0.014));
            }
        }
        Setting::Mountains => {
            let snow = spec.weather != Weather::Haze;
            layers.push(b.range(0.1, horizon, hf * 0.32, 0.55, look.subject, snow));
            layers.push(b.range(0.35, horizon, hf * 0.16, 0.5, mix(look.subject, [0.15, 0.25, 0.15], 0.5), false));
            if water {
                let mut t = b.trees(1.0, hf + 2.0, (0.2, 0.4), 0.05, look.shadow);
                t.front = true;
                layers.push(t);
            } else {
                layers.push(b.trees(1.0, hf, (0.15, 0.35), 0.04, look.shadow));
            }
        }
        Setting::Forest => {
            let hill = mix(look.subject, look.haze, 0.3);
            layers.push(b.range(0.1, ground.min(hf * 0.7), hf * 0.12, 0.45, hill, false));
            layers.push(b.trees(0.4, ground.min(hf * 0.78), (0.1, 0.22), 0.025, look.subject));
            if clear_light {
                let c = look.body.as_ref().map_or([1.0, 1.0, 0.9], |s| s.colour);
                layers.push(b.rays(c));
            }
            let mut near = b.trees(1.0, hf + 2.0, (0.5, 0.85), 0.45, look.shadow);
            near.front = water;
            layers.push(near);
        }
        Setting::Desert => {
            let sand = look.subject;
            layers.push(b.dunes(0.1, horizon, hf * 0.06, mix(sand, look.haze, 0.2)));
            layers.push(b.dunes(0.45, hf * 0.8, hf * 0.12, sand));
            layers.push(b.dunes(1.0, hf * 0.95, hf * 0.14, scale(sand, 0.85)));
        }
        Setting::Ocean => {
            layers.push(b.range(0.1, horizon, hf * 0.04, 0.4, mix(look.shadow, look.haze, 0.6), false));
            layers.push(b.rocks(1.0));
        }
        Setting::Space => {
            let neb: Vec<Rgb> = vec![[0.55, 0.2, 0.75], [0.2, 0.35, 0.85], [0.9, 0.3, 0.5], [0.2, 0.7, 0.75]];
            layers.push(b.blobs(
                0.05,
                wf * 0.015,
                &neb,
                Blobs { count: 60, size: (0.08, 0.22), alpha: 70, band: (0.15, 0.75) },
            ));
            let stars: Vec<Rgb> = vec![[1.0, 1.0, 1.0], [0.8, 0.9, 1.0], [1.0, 0.9, 0.8]];
            layers.push(b.blobs(
                0.4,
                wf * 0.006,
                &stars,
                Blobs { count: 120, size: (0.002, 0.005), alpha: 255, band: (0.0, 1.0) },
            ));
            layers.push(b.planet());
        }
        Setting::Abstract => {
            let cols: Vec<Rgb> = if spec.has(Mood::Neon) {
                vec![[1.0, 0.1, 0.7], [0.1, 0.85, 1.0], [0.5, 0.2, 1.0]]
            } else if spec.has(Mood::Warm) || spec.time == TimeOfDay::Sunset {
                vec![[1.0, 0.55, 0.2], [0.95, 0.3, 0.35], [1.0, 0.8, 0.4]]
            } else {
                vec![[0.35, 0.4, 1.0], [0.8, 0.35, 0.9], [0.2, 0.8, 0.8]]
            };
            let bright = if look.night { 0.8 } else { 1.0 };
            let cols: Vec<Rgb> = cols.iter().map(|c| scale(*c, bright)).collect();
            layers.push(b.blobs(
                0.2,
                wf * 0.03,
                &cols,
                Blobs { count: 10, size: (0.15, 0.3), alpha: 170, band: (0.0, 1.0) },
            ));
            layers.push(b.blobs(
                0.5,
                -wf * 0.04,
                &cols[1..],
                Blobs { count: 8, size: (0.1, 0.22), alpha: 150, band: (0.0, 1.0) },
            ));
            layers.push(b.blobs(
                0.9,
                wf * 0.02,
                &cols,
                Blobs { count: 6, size: (0.05, 0.12), alpha: 200, band: (0.1, 0.9) },
            ));
        }
    }
    if spec.weather == Weather::Fog {
        let back = b.fog(0.5, wf * 0.03, (0.45, 0.9), 150);
        let front = b.fog(0.9, -wf * 0.04, (0.6, 1.05), 120);
        let at = layers.len().saturating_sub(1);
        layers.insert(at, back);
        layers.push(front);
    }
    let water = water.then(|| Water {
        top: horizon as usize,
        colour: look.c(look.water),
        glitter: look
            .body
            .as_ref()
            .filter(|_| spec.weather != Weather::Fog && spec.weather != Weather::Rain)
            .map(|s| (s.x, look.c(mix(s.colour, [1.0, 1.0, 1.0], 0.3)))),
    });
    let shimmer = (spec.weather == Weather::Haze || (spec.setting == Setting::Desert && spec.time != TimeOfDay::Night))
        .then_some((horizon * 0.85) as usize);
    World { sky, layers, water, twinkles, shimmer }
}
