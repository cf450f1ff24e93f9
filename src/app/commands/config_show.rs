//! `config show`: the settings a run would use, each with where it came from (a flag,
//! the environment, the profile, or the default), one a line. Never a secret.

use super::{Command, Prints, Run, Spec};
use crate::app::exit::{DONE, Failure};
use crate::app::show::printable;
use serde_json::json;

pub const SPEC: Spec = Spec {
    name: "config show",
    args: "",
    summary: "the settings in effect, each with its source",
    about: "\
Prints the settings a run would use (portal, credential file, CA file, timeout, retries,
journal, protect file), one a line, each with where it came from: a flag, the
environment, the profile of the config file, or the default. Never a secret. The config
file is DOCSPACE_CONFIG, else $XDG_CONFIG_HOME/docspace-people/config.json (~/.config/…
when unset); it holds paths, never a key:
  {\"default\": \"prod\", \"profiles\": {\"prod\": {\"portal\": \"https://portal.example.com\",
   \"token_file\": \"/etc/docspace-people/token\", \"timeout\": 30,
   \"protect_file\": \"/etc/docspace-people/protect\"}}}",
    options: &[],
    examples: &["docspace-people config show --profile prod"],
    prints: Prints::Json,
    parse: |args| {
        args.no_words()?;
        Ok(Box::new(ConfigShow))
    },
};

#[derive(Debug)]
pub struct ConfigShow;

impl Command for ConfigShow {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let shown = run.settings.shown();
        let objects: Vec<_> = shown
            .iter()
            .map(|(name, value, source)| json!({ "setting": name, "value": value, "source": source }))
            .collect();
        run.out.json(&serde_json::Value::Array(objects))?;
        if !run.out.json {
            for (name, value, source) in &shown {
                // Each value made printable alone: the line's end is the program's own.
                let line = printable(&format!("{name:<12}  {value}  ({source})"));
                run.out.data(&format!("{line}\n"))?;
            }
        }
        Ok(DONE)
    }
}
