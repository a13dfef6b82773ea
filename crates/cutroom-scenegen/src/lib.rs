//! Text to video for cutroom: a prompt becomes a scene description (`prompt`, `spec`), drawn
//! frame by frame as a layered 2.5D scene (`look`, `world`, `scene`) and encoded.

mod draw;
pub mod image;
pub mod look;
pub mod model;
pub mod prompt;
pub mod render;
pub mod scene;
pub mod spec;
mod text;
pub mod world;

pub use model::{HttpModel, Procedural, Progress, VideoModel, configured};
pub use prompt::understand;
pub use render::{SceneError, VideoInfo, VideoRequest, render_clip};
pub use scene::Scene;
pub use spec::{Aspect, Camera, Mood, SceneSpec, Setting, TimeOfDay, Weather};
