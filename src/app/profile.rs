//! Profiles for several portals: a JSON file of named settings, chosen with `--profile`
//! or `DOCSPACE_PROFILE` (else the file's `default`). Flags win over the environment,
//! and the environment over the profile. The file holds paths, never a secret.

use super::cli::Globals;
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

#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
struct Profile {
    portal: Option<String>,
    token_file: Option<PathBuf>,
    ca_file: Option<PathBuf>,
    timeout: Option<u64>,
    retries: Option<u32>,
    protect_file: Option<PathBuf>,
    journal: Option<PathBuf>,
}

/// The keys that would hold a secret, refused with the reason.
const SECRETS: [&str; 5] = ["token", "api_key", "key", "password", "secret"];

/// One effective setting and where it came from, for `config show`.
pub struct Setting {
    pub name: &'static str,
    pub value: String,
    pub source: String,
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

/// Fills in `globals` from the chosen profile where neither a flag nor the environment
/// set a value, and says where each setting came from.
pub fn apply(globals: &mut Globals, env: &dyn Environment) -> Result<Vec<Setting>, Failure> {
    let file = path(env);
    let chosen = globals.profile.clone().or_else(|| {
        env.var("DOCSPACE_PROFILE")
            .map(|p| p.to_string_lossy().into_owned())
    });
    let (profile, origin) = match load(file.as_ref(), chosen.as_deref())? {
        Some((name, profile)) => {
            let origin = format!(
                "profile {name} in {}",
                file.as_ref()
                    .map_or(String::new(), |f| f.display().to_string())
            );
            (profile, origin)
        }
        None => (Profile::default(), String::new()),
    };
    let mut settings = Vec::new();
    let mut note = |name: &'static str, value: Option<String>, source: String| {
        if let Some(value) = value {
            settings.push(Setting {
                name,
                value,
                source,
            });
        }
    };
    let env_text = |name: &str| env.var(name).map(|v| v.to_string_lossy().into_owned());

    let (portal, source) = match (&globals.portal, env_text("DOCSPACE_URL"), &profile.portal) {
        (Some(p), _, _) => (Some(p.clone()), "--portal".to_owned()),
        (None, Some(p), _) => (Some(p), "DOCSPACE_URL".to_owned()),
        (None, None, Some(p)) => (Some(p.clone()), origin.clone()),
        _ => (None, String::new()),
    };
    globals.portal = portal.clone();
    note("portal", portal, source);

    let token_env = [
        "DOCSPACE_TOKEN_FILE",
        "DOCSPACE_TOKEN",
        "CREDENTIALS_DIRECTORY",
    ]
    .into_iter()
    .find(|name| env.var(name).is_some());
    let token = match (&globals.token_file, token_env, &profile.token_file) {
        (Some(path), _, _) => Some((path.display().to_string(), "--token-file".to_owned())),
        (None, Some("DOCSPACE_TOKEN"), _) => Some((
            "(the value of DOCSPACE_TOKEN, not shown)".to_owned(),
            "DOCSPACE_TOKEN".to_owned(),
        )),
        (None, Some(name), _) => Some((env_text(name).unwrap_or_default(), name.to_owned())),
        (None, None, Some(path)) => {
            globals.token_file = Some(path.clone());
            Some((path.display().to_string(), origin.clone()))
        }
        _ => None,
    };
    if let Some((value, source)) = token {
        note("credential", Some(value), source);
    }

    let ca = match (
        &globals.ca_file,
        env_text("DOCSPACE_CA_FILE"),
        &profile.ca_file,
    ) {
        (Some(path), _, _) => Some((path.clone(), "--ca-file".to_owned())),
        (None, Some(path), _) => Some((PathBuf::from(path), "DOCSPACE_CA_FILE".to_owned())),
        (None, None, Some(path)) => Some((path.clone(), origin.clone())),
        _ => None,
    };
    if let Some((path, source)) = ca {
        note("ca_file", Some(path.display().to_string()), source);
        globals.ca_file = Some(path);
    }

    let timeout = match (globals.timeout, profile.timeout) {
        (Some(t), _) => (t, "--timeout".to_owned()),
        (None, Some(t)) if (1..=3600).contains(&t) => (t, origin.clone()),
        (None, Some(t)) => {
            return Err(Failure::Config(format!(
                "{origin}: timeout {t} is not a whole number of seconds from 1 to 3600"
            )));
        }
        (None, None) => (30, "default".to_owned()),
    };
    globals.timeout = Some(timeout.0);
    note("timeout", Some(format!("{} s", timeout.0)), timeout.1);

    let retries = match (globals.retries, profile.retries) {
        (Some(r), _) => (r, "--retries".to_owned()),
        (None, Some(r)) if r <= 10 => (r, origin.clone()),
        (None, Some(r)) => {
            return Err(Failure::Config(format!(
                "{origin}: retries {r} is not from 0 to 10"
            )));
        }
        (None, None) => (3, "default".to_owned()),
    };
    globals.retries = Some(retries.0);
    note("retries", Some(retries.0.to_string()), retries.1);

    if globals.journal.is_none() && env.var("DOCSPACE_JOURNAL").is_none() {
        globals.journal = profile.journal.clone();
        note(
            "journal",
            profile.journal.map(|p| p.display().to_string()),
            origin.clone(),
        );
    }
    if globals.protect_file.is_none() {
        globals.protect_file = profile.protect_file.clone();
        note(
            "protect_file",
            profile.protect_file.map(|p| p.display().to_string()),
            origin,
        );
    }
    Ok(settings)
}

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
