//! Registry-wide tool behaviour on small frames (each tool's own exact values are tested in its file).

use serde_json::json;

use super::run1_err;
use autokaggle_toolkit::testing::small;

#[test]
fn tools_refuse_to_touch_the_id_or_target() {
    let ds = small();
    for (tool, args) in [
        ("drop_columns", json!({"columns": ["id"]})),
        ("scale", json!({"columns": ["y"]})),
        ("custom_feature", json!({"expr": "a", "name": "y"})),
    ] {
        let e = run1_err(&ds, tool, args);
        assert!(e.contains("id or a target"), "{tool}: {e}");
    }
}
