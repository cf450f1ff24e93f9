//! `user list`: every matching account, streamed a page at a time.

use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use crate::app::show::{table_header, table_row};
use docspace_people::{Client, Filter};

pub fn run(client: &Client, filter: &Filter, ids: bool, out: &mut Output) -> Result<u8, Failure> {
    out.json_text("[")?;
    if !ids {
        out.line(&table_header())?;
    }
    for (listed, user) in client.list_users(filter).enumerate() {
        let user = match user {
            Ok(user) => user,
            // The JSON array is left open: a consumer must not take a listing that
            // failed half-way for a complete one.
            Err(e) => {
                return Err(e
                    .during(format!("list users (after {listed} listed)"))
                    .into());
            }
        };
        if listed > 0 {
            out.json_text(",\n")?;
        }
        out.json_text(user.json())?;
        if ids {
            out.line(&user.id.to_string())?;
        } else {
            out.line(&table_row(&user))?;
        }
    }
    out.json_text("]\n")?;
    Ok(DONE)
}
