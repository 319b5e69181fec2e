#!/usr/bin/env python3
"""Independent verifier for Gatehouse audit-chain exports.

Written from docs/audit-chain.md only (no other Gatehouse source was read), to show
that the specification is enough for a third party. Standard library only.

Usage: verify_audit_export.py [--format ndjson|csv]
           [--filtered | --from-seq N --prev-hash H] [--known-head "seq=N; hash=H"] FILE
       (FILE may be -)

By default FILE must be a whole, unfiltered export: it starts at seq 1 from the genesis
value. --from-seq/--prev-hash check a file that starts at seq N, linked to the hash H of
seq N-1; --filtered checks each event of a filtered export and the links between
consecutive ones. --known-head checks a head obtained earlier: the file must contain
seq N with hash H.

Exit 0 and print "intact up to seq N, head hash H" when every event passes (or, for a
filtered export that matched nothing, "no events: ..."); exit 2 and print
"broken at seq N: REASON: details" at the first failure, REASON being sequence_gap,
prev_hash_mismatch, hash_mismatch or known_head_mismatch; exit 1 on unusable input
(no events, an empty line, a byte-order mark, a duplicate member name, bad JSON...).
"""
import itertools
import argparse
import csv
import hashlib
import io
import json
import math
import re
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


def _reject_duplicates(pairs):
    """The spec refuses duplicate member names: parsers disagree on which one wins."""
    obj = {}
    for name, value in pairs:
        if name in obj:
            raise Unusable("duplicate member name %s" % jcs_string(name))
        obj[name] = value
    return obj


def parse_json(text):
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicates)
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

def ndjson_events(lines):
    for lineno, line in enumerate(lines, 1):
        if not line.rstrip("\n"):
            raise Unusable("line %d is empty" % lineno)
        try:
            event = parse_json(line)
        except Unusable as exc:
            raise Unusable("line %d: %s" % (lineno, exc)) from None
        if not isinstance(event, dict):
            raise Unusable("line %d: not a JSON object" % lineno)
        yield event


def csv_events(lines):
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise Unusable("the file is empty: a CSV export always starts with its header row")
    if header != CSV_COLUMNS:
        raise Unusable("unexpected CSV header: %s" % ",".join(header))
    for row in reader:
        where = "CSV record %d" % (reader.line_num)
        if len(row) != len(CSV_COLUMNS):
            raise Unusable("%s: expected %d cells, got %d" % (where, len(CSV_COLUMNS), len(row)))
        c = dict(zip(CSV_COLUMNS, row))
        try:
            if not re.fullmatch(r"[1-9][0-9]*", c["seq"]):
                raise ValueError("seq must be written as plain digits, got %r" % c["seq"])
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


def verify(events, filtered, start=(1, GENESIS), known_head=None):
    """Return (last seq, last hash), or None if there were no events.

    start is the (seq, prevHash) the first event must have, or None for a filtered
    export; known_head is a (seq, hash) obtained earlier that the file must contain.
    """
    prev_seq = prev_hash = None
    hash_at_known = None
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
        if prev_seq is None and start is not None and seq != start[0]:
            raise Broken(seq, "sequence_gap", "the file starts at seq %d, but %s starts at seq %d: "
                         "its start is cut off" % (seq, "an unfiltered export" if start[0] == 1
                                                   else "this range (--from-seq)", start[0]))
        if prev_seq is not None:
            if seq <= prev_seq or (not filtered and seq != prev_seq + 1):
                expected = "" if filtered else ", expected %d" % (prev_seq + 1)
                raise Broken(seq, "sequence_gap",
                             "seq %d follows seq %d%s" % (seq, prev_seq, expected))
        # Rule 2: linkage. Unknown after a filter gap (and at the start of a filtered file).
        if prev_seq is None and start is not None:
            expected_prev = start[1]
        elif seq == 1:
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
        if known_head is not None and seq == known_head[0]:
            hash_at_known = event["hash"]
    if known_head is not None:
        check_known_head(known_head, prev_seq, hash_at_known, filtered, start)
    return None if prev_seq is None else (prev_seq, prev_hash)


