//! `seats`: the portal's paid seats, used and available, and who holds them (room
//! admins and DocSpace admins), so that an admin can decide whom to demote.

use super::{Command, Prints, Run, Spec};
use crate::app::exit::{DONE, Failure};
use crate::app::format::{Format, Printer};
use crate::app::output::Output;
use crate::app::show::{self, user_json};
use docspace_people::{Client, Filter, Status, User, UserType};
use serde_json::json;

pub const SPEC: Spec = Spec {
    name: "seats",
    args: "",
    summary: "paid seats used and available, and who holds them",
    about: "Prints the portal's paid seats, used and available, and the users who hold them (room\nadmins and DocSpace admins that are not terminated). Needs a DocSpace admin.",
    options: &[],
    examples: &["docspace-people seats"],
    prints: Prints::Json,
    parse: |args| {
        args.no_words()?;
        Ok(Box::new(Seats))
    },
};

#[derive(Debug)]
pub struct Seats;

impl Command for Seats {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        seats(&client, run.out)
    }
}

fn seats(client: &Client, out: &mut Output) -> Result<u8, Failure> {
    let seats = client.seats()?;
    let mut holders: Vec<User> = Vec::new();
    for user_type in [UserType::DocSpaceAdmin, UserType::RoomAdmin] {
        let filter = Filter {
            user_type: Some(user_type),
            ..Filter::default()
        };
        let mut users = client.list_users(&filter);
        for user in users.by_ref() {
            let user =
                user.map_err(|e| Failure::from(e.during("list the holders of paid seats")))?;
            if user.status != Status::Terminated {
                holders.push(user);
            }
        }
        if let Some(miscount) = users.miscount() {
            let after = format!("the holders are read from the {}", miscount.paged);
            out.error(&show::miscount(miscount, &after))?;
        }
    }
    let summary = match (seats.limit, seats.available()) {
        (Some(limit), Some(free)) => {
            format!(
                "paid seats: {} used, {free} available, {limit} in all",
                seats.used
            )
        }
        _ => format!("paid seats: {} used, no limit", seats.used),
    };
    if !out.json {
        out.data(&format!("{summary}\n"))?;
        let mut table = Printer::new(Format::Table, None, true);
        out.data(&table.start())?;
        for user in &holders {
            out.data(table.user(user))?;
        }
    }
    out.json(&json!({
        "used": seats.used,
        "limit": seats.limit,
        "available": seats.available(),
        "holders": holders.iter().map(user_json).collect::<Vec<_>>(),
    }))?;
    Ok(DONE)
}
