//! The whole of what the main commands print, so that an extra, missing or repeated line
//! or JSON entry fails, not just a missing one.

use crate::docspace;
use crate::portal::{Kind, Portal};
use serde_json::{Value, json};

/// The top-level keys of a user object as the stand-in portal serves it, in its order;
/// `--json` passes the object through. The owner, created by nobody, has no `createdBy`.
fn member_keys(created_by: bool) -> Vec<&'static str> {
    let mut keys = vec![
        "firstName",
        "lastName",
        "userName",
        "email",
        "status",
        "activationStatus",
        "department",
        "isAdmin",
        "isRoomAdmin",
        "isLDAP",
        "isOwner",
        "isVisitor",
        "isCollaborator",
        "mobilePhoneActivationStatus",
        "isSSO",
        "registrationDate",
        "id",
        "displayName",
        "avatar",
        "avatarOriginal",
        "avatarMax",
        "avatarMedium",
        "avatarSmall",
        "profileUrl",
        "hasAvatar",
        "isAnonim",
        // The enums as words, added after what the portal sent.
        "typeName",
        "statusName",
        "activationName",
    ];
    if created_by {
        keys.insert(
            keys.iter().position(|k| *k == "isSSO").unwrap() + 1,
            "createdBy",
        );
    }
    keys
}

/// Asserts that `printed` is a user object with exactly the portal's keys (with
/// `createdBy` if `expected` has it) and, for each field of `expected`, that value (an
/// object in `expected` need only match in part).
#[track_caller]
fn assert_user(printed: &Value, expected: &Value) {
    let object = printed
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {printed}"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = member_keys(expected.get("createdBy").is_some());
    want.sort_unstable();
    assert_eq!(keys, want, "keys of {printed}");
    assert_part(printed, expected, "");
}

#[track_caller]
fn assert_part(printed: &Value, expected: &Value, at: &str) {
    match expected.as_object() {
        Some(fields) => {
            for (name, value) in fields {
                assert_part(&printed[name], value, &format!("{at}/{name}"));
            }
        }
        None => assert_eq!(printed, expected, "{at}"),
    }
}

/// The fields of an active user's object that the commands read or that its type sets;
/// every user but the owner was created by the owner.
fn user(portal: &Portal, id: &str, email: &str, first: &str, last: &str, kind: Kind) -> Value {
    let mut fields = json!({
        "id": id,
        "email": email,
        "firstName": first,
        "lastName": last,
        "displayName": format!("{first} {last}"),
        "status": 1,
        "activationStatus": 1,
        "isOwner": kind == Kind::Owner,
        "isAdmin": false,
        "isRoomAdmin": kind == Kind::RoomAdmin,
        "isCollaborator": kind == Kind::User,
        "isVisitor": kind == Kind::Guest,
        "profileUrl": format!(
            "{}/accounts/people/filter?search={}",
            portal.url(),
            email.replace('@', "%40")
        ),
    });
    if kind != Kind::Owner {
        fields["createdBy"] = json!({"id": portal.owner().id, "displayName": "Admin Owner"});
    }
    fields
}

fn ann_and_bob(portal: &Portal) -> (String, String) {
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::RoomAdmin, "bob@example.com", "Bob", "Ray");
    (ann.id, bob.id)
}

#[test]
fn get_of_one_user_prints_exactly_its_line() {
    let portal = Portal::start();
    let (ann, _) = ann_and_bob(&portal);

    docspace(&portal, &portal.owner().key, &["user", "get", &ann])
        .code(0)
        .stdout_is(&format!("{ann} Ann Lee <ann@example.com> user active\n"))
        .stderr_is("");
}

#[test]
fn get_of_two_users_prints_exactly_their_lines_in_order() {
    let portal = Portal::start();
    let (ann, bob) = ann_and_bob(&portal);

    docspace(
        &portal,
        &portal.owner().key,
        &["user", "get", &ann, "bob@example.com"],
    )
    .code(0)
    .stdout_is(&format!(
        "{ann} Ann Lee <ann@example.com> user active\n\
         {bob} Bob Ray <bob@example.com> room-admin active\n"
    ))
    .stderr_is("");
}

#[test]
fn get_as_json_is_exactly_the_portal_object_or_an_array_of_them() {
    let portal = Portal::start();
    let (ann, bob) = ann_and_bob(&portal);
    let key = portal.owner().key;
    let ann_object = user(&portal, &ann, "ann@example.com", "Ann", "Lee", Kind::User);
    let bob_object = user(
        &portal,
        &bob,
        "bob@example.com",
        "Bob",
        "Ray",
        Kind::RoomAdmin,
    );

    // One rule for any number of users: an array.
    let one = docspace(&portal, &key, &["user", "get", &ann, "--json"]);
    one.code(0).stderr_is("");
    assert!(one.stdout.ends_with("}]\n"), "{}", one.stdout);
    assert_eq!(one.stdout.lines().count(), 1, "{}", one.stdout);
    let printed = one.json();
    let array = printed.as_array().expect("an array for one user");
    assert_eq!(array.len(), 1, "{}", one.stdout);
    assert_user(&array[0], &ann_object);

    let two = docspace(&portal, &key, &["user", "get", &ann, &bob, "--json"]);
    two.code(0).stderr_is("");
    assert!(two.stdout.ends_with("]\n"), "{}", two.stdout);
    assert_eq!(
        two.stdout.lines().count(),
        2,
        "one user a line: {}",
        two.stdout
    );
    let printed = two.json();
    let array = printed.as_array().expect("an array for two users");
    assert_eq!(array.len(), 2, "{}", two.stdout);
    assert_user(&array[0], &ann_object);
    assert_user(&array[1], &bob_object);
}

