//! JSON form: short keys, defaults, round trips, and parse errors that name the field.

use super::*;

#[test]
fn reference_example_parses_with_short_keys() {
    let d = sample();
    assert_eq!(d.t.len(), 3);
    assert_eq!(d.t[0].tt, TrackType::Video);
    assert_eq!(d.t[1].tt, TrackType::Audio);
    assert_eq!(d.t[2].tt, TrackType::Text);
    assert_eq!(d.t[0].sg[1].src_in, Ms(2000));
    assert_eq!(d.duration(), Ms(21_400));
    d.validate().unwrap();
    let v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    assert_eq!(v["t"][0]["tt"], 0);
    assert_eq!(v["t"][2]["tt"], 7);
    assert_eq!(v["t"][0]["sg"][1]["in"], 2000);
    assert_eq!(v["t"][0]["sg"][1]["d"], 6400);
    assert_eq!(v["t"][1]["m"]["role"], "bgm");
    // Defaults are not written out.
    assert!(v["t"][0]["sg"][0].get("speed").is_none());
    assert_eq!(Draft::from_json(&d.to_json()).unwrap(), d);
}

#[test]
fn minimal_draft_gets_defaults() {
    let d = Draft::from_json(r#"{"t":[{"tt":0,"sg":[{"src":"a.mp4","d":1000}]}]}"#).unwrap();
    assert_eq!(d.v, 1);
    assert_eq!((d.canvas.w, d.canvas.h, d.canvas.fps), (1920, 1080, 30));
    assert_eq!(d.t[0].sg[0].speed, 1.0);
    assert_eq!(d.t[0].sg[0].fit, Fit::Cover);
    d.validate().unwrap();
}

fn parse_err(json: &str) -> String {
    Draft::from_json(json).unwrap_err().to_string()
}

#[test]
fn unknown_track_type_names_its_path() {
    let e = parse_err(r#"{"t":[{"tt":0,"sg":[]},{"tt":5,"sg":[]}]}"#);
    assert!(e.starts_with("t[1].tt: unknown track type 5"), "{e}");
}

#[test]
fn wrong_types_and_unknown_fields_name_their_path() {
    let e = parse_err(r#"{"t":[{"tt":0,"sg":[{"src":"a","d":-5}]}]}"#);
    assert!(e.starts_with("t[0].sg[0].d: "), "{e}");
    let e = parse_err(r#"{"t":[{"tt":0,"sg":[{"src":"a","d":100,"volum":1}]}]}"#);
    assert!(e.starts_with("t[0].sg[0].volum: ") || e.starts_with("t[0].sg[0]: unknown field `volum`"), "{e}");
    let e = parse_err(r#"{"t":[{"tt":0,"sg":[{"src":"a"}]}]}"#);
    assert!(e.contains("t[0].sg[0]") && e.contains("missing field `d`"), "{e}");
    let e = parse_err(r##"{"canvas":{"w":1080,"h":1920,"bg":"#12"}}"##);
    assert!(e.starts_with("canvas.bg: "), "{e}");
    let e = parse_err(r#"{"t":[{"tt":7,"sg":[{"text":"x","d":100,"style":{"pos":"middle"}}]}]}"#);
    assert!(e.starts_with("t[0].sg[0].style.pos: "), "{e}");
}

#[test]
fn broken_and_hostile_json_is_an_error_not_a_panic() {
    for bad in ["", "{", "[]", "null", "{\"t\": 5}", "{\"t\":[{\"tt\":1e400}]}", "\u{0}", "{\"v\":1}}"] {
        assert!(Draft::from_json(bad).is_err(), "{bad:?} parsed");
    }
    // Deep nesting in free-form metadata stops at serde_json's recursion limit.
    let deep = format!("{{\"m\":{{\"x\":{}{}}}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(Draft::from_json(&deep).is_err());
}

#[test]
fn readme_example_is_valid_and_its_summary_is_as_documented() {
    let readme = include_str!("../../../../README.md");
    let start = readme.find("```json\n").expect("json block") + 8;
    let end = start + readme[start..].find("```").expect("end of block");
    let d = Draft::from_json(&readme[start..end]).unwrap();
    d.validate().unwrap();
    let line = format!("`{}`", d.summary());
    assert!(readme.contains(&line), "README should show {line}");
}
