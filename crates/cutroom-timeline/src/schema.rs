//! The published JSON Schemas (draft and edit operations), generated from the types.

use crate::model::Draft;
use crate::ops::EditOp;

/// JSON Schema of a draft.
pub fn draft_schema() -> String {
    pretty(serde_json::to_value(schemars::schema_for!(Draft)).expect("schema serialises"))
}

/// JSON Schema of one edit operation.
pub fn edit_op_schema() -> String {
    pretty(serde_json::to_value(schemars::schema_for!(EditOp)).expect("schema serialises"))
}

fn pretty(v: serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(&v).expect("json");
    s.push('\n');
    s
}
