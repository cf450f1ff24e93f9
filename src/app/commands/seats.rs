//! `seats`: the portal's paid seats, used and available, and who holds them (room
//! admins and DocSpace admins), so that an admin can decide whom to demote.

use crate::app::exit::{DONE, Failure};
use crate::app::format::{Format, Printer};
use crate::app::output::Output;
use crate::app::show::user_json;
use docspace_people::{Client, Filter, Status, User, UserType};
use serde_json::json;

pub fn run(client: &Client, out: &mut Output) -> Result<u8, Failure> {
    let seats = client.seats()?;
    let mut holders: Vec<User> = Vec::new();
    for user_type in [UserType::DocSpaceAdmin, UserType::RoomAdmin] {
        let filter = Filter {
            user_type: Some(user_type),
            ..Filter::default()
        };
        for user in client.list_users(&filter) {
            let user =
                user.map_err(|e| Failure::from(e.during("list the holders of paid seats")))?;
            if user.status != Status::Terminated {
                holders.push(user);
            }
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
