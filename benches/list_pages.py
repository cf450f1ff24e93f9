#!/usr/bin/env python3
"""Writes the canned pages of a 10 000-user `GET /api/2.0/people/filter` for nginx.

    python3 benches/list_pages.py DIR [--users 10000] [--page 100]

DIR/filter-0.json, filter-100.json, ... are the pages as DocSpace 3.7 sends them to a
DocSpace admin: the envelope {"count":100,"total":10000,"response":[...],"status":0,
"statusCode":200} around EmployeeFullDto objects like the canned user of nginx.conf.in
(about 1.6 KB each, 16 MB in all). DIR/filter-end.json is the empty page past the end.

The users are the same on every run: unique ids, and e-mail addresses that sort in page
order (the client asks for sortBy=email and may check the order and overlaps), with
names varied so that table columns are not all one width. Also writes DIR/ids.txt, the
ids in listing order, which measure.py checks the `--ids` output against.
"""

import argparse
import hashlib
import os

FIRST = ["Anna", "Boris", "Clara", "Daniel", "Elena", "Felix", "Greta", "Hugo", "Irene",
         "Jonas", "Katya", "Liam", "Marta", "Nils", "Olga", "Pavel"]
LAST = ["Adler", "Becker", "Costa", "Dvorak", "Engel", "Fischer", "Garcia", "Horvat",
        "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Olsen", "Petrov"]
OWNER = "7ffe085d-0dc5-43c2-a9f2-757bd9a0afff"
AVATAR = "/static/images/default_user_photo_size_%s.png?hash=1238743481"
AVATARS = (f'"avatar":"{AVATAR % "82-82"}","avatarOriginal":"{AVATAR % "200-200"}",'
           f'"avatarMax":"{AVATAR % "200-200"}","avatarMedium":"{AVATAR % "48-48"}",'
           f'"avatarSmall":"{AVATAR % "32-32"}"')
CREATED_BY = (f'{{"id":"{OWNER}","displayName":"Admin Owner",{AVATARS},'
              '"profileUrl":"https://portal.example.com/accounts/people/filter?search=owner%40example.com",'
              '"hasAvatar":false,"isAnonim":false}')
def esc(text):
    return text.replace("{", "{{").replace("}", "}}")


USER = ('{{"firstName":"{first}","lastName":"{last}","userName":"{user}","email":"{email}",'
        '"status":1,"activationStatus":1,"department":"",'
        '"isAdmin":false,"isRoomAdmin":false,"isLDAP":false,"isOwner":false,'
        '"isVisitor":false,"isCollaborator":true,"mobilePhoneActivationStatus":0,'
        '"isSSO":false,"createdBy":' + esc(CREATED_BY) + ',"registrationDate":"{registered}",'
        '"id":"{id}","displayName":"{first} {last}",' + esc(AVATARS) + ','
        '"profileUrl":"https://portal.example.com/accounts/people/filter?search={user}%40example.com",'
        '"hasAvatar":false,"isAnonim":false}}')


def user_id(i):
    h = hashlib.blake2b(i.to_bytes(8, "little"), digest_size=16).hexdigest()
    # A version-4-looking GUID.
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("dir")
    p.add_argument("--users", type=int, default=10000)
    p.add_argument("--page", type=int, default=100)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    os.chmod(a.dir, 0o755)  # nginx's worker runs as nobody
    ids = []
    for start in range(0, a.users, a.page):
        users = []
        for i in range(start, min(start + a.page, a.users)):
            first, last = FIRST[i % 16], LAST[(i // 16) % 16]
            user = f"u{i:06d}.{first.lower()}.{last.lower()}"
            uid = user_id(i)
            ids.append(uid)
            users.append(USER.format(
                first=first, last=last, user=user, email=f"{user}@example.com", id=uid,
                registered=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00.0000000Z"))
        body = (f'{{"count":{len(users)},"total":{a.users},"response":[{",".join(users)}],'
                '"status":0,"statusCode":200}')
        with open(os.path.join(a.dir, f"filter-{start}.json"), "w") as f:
            f.write(body)
    with open(os.path.join(a.dir, "filter-end.json"), "w") as f:
        f.write(f'{{"count":0,"total":{a.users},"response":[],"status":0,"statusCode":200}}')
    with open(os.path.join(a.dir, "ids.txt"), "w") as f:
        f.write("\n".join(ids) + "\n")


if __name__ == "__main__":
    main()
