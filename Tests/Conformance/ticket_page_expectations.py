#!/usr/bin/env python3
"""What a correct reader makes of a Zendesk or Freshservice/Freshdesk API ticket page, derived
with Python's json module and the vendors' documented codes, none of Ambassador's code.
Prints one JSON object: the tickets, sorted by id, as
"id|requester|created|updated|status|priority|assignee|channel" ("-" for none).

Usage: ticket_page_expectations.py FILE zendesk|freshdesk
"""
import json
import sys

# Freshdesk / Freshservice API v2 codes (status, priority, source).
FRESH_STATUS = {2: "open", 3: "pending", 4: "solved", 5: "closed"}
FRESH_PRIORITY = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
FRESH_SOURCE = {1: "email", 2: "portal", 3: "phone", 7: "chat", 9: "feedback_widget", 10: "outbound_email"}


def text(value):
    return "-" if value in (None, "") else str(value)


path, vendor = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as handle:
    tickets = json.load(handle)["tickets"]
rows = []
for t in tickets:
    if vendor == "zendesk":
        row = [t["id"], t.get("requester_id"), t["created_at"], t.get("updated_at"), t.get("status"), t.get("priority"),
               t.get("assignee_id"), (t.get("via") or {}).get("channel")]
    else:
        row = [t["id"], t.get("requester_id"), t["created_at"], t.get("updated_at"), FRESH_STATUS.get(t.get("status")),
               FRESH_PRIORITY.get(t.get("priority")), t.get("responder_id"), FRESH_SOURCE.get(t.get("source"))]
    rows.append("|".join(text(x) for x in row))
print(json.dumps({"records": len(tickets), "tickets": sorted(rows, key=lambda r: int(r.split("|")[0]))}))
