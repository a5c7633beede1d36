"""Command line: `python -m presence validate [DATA_DIR]`."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from presence.dataset import check_folder, data_dir


def validate(folder: Path) -> int:
    """Print one line per problem, or a summary of what was checked; return the exit status."""
    if not folder.is_dir():
        print(f"{folder}: is not a folder", file=sys.stderr)
        return 2
    dataset, problems = check_folder(folder)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        files = Counter(p.file for p in problems)
        summary = ", ".join(f"{n} in {name}" for name, n in sorted(files.items()))
        print(f"{len(problems)} problem(s): {summary}", file=sys.stderr)
        return 1
    assert dataset is not None
    print(
        f"{folder}: ok: {len(dataset.sites)} sites, {len(dataset.events)} events, "
        f"{len(dataset.troop_levels)} troop-level rows ({dataset.years.start}-{dataset.years.stop - 1}), "
        f"{len(dataset.sources)} sources; as of {dataset.metadata.as_of}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m presence", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check a data folder and list every problem")
    check.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=None,
        help="data folder (default: $PRESENCE_DATA_DIR or the bundled data/)",
    )
    args = parser.parse_args(argv)
    return validate(args.folder if args.folder is not None else data_dir())


if __name__ == "__main__":
    sys.exit(main())
