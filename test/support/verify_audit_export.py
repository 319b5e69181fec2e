#!/usr/bin/env python3
"""Independent verifier for Gatehouse audit-chain exports.

Written from docs/audit-chain.md only (no other Gatehouse source was read), to show
that the specification is enough for a third party. Standard library only.

Usage: verify_audit_export.py [--format ndjson|csv] [--filtered] FILE   (FILE may be -)

Exit 0 and print "intact up to seq N, head hash H" (or "empty") when every event passes;
exit 2 and print "broken at seq N: REASON: details" at the first failure, REASON being
sequence_gap, prev_hash_mismatch or hash_mismatch; exit 1 on unusable input.
"""
import argparse
import csv
import hashlib
import io
import json
import math
import sys

GENESIS = "0" * 64
CSV_COLUMNS = [
    "chain", "seq", "id", "occurred_at", "actor_id", "actor_kind", "actor_display_name",
    "actor_roles", "action", "target_type", "target_id", "use_case_id", "payload", "reason",
    "request_id", "source_ip", "user_agent", "prev_hash", "hash",
]
CSV_NULLABLE = {"use_case_id", "reason", "request_id", "source_ip", "user_agent"}


class Unusable(Exception):
    """Input that is not an export as described by the spec (exit 1)."""


# --- RFC 8785 JSON Canonicalization Scheme -----------------------------------------

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n",
                  "\r": "\\r", "\t": "\\t"}


