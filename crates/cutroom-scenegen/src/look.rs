//! The light and colours of a scene: sky, sun or moon, surfaces, lights, water and haze for
//! the time of day and weather, then the moods' grade (warm, cold, pastel, neon,
//! monochrome, cinematic teal-and-orange) applied to every colour the scene uses.

use crate::spec::{Mood, SceneSpec, Setting, TimeOfDay, Weather};

pub type Rgb = [f32; 3];

/// The sun or moon.
#[derive(Clone, Debug)]
pub struct Body {
    /// Centre across the picture, 0–1.
    pub x: f32,
    /// Height as a fraction of the horizon's height above the top (0 top, 1 on the horizon).
    pub y: f32,
    /// Radius as a fraction of the picture's short side.
    pub r: f32,
    pub colour: Rgb,
    /// Glow radius in body radii, and its strength.
    pub glow: f32,
    pub glow_strength: f32,
    pub moon: bool,
}

/// Every colour a scene is drawn with.
#[derive(Clone, Debug)]
pub struct Look {
    pub sky_top: Rgb,
    pub sky_horizon: Rgb,
    pub body: Option<Body>,
    /// Star density, 0–1.
    pub stars: f32,
    /// Lit surfaces of the setting's subject (buildings, trees, rock, sand).
    pub subject: Rgb,
    /// What the distance fades into.
    pub haze: Rgb,
    /// The darkest, nearest silhouettes.
    pub shadow: Rgb,
    /// Windows, signs, lamps.
    pub lights: Vec<Rgb>,
    /// Share of windows lit.
    pub lit: f32,
    pub cloud: Rgb,
    /// Cloud cover, 0–1.
    pub clouds: f32,
    pub water: Rgb,
    /// Particles (rain, snow, dust, fireflies).
    pub particle: Rgb,
    pub night: bool,
    moods: Vec<Mood>,
}

pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

pub fn scale(a: Rgb, k: f32) -> Rgb {
    [a[0] * k, a[1] * k, a[2] * k]
}

pub fn luma(c: Rgb) -> f32 {
    0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
}

fn saturate(c: Rgb, k: f32) -> Rgb {
    let l = luma(c);
    mix([l, l, l], c, k)
}

