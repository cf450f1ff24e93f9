//! One file a command; `main` reaches each through one match on the parsed command.

pub mod config_show;
pub mod create;
pub mod delete;
pub mod get;
pub mod guest_approve;
pub mod guest_cycle;
pub mod guest_delete;
pub mod guest_link;
pub mod invite;
pub mod journal;
pub mod lifecycle;
pub mod list;
pub mod login;
pub mod resend;
pub mod revoke;
pub mod seats;
pub mod set_type;
pub mod status;
pub mod whoami;