/// A portal with one user of each type and status besides the owner, in the order
/// `user list` gives them (by registration date, then by creation).
struct Everyone {
    portal: Portal,
    owner: String,
    ann: String,
    bob: String,
    gina: String,
    cat: String,
    pending: String,
}

fn everyone() -> Everyone {
    let portal = Portal::start();
    let owner = portal.owner().id;
    let (ann, bob) = ann_and_bob(&portal);
    let gina = portal.add_guest_of(&owner, "gina@example.com", "Gina", "Guest");
    let cat = crate::terminated_member(&portal, "cat@example.com", "Cat", "Cole").id;
    let pending = portal.add_pending("pending@example.com");
    Everyone {
        portal,
        owner,
        ann,
        bob,
        gina,
        cat,
        pending,
    }
}

#[test]
fn list_prints_exactly_a_header_and_one_row_per_user() {
    let Everyone {
        portal,
        owner,
        ann,
        bob,
        gina,
        cat,
        pending,
    } = everyone();

    // The day each user registered, as the portal's own objects say.
    let listed = docspace(&portal, &portal.owner().key, &["user", "list", "--json"]).json();
    let day_of = |id: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .and_then(|u| u["registrationDate"].as_str())
            .map(|d| d[..10].to_owned())
            .unwrap()
    };
    let (day, yesterday, owner_day) = (day_of(&ann), day_of(&gina), day_of(&owner));
    let pending_day = day_of(&pending);

    docspace(&portal, &portal.owner().key, &["user", "list"])
        .code(0)
        .stdout_is(&format!(
            "ID                                    TYPE            STATUS      ACTIVATION     REGISTERED  EMAIL                             NAME\n\
             {ann}  user            active      activated      {day}  ann@example.com                   Ann Lee\n\
             {bob}  room-admin      active      activated      {day}  bob@example.com                   Bob Ray\n\
             {cat}  user            terminated  activated      {day}  cat@example.com                   Cat Cole\n\
             {gina}  guest           active      activated      {yesterday}  gina@example.com                  Gina Guest\n\
             {owner}  docspace-admin  active      activated      {owner_day}  owner@example.com                 Admin Owner\n\
             {pending}  user            pending     pending        {pending_day}  pending@example.com               pending@example.com\n"
        ))
        .stderr_is("");
}

#[test]
fn list_ids_prints_exactly_one_id_per_user() {
    let Everyone {
        portal,
        owner,
        ann,
        bob,
        gina,
        cat,
        pending,
    } = everyone();

    docspace(&portal, &portal.owner().key, &["user", "list", "--ids"])
        .code(0)
        .stdout_is(&format!(
            "{ann}\n{bob}\n{cat}\n{gina}\n{owner}\n{pending}\n"
        ))
        .stderr_is("");
}

