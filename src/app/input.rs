//! Input files: lists of users, people to create, and the roster of `sync` (CSV or JSON
//! Lines).
//!
//! Pure functions from text to values, so that every row can be checked before anything
//! is sent; a problem is reported with its line number.

use super::args::{UserRef, user_ref, user_type};
use super::exit::Failure;
use super::unicode;
use docspace_people::{Email, NewUser, UserType};
use serde::Deserialize;
use std::collections::HashSet;

/// Users listed one a line; blank lines and lines starting with `#` are skipped, as is
/// anything after the first tab or space (so `user list` output can be fed back).
/// Duplicates are dropped. Every bad line is reported.
pub fn user_list(text: &str) -> Result<Vec<UserRef>, Vec<String>> {
    let mut users = Vec::new();
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let word = line.split_whitespace().next().unwrap_or_default();
        match user_ref(word) {
            Ok(user) => {
                if seen.insert(user.clone()) {
                    users.push(user);
                }
            }
            Err(_) => problems.push(format!(
                "line {}: '{word}' is neither a user id nor an e-mail address",
                number + 1
            )),
        }
    }
    if problems.is_empty() {
        Ok(users)
    } else {
        Err(problems)
    }
}

/// E-mail addresses listed one a line, for invitations.
pub fn email_list(text: &str) -> Result<Vec<Email>, Vec<String>> {
    let users = user_list(text)?;
    let mut emails = Vec::new();
    let mut problems = Vec::new();
    for user in users {
        match user {
            UserRef::Email(e) => emails.push(e),
            UserRef::Id(id) => problems.push(format!("'{id}' is an id, not an e-mail address")),
        }
    }
    if problems.is_empty() {
        Ok(emails)
    } else {
        Err(problems)
    }
}

/// A person to create and the line of the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub user: NewUser,
}

/// The optional columns of `user create --from`, besides `email` and `firstName`.
const PEOPLE: &[&str] = &["lastName", "type"];

/// The optional columns of a roster, besides `email` and `firstName`.
const ROSTER: &[&str] = &["lastName", "type", "groups", "status"];

/// The people of a CSV file with a header (`email,firstName,lastName[,type]`, RFC 4180
/// quoting) or of a JSON Lines file (one object a line with the same names). Every row
/// is checked; all problems are returned together.
pub fn people(text: &str) -> Result<Vec<Row>, Vec<String>> {
    let rows = checked_rows(text, PEOPLE, |fields| {
        let (email, first_name, last_name) = named(fields)?;
        let user_type = user_type(cell(&fields.user_type)).map_err(|e| match e {
            Failure::Usage(m) => m,
            other => other.to_string(),
        })?;
        Ok((
            email.clone(),
            NewUser {
                first_name,
                last_name,
                email,
                user_type,
            },
        ))
    })?;
    Ok(rows
        .into_iter()
        .map(|(line, user)| Row { line, user })
        .collect())
}

/// One person of a roster: who they are on the portal, as HR has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The line of the file the row starts on.
    pub line: usize,
    pub email: Email,
    pub first_name: String,
    /// `None` when the file has no such column (the row no such field): the last names
    /// on the portal are left as they are.
    pub last_name: Option<String>,
    /// `None` when the row gives none: a new account is a user, an existing one keeps
    /// its type.
    pub user_type: Option<UserType>,
    /// The row says `terminated` (else active).
    pub terminated: bool,
    /// The groups the person is a member of; `None` when the file has no such column.
    pub groups: Option<Vec<String>>,
}

