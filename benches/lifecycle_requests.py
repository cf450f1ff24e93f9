#!/usr/bin/env python3
"""The `lifecycle` sequence written the way ONLYOFFICE's Python samples are written.

One `requests.post` / `get` / `put` / `delete` call per step and no Session, so every
call opens its own connection (and, over HTTPS, does its own TLS handshake). The
benchmark times this against `docspace-people lifecycle`.

Reads DOCSPACE_URL and DOCSPACE_TOKEN; `--ca-file CERT.pem` trusts a private certificate.
Exits 0 when all four steps succeed, 1 otherwise.
"""

import os
import sys

import requests

API_HOST = os.environ["DOCSPACE_URL"].rstrip("/")
API_KEY = os.environ["DOCSPACE_TOKEN"]
# DocSpace wants API keys as a Bearer token; the raw key is refused.
HEADERS = {"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"}
VERIFY = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--ca-file" else True


def create_user(email, first_name, last_name):
    url = f"{API_HOST}/api/2.0/people"
    data = {"firstName": first_name, "lastName": last_name, "email": email, "type": "User"}
    response = requests.post(url, headers=HEADERS, json=data, verify=VERIFY)
    response.raise_for_status()
    return response.json()["response"]


def get_user(user_id):
    url = f"{API_HOST}/api/2.0/people/{user_id}"
    response = requests.get(url, headers=HEADERS, verify=VERIFY)
    response.raise_for_status()
    return response.json()["response"]


def terminate_user(user_id):
    url = f"{API_HOST}/api/2.0/people/status/Terminated"
    data = {"userIds": [user_id], "resendAll": False}
    response = requests.put(url, headers=HEADERS, json=data, verify=VERIFY)
    response.raise_for_status()
    # The same check docspace-people makes: the user is in the answer, terminated.
    users = [u for u in response.json()["response"] if u["id"] == user_id]
    if not users or users[0]["status"] != 2:
        raise RuntimeError(f"user {user_id} was not terminated")
    return users[0]


def delete_user(user_id):
    url = f"{API_HOST}/api/2.0/people/{user_id}"
    response = requests.delete(url, headers=HEADERS, verify=VERIFY)
    response.raise_for_status()
    return response.json()["response"]


def main():
    try:
        user = create_user("john.doe@example.com", "John", "Doe")
        get_user(user["id"])
        terminate_user(user["id"])
        delete_user(user["id"])
    except (requests.RequestException, RuntimeError, KeyError, ValueError) as e:
        print(f"lifecycle failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