def jcs_string(s):
    out = ['"']
    for ch in s:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ch < " ":
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs_number(x):
    """ECMAScript Number.prototype.toString for a Python int or float."""
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        raise Unusable("NaN and Infinity are not valid JSON numbers")
    if x == 0:
        return "0"  # also -0
    sign = "-" if x < 0 else ""
    # repr() gives the shortest round-trip digits; turn them into digits s and
    # exponent n such that |x| = 0.s * 10**n (ECMAScript's k = len(s), n).
    mantissa, _, exp = repr(abs(x)).partition("e")
    int_part, _, frac = mantissa.partition(".")
    s = int_part + frac
    n = len(int_part) + (int(exp) if exp else 0)
    stripped = s.lstrip("0")
    n -= len(s) - len(stripped)
    s = stripped.rstrip("0")
    k = len(s)
    if k <= n <= 21:
        return sign + s + "0" * (n - k)
    if 0 < n <= 21:
        return sign + s[:n] + "." + s[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + s
    e = n - 1
    e_str = ("+" if e >= 0 else "-") + str(abs(e))
    return sign + s[0] + ("." + s[1:] if k > 1 else "") + "e" + e_str


def jcs(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return jcs_number(value)
    if isinstance(value, str):
        return jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        names = sorted(value, key=lambda name: name.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(jcs_string(k) + ":" + jcs(value[k]) for k in names) + "}"
    raise Unusable("cannot canonicalize %r" % type(value).__name__)


def _reject_constant(name):
    raise Unusable("%s is not valid JSON" % name)


def parse_json(text):
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise Unusable("bad JSON: %s" % exc) from None


def event_hash(event):
    content = {k: v for k, v in event.items() if k != "hash"}
    try:
        data = jcs(content).encode("utf-8")
    except UnicodeEncodeError:
        raise Unusable("string contains a lone surrogate") from None
    return hashlib.sha256(data).hexdigest()


# --- Reading exports ----------------------------------------------------------------

def ndjson_events(stream):
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            event = parse_json(line)
        except Unusable as exc:
            raise Unusable("line %d: %s" % (lineno, exc)) from None
        if not isinstance(event, dict):
            raise Unusable("line %d: not a JSON object" % lineno)
        yield event


def csv_events(stream):
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        return
    if header != CSV_COLUMNS:
        raise Unusable("unexpected CSV header: %s" % ",".join(header))
    for row in reader:
        if not row:
            continue
        where = "CSV record %d" % (reader.line_num)
        if len(row) != len(CSV_COLUMNS):
            raise Unusable("%s: expected %d cells, got %d" % (where, len(CSV_COLUMNS), len(row)))
        c = dict(zip(CSV_COLUMNS, row))
        try:
            seq = int(c["seq"])
            roles, payload = parse_json(c["actor_roles"]), parse_json(c["payload"])
        except (ValueError, Unusable) as exc:
            raise Unusable("%s: %s" % (where, exc)) from None
        for name in CSV_NULLABLE:
            if c[name] == "":
                c[name] = None
        yield {
            "chain": c["chain"], "seq": seq, "id": c["id"], "occurredAt": c["occurred_at"],
            "actor": {"id": c["actor_id"], "kind": c["actor_kind"],
                      "displayName": c["actor_display_name"], "roles": roles},
            "action": c["action"],
            "target": {"type": c["target_type"], "id": c["target_id"]},
            "useCaseId": c["use_case_id"], "payload": payload, "reason": c["reason"],
            "context": {"requestId": c["request_id"], "sourceIp": c["source_ip"],
                        "userAgent": c["user_agent"]},
            "prevHash": c["prev_hash"], "hash": c["hash"],
        }


# --- Verification (spec section 3) --------------------------------------------------

class Broken(Exception):
    def __init__(self, seq, reason, details):
        super().__init__("broken at seq %s: %s: %s" % (seq, reason, details))


def verify(events, filtered):
    """Return (last seq, last hash), or None if there were no events."""
    prev_seq = prev_hash = None
    for event in events:
        for name in ("seq", "prevHash", "hash"):
            if name not in event:
                raise Unusable("event missing %r: %s" % (name, jcs(event)[:200]))
        seq = event["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise Unusable("seq must be an integer >= 1, got %s" % jcs(seq))
        if not isinstance(event["prevHash"], str) or not isinstance(event["hash"], str):
            raise Unusable("seq %d: prevHash and hash must be strings" % seq)

        # Rule 1: continuity (in a filtered export, only increasing order is required).
        if prev_seq is not None:
            if seq <= prev_seq or (not filtered and seq != prev_seq + 1):
                expected = "" if filtered else ", expected %d" % (prev_seq + 1)
                raise Broken(seq, "sequence_gap",
                             "seq %d follows seq %d%s" % (seq, prev_seq, expected))
        # Rule 2: linkage. Unknown for the first event of a range or after a filter gap.
        if seq == 1:
            expected_prev = GENESIS
        elif prev_seq == seq - 1:
            expected_prev = prev_hash
        else:
            expected_prev = None
        if expected_prev is not None and event["prevHash"] != expected_prev:
            raise Broken(seq, "prev_hash_mismatch", "prevHash %s, expected %s"
                         % (event["prevHash"], expected_prev))
        # Rule 3: the event's own hash.
        computed = event_hash(event)
        if event["hash"] != computed:
            raise Broken(seq, "hash_mismatch", "stored %s, computed %s"
                         % (event["hash"], computed))
        prev_seq, prev_hash = seq, event["hash"]
    return None if prev_seq is None else (prev_seq, prev_hash)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=["ndjson", "csv"])
    ap.add_argument("--filtered", action="store_true",
                    help="export filtered by time/use case/actor/...: allow seq gaps")
    ap.add_argument("file", help="export file, or - for stdin")
    args = ap.parse_args(argv)
    fmt = args.format or ("csv" if args.file.lower().endswith(".csv") else "ndjson")

    # newline="" lets the csv module handle quoted line breaks; utf-8-sig drops a BOM.
    try:
        if args.file == "-":
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
        else:
            stream = open(args.file, encoding="utf-8-sig", newline="")
    except OSError as exc:
        print("cannot open %s: %s" % (args.file, exc), file=sys.stderr)
        return 1
    try:
        with stream:
            events = csv_events(stream) if fmt == "csv" else ndjson_events(stream)
            result = verify(events, args.filtered)
    except Broken as exc:
        print(exc)
        return 2
    except (Unusable, UnicodeDecodeError, csv.Error) as exc:
        print("unusable input: %s" % exc, file=sys.stderr)
        return 1
    print("empty" if result is None else "intact up to seq %d, head hash %s" % result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