/// The roster of `sync`: a CSV file with a header naming `email` and `firstName`, and
/// optionally `lastName`, `type` (`user`, `room-admin`, `docspace-admin`, `guest`),
/// `groups` (names separated by `;`) and `status` (`active`, `terminated`), or JSON
/// Lines with the same names (`groups` also as an array). Every row is checked, the
/// same way as `user create --from` checks its rows; an address listed twice, compared
/// as the portal compares addresses, is a problem too. All problems are returned
/// together, with their lines.
pub fn roster(text: &str) -> Result<Vec<Person>, Vec<String>> {
    let rows = checked_rows(text, ROSTER, |fields| {
        let (email, first_name, last_name) = named(fields)?;
        let last_name = fields.last_name.is_some().then_some(last_name);
        let user_type = match cell(&fields.user_type).map(str::to_ascii_lowercase) {
            None => None,
            Some(name) if name == "guest" => Some(UserType::Guest),
            Some(name) => Some(user_type(Some(&name)).map_err(|_| {
                format!("type '{name}' is not one of user, room-admin, docspace-admin, guest")
            })?),
        };
        let terminated = match cell(&fields.status).map(str::to_ascii_lowercase) {
            None => false,
            Some(status) if status == "active" => false,
            Some(status) if status == "terminated" => true,
            Some(status) => {
                return Err(format!(
                    "status '{status}' is not one of active, terminated"
                ));
            }
        };
        let groups = match &fields.groups {
            None => None,
            Some(GroupsCell::Text(text)) => Some(group_names(text.split(';'))?),
            Some(GroupsCell::List(names)) => Some(group_names(names.iter().map(String::as_str))?),
        };
        if user_type == Some(UserType::Guest) && groups.as_ref().is_some_and(|g| !g.is_empty()) {
            return Err(
                "a guest cannot be a member of a group (the portal skips one): leave its groups empty"
                    .to_owned(),
            );
        }
        Ok((
            email.clone(),
            Person {
                line: 0,
                email,
                first_name,
                last_name,
                user_type,
                terminated,
                groups,
            },
        ))
    })?;
    Ok(rows
        .into_iter()
        .map(|(line, person)| Person { line, ..person })
        .collect())
}

/// Group names, trimmed, each once, in their order; empty parts (`Sales;`) are skipped.
fn group_names<'a>(names: impl Iterator<Item = &'a str>) -> Result<Vec<String>, String> {
    let mut groups: Vec<String> = Vec::new();
    for name in names.map(str::trim).filter(|n| !n.is_empty()) {
        if name.chars().any(char::is_control) {
            return Err(format!(
                "the group name '{}' holds a control character",
                name.escape_debug()
            ));
        }
        if !groups.iter().any(|g| g == name) {
            groups.push(name.to_owned());
        }
    }
    Ok(groups)
}

