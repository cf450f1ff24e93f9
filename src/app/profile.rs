//! Profiles for several portals: a JSON file of named settings, chosen with `--profile`
//! or `DOCSPACE_PROFILE` (else the file's `default`). Flags win over the environment,
//! and the environment over the profile. The file holds paths, never a secret.

use super::env::Environment;
use super::exit::Failure;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    default: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The settings a profile may hold.
#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub portal: Option<String>,
    pub token_file: Option<PathBuf>,
    pub ca_file: Option<PathBuf>,
    pub timeout: Option<u64>,
    pub retries: Option<u32>,
    pub parallel: Option<usize>,
    pub protect_file: Option<PathBuf>,
    pub journal: Option<PathBuf>,
}

/// Where the config file is: `DOCSPACE_CONFIG`, else `$XDG_CONFIG_HOME/docspace-people/
/// config.json` (`~/.config/…` when unset).
fn path(env: &dyn Environment) -> Option<PathBuf> {
    if let Some(path) = env.var("DOCSPACE_CONFIG") {
        return Some(PathBuf::from(path));
    }
    let base = match env.var("XDG_CONFIG_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env.var("HOME")?).join(".config"),
    };
    Some(base.join("docspace-people/config.json"))
}

/// The chosen profile (`--profile`, else `DOCSPACE_PROFILE`, else the file's default),
/// with where it came from for `config show`; an empty one when none is chosen.
pub fn chosen(asked: Option<&str>, env: &dyn Environment) -> Result<(Profile, String), Failure> {
    let file = path(env);
    let asked = asked.map(str::to_owned).or_else(|| {
        env.var("DOCSPACE_PROFILE")
            .map(|p| p.to_string_lossy().into_owned())
    });
    Ok(match load(file.as_ref(), asked.as_deref())? {
        Some((name, profile)) => {
            let shown = file
                .as_ref()
                .map_or(String::new(), |f| f.display().to_string());
            (profile, format!("profile {name} in {shown}"))
        }
        None => (Profile::default(), String::new()),
    })
}

/// The keys that would hold a secret, refused with the reason.
const SECRETS: [&str; 5] = ["token", "api_key", "key", "password", "secret"];

/// The chosen profile of the file at `path`, with its name; `None` when no profile is
/// asked for and the file names no default (or there is no file).
fn load(
    path: Option<&PathBuf>,
    chosen: Option<&str>,
) -> Result<Option<(String, Profile)>, Failure> {
    let text = match path.map(std::fs::read_to_string) {
        Some(Ok(text)) => text,
        Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound && chosen.is_none() => {
            return Ok(None);
        }
        Some(Err(e)) => {
            return Err(Failure::Config(format!(
                "cannot read the config file {}: {e}",
                path.map_or(String::new(), |p| p.display().to_string())
            )));
        }
        None if chosen.is_some() => {
            return Err(Failure::Config(
                "a profile is asked for, but there is no config file: set DOCSPACE_CONFIG or HOME"
                    .to_owned(),
            ));
        }
        None => return Ok(None),
    };
    let shown = path.map_or(String::new(), |p| p.display().to_string());
    let raw: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Config(format!("the config file {shown} is not JSON: {e}")))?;
    for (name, profile) in raw["profiles"].as_object().into_iter().flatten() {
        if let Some(secret) = SECRETS.iter().find(|s| profile.get(**s).is_some()) {
            return Err(Failure::Config(format!(
                "the config file {shown}: profile {name} holds a '{secret}': the file holds paths, not secrets; put the key in a file only you can read and name it with token_file"
            )));
        }
    }
    let file: File = serde_json::from_value(raw)
        .map_err(|e| Failure::Config(format!("the config file {shown}: {e}")))?;
    let name = match chosen.map(str::to_owned).or(file.default) {
        Some(name) => name,
        None => return Ok(None),
    };
    match file.profiles.get(&name) {
        Some(profile) if profile.portal.is_some() => Ok(Some((name, profile.clone()))),
        Some(_) => Err(Failure::Config(format!(
            "the config file {shown}: profile {name} has no portal"
        ))),
        None => Err(Failure::Config(format!(
            "the config file {shown} has no profile '{name}' (it has: {})",
            file.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
        ))),
    }
}
