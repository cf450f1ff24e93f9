//! How a command that prints users prints them: a table, JSON (one array), JSON Lines,
//! CSV (RFC 4180), TSV, or ids, with the columns asked for. This is the one place that
//! writes CSV, since the design card has no CSV crate.

use super::exit::Failure;
use super::show::{activation, safe, with_words};
use super::width;
use docspace_people::User;
use std::borrow::Cow;
use std::fmt::Write as _;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
    Tsv,
    Ids,
}

const FORMATS: [(&str, Format); 6] = [
    ("table", Format::Table),
    ("json", Format::Json),
    ("jsonl", Format::Jsonl),
    ("csv", Format::Csv),
    ("tsv", Format::Tsv),
    ("ids", Format::Ids),
];

impl Format {
    pub fn parse(text: &str) -> Result<Format, Failure> {
        FORMATS
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, format)| *format)
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "--output '{text}' is not one of table, json, jsonl, csv, tsv, ids"
                ))
            })
    }

    /// The name `--output` takes.
    pub fn name(self) -> &'static str {
        FORMATS
            .iter()
            .find(|(_, format)| *format == self)
            .map_or("table", |(name, _)| name)
    }
}

/// A column of the table, CSV and TSV outputs (`--columns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Id,
    Email,
    First,
    Last,
    Name,
    Type,
    Status,
    Activation,
    Registered,
    Terminated,
    CreatedBy,
}

const COLUMNS: [(&str, Column); 11] = [
    ("id", Column::Id),
    ("email", Column::Email),
    ("first", Column::First),
    ("last", Column::Last),
    ("name", Column::Name),
    ("type", Column::Type),
    ("status", Column::Status),
    ("activation", Column::Activation),
    ("registered", Column::Registered),
    ("terminated", Column::Terminated),
    ("created-by", Column::CreatedBy),
];

/// The columns of the table when `--columns` is not given.
pub const DEFAULT_COLUMNS: [Column; 7] = [
    Column::Id,
    Column::Type,
    Column::Status,
    Column::Activation,
    Column::Registered,
    Column::Email,
    Column::Name,
];

impl Column {
    /// `--columns id,email,status`.
    pub fn parse_list(text: &str) -> Result<Vec<Column>, Failure> {
        let names: Vec<&str> = COLUMNS.iter().map(|(n, _)| *n).collect();
        text.split(',')
            .map(str::trim)
            .map(|name| {
                COLUMNS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, c)| *c)
                    .ok_or_else(|| {
                        Failure::Usage(format!(
                            "--columns: '{name}' is not one of {}",
                            names.join(", ")
                        ))
                    })
            })
            .collect()
    }

    fn name(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("", |(n, _)| n)
    }

    /// The width of the column in the table, in terminal cells; the last column is never
    /// padded.
    fn width(self) -> usize {
        match self {
            Column::Id => 36,
            Column::Email | Column::Name | Column::CreatedBy => 32,
            Column::First | Column::Last => 16,
            Column::Type => 14,
            Column::Status | Column::Registered | Column::Terminated => 10,
            Column::Activation => 13,
        }
    }

    fn value(self, user: &User) -> Cow<'_, str> {
        match self {
            Column::Id => user.id.to_string().into(),
            Column::Email => user.email.as_str().into(),
            Column::First => user.first_name.as_str().into(),
            Column::Last => user.last_name.as_str().into(),
            Column::Name => user.name().into(),
            Column::Type => user.user_type().as_str().into(),
            Column::Status => user.status.to_string().into(),
            Column::Activation => activation(user).into(),
            Column::Registered => user.registration_date.get(..10).unwrap_or_default().into(),
            Column::Terminated => user.terminated.get(..10).unwrap_or_default().into(),
            Column::CreatedBy => created_by(user).into(),
        }
    }
}

