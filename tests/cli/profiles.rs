//! Profiles for several portals: a config file of paths (never secrets), chosen with
//! --profile or DOCSPACE_PROFILE or its default; flags win over the environment, and the
//! environment over the profile.

use crate::portal::Portal;
use crate::run;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

struct Setup {
    dir: PathBuf,
    config: String,
    token: String,
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn setup(portal: &Portal, name: &str, body: impl Fn(&str, &str) -> String) -> Setup {
    let dir = portal.state_dir().join(format!("profiles-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let token = dir.join("token");
    std::fs::write(&token, portal.owner().key).unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = dir.join("config.json");
    std::fs::write(&config, body(&portal.url(), token.to_str().unwrap())).unwrap();
    Setup {
        config: config.to_str().unwrap().to_owned(),
        token: token.to_str().unwrap().to_owned(),
        dir,
    }
}

fn state(portal: &Portal) -> String {
    portal.state_dir().to_str().unwrap().to_owned()
}

#[test]
fn the_default_profile_or_the_one_asked_for_gives_the_portal_and_the_key() {
    let portal = Portal::start();
    let s = setup(&portal, "a", |url, token| {
        format!(
            r#"{{"default":"prod","profiles":{{"prod":{{"portal":"{url}","token_file":"{token}","timeout":5}},
                "other":{{"portal":"https://other.example.invalid","token_file":"{token}"}}}}}}"#
        )
    });
    let state = state(&portal);
    let env = [
        ("DOCSPACE_CONFIG", s.config.as_str()),
        ("XDG_STATE_HOME", state.as_str()),
    ];

    run(&["whoami"], &env, None)
        .code(0)
        .stdout_has("owner@example.com");

    let shown = run(&["config", "show"], &env, None);
    shown
        .code(0)
        .stdout_has(&format!(
            "portal        {}  (profile prod in {})",
            portal.url(),
            s.config
        ))
        .stdout_has(&format!(
            "credential    {}  (profile prod in {})",
            s.token, s.config
        ))
        .stdout_has("timeout       5 s  (profile prod in")
        .stdout_has("retries       3  (default)")
        .never_shows(&portal.owner().key);

    // The environment wins over the profile, and a flag over both.
    let with_env = [
        ("DOCSPACE_CONFIG", s.config.as_str()),
        ("DOCSPACE_PROFILE", "other"),
        ("DOCSPACE_URL", "https://env.example.invalid"),
    ];
    run(&["config", "show", "--timeout", "9"], &with_env, None)
        .code(0)
        .stdout_has("portal        https://env.example.invalid  (DOCSPACE_URL)")
        .stdout_has("timeout       9 s  (--timeout)");
    run(&["config", "show", "--profile", "nope"], &env, None)
        .code(78)
        .stderr_has("has no profile 'nope' (it has: other, prod)");
}

#[test]
fn a_config_file_with_an_unknown_key_or_a_secret_is_refused_with_its_name() {
    let portal = Portal::start();
    let typo = setup(&portal, "typo", |url, _| {
        format!(r#"{{"default":"p","profiles":{{"p":{{"portal":"{url}","timeuot":5}}}}}}"#)
    });
    run(
        &["whoami"],
        &[("DOCSPACE_CONFIG", typo.config.as_str())],
        None,
    )
    .code(78)
    .stderr_has("unknown field `timeuot`");

    let secret = setup(&portal, "secret", |url, _| {
        format!(r#"{{"default":"p","profiles":{{"p":{{"portal":"{url}","token":"sk-abc"}}}}}}"#)
    });
    run(
        &["whoami"],
        &[("DOCSPACE_CONFIG", secret.config.as_str())],
        None,
    )
    .code(78)
    .stderr_has("holds a 'token': the file holds paths, not secrets")
    .never_shows("sk-abc");
    assert!(portal.api_requests().is_empty(), "nothing was sent");
    let _ = Path::new(&typo.token);
}