impl Look {
    pub fn new(spec: &SceneSpec) -> Look {
        let neon = spec.has(Mood::Neon);
        let (sky_top, sky_horizon, body, stars, ambient) = match spec.time {
            TimeOfDay::Night if neon => ([0.03, 0.0, 0.09], [0.30, 0.05, 0.32], Some(moon()), 0.5, [0.06, 0.04, 0.12]),
            TimeOfDay::Night => ([0.01, 0.015, 0.05], [0.07, 0.08, 0.17], Some(moon()), 1.0, [0.05, 0.06, 0.10]),
            TimeOfDay::Day => (
                [0.20, 0.42, 0.82],
                [0.68, 0.80, 0.95],
                Some(sun(0.72, 0.18, [1.0, 0.98, 0.9])),
                0.0,
                [0.62, 0.64, 0.68],
            ),
            TimeOfDay::Sunset => (
                [0.50, 0.24, 0.26],
                [1.0, 0.52, 0.16],
                Some(Body { r: 0.075, glow: 7.0, glow_strength: 0.9, ..sun(0.6, 0.9, [1.0, 0.72, 0.3]) }),
                0.0,
                [0.55, 0.30, 0.18],
            ),
            TimeOfDay::Dawn => (
                [0.30, 0.42, 0.70],
                [1.0, 0.74, 0.62],
                Some(Body { glow: 6.0, glow_strength: 0.6, ..sun(0.3, 0.92, [1.0, 0.88, 0.7]) }),
                0.15,
                [0.55, 0.50, 0.52],
            ),
        };
        let night = spec.time == TimeOfDay::Night;
        let subject: Rgb = match spec.setting {
            Setting::City if night => [0.06, 0.07, 0.10],
            Setting::City => [0.50, 0.54, 0.60],
            Setting::Forest => [0.13, 0.30, 0.14],
            Setting::Mountains => [0.34, 0.37, 0.44],
            Setting::Desert => [0.86, 0.62, 0.38],
            Setting::Ocean => [0.20, 0.22, 0.20],
            Setting::Space => [0.55, 0.25, 0.70],
            Setting::Abstract => [0.55, 0.35, 0.85],
        };
        // Surfaces take the light's colour; at night they are mostly shadow.
        let subject = if night && spec.setting != Setting::Space && spec.setting != Setting::Abstract {
            mix(scale(subject, 0.6), ambient, 0.5)
        } else {
            [subject[0] * (0.45 + ambient[0]), subject[1] * (0.45 + ambient[1]), subject[2] * (0.45 + ambient[2])]
        };
        let shadow = match spec.time {
            TimeOfDay::Night => [0.01, 0.01, 0.02],
            TimeOfDay::Sunset => [0.14, 0.06, 0.06],
            TimeOfDay::Dawn => [0.16, 0.14, 0.20],
            TimeOfDay::Day => scale(subject, 0.45),
        };
        let lights = if neon {
            vec![[1.0, 0.15, 0.75], [0.1, 0.9, 1.0], [0.7, 0.3, 1.0], [1.0, 0.8, 0.5]]
        } else {
            vec![[1.0, 0.82, 0.5], [1.0, 0.9, 0.7], [0.9, 0.95, 1.0]]
        };
        let mut l = Look {
            sky_top,
            sky_horizon,
            body,
            stars,
            subject,
            haze: mix(sky_horizon, sky_top, 0.2),
            shadow,
            lights,
            lit: if night {
                0.45
            } else if spec.time == TimeOfDay::Sunset {
                0.12
            } else {
                0.0
            },
            cloud: match spec.time {
                TimeOfDay::Night => [0.10, 0.10, 0.15],
                TimeOfDay::Sunset => [1.0, 0.62, 0.45],
                TimeOfDay::Dawn => [1.0, 0.85, 0.85],
                TimeOfDay::Day => [0.97, 0.97, 1.0],
            },
            clouds: if night { 0.15 } else { 0.35 },
            water: match spec.time {
                TimeOfDay::Night => [0.01, 0.03, 0.06],
                TimeOfDay::Sunset => [0.22, 0.10, 0.10],
                TimeOfDay::Dawn => [0.18, 0.24, 0.36],
                TimeOfDay::Day => [0.04, 0.26, 0.42],
            },
            particle: if night { [0.75, 0.8, 0.9] } else { [1.0, 1.0, 1.0] },
            night,
            moods: spec.moods.clone(),
        };
        l.weather(spec.weather);
        l
    }

    fn weather(&mut self, w: Weather) {
        let grey = |c: Rgb, k: f32, dim: f32| scale(saturate(c, k), dim);
        match w {
            Weather::Clear => {}
            Weather::Rain => {
                self.sky_top = grey(self.sky_top, 0.35, 0.6);
                self.sky_horizon = grey(self.sky_horizon, 0.4, 0.7);
                self.subject = grey(self.subject, 0.6, 0.75);
                self.cloud = grey(self.cloud, 0.3, 0.55);
                self.clouds = 0.9;
                self.stars = 0.0;
                if let Some(b) = &mut self.body {
                    b.glow_strength *= 0.3;
                    b.colour = scale(b.colour, 0.5);
                }
                self.particle = if self.night { [0.55, 0.6, 0.7] } else { [0.8, 0.85, 0.92] };
                self.haze = mix(self.sky_horizon, self.sky_top, 0.3);
            }
            Weather::Snow => {
                let lift = if self.night { 0.05 } else { 0.35 };
                self.sky_top = mix(saturate(self.sky_top, 0.4), [0.8, 0.82, 0.86], lift);
                self.sky_horizon = mix(saturate(self.sky_horizon, 0.4), [0.85, 0.87, 0.9], lift);
                self.cloud = saturate(self.cloud, 0.3);
                self.clouds = 0.8;
                self.stars *= 0.2;
                self.particle = if self.night { [0.8, 0.82, 0.9] } else { [1.0, 1.0, 1.0] };
                self.haze = self.sky_horizon;
            }
            Weather::Fog => {
                let fog = if self.night { [0.09, 0.09, 0.11] } else { mix(self.sky_horizon, [0.78, 0.8, 0.82], 0.6) };
                self.sky_top = mix(self.sky_top, fog, 0.7);
                self.sky_horizon = mix(self.sky_horizon, fog, 0.8);
                self.haze = fog;
                self.stars *= 0.2;
                self.clouds = 0.0;
                if let Some(b) = &mut self.body {
                    b.glow *= 1.5;
                    b.colour = mix(b.colour, fog, 0.4);
                }
            }
            Weather::Haze => {
                self.haze = mix(self.sky_horizon, [1.0, 0.85, 0.6], 0.4);
                self.sky_horizon = mix(self.sky_horizon, [1.0, 0.9, 0.7], 0.3);
                self.clouds = 0.05;
            }
        }
    }

