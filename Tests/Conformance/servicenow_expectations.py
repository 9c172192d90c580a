#!/usr/bin/env python3
"""What a correct reader makes of a ServiceNow Table API incident page ({"result": [...]}),
derived with Python's json module and ServiceNow's documented incident codes, none of
Ambassador's code. Prints one JSON object: the tickets, sorted by number, as
"number|caller|opened|updated|resolved|status|priority|channel|assignee|reassignments|reopens|escalated".

Usage: servicenow_expectations.py FILE
"""
import json
import sys

# ServiceNow's incident state and priority choice lists (the out-of-box values).
STATE = {"1": "new", "2": "open", "3": "pending", "6": "solved", "7": "closed", "8": "canceled"}
PRIORITY = {"1": "urgent", "2": "high", "3": "normal", "4": "low", "5": "low"}


def value(field):
    """A reference field is {link, value}; a plain one is its text; empty is None."""
    if isinstance(field, dict):
        field = field.get("value")
    return field if field not in ("", None) else None


def utc(text):
    """The Table API's 'YYYY-MM-DD HH:MM:SS' (UTC unless the user's zone is set) as ISO-8601."""
    return text.replace(" ", "T") + "Z" if text else None


with open(sys.argv[1], encoding="utf-8") as handle:
    records = json.load(handle)["result"]
tickets = []
for r in records:
    escalated = value(r.get("escalation"))
    tickets.append("|".join(str(x) if x is not None else "-" for x in [
        value(r["number"]), value(r.get("caller_id")), utc(value(r.get("opened_at"))), utc(value(r.get("sys_updated_on"))),
        utc(value(r.get("resolved_at"))), STATE.get(value(r.get("state")) or ""), PRIORITY.get(value(r.get("priority")) or ""),
        value(r.get("contact_type")), value(r.get("assigned_to")), value(r.get("reassignment_count")),
        value(r.get("reopen_count")), None if escalated is None else int(escalated != "0")]))
print(json.dumps({"records": len(records), "tickets": sorted(tickets)}))
