//! `config show`: the settings a run would use, each with where it came from (a flag,
//! the environment, the profile, or the default). Never a secret.

use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use crate::app::profile::Setting;
use crate::app::show::printable;
use serde_json::json;

pub fn run(settings: &[Setting], out: &mut Output) -> Result<u8, Failure> {
    let objects: Vec<_> = settings
        .iter()
        .map(|s| json!({ "setting": s.name, "value": s.value, "source": s.source }))
        .collect();
    out.json(&serde_json::Value::Array(objects))?;
    if !out.json {
        for s in settings {
            out.data(&printable(&format!(
                "{:<12}  {}  ({})\n",
                s.name, s.value, s.source
            )))?;
        }
    }
    Ok(DONE)
}
