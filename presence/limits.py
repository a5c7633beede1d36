"""What a file may be, and what one reader's upload may cost the server: every limit in one place.

The limits follow what the map can show (it is measured usable up to 100,000 events) and what a small
server (2 cores) can afford while others read the map. `data/README.md` and the README state them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from presence.problems import Problem

# Text files read whole, and uploads: 50 MB as the browser counts them (Streamlit's uploader refuses a file
# over server.maxUploadSize x 1,000,000 bytes before it is sent).
MAX_FILE_BYTES = 50_000_000
MAX_DATA_FILE_BYTES = 1024 * 1024 * 1024  # GeoJSON in a data folder, streamed
MAX_UPLOAD_EVENTS = 100_000  # rows or features per upload: what the map is measured usable with
MAX_PROBLEMS = 1_000  # reading stops once a file has this many problems: it is clearly unusable
PROBLEMS_SHOWN = 100  # listed on the page; the rest are counted
MAX_HELD_EVENTS = 300_000  # uploaded events held in memory across all sessions of one server
# The longest run of digits accepted in a JSON number. Coordinates and counts need far fewer; longer ones cost
# quadratic time to convert (Python refuses integers over 4,300 digits) and crash ijson's C parser.
MAX_NUMBER_CHARS = 100
# How deeply JSON may nest for the streaming parser. An event is a Feature in a FeatureCollection: about five
# levels. ijson's C parser crashes the process somewhere below 100,000 levels, so it never sees deeper files.
MAX_DEPTH = 32
# One upload is parsed in a worker process with these limits; beyond them it is stopped and named. The largest
# valid file (100,000 events, 50 MB) takes about 15 s of processor time and 0.8 GB.
WORKER_MEMORY_BYTES = 1536 * 1024 * 1024
WORKER_SECONDS = 60.0  # of processor time

CSV_CELL_LIMIT = 131_072  # characters in one CSV cell: Python's csv default, kept as it is

LONG_DIGITS = re.compile(rb"[0-9]{%d,}" % (MAX_NUMBER_CHARS + 1))
# A string this long (in bytes, escapes included) is far over any field's limit; ijson's C parser takes seconds
# per 10 MB of one string, the standard parser milliseconds.
_LONG_STRING = re.compile(rb'"[^"]{50000}')
_ESCAPED = re.compile(rb"\\.", re.DOTALL)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')  # every byte but quotes and brackets
_QUOTE, _OPENING, _CLOSING = ord('"'), (ord("["), ord("{")), (ord("]"), ord("}"))


def nests_deeper_than(data: bytes | Iterable[bytes], depth: int) -> bool:
    """Whether the JSON text's arrays and objects nest deeper than `depth` (or do not balance), without
    parsing it. `data` is the text, or its chunks in order (a file too big to hold). Only quotes and brackets
    are kept (escaped characters dropped first); a bracket counts when an even number of quotes precede it,
    that is, outside any string. Vectorised: 50 MB in well under a second."""
    inside, level, carry = 0, 0, b""  # in a string?, depth so far, an escape cut off at a chunk's end
    for chunk in [data] if isinstance(data, bytes) else data:
        block = carry + chunk
        backslashes = len(block) - len(block.rstrip(b"\\"))
        carry = block[-1:] if backslashes % 2 else b""  # it escapes the next chunk's first byte
        block = block[: len(block) - len(carry)]
        kept = np.frombuffer(_ESCAPED.sub(b"", block).translate(None, _NOT_STRUCTURE), dtype=np.uint8)
        if not kept.size:
            continue
        quotes = np.cumsum(kept == _QUOTE) + inside
        outside = quotes % 2 == 0
        opening = ((kept == _OPENING[0]) | (kept == _OPENING[1])) & outside
        closing = ((kept == _CLOSING[0]) | (kept == _CLOSING[1])) & outside
        levels = level + np.cumsum(opening.astype(np.int32) - closing.astype(np.int32))
        if levels.max() > depth or levels.min() < 0:
            return True
        level, inside = int(levels[-1]), int(quotes[-1] % 2)
    return level != 0


def streamable(data: bytes) -> bool:
    """Whether JSON bytes suit the streaming parser: no run of digits longer than a number may be, no string
    of 50,000 bytes, no nesting deeper than MAX_DEPTH. Other files go to the standard parser, which names the number or
    refuses the nesting (beyond Python's recursion limit) safely."""
    return (
        LONG_DIGITS.search(data) is None
        and _LONG_STRING.search(data) is None
        and not nests_deeper_than(data, MAX_DEPTH)
    )


def too_many(name: str, what: str, line: str = "") -> Problem:
    """The problem of a file with more rows or features than an upload may have."""
    where = f"; stopped reading at {line}" if line else ""
    return Problem(
        name,
        "",
        "",
        f"has more than {MAX_UPLOAD_EVENTS:,} {what}{where}. The map is usable up to {MAX_UPLOAD_EVENTS:,} "
        "events: split the file or filter it",
    )


STOPPED = f"reading stopped here after {MAX_PROBLEMS:,} problems"


def stopped(name: str, where: str) -> Problem:
    """The last problem of a file that had too many to go on reading."""
    return Problem(name, where, "", STOPPED)


def kept(problems: list[Problem]) -> tuple[Problem, ...]:
    """The problems worth keeping: the first MAX_PROBLEMS, and the note that reading stopped if it did."""
    first = problems[:MAX_PROBLEMS]
    return tuple(first + [p for p in problems[MAX_PROBLEMS:] if p.message == STOPPED])