    /// A colour graded for the scene's moods, as RGBA bytes (opaque).
    pub fn c(&self, c: Rgb) -> [u8; 4] {
        let g = self.grade(c);
        [to8(g[0]), to8(g[1]), to8(g[2]), 255]
    }

    /// The moods' grade of one colour.
    pub fn grade(&self, mut c: Rgb) -> Rgb {
        for m in &self.moods {
            c = match m {
                Mood::Warm => [c[0] * 1.08 + 0.03, c[1] * 1.0 + 0.01, c[2] * 0.82],
                Mood::Cold => [c[0] * 0.82, c[1] * 0.97, c[2] * 1.1 + 0.04],
                Mood::Pastel => {
                    let s = saturate(c, 0.55);
                    [s[0] * 0.7 + 0.28, s[1] * 0.7 + 0.28, s[2] * 0.7 + 0.28]
                }
                Mood::Neon => saturate(c, 1.35),
                Mood::Cinematic => {
                    let l = luma(c);
                    // Teal shadows, orange highlights, a little more contrast.
                    let t = (l - 0.45) * 0.16;
                    let k = |v: f32| 0.5 + (v - 0.5) * 1.08;
                    [k(c[0] + t), k(c[1] + t * 0.2), k(c[2] - t)]
                }
                Mood::Monochrome | Mood::Grain => c,
            };
        }
        if self.moods.contains(&Mood::Monochrome) {
            let l = luma(c);
            c = [l, l, l];
        }
        [c[0].clamp(0.0, 1.0), c[1].clamp(0.0, 1.0), c[2].clamp(0.0, 1.0)]
    }

    /// The colour of something at depth `d` (0 far, 1 near) fading into the haze.
    pub fn at_depth(&self, c: Rgb, d: f32) -> Rgb {
        mix(self.haze, c, 0.3 + 0.7 * d.clamp(0.0, 1.0))
    }
}

fn sun(x: f32, y: f32, colour: Rgb) -> Body {
    Body { x, y, r: 0.05, colour, glow: 5.0, glow_strength: 0.5, moon: false }
}

fn moon() -> Body {
    Body { x: 0.74, y: 0.25, r: 0.04, colour: [0.92, 0.93, 0.88], glow: 4.0, glow_strength: 0.25, moon: true }
}

pub fn to8(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(time: TimeOfDay, moods: Vec<Mood>) -> SceneSpec {
        SceneSpec { setting: Setting::City, time, moods, ..SceneSpec::default() }
    }

    #[test]
    fn night_is_dark_and_sunset_is_warm() {
        let n = Look::new(&spec(TimeOfDay::Night, vec![]));
        assert!(luma(n.sky_top) < 0.05 && luma(n.sky_horizon) < 0.15);
        let s = Look::new(&spec(TimeOfDay::Sunset, vec![]));
        assert!(s.sky_horizon[0] > s.sky_horizon[2] + 0.5);
    }

    #[test]
    fn monochrome_leaves_no_colour() {
        let l = Look::new(&spec(TimeOfDay::Sunset, vec![Mood::Monochrome, Mood::Warm]));
        let c = l.c(l.sky_horizon);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
    }
}
