//! Getting a JSON object out of a model's text: the whole reply, a fenced block, or the first
//! balanced object in prose; then small repairs that weak models need (trailing commas, Python's
//! `True`/`False`/`None`, curly quotes).

use serde_json::Value;

use super::error::ReplyError;

/// The first JSON object (or array) the reply holds, repaired if needed; the error says why not.
pub fn extract(text: &str) -> Result<Value, ReplyError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ReplyError::Empty);
    }
    let mut candidates: Vec<&str> = vec![t];
    candidates.extend(fenced(t));
    candidates.extend(balanced(t));
    let mut first_err = None;
    for c in candidates {
        match parse_lenient(c) {
            Ok(v) if v.is_object() || v.is_array() => return Ok(v),
            Ok(_) => {}
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(match first_err {
        Some(e) if t.contains('{') => ReplyError::InvalidJson(e),
        _ => ReplyError::NoJson,
    })
}

fn parse_lenient(s: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(s).or_else(|e| {
        let fixed = repair(s);
        serde_json::from_str(&fixed)
            .or_else(|_| serde_json::from_str(&close_truncated(&fixed)))
            .map_err(|_| e)
    })
}

/// Closes a reply cut off by the token limit: ends an open string, drops a dangling comma or key,
/// and closes the open arrays and objects, so what was said before the cut is kept.
fn close_truncated(s: &str) -> String {
    let mut stack = Vec::new();
    let mut in_str = false;
    let mut esc = false;
    for c in s.chars() {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' => stack.push('}'),
            '[' => stack.push(']'),
            '}' | ']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    if stack.is_empty() {
        return s.to_string();
    }
    let mut out = s.trim_end().to_string();
    if in_str {
        if esc {
            out.pop();
        }
        out.push('"');
    }
    let t = out.trim_end();
    if t.ends_with(':') {
        out = format!("{t} null");
    } else if let Some(t) = t.strip_suffix(',') {
        out = t.to_string();
    }
    while let Some(c) = stack.pop() {
        out.push(c);
    }
    out
}

/// Bodies of ``` fenced blocks.
fn fenced(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let body_start = after.find('\n').map_or(0, |i| i + 1);
        let Some(end) = after[body_start..].find("```") else {
            break;
        };
        out.push(after[body_start..body_start + end].trim());
        rest = &after[body_start + end + 3..];
    }
    out
}

/// Every top-level balanced `{...}` or `[...]` span, string-aware, in order.
fn balanced(t: &str) -> Vec<&str> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if (b[i] == b'{' || b[i] == b'[')
            && let Some(end) = close(b, i)
        {
            out.push(&t[i..=end]);
            i = end + 1;
            continue;
        }
        i += 1;
    }
    out
}

fn close(b: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut in_str = false;
    let mut esc = false;
    for (j, &c) in b.iter().enumerate().skip(start) {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// Repairs outside strings: trailing commas, Python literals, curly quotes.
fn repair(s: &str) -> String {
    let s = s.replace(['\u{201c}', '\u{201d}'], "\"");
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut in_str = false;
    let mut esc = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            out.push(c);
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == '"' {
            in_str = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                i += 1;
                continue;
            }
        } else if c.is_ascii_alphabetic() {
            let word: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .collect();
            let rep = match word.as_str() {
                "True" => Some("true"),
                "False" => Some("false"),
                "None" => Some("null"),
                _ => None,
            };
            out.push_str(rep.unwrap_or(&word));
            i += word.chars().count();
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_json_in_fences_prose_and_repairs_it() {
        assert_eq!(extract("{\"a\": 1}").unwrap(), json!({"a": 1}));
        assert_eq!(
            extract("Here is the plan:\n```json\n{\"a\": [1, 2,],}\n```\nDone.").unwrap(),
            json!({"a": [1, 2]})
        );
        assert_eq!(
            extract("Sure! {\"ok\": True, \"x\": None, \"s\": \"True, {}\"} hope it helps")
                .unwrap(),
            json!({"ok": true, "x": null, "s": "True, {}"})
        );
        assert_eq!(
            extract("[{\"tool\": \"t\"}]").unwrap(),
            json!([{"tool": "t"}])
        );
    }

    #[test]
    fn closes_a_reply_cut_by_the_token_limit() {
        assert_eq!(
            extract("{\"plan\": \"1. Drop Cabin. 2. Fill Age wi").unwrap(),
            json!({"plan": "1. Drop Cabin. 2. Fill Age wi"})
        );
        assert_eq!(
            extract("{\"steps\": [{\"tool\": \"fill_missing\", \"args\": {},").unwrap(),
            json!({"steps": [{"tool": "fill_missing", "args": {}}]})
        );
        assert_eq!(
            extract("{\"scores\": [{\"agent\": \"planner\", \"score\":").unwrap(),
            json!({"scores": [{"agent": "planner", "score": null}]})
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: std::env::var("AK_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500),
            ..Default::default()
        })]
        /// Replies are untrusted: extraction and repair never panic, whatever the text.
        #[test]
        fn extraction_never_panics(text in "[{}\\[\\]\",:a-zA-Z0-9 \\\\`\n]{0,80}|\\PC{0,80}") {
            let _ = extract(&text);
        }
    }

    #[test]
    fn says_why_not() {
        assert!(matches!(extract(""), Err(ReplyError::Empty)));
        assert!(
            extract("I cannot help with that.")
                .unwrap_err()
                .to_string()
                .contains("no JSON object")
        );
        assert!(matches!(
            extract("{\"a\": }"),
            Err(ReplyError::InvalidJson(_))
        ));
    }
}
