//! Draft versions with undo and redo: every edit makes a new version.

use crate::model::Draft;
use crate::ops::{EditError, EditOp, apply_all};
use crate::validate::Invalid;
use serde::{Deserialize, Serialize};

/// How many versions are kept by default; the oldest are dropped beyond it.
pub const DEFAULT_LIMIT: usize = 200;

/// A list of draft versions and a cursor on the current one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct History {
    versions: Vec<Draft>,
    cursor: usize,
    limit: usize,
}

impl History {
    pub fn new(draft: Draft) -> History {
        History { versions: vec![draft], cursor: 0, limit: DEFAULT_LIMIT }
    }

    /// Keeps at most `limit` versions (at least 2).
    pub fn with_limit(mut self, limit: usize) -> History {
        self.limit = limit.max(2);
        self
    }

    /// The current version.
    pub fn current(&self) -> &Draft {
        &self.versions[self.cursor]
    }

    /// Position of the current version (0 = the oldest kept).
    pub fn position(&self) -> usize {
        self.cursor
    }

    /// Number of versions kept.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Applies edits as one new version (all or nothing); redo history is dropped.
    pub fn apply(&mut self, ops: &[EditOp]) -> Result<&Draft, EditError> {
        let next = apply_all(self.current(), ops)?;
        self.push_unchecked(next);
        Ok(self.current())
    }

    /// Adds a whole new draft (from a generator) as the next version.
    pub fn push(&mut self, draft: Draft) -> Result<&Draft, Invalid> {
        draft.validate()?;
        self.push_unchecked(draft);
        Ok(self.current())
    }

    fn push_unchecked(&mut self, draft: Draft) {
        self.versions.truncate(self.cursor + 1);
        self.versions.push(draft);
        if self.versions.len() > self.limit {
            let extra = self.versions.len() - self.limit;
            self.versions.drain(..extra);
        }
        self.cursor = self.versions.len() - 1;
    }

    pub fn can_undo(&self) -> bool {
        self.cursor > 0
    }

    pub fn can_redo(&self) -> bool {
        self.cursor + 1 < self.versions.len()
    }

    /// Steps back one version; `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Option<&Draft> {
        if !self.can_undo() {
            return None;
        }
        self.cursor -= 1;
        Some(self.current())
    }

    /// Steps forward one version; `None` when there is nothing to redo.
    pub fn redo(&mut self) -> Option<&Draft> {
        if !self.can_redo() {
            return None;
        }
        self.cursor += 1;
        Some(self.current())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::time::Ms;

    fn draft() -> Draft {
        let mut d = Draft::default();
        let mut v = Track::new(TrackType::Video);
        v.sg.push(Segment::media("a.mp4", Ms(0), Ms(4000)));
        v.sg.push(Segment::media("b.mp4", Ms(4000), Ms(4000)));
        d.t.push(v);
        d
    }

    #[test]
    fn undo_redo_walk_versions_and_new_edits_drop_redo() {
        let mut h = History::new(draft());
        let v0 = h.current().clone();
        h.apply(&[EditOp::Volume { track: 0, seg: None, volume: 0.5 }]).unwrap();
        let v1 = h.current().clone();
        h.apply(&[EditOp::Reorder { track: 0, order: vec![1, 0] }]).unwrap();
        assert_eq!(h.current().t[0].sg[0].src.as_deref(), Some("b.mp4"));
        assert_eq!(h.undo().unwrap(), &v1);
        assert_eq!(h.undo().unwrap(), &v0);
        assert!(h.undo().is_none());
        assert_eq!(h.redo().unwrap(), &v1);
        h.apply(&[EditOp::Canvas { w: Some(1080), h: Some(1920), fps: None, bg: None }]).unwrap();
        assert!(!h.can_redo());
        assert_eq!(h.len(), 3);
    }

    #[test]
    fn failed_edits_change_nothing() {
        let mut h = History::new(draft());
        let before = h.clone();
        let err = h.apply(&[
            EditOp::Volume { track: 0, seg: None, volume: 0.5 },
            EditOp::Volume { track: 0, seg: Some(9), volume: 0.5 },
        ]);
        assert!(err.is_err());
        assert_eq!(h, before);
    }

    #[test]
    fn limit_drops_oldest() {
        let mut h = History::new(draft()).with_limit(3);
        for i in 1..=5 {
            h.apply(&[EditOp::Volume { track: 0, seg: None, volume: f64::from(i) / 10.0 }]).unwrap();
        }
        assert_eq!(h.len(), 3);
        assert_eq!(h.current().t[0].sg[0].volume, 0.5);
        h.undo();
        h.undo();
        assert!(!h.can_undo());
        assert_eq!(h.current().t[0].sg[0].volume, 0.3);
    }
}
