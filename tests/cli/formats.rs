//! Output a script can trust: `-q` never silences the data a read command prints, and
//! every command that prints users can print them as a table, JSON, JSON Lines, CSV,
//! TSV or ids, with the columns asked for.

use crate::docspace;
use crate::portal::{Kind, Portal};

fn two_users(portal: &Portal) -> (String, String) {
    let ann = portal
        .add_member(Kind::User, "ann@example.com", "Ann", "O'Neil, Jr.")
        .id;
    let bob = portal
        .add_member(
            Kind::RoomAdmin,
            "bob@example.com",
            "Bob \"the\" Builder",
            "Ray",
        )
        .id;
    (ann, bob)
}

#[test]
fn quiet_silences_notes_never_the_data_a_read_command_prints() {
    let portal = Portal::start();
    let owner = portal.owner();
    let (ann, bob) = two_users(&portal);
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");

    docspace(&portal, &owner.key, &["-q", "user", "list", "--ids"])
        .code(0)
        .stdout_is(&format!("{ann}\n{bob}\n{gina}\n{}\n", owner.id));
    docspace(&portal, &owner.key, &["-q", "user", "get", &ann])
        .code(0)
        .stdout_is(&format!(
            "{ann} Ann O'Neil, Jr. <ann@example.com> user active\n"
        ));
    let link = docspace(&portal, &owner.key, &["-q", "guest", "link", &gina]);
    assert!(link.code(0).stdout.starts_with("http"), "{}", link.stdout);
}

#[test]
fn csv_is_rfc_4180_with_the_columns_asked_for() {
    let portal = Portal::start();
    let owner = portal.owner();
    let (ann, bob) = two_users(&portal);

    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "get",
            &ann,
            &bob,
            "--output",
            "csv",
            "--columns",
            "id,first,last,type",
        ],
    )
    .code(0)
    .stdout_is(&format!(
        "ID,FIRST,LAST,TYPE\r\n\
         {ann},Ann,\"O'Neil, Jr.\",user\r\n\
         {bob},\"Bob \"\"the\"\" Builder\",Ray,room-admin\r\n"
    ));
    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "get",
            &ann,
            "--output",
            "csv",
            "--columns",
            "email",
            "--no-header",
        ],
    )
    .code(0)
    .stdout_is("ann@example.com\r\n");
}

#[test]
fn tsv_table_jsonl_and_ids() {
    let portal = Portal::start();
    let owner = portal.owner();
    let (ann, bob) = two_users(&portal);

    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "get",
            &ann,
            "--output",
            "tsv",
            "--columns",
            "id,name,status,activation",
        ],
    )
    .code(0)
    .stdout_is(&format!(
        "ID\tNAME\tSTATUS\tACTIVATION\r\n{ann}\tAnn O'Neil, Jr.\tactive\tactivated\r\n"
    ));
    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "get",
            &bob,
            "--output",
            "table",
            "--columns",
            "email,type",
        ],
    )
    .code(0)
    .stdout_is(
        "EMAIL                             TYPE\nbob@example.com                   room-admin\n",
    );

    let jsonl = docspace(
        &portal,
        &owner.key,
        &["user", "get", &ann, &bob, "--output", "jsonl"],
    );
    let lines: Vec<serde_json::Value> = jsonl
        .code(0)
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object a line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["id"], bob.as_str());
    assert_eq!(lines[1]["typeName"], "room-admin");
    assert_eq!(lines[1]["statusName"], "active");
    assert_eq!(lines[1]["status"], 1, "what the portal sent stays");

    docspace(
        &portal,
        &owner.key,
        &["user", "get", "ann@example.com", "--output", "ids"],
    )
    .code(0)
    .stdout_is(&format!("{ann}\n"));
}

/// A name in CJK takes two terminal cells a character, and a combining accent none: the
/// columns after the name start in the same cell on every line, as a terminal shows them.
#[test]
fn a_table_lines_up_names_by_the_cells_they_take() {
    let portal = Portal::start();
    let owner = portal.owner();
    let taro = portal
        .add_member(Kind::User, "taro@example.com", "山田", "太郎")
        .id;
    let jose = portal
        .add_member(Kind::RoomAdmin, "jose@example.com", "Jose\u{301}", "Lee")
        .id;
    let ann = portal
        .add_member(Kind::User, "ann@example.com", "Ann", "Ray")
        .id;

    let table = docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "get",
            &taro,
            &jose,
            &ann,
            "--output",
            "table",
            "--columns",
            "name,email,type",
        ],
    );
    // Every cell is padded to 32 terminal cells and 2 of gap: 山田 太郎 takes 9 cells (5
    // characters), Jose\u{301} Lee 8 (9 characters).
    let pad = |cells: usize| " ".repeat(34 - cells);
    table.code(0).stdout_is(&format!(
        "NAME{}EMAIL{}TYPE\n\
         山田 太郎{}taro@example.com{}user\n\
         Jose\u{301} Lee{}jose@example.com{}room-admin\n\
         Ann Ray{}ann@example.com{}user\n",
        pad(4),
        pad(5),
        pad(9),
        pad(16),
        pad(8),
        pad(16),
        pad(7),
        pad(15),
    ));
}

#[test]
fn a_format_or_column_that_does_not_exist_is_a_usage_error() {
    let portal = Portal::start();
    let owner = portal.owner();
    docspace(&portal, &owner.key, &["user", "list", "--output", "yaml"])
        .code(64)
        .stderr_has("--output 'yaml' is not one of table, json, jsonl, csv, tsv, ids");
    docspace(
        &portal,
        &owner.key,
        &["user", "list", "--columns", "id,phone"],
    )
    .code(64)
    .stderr_has("--columns: 'phone' is not one of id, email");
    assert!(portal.api_requests().is_empty());
}
