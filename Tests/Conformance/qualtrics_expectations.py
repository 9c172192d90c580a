#!/usr/bin/env python3
"""What a correct reader gets from a Qualtrics CSV export, derived with Python's csv module
and nothing of Ambassador's: the data records, the answer items (columns whose ImportId is a
question id, not display order, timing or browser meta data), the responses (distinct
non-empty ResponseId) and the answered cells. Prints one JSON object.

Usage: qualtrics_expectations.py FILE
"""
import csv
import json
import re
import sys

NULLS = {"", "NULL", "null", "N/A", "n/a", "?"}
META = ("_DO", "_ADO", "_FIRST_CLICK", "_LAST_CLICK", "_PAGE_SUBMIT", "_CLICK_COUNT",
        "_BROWSER", "_VERSION", "_OS", "_RESOLUTION")


def is_question(import_id):
    match = re.fullmatch(r"(?:[0-9_]*)QID(\d.*)", import_id.upper())
    return bool(match) and not match.group(1).endswith(META) and "_DO_" not in match.group(1)


with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    rows = list(csv.reader(handle))
names, ids = rows[0], rows[2]
# Positions, not names: a Qualtrics export may repeat a column name (loop and merge: `1_1`
# for several questions), and each position is its own column.
positions = []
zones = {}
for position, (name, cell) in enumerate(zip(names, ids)):
    tag = json.loads(cell)
    if is_question(tag.get("ImportId", "")):
        positions.append(position)
    if "timeZone" in tag:
        zones[name] = tag["timeZone"]
data = [row for row in rows[3:] if any(cell.strip() for cell in row)]
response = names.index("ResponseId")
with_id = [row for row in data if row[response].strip()]
responses = {row[response] for row in with_id}
answered = sum(1 for row in with_id for p in positions if row[p].strip() not in NULLS)
answered_items = sum(1 for p in positions if any(row[p].strip() not in NULLS for row in with_id))
unique = {name for name in names if names.count(name) == 1}
print(json.dumps({"records": len(data), "items": sorted(names[p] for p in positions if names[p] in unique),
                  "item_columns": len(positions), "answered_items": answered_items, "responses": len(responses),
                  "answer_cells": answered, "zones": zones, "repeated_names": sorted({n for n in names if n not in unique})}))
