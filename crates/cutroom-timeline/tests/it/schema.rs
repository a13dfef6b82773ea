//! The published schemas under docs/ match the types (CUTROOM_BLESS=1 rewrites them).

use cutroom_timeline::schema::{draft_schema, edit_op_schema};
use std::path::PathBuf;

fn check(name: &str, fresh: String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs").join(name);
    if std::env::var_os("CUTROOM_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "docs/{name} is stale: run `CUTROOM_BLESS=1 cargo test -p cutroom-timeline --test it schema` and commit it"
    );
}

#[test]
fn draft_schema_is_published() {
    let s = draft_schema();
    assert!(s.contains("\"tt\"") && s.contains("\"sg\""));
    check("draft.schema.json", s);
}

#[test]
fn edit_op_schema_is_published() {
    check("edit-op.schema.json", edit_op_schema());
}
