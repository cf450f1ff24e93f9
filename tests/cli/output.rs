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

    let one = docspace(&portal, &key, &["user", "get", &ann, "--json"]);
    one.code(0).stderr_is("");
    assert!(one.stdout.ends_with("}\n"), "{}", one.stdout);
    assert_eq!(one.stdout.lines().count(), 1, "{}", one.stdout);
    assert_user(&one.json(), &ann_object);

    let two = docspace(&portal, &key, &["user", "get", &ann, &bob, "--json"]);
    two.code(0).stderr_is("");
    assert!(two.stdout.ends_with("]\n"), "{}", two.stdout);
    assert_eq!(two.stdout.lines().count(), 1, "{}", two.stdout);
    let printed = two.json();
    let array = printed.as_array().expect("an array for two users");
    assert_eq!(array.len(), 2, "{}", two.stdout);
    assert_user(&array[0], &ann_object);
    assert_user(&array[1], &bob_object);
}