/// Reads the rows of a file of people, with the optional columns `columns`, and checks
/// each with `check`, which gives the row's address and value. A file without people
/// (empty, or a header alone) has no rows: a nightly export on a night without new
/// staff is not an error.
fn checked_rows<T>(
    text: &str,
    columns: &[&str],
    check: impl Fn(&Fields) -> Result<(Email, T), String>,
) -> Result<Vec<(usize, T)>, Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let raw = if first.trim_start().starts_with('{') {
        json_lines(text, columns)?
    } else {
        csv_rows(text, columns)?
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashSet<Email> = HashSet::with_capacity(raw.len());
    for (line, fields) in raw {
        match check(&fields) {
            Ok((email, _)) if !seen.insert(email.clone()) => {
                problems.push(format!("line {line}: {email} is listed twice"));
            }
            Ok((_, row)) => rows.push((line, row)),
            Err(problem) => problems.push(format!("line {line}: {problem}")),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Fields {
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(rename = "type")]
    user_type: Option<String>,
    groups: Option<GroupsCell>,
    status: Option<String>,
}

impl Fields {
    /// The names of the optional columns this row gives.
    fn given(&self) -> impl Iterator<Item = &'static str> {
        [
            ("lastName", self.last_name.is_some()),
            ("type", self.user_type.is_some()),
            ("groups", self.groups.is_some()),
            ("status", self.status.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
    }
}

/// The groups of a row: `a;b` in CSV, and in JSON too, or an array of names.
#[derive(Deserialize)]
#[serde(untagged)]
enum GroupsCell {
    Text(String),
    List(Vec<String>),
}

/// A cell's text, trimmed; `None` when it is empty or not there.
fn cell(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// The address and names of a row, checked as the portal checks them.
fn named(fields: &Fields) -> Result<(Email, String, String), String> {
    let text = fields.email.as_deref().unwrap_or_default().trim();
    let email: Email = text
        .parse()
        .map_err(|_| format!("'{text}' is not an e-mail address the portal accepts"))?;
    let first_name = fields.first_name.as_deref().unwrap_or_default().trim();
    if first_name.is_empty() {
        return Err("firstName is empty".to_owned());
    }
    let last_name = fields.last_name.as_deref().unwrap_or_default().trim();
    for (field, name) in [("firstName", first_name), ("lastName", last_name)] {
        if !name.chars().all(name_char) {
            return Err(format!(
                "{field} '{name}' has characters the portal refuses in names (only letters and marks of Unicode {}, spaces, apostrophes and hyphens)",
                unicode::UNICODE_VERSION
            ));
        }
    }
    Ok((email, first_name.to_owned(), last_name.to_owned()))
}

/// The portal's default rule for names (`core:username:regex`, `^[\p{L}\p{M}' \-]+$`):
/// letters and marks of any script (the generated table of [`unicode`]), apostrophe,
/// space and hyphen. Exactly the characters the rule takes, no more and no fewer.
fn name_char(c: char) -> bool {
    unicode::is_letter_or_mark(c) || matches!(c, '\'' | ' ' | '-')
}

fn json_lines(text: &str, columns: &[&str]) -> Result<Vec<(usize, Fields)>, Vec<String>> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let names = format!("email, firstName, {}", columns.join(", "));
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Fields>(line) {
            Ok(fields) => {
                let extra = fields.given().find(|name| !columns.contains(name));
                match extra {
                    Some(extra) => problems.push(format!(
                        "line {}: not a JSON object with {names}: unknown field `{extra}`",
                        number + 1
                    )),
                    None => rows.push((number + 1, fields)),
                }
            }
            Err(e) => problems.push(format!(
                "line {}: not a JSON object with {names}: {e}",
                number + 1
            )),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn csv_rows(text: &str, columns: &[&str]) -> Result<Vec<(usize, Fields)>, Vec<String>> {
    let records = csv_records(text)?;
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(vec!["the file is empty".to_owned()]);
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(email), Some(first)) = (column("email"), column("firstName")) else {
        return Err(vec![format!(
            "line 1: the header must name the columns email,firstName[,{}], not '{}'",
            columns.join(","),
            header.join(",")
        )]);
    };
    let optional = |name: &str| columns.contains(&name).then(|| column(name)).flatten();
    let (last, kind, groups, status) = (
        optional("lastName"),
        optional("type"),
        optional("groups"),
        optional("status"),
    );
    if let Some(twice) = (0..header.len()).find(|i| {
        header[..*i]
            .iter()
            .any(|h| h.trim().eq_ignore_ascii_case(header[*i].trim()))
    }) {
        return Err(vec![format!(
            "line 1: the column '{}' is named twice",
            header[twice]
        )]);
    }
    let known = [Some(email), Some(first), last, kind, groups, status];
    if let Some(extra) = (0..header.len()).find(|i| !known.contains(&Some(*i))) {
        return Err(vec![format!("line 1: unknown column '{}'", header[extra])]);
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (line, record) in records {
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        if record.len() != header.len() {
            problems.push(format!(
                "line {line}: {} fields, but the header has {}",
                record.len(),
                header.len()
            ));
            continue;
        }
        let field = |i: Option<usize>| i.map(|i| record[i].clone());
        rows.push((
            line,
            Fields {
                email: field(Some(email)),
                first_name: field(Some(first)),
                last_name: field(last),
                user_type: field(kind),
                groups: field(groups).map(GroupsCell::Text),
                status: field(status),
            },
        ));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// RFC 4180 records with the line each starts on. Quoted fields may hold commas, quotes
/// (doubled) and line breaks.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, Vec<String>> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            '"' => {
                return Err(vec![format!(
                    "line {line}: a quote inside an unquoted field (quote the whole field and double the quote)"
                )]);
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(vec![format!("line {start}: a quoted field is not closed")]);
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((start, fields));
    }
    Ok(records)
}

/// The second field of the second record of a CSV text, read by this module's reader:
/// for the round-trip test of the CSV writer.
#[cfg(test)]
pub fn csv_first_name(text: &str) -> Option<String> {
    csv_records(text).ok()?.get(1)?.1.get(1).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use docspace_people::UserType;

    #[test]
    fn lists_skip_comments_blanks_and_duplicates() {
        let text = "# leavers\n\nann@example.com\n0B1C7F2E-5D0E-4B7A-9A5C-2F1E6D3C4B5A  John Doe\nann@example.com\n";
        assert_eq!(
            user_list(text).unwrap(),
            vec![
                UserRef::Email("ann@example.com".parse().unwrap()),
                UserRef::Id("0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a".parse().unwrap())
            ]
        );
        assert_eq!(
            user_list("ann@example.com\nbob\n\nbad@\n").unwrap_err(),
            vec![
                "line 2: 'bob' is neither a user id nor an e-mail address",
                "line 4: 'bad@' is neither a user id nor an e-mail address"
            ]
        );
    }

    #[test]
    fn csv_records_with_quotes_commas_and_line_breaks() {
        let text = "a,\"b, c\",\"d \"\"e\"\"\"\r\n\"f\ng\",h,\n\nlast";
        assert_eq!(
            csv_records(text).unwrap(),
            vec![
                (1, vec!["a".into(), "b, c".into(), "d \"e\"".into()]),
                (2, vec!["f\ng".into(), "h".into(), "".into()]),
                (4, vec!["".into()]),
                (5, vec!["last".into()]),
            ]
        );
    }

    #[test]
    fn csv_people_with_quoting_and_accents() {
        let text = "email,firstName,lastName,type\r\n\
                    ann@example.com,Ann,\"O'Neil-Lee\",room-admin\r\n\
                    \"bob@example.com\",\"Bob\",\"Ray\",\n\
                    zoe@example.com,Zoë,Ünal,\n";
        let rows = people(text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].user.last_name, "O'Neil-Lee");
        assert_eq!(rows[0].user.user_type, UserType::RoomAdmin);
        assert_eq!(rows[1].user.email.as_str(), "bob@example.com");
        assert_eq!((rows[2].line, rows[2].user.first_name.as_str()), (4, "Zoë"));
        let broken = "email,firstName,lastName\nann@example.com,Ann,\"Lee\nSmith\"\n";
        assert!(people(broken).unwrap_err()[0].starts_with("line 2: lastName"));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let text = "email,firstName,lastName\n\
                    ann@example.com,Ann,Lee\n\
                    not-an-email,Bob,Ray\n\
                    cat@example.com,,Cole\n\
                    ann@example.com,Ann,Again\n\
                    dan@example.com,Dan\n";
        assert_eq!(
            people(text).unwrap_err(),
            vec!["line 6: 2 fields, but the header has 3",]
        );
        let text = "email,firstName,lastName,type\n\
                    ann@example.com,Ann,Lee,\n\
                    not-an-email,Bob,Ray,\n\
                    cat@example.com,,Cole,\n\
                    ann@example.com,Ann,Again,\n\
                    eve@example.com,Eve,Guest,guest\n\
                    r2@example.com,R2D2,Droid,\n";
        let problems = people(text).unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(
            problems[4].starts_with("line 7: firstName 'R2D2' has characters"),
            "{problems:?}"
        );
        assert!(problems[0].starts_with("line 3: 'not-an-email'"));
        assert_eq!(problems[1], "line 4: firstName is empty");
        assert_eq!(problems[2], "line 5: ann@example.com is listed twice");
        assert!(problems[3].starts_with("line 6: guests cannot be created"));
    }

    #[test]
    fn names_in_every_script_pass_the_portals_rule() {
        for name in [
            "देवनागरी",                   // Devanagari, with a virama and vowel signs (marks)
            "தமிழ்",                      // Tamil, with a virama
            "สมชาย ใจดี",                 // Thai, with vowel marks
            "محمد",                      // Arabic
            "שלום",                      // Hebrew
            "王小明",                    // Han
            "Jose\u{301} Mu\u{308}ller", // decomposed Latin: combining accents
            "O'Neil-Lee",
        ] {
            assert!(name.chars().all(name_char), "{name}");
        }
        for name in ["R2D2", "Ⅻ", "a_b", "a.b", "😀", "a\u{200d}b", "٣"] {
            assert!(!name.chars().all(name_char), "{name}");
        }
    }

    #[test]
    fn addresses_in_every_script_are_accepted_for_accounts() {
        let text = "email,firstName,lastName\njürgen.müller@example.de,Jürgen,Müller\n";
        assert_eq!(
            people(text).unwrap()[0].user.email.as_str(),
            "jürgen.müller@example.de"
        );
        assert_eq!(
            user_list("jürgen.müller@example.de\n").unwrap(),
            vec![UserRef::Email("jürgen.müller@example.de".parse().unwrap())]
        );
    }

    #[test]
    fn headers_and_quotes_are_checked() {
        assert!(people("mail,name\na@b.co,A\n").unwrap_err()[0].contains("header must name"));
        assert!(
            people("email,firstName,phone\n").unwrap_err()[0].contains("unknown column 'phone'")
        );
        assert!(people("email,firstName\n\"a@b.co,A\n").unwrap_err()[0].contains("not closed"));
        assert!(people("email,firstName\na\"b@c.co,A\n").unwrap_err()[0].contains("quote inside"));
        // Nobody to create is not a bad file.
        assert_eq!(people("email,firstName\n").unwrap(), Vec::new());
        assert_eq!(people("\u{feff}\n  \n").unwrap(), Vec::new());
    }

    #[test]
    fn a_roster_takes_types_statuses_and_groups() {
        let text = "email,firstName,lastName,type,status,groups\r\n\
                    ann@example.com,Ann,Lee,Room-Admin,Terminated,\"Sales; Support;;Sales\"\r\n\
                    bob@example.com,Bob,,,,\r\n\
                    gus@example.com,Gus,,GUEST,,\r\n";
        let people = roster(text).unwrap();
        assert_eq!(people[0].user_type, Some(UserType::RoomAdmin));
        assert_eq!(people[2].user_type, Some(UserType::Guest));
        assert!(people[0].terminated);
        assert_eq!(
            people[0].groups.as_deref(),
            Some(&["Sales".to_owned(), "Support".to_owned()][..])
        );
        assert_eq!(
            (people[1].line, people[1].user_type, people[1].terminated),
            (3, None, false)
        );
        assert_eq!(people[1].last_name.as_deref(), Some(""));
        assert_eq!(people[1].groups.as_deref(), Some(&[][..]));
        // Without the columns: last names and groups are not the roster's to say.
        let bare = roster("email,firstName\nann@example.com,Ann\n").unwrap();
        assert_eq!(
            (bare[0].last_name.as_ref(), bare[0].groups.as_ref()),
            (None, None)
        );
        let json = roster(
            "{\"email\":\"ann@example.com\",\"firstName\":\"Ann\",\"groups\":[\"A\",\" B \"]}\n",
        )
        .unwrap();
        assert_eq!(
            json[0].groups.as_deref(),
            Some(&["A".to_owned(), "B".to_owned()][..])
        );
        assert_eq!(json[0].last_name, None);
    }

    #[test]
    fn create_files_keep_their_columns() {
        assert!(
            people("email,firstName,status\n").unwrap_err()[0].contains("unknown column 'status'")
        );
        let problems =
            people("{\"email\":\"a@b.co\",\"firstName\":\"A\",\"groups\":\"x\"}\n").unwrap_err();
        assert!(
            problems[0].ends_with("unknown field `groups`"),
            "{problems:?}"
        );
        assert!(
            roster("email,firstName,Email\n").unwrap_err()[0]
                .contains("the column 'Email' is named twice")
        );
        let problems =
            roster("email,firstName,type,status\na@b.co,A,boss,\nb@b.co,B,,gone\n").unwrap_err();
        assert_eq!(
            problems,
            [
                "line 2: type 'boss' is not one of user, room-admin, docspace-admin, guest",
                "line 3: status 'gone' is not one of active, terminated"
            ]
        );
    }

    #[test]
    fn json_lines() {
        let text = "{\"email\":\"ann@example.com\",\"firstName\":\"Ann\",\"lastName\":\"Lee\"}\n\n\
                    {\"email\":\"bob@example.com\",\"firstName\":\"Bob\",\"type\":\"docspace-admin\"}\n";
        let rows = people(text).unwrap();
        assert_eq!(rows[1].user.user_type, UserType::DocSpaceAdmin);
        assert_eq!(rows[1].line, 3);
        let problems =
            people("{\"email\":\"a@b.co\",\"firstName\":\"A\",\"phone\":1}\n").unwrap_err();
        assert!(
            problems[0].starts_with("line 1: not a JSON object"),
            "{problems:?}"
        );
    }
}