/// The keys of each object of a JSON array, in the order they were printed.
fn keys_in_order(text: &str) -> Vec<Vec<String>> {
    struct Keys(Vec<String>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
            struct Visitor;
            impl<'de> serde::de::Visitor<'de> for Visitor {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((key, serde::de::IgnoredAny)) = map.next_entry()? {
                        keys.push(key);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(Visitor)
        }
    }
    let objects: Vec<Keys> = serde_json::from_str(text).expect("a JSON array of objects");
    objects.into_iter().map(|k| k.0).collect()
}

/// `--json` streams one array with one user per line, each the portal's object with its
/// keys in the portal's order.
#[test]
fn list_as_json_is_exactly_one_portal_object_per_user() {
    let everyone = everyone();
    let portal = &everyone.portal;

    let run = docspace(portal, &portal.owner().key, &["user", "list", "--json"]);

    run.code(0).stderr_is("");
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(rows.len(), 6, "one user per line:\n{}", run.stdout);
    assert!(rows[0].starts_with("[{"), "{}", rows[0]);
    assert!(
        rows[..5].iter().all(|r| r.ends_with("},")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("}]\n"), "{}", run.stdout);
    // Sorted by e-mail address: the owner, who was created by nobody, comes fifth.
    let keys: Vec<Vec<&str>> = [true, true, true, true, false, true]
        .into_iter()
        .map(member_keys)
        .collect();
    assert_eq!(keys_in_order(&run.stdout), keys);

    let printed = run.json();
    let array = printed.as_array().expect("an array");
    assert_eq!(array.len(), 6);
    let u = |id: &str, email, first, last, kind| user(portal, id, email, first, last, kind);
    let mut cat = u(&everyone.cat, "cat@example.com", "Cat", "Cole", Kind::User);
    cat["status"] = json!(2);
    let mut pending = u(&everyone.pending, "pending@example.com", "", "", Kind::User);
    pending["status"] = json!(4);
    pending["activationStatus"] = json!(2);
    pending["displayName"] = json!("pending@example.com");
    let expected = [
        u(&everyone.ann, "ann@example.com", "Ann", "Lee", Kind::User),
        u(
            &everyone.bob,
            "bob@example.com",
            "Bob",
            "Ray",
            Kind::RoomAdmin,
        ),
        cat,
        u(
            &everyone.gina,
            "gina@example.com",
            "Gina",
            "Guest",
            Kind::Guest,
        ),
        u(
            &everyone.owner,
            "owner@example.com",
            "Admin",
            "Owner",
            Kind::Owner,
        ),
        pending,
    ];
    for (printed, expected) in array.iter().zip(&expected) {
        assert_user(printed, expected);
    }
}

/// Two terminated users and, between them, one still active.
fn leavers() -> (Portal, [String; 3]) {
    let portal = Portal::start();
    let cat = crate::terminated_member(&portal, "cat@example.com", "Cat", "Cole").id;
    let ann = portal
        .add_member(Kind::User, "ann@example.com", "Ann", "Lee")
        .id;
    let dan = crate::terminated_member(&portal, "dan@example.com", "Dan", "Moe").id;
    (portal, [cat, ann, dan])
}

#[test]
fn a_bulk_delete_prints_exactly_each_outcome_and_the_summary() {
    let (portal, [cat, ann, dan]) = leavers();

    docspace(
        &portal,
        &portal.owner().key,
        &["user", "delete", &cat, &ann, "dan@example.com"],
    )
    .code(1)
    .stdout_is(&format!(
        "deleted {cat} Cat Cole <cat@example.com> (owns no rooms or shared files; personal files are destroyed; API key 'docspace-people' revoked)\n\
         deleted {dan} Dan Moe <dan@example.com> (owns no rooms or shared files; personal files are destroyed; API key 'docspace-people' revoked)\n\
         deleted 2, failed 1\n"
    ))
    .stderr_is(&format!(
        "docspace-people: delete {ann} Ann Lee <ann@example.com>: not terminated (active), \
         skipped: terminate first, or pass --terminate\n"
    ));
}

#[test]
fn a_bulk_delete_as_json_is_exactly_one_entry_per_user() {
    let (portal, [cat, ann, dan]) = leavers();

    let run = docspace(
        &portal,
        &portal.owner().key,
        &["--json", "user", "delete", &cat, &ann, "dan@example.com"],
    );

    let refusal = format!(
        "delete {ann} Ann Lee <ann@example.com>: not terminated (active), \
         skipped: terminate first, or pass --terminate"
    );
    run.code(1)
        .stderr_is(&format!("docspace-people: {refusal}\n"));
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert_eq!(
        run.json(),
        json!([
            {"id": ann, "email": "ann@example.com", "outcome": "failed", "error": refusal},
            {"id": cat, "email": "cat@example.com", "outcome": "deleted"},
            {"id": dan, "email": "dan@example.com", "outcome": "deleted"},
        ])
    );
}

/// The human lifecycle output is compared whole by
/// sequences::lifecycle_creates_reads_terminates_and_deletes_over_one_connection.
#[test]
fn lifecycle_as_json_is_exactly_the_state_the_steps_and_the_deleted_user() {
    let portal = Portal::start();

    let run = docspace(
        &portal,
        &portal.owner().key,
        &[
            "--json",
            "lifecycle",
            "--email",
            "john.doe@example.com",
            "--first-name",
            "John",
            "--last-name",
            "Doe",
        ],
    );

    run.code(0).stderr_is("");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let report = run.json();
    let mut keys: Vec<&str> = report
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["state", "steps", "user"]);
    assert_eq!(report["state"], "deleted");
    assert_eq!(
        report["steps"],
        json!([
            {"step": "create", "outcome": "done"},
            {"step": "get", "outcome": "done"},
            {"step": "terminate", "outcome": "done"},
            {"step": "delete", "outcome": "done"},
        ])
    );
    let id = report["user"]["id"].as_str().expect("the user's id");
    let deleted = portal.user(id).expect("known to the portal");
    assert_eq!(
        (deleted.email.as_str(), deleted.removed),
        ("john.doe@example.com", true)
    );
    let mut john = user(
        &portal,
        id,
        "john.doe@example.com",
        "John",
        "Doe",
        Kind::User,
    );
    john["status"] = json!(2);
    john["activationStatus"] = json!(2);
    john["displayName"] = json!("Profile removed");
    assert_user(&report["user"], &john);
}