def check_known_head(known_head, last_seq, hash_at_known, filtered, start):
    """A head kept from earlier must still be in the chain, with the same hash."""
    seq, expected = known_head
    if hash_at_known is not None:
        if hash_at_known != expected:
            raise Broken(seq, "known_head_mismatch", "seq %d has hash %s, but the head obtained "
                         "earlier says %s: the chain was rewritten up to there" % (seq, hash_at_known, expected))
        return
    if filtered or (start is not None and seq < start[0]):
        raise Unusable("the file does not hold seq %d: check a known head against an export "
                       "that contains it (unfiltered, or a range from before it)" % seq)
    raise Broken(seq, "known_head_mismatch", "the export ends at seq %s, before the head seq %d "
                 "obtained earlier: events were cut from the end" % (last_seq or 0, seq))


def parse_known_head(text):
    """"seq=N; hash=H", as in the X-Audit-Chain-Head header."""
    try:
        parts = dict(part.strip().split("=", 1) for part in text.split(";"))
        seq, digest = int(parts["seq"]), parts["hash"]
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError('expected "seq=N; hash=H"') from None
    return seq, digest


def read_lines(path, fmt):
    """The file's lines, after checking its very start: not empty, no byte-order mark.

    NDJSON lines end at "\n" only; CSV is read with newline="" so that the csv module
    handles line breaks inside quoted cells (and CRLF or LF record ends) itself.
    """
    newline = "" if fmt == "csv" else "\n"
    if path == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline=newline)
    else:
        stream = open(path, encoding="utf-8", newline=newline)
    first = stream.readline()
    if first.startswith("\ufeff"):
        stream.close()
        raise Unusable("the file starts with a UTF-8 byte-order mark; exports have none")
    if first == "" and fmt == "csv":
        stream.close()
        raise Unusable("the file is empty: a CSV export always starts with its header row")
    return stream, (itertools.chain([first], stream) if first else iter(()))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=["ndjson", "csv"])
    ap.add_argument("--filtered", action="store_true",
                    help="export filtered by time/use case/actor/...: allow seq gaps")
    ap.add_argument("--from-seq", type=int, metavar="N",
                    help="the file is the range starting at seq N (needs --prev-hash)")
    ap.add_argument("--prev-hash", metavar="H", help="the hash of seq N-1, from elsewhere")
    ap.add_argument("--known-head", type=parse_known_head, metavar='"seq=N; hash=H"',
                    help="a head obtained earlier, which the file must contain")
    ap.add_argument("file", help="export file, or - for stdin")
    args = ap.parse_args(argv)
    fmt = args.format or ("csv" if args.file.lower().endswith(".csv") else "ndjson")
    if (args.from_seq is None) != (args.prev_hash is None):
        ap.error("--from-seq and --prev-hash go together")
    if args.filtered and args.from_seq is not None:
        ap.error("--filtered and --from-seq exclude each other")
    if args.filtered:
        start = None
    elif args.from_seq is not None:
        start = (args.from_seq, args.prev_hash)
    else:
        start = (1, GENESIS)

    try:
        stream, lines = read_lines(args.file, fmt)
        with stream:
            events = csv_events(lines) if fmt == "csv" else ndjson_events(lines)
            result = verify(events, args.filtered, start, args.known_head)
        if result is None and not args.filtered:
            raise Unusable("the file is empty or has no events: an unfiltered export always holds at "
                           "least its own audit.exported event, and a range at least one event")
    except OSError as exc:
        print("cannot read %s: %s" % (args.file, exc), file=sys.stderr)
        return 1
    except Broken as exc:
        print(exc)
        return 2
    except (Unusable, UnicodeDecodeError, csv.Error) as exc:
        print("unusable input: %s" % exc, file=sys.stderr)
        return 1
    if result is None:
        print("no events: a filtered export that matched nothing")
    else:
        print("intact up to seq %d, head hash %s" % result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
