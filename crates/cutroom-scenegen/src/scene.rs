//! One frame of a scene: the pre-drawn layers placed by the camera (parallax, pan, drift),
//! twinkling stars, water reflecting the picture above it with ripples and glitter, heat
//! shimmer, the push-in zoom, particles (rain, snow, dust, fireflies), the quoted text,
//! and the finish (vignette, film grain, letterbox bars).

use crate::image::Image;
use crate::look::{Look, mix};
use crate::spec::{Camera, Mood, SceneSpec, Setting, Weather};
use crate::text::text_image;
use crate::world::{Rig, World, build};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Rain,
    Snow,
    Dust,
    Fireflies,
}

#[derive(Clone, Debug)]
struct Particle {
    x: f32,
    y: f32,
    /// Fall speed, px/s (negative rises).
    v: f32,
    /// Sprite index (snow, dust, fireflies) or streak length (rain).
    size: usize,
    phase: f32,
    opacity: u32,
}

/// A scene ready to draw any of its frames.
pub struct Scene {
    pub w: usize,
    pub h: usize,
    pub fps: u32,
    pub frames: u64,
    rig: Rig,
    world: World,
    canvas: Image,
    kind: Option<Kind>,
    particles: Vec<Particle>,
    sprites: Vec<Image>,
    particle: [u8; 4],
    wind: f32,
    text: Option<Image>,
    vignette: Option<(Vec<u32>, Vec<u32>)>,
    grain: Option<Vec<i8>>,
    bars: usize,
    /// Per row, the first layer drawn (scratch).
    first: Vec<usize>,
}

/// A soft round sprite of radius `r` px.
fn dot(r: f32, c: [u8; 4]) -> Image {
    let mut cv = crate::draw::Canvas::new((r * 2.0).ceil() as usize + 2, (r * 2.0).ceil() as usize + 2);
    let m = (r * 2.0).ceil() / 2.0 + 1.0;
    cv.glow_stops(m, m, r, r, &[(0.0, c[3]), (0.5, (u32::from(c[3]) * 3 / 4) as u8), (1.0, 0)], c);
    cv.into_image()
}