fn created_by(user: &User) -> String {
    let value: serde_json::Value = serde_json::from_str(user.json()).unwrap_or_default();
    let by = &value["createdBy"];
    by["displayName"]
        .as_str()
        .or_else(|| by["id"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Prints users one at a time in one format.
pub struct Printer {
    format: Format,
    columns: Vec<Column>,
    header: bool,
    printed: usize,
    /// The text of the user printed last, kept to be written into again.
    text: String,
}

impl Printer {
    pub fn new(format: Format, columns: Option<Vec<Column>>, header: bool) -> Printer {
        Printer {
            format,
            columns: columns.unwrap_or_else(|| DEFAULT_COLUMNS.to_vec()),
            header,
            printed: 0,
            text: String::new(),
        }
    }

    /// What comes before the first user.
    pub fn start(&self) -> String {
        match self.format {
            Format::Json => "[".to_owned(),
            Format::Table | Format::Csv | Format::Tsv if self.header => {
                let names: Vec<String> = self
                    .columns
                    .iter()
                    .map(|c| c.name().to_ascii_uppercase())
                    .collect();
                match self.format {
                    Format::Table => {
                        let mut text = String::new();
                        self.table_line(&mut text, names.iter().map(|n| n.into()));
                        text
                    }
                    Format::Csv => line(names.iter().map(|n| csv_field(n)), ","),
                    _ => line(names.iter().map(|n| tsv_field(n)), "\t"),
                }
            }
            _ => String::new(),
        }
    }

    /// One user, with the separator before it where the format needs one.
    pub fn user(&mut self, user: &User) -> &str {
        let first = self.printed == 0;
        self.printed += 1;
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        let values = self.columns.iter().map(|c| c.value(user));
        match self.format {
            Format::Json => {
                if !first {
                    text.push_str(",\n");
                }
                text.push_str(&with_words(user));
            }
            Format::Jsonl => {
                text.push_str(&with_words(user));
                text.push('\n');
            }
            Format::Ids => {
                let _ = writeln!(text, "{}", user.id);
            }
            Format::Table => self.user_line(&mut text, user),
            Format::Csv => text = line(values.map(|v| csv_field(&v)), ","),
            Format::Tsv => text = line(values.map(|v| tsv_field(&v)), "\t"),
        }
        self.text = text;
        &self.text
    }

    /// What comes after the last user.
    pub fn finish(&self) -> &'static str {
        match self.format {
            Format::Json => "]\n",
            _ => "",
        }
    }

    /// [`Printer::table_line`] of a user, with the values that are this tool's own words
    /// (the id, the status) written straight into the line.
    fn user_line(&self, text: &mut String, user: &User) {
        for (i, column) in self.columns.iter().enumerate() {
            let start = text.len();
            match column {
                Column::Id => {
                    let _ = write!(text, "{}", user.id);
                }
                Column::Status => {
                    let _ = write!(text, "{}", user.status);
                }
                other => text.push_str(&safe(&other.value(user))),
            }
            self.end_cell(text, i, start);
        }
        text.push('\n');
    }

    /// The values padded to their columns' widths, the last one as it is.
    fn table_line<'a>(&self, text: &mut String, values: impl Iterator<Item = Cow<'a, str>>) {
        for (i, value) in values.take(self.columns.len()).enumerate() {
            let start = text.len();
            text.push_str(&safe(&value));
            self.end_cell(text, i, start);
        }
        text.push('\n');
    }

    /// Pads the value of column `i`, written from `start`, to the column's width and the
    /// gap after it; the last column is not padded. The width is counted in terminal
    /// cells, not characters, so that a name in CJK, which takes two cells a character,
    /// does not push the columns after it to the right.
    fn end_cell(&self, text: &mut String, i: usize, start: usize) {
        if i + 1 < self.columns.len() {
            let written = width::width(text.get(start..).unwrap_or_default());
            let pad = self.columns[i].width().saturating_sub(written) + 2;
            text.extend(std::iter::repeat_n(' ', pad));
        }
    }
}

fn line(fields: impl Iterator<Item = String>, separator: &str) -> String {
    let mut text = fields.collect::<Vec<_>>().join(separator);
    text.push_str("\r\n");
    text
}

/// A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line
/// break, with quotes doubled.
pub fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A TSV field: tabs and line breaks, which TSV cannot hold, become spaces.
pub fn tsv_field(value: &str) -> String {
    value.replace(['\t', '\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("O'Neil, Lee"), "\"O'Neil, Lee\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(tsv_field("a\tb\nc"), "a b c");
    }

    /// Any text survives a CSV round trip through the project's own CSV reader.
    #[test]
    fn csv_fields_read_back_as_written() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let alphabet = ['a', ',', '"', '\n', '\r', ' ', 'é', '\t'];
        for _ in 0..2_000 {
            let mut text = String::new();
            for _ in 0..(rng % 12) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                text.push(alphabet[(rng % alphabet.len() as u64) as usize]);
            }
            // A lone \r is folded by the reader only before \n; keep the case honest.
            let text = text.replace("\r\n", "\n").replace('\r', "");
            let row = format!("email,firstName\nx@y.co,{}\n", csv_field(&text));
            let read = crate::app::input::csv_first_name(&row);
            assert_eq!(read.as_deref(), Some(text.as_str()), "{row:?}");
        }
    }

    #[test]
    fn columns_are_named_and_checked() {
        assert_eq!(
            Column::parse_list("id, email,created-by").unwrap(),
            [Column::Id, Column::Email, Column::CreatedBy]
        );
        assert!(Column::parse_list("id,phone").is_err());
        assert!(Format::parse("yaml").is_err());
    }
}
