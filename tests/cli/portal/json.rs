//! Ordered JSON output. serde_json's map sorts keys (the crate does not enable
//! `preserve_order`), but DocSpace's field order is part of what the stand-in
//! reproduces, so responses are built from this small tree instead.

use std::fmt::Write as _;

#[derive(Clone, Debug)]
pub(super) enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

pub(super) fn object<const N: usize>(fields: [(&str, Json); N]) -> Json {
    Json::Obj(
        fields
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    )
}

pub(super) fn text(value: impl Into<String>) -> Json {
    Json::Str(value.into())
}

impl Json {
    pub(super) fn push(&mut self, name: &str, value: Json) {
        if let Json::Obj(fields) = self {
            fields.push((name.to_owned(), value));
        }
    }

    /// Replaces the value of `name`, if the object has it.
    pub(super) fn set(&mut self, name: &str, value: Json) {
        if let Json::Obj(fields) = self
            && let Some((_, old)) = fields.iter_mut().find(|(field, _)| field == name)
        {
            *old = value;
        }
    }

    pub(super) fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(f, _)| f == name).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn insert_after(&mut self, anchor: &str, name: &str, value: Json) {
        if let Json::Obj(fields) = self {
            let at = fields
                .iter()
                .position(|(field, _)| field == anchor)
                .map_or(fields.len(), |i| i + 1);
            fields.insert(at, (name.to_owned(), value));
        }
    }

    pub(super) fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        self.write_to(&mut out);
        out.into_bytes()
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Json::Int(value) => {
                let _ = write!(out, "{value}");
            }
            Json::Str(value) => write_string(out, value),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_to(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, name);
                    out.push(':');
                    value.write_to(out);
                }
                out.push('}');
            }
        }
    }
}

/// Escapes like System.Text.Json's default `JavaScriptEncoder`, which ASP.NET
/// uses unless configured otherwise: everything outside printable ASCII and the
/// HTML-sensitive characters become `\uXXXX`. Clients must decode JSON
/// properly rather than grep raw bodies, and this makes them.
fn write_string(out: &mut String, value: &str) {
    out.push('"');
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' if !matches!(ch, '"' | '<' | '>' | '&' | '\'' | '+' | '`') => out.push(ch),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_keeps_field_order_and_escapes_like_dotnet() {
        let value = object([
            ("z", Json::Int(1)),
            ("a", text("Jos\u{e9} & \"co\" 😀")),
            ("n", Json::Null),
            ("c", text("\\\n\r\t\u{8}\u{c}")),
        ]);
        assert_eq!(
            String::from_utf8(value.to_bytes()).unwrap(),
            r#"{"z":1,"a":"Jos\u00E9 \u0026 \u0022co\u0022 \uD83D\uDE00","n":null,"c":"\\\n\r\t\b\f"}"#
        );
    }
}