/// Sixty-four bits from a frame number and an index, for per-frame flicker.
fn hash(a: u64, b: u64) -> u64 {
    let mut z = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Scene {
    /// Draws the scene's layers for a `w`×`h` picture at `fps`; `seed` varies the layout.
    pub fn new(spec: &SceneSpec, w: usize, h: usize, fps: u32, seed: u64) -> Scene {
        let look = Look::new(spec);
        let secs = spec.duration_ms as f32 / 1000.0;
        let rig = Rig { camera: spec.camera, w: w as f32, secs };
        let world = build(spec, &look, &rig, w, h, seed);
        let frames = (spec.duration_ms * u64::from(fps)).div_ceil(1000).max(1);
        let k = (w.min(h) as f32 / 1080.0).max(0.3);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x05EE_D0FF_00D5);
        let kind = match spec.weather {
            Weather::Rain => Some(Kind::Rain),
            Weather::Snow => Some(Kind::Snow),
            _ if look.night && matches!(spec.setting, Setting::Forest | Setting::Mountains) => Some(Kind::Fireflies),
            _ if !look.night && !matches!(spec.setting, Setting::Space | Setting::Abstract) => Some(Kind::Dust),
            _ => None,
        };
        let area = (w * h) as f32 / (1920.0 * 1080.0);
        let (count, sprites, colour): (usize, Vec<Image>, [u8; 4]) = match kind {
            Some(Kind::Rain) => (420, Vec::new(), look.c(look.particle)),
            Some(Kind::Snow) => {
                let c = look.c(look.particle);
                (450, (1..=5).map(|i| dot(k * (1.2 + i as f32 * 0.9), [c[0], c[1], c[2], 235])).collect(), c)
            }
            Some(Kind::Dust) => {
                let c = look.c(mix(look.body.as_ref().map_or([1.0; 3], |b| b.colour), [1.0; 3], 0.5));
                (60, (1..=3).map(|i| dot(k * (1.0 + i as f32 * 0.8), [c[0], c[1], c[2], 200])).collect(), c)
            }
            Some(Kind::Fireflies) => {
                let c = look.c([0.85, 1.0, 0.45]);
                (40, (1..=3).map(|i| dot(k * (2.0 + i as f32 * 1.5), [c[0], c[1], c[2], 255])).collect(), c)
            }
            None => (0, Vec::new(), [0; 4]),
        };
        let count = (count as f32 * area.max(0.05)).ceil() as usize;
        let hf = h as f32;
        let particles = (0..count)
            .map(|_| {
                let size = rng.random_range(0..sprites.len().max(1));
                let near = (size as f32 + 1.0) / sprites.len().max(1) as f32;
                let v = match kind {
                    Some(Kind::Rain) => hf * rng.random_range(1.4..2.2),
                    Some(Kind::Snow) => hf * (0.05 + 0.12 * near) * rng.random_range(0.8..1.2),
                    Some(Kind::Dust) => -hf * rng.random_range(0.005..0.03),
                    _ => hf * rng.random_range(-0.02..0.02),
                };
                Particle {
                    x: rng.random_range(0.0..w as f32),
                    y: rng.random_range(0.0..hf),
                    v,
                    size,
                    phase: rng.random_range(0.0..std::f32::consts::TAU),
                    opacity: match kind {
                        Some(Kind::Rain) => rng.random_range(70..150),
                        Some(Kind::Dust) => rng.random_range(60..140),
                        _ => 255,
                    },
                }
            })
            .collect();
        let cinematic = spec.has(Mood::Cinematic);
        let bars = if !cinematic {
            0
        } else if w > h {
            ((h as f32 - w as f32 / 2.39) / 2.0).max(0.0) as usize
        } else {
            (h as f32 * 0.07) as usize
        };
        let vignette = (cinematic || spec.has(Mood::Grain) || look.night).then(|| {
            let strength = if cinematic { 0.45 } else { 0.3 };
            let curve = |n: usize| -> Vec<u32> {
                (0..n)
                    .map(|i| {
                        let d = ((i as f32 + 0.5) / n as f32 - 0.5).abs() * 2.0;
                        let f = 1.0 - strength * ((d - 0.45).max(0.0) / 0.55).powf(1.6);
                        (f.sqrt() * 256.0) as u32
                    })
                    .collect()
            };
            (curve(w), curve(h))
        });
        let grain = spec.has(Mood::Grain).then(|| {
            let tile: Vec<i8> = (0..128 * 128).map(|_| rng.random_range(-7i8..=7)).collect();
            // Each row repeated across a frame row (plus room for the offset), one value per channel.
            (0..128)
                .flat_map(|y| {
                    let row = &tile[y * 128..(y + 1) * 128];
                    (0..w + 128).flat_map(move |x| {
                        let g = row[x % 128];
                        [g, g, g, 0]
                    })
                })
                .collect()
        });
        let text_size = w.min(h) as f32 * 0.11;
        let text = spec.text.as_deref().and_then(|t| text_image(t, w as f32 * 0.86, text_size));
        Scene {
            w,
            h,
            fps,
            frames,
            rig,
            world,
            canvas: Image::new(w, h),
            kind,
            particles,
            sprites,
            particle: colour,
            wind: if spec.setting == Setting::Desert { 0.3 } else { 0.12 },
            text,
            vignette,
            grain,
            bars,
            first: Vec::new(),
        }
    }

    /// Frame `n` into `out` (resized to the frame).
    pub fn draw(&mut self, n: u64, out: &mut Image) {
        if out.w != self.w || out.h != self.h {
            *out = Image::new(self.w, self.h);
        }
        let t = n as f32 / self.fps as f32;
        let u = if self.frames > 1 { n as f32 / (self.frames - 1) as f32 } else { 0.0 };
        let rig = &self.rig;
        let world = &self.world;
        let c = &mut self.canvas;
        // Which layer each row starts from: rows hidden by an opaque layer skip what is behind it.
        let back: Vec<(&crate::world::Layer, f32)> =
            world.layers.iter().filter(|l| !l.front).map(|l| (l, rig.shift(l.depth, l.drift, u) - l.origin)).collect();
        let first = &mut self.first;
        first.clear();
        first.resize(self.h, 0);
        for (i, (l, x)) in back.iter().enumerate() {
            for (y, f) in first.iter_mut().enumerate() {
                if l.img.covers(y, *x, self.w) {
                    *f = i + 1;
                }
            }
        }
        let first = &*first;
        // The sky, then the twinkling stars.
        let sky = &world.sky;
        let s = rig.shift(0.0, 0.0, u);
        let sx = (sky.origin - s).round().clamp(0.0, (sky.img.w - c.w.min(sky.img.w)) as f32) as usize;
        c.copy_from(&sky.img, sx, 0, |y| first[y] == 0);
        for (i, tw) in world.twinkles.iter().enumerate() {
            let b = 0.5 + 0.5 * (tw.phase + tw.speed * t).sin();
            let size = if i % 5 == 0 { 3 } else { 2 };
            c.rect((tw.x + s) as i64, tw.y as i64, size, size, tw.colour, (b * 255.0) as u32);
        }
        let opacity = |l: &crate::world::Layer| {
            if l.pulse > 0.0 {
                (l.opacity as f32 * (1.0 - l.pulse * (0.5 + 0.5 * (t * 1.7).sin()))) as u32
            } else {
                l.opacity
            }
        };
        for (i, (l, x)) in back.iter().enumerate() {
            c.over_rows(&l.img, *x, 0, opacity(l), |y| first[y] <= i + 1);
        }
        if let Some(wt) = &world.water {
            let top = wt.top;
            let deep = (self.h - top).max(1) as f32;
            let wf = self.w as f32;
            c.reflect(top, wt.colour, |d| {
                let near = d as f32 / deep;
                let phase = 38.0 * (1.0 + d as f32 / (deep * 0.02)).ln() - t * 2.4;
                let shift = (1.0 + near * wf * 0.012) * phase.sin();
                let sy = top as f32 - 1.0 - d as f32 * 0.92;
                (sy.max(0.0) as usize, shift, (70.0 + 110.0 * near) as u32)
            });
            if let Some((gx, gc)) = wt.glitter {
                let x0 = gx * wf + s;
                for i in 0..160u64 {
                    let r = hash(i, 7);
                    let dy = ((r & 0xFFFF) as f32 / 65535.0).powf(1.6) * deep;
                    let spread = (0.02 + 0.12 * dy / deep) * wf;
                    let dx = (((r >> 16) & 0xFFFF) as f32 / 32767.5 - 1.0) * spread;
                    let on = !hash(n / 2, i).is_multiple_of(3);
                    if on {
                        let len = (2.0 + 10.0 * dy / deep) * wf / 1000.0 * 3.0;
                        c.rect(
                            (x0 + dx) as i64,
                            (top as f32 + dy) as i64,
                            len as i64 + 1,
                            1 + (dy / deep * 2.0) as i64,
                            gc,
                            200,
                        );
                    }
                }
            }
        }
        for l in world.layers.iter().filter(|l| l.front) {
            c.over(&l.img, rig.shift(l.depth, l.drift, u) - l.origin, 0, opacity(l));
        }
        if let Some(from) = world.shimmer {
            let hf = self.h as f32;
            c.shimmer(from, |y| {
                let k = (y - from) as f32 / (hf - from as f32).max(1.0);
                (1.0 + 2.5 * k) * (y as f32 * 0.21 + t * 9.0).sin() * (y as f32 * 0.037 - t * 3.0).sin()
            });
        }
        // The camera: zoom in, or take the canvas as it is.
        let e = Rig::ease(u);
        if rig.camera == Camera::PushIn {
            out.zoom_from(c, rig.zoom(e), self.w as f32 / 2.0, self.h as f32 * 0.5);
        } else {
            std::mem::swap(out, c);
        }
        self.particles(out, t);
        if let Some(img) = &self.text {
            let fade = (t / 0.6).min(1.0).min((self.frames as f32 / self.fps as f32 - t) / 0.5).clamp(0.0, 1.0);
            let (x, y) = ((self.w - img.w.min(self.w)) / 2, (self.h as f32 * 0.5 - img.h as f32 / 2.0).max(0.0));
            out.over(img, x as f32, y as i32, (fade * 255.0) as u32);
        }
        self.finish(out, n);
    }

    fn particles(&self, out: &mut Image, t: f32) {
        let (w, h) = (self.w as f32, self.h as f32);
        match self.kind {
            Some(Kind::Rain) => {
                let step = 1.0 / self.fps as f32;
                for p in &self.particles {
                    let len = p.v * step * 0.7;
                    let y = (p.y + p.v * t).rem_euclid(h + len) - len * 0.5;
                    let x = (p.x + self.wind * (p.v * t)).rem_euclid(w);
                    out.streak(x - self.wind * len, y - len, x, y, self.particle, p.opacity);
                }
            }
            Some(kind) => {
                for p in &self.particles {
                    let sprite = &self.sprites[p.size.min(self.sprites.len() - 1)];
                    let sway = match kind {
                        Kind::Snow => 14.0 * (p.size as f32 + 1.0),
                        _ => 25.0,
                    } * (w / 1920.0).max(0.3);
                    let y = (p.y + p.v * t).rem_euclid(h + sprite.h as f32) - sprite.h as f32;
                    let x = (p.x + sway * (p.phase + t * 0.9).sin() + self.wind * 20.0 * t).rem_euclid(w);
                    let op = match kind {
                        Kind::Fireflies => ((p.phase + t * 2.3).sin().max(0.0) * 255.0) as u32,
                        _ => p.opacity,
                    };
                    out.sprite(sprite, x as i64, y as i64, op);
                }
            }
            None => {}
        }
    }

    fn finish(&self, out: &mut Image, n: u64) {
        let w = self.w;
        if let Some((vx, vy)) = &self.vignette {
            for (y, row) in out.px.chunks_exact_mut(w).enumerate() {
                let fy = vy[y];
                for (p, &fx) in row.iter_mut().zip(vx) {
                    let f = (fx * fy) >> 8;
                    if f < 256 {
                        for c in &mut p[..3] {
                            *c = ((u32::from(*c) * f) >> 8) as u8;
                        }
                    }
                }
            }
        }
        if let Some(tile) = &self.grain {
            // Tile rows are as wide as a frame row plus the tile, bytes for r, g, b, a.
            let (ox, oy) = ((hash(n, 1) % 128) as usize, (hash(n, 2) % 128) as usize);
            let stride = (w + 128) * 4;
            for (y, row) in out.px.chunks_exact_mut(w).enumerate() {
                let t = ((y + oy) % 128) * stride + ox * 4;
                for (b, g) in row.as_flattened_mut().iter_mut().zip(&tile[t..t + w * 4]) {
                    *b = b.saturating_add_signed(*g);
                }
            }
        }
        if self.bars > 0 {
            let b = self.bars * w;
            let len = out.px.len();
            out.px[..b].fill([0, 0, 0, 255]);
            out.px[len - b..].fill([0, 0, 0, 255]);
        }
        for p in &mut out.px {
            p[3] = 255;
        }
    }
}
