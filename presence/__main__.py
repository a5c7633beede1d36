"""Command line: `python -m presence validate [DATA_DIR]`, `python -m presence export-html OUT.html`."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from presence.dataset import check_folder, data_dir
from presence.layers import BASEMAPS


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


def export_html(out: Path, folder: Path, year: int | None, basemap: str) -> int:
    """Write the map as one self-contained HTML file to publish; return the exit status."""
    from presence.publish import standalone_html

    dataset, problems = check_folder(folder)
    if dataset is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{folder}: {len(problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    if year is not None and year not in dataset.years:
        print(f"--year {year} is not between {dataset.years.start} and {dataset.years.stop - 1}", file=sys.stderr)
        return 2
    html = standalone_html(dataset, year or dataset.years.stop - 1, basemap)
    out.write_text(html, encoding="utf-8")
    print(f"wrote {out} ({len(html.encode()):,} bytes): every year {dataset.years.start}-{dataset.years.stop - 1}")
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
    export = commands.add_parser("export-html", help="write the map, every year in it, as one HTML file to publish")
    export.add_argument("out", type=Path, help="the HTML file to write")
    export.add_argument("--data", type=Path, default=None, help="data folder (default: as for validate)")
    export.add_argument("--year", type=int, default=None, help="the year it opens on (default: the latest)")
    export.add_argument("--basemap", choices=list(BASEMAPS), default="none", help="tiles need internet (default: none)")
    args = parser.parse_args(argv)
    if args.command == "export-html":
        return export_html(args.out, args.data or data_dir(), args.year, args.basemap)
    return validate(args.folder if args.folder is not None else data_dir())


if __name__ == "__main__":
    sys.exit(main())
