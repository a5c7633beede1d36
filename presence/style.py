"""How statuses and event categories look: colour and shape together, so they read without colour too.

Colours are from the Okabe-Ito palette, which stays distinct for the common colour-vision deficiencies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from presence.years import STATUS_LABELS, Status


@dataclass(frozen=True)
class Glyph:
    """A marker's look: an SVG drawing, its colour and the words a legend and screen readers use."""

    label: str
    colour: str
    svg: str


def _svg(body: str, size: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 24 24" '
        f'aria-hidden="true">{body}</svg>'
    )


_OUTLINE = 'stroke="#1b1b1b" stroke-width="1.6"'

STATUS_GLYPHS: dict[Status, Glyph] = {
    Status.PRESENT: Glyph(
        STATUS_LABELS[Status.PRESENT], "#0072B2", _svg(f'<circle cx="12" cy="12" r="9" fill="#0072B2" {_OUTLINE}/>', 24)
    ),
    Status.ARRIVED: Glyph(
        STATUS_LABELS[Status.ARRIVED],
        "#009E73",
        _svg(f'<path d="M12 2 L22.5 21 H1.5 Z" fill="#009E73" {_OUTLINE}/>', 24),
    ),
    Status.LEFT: Glyph(
        STATUS_LABELS[Status.LEFT], "#D55E00", _svg(f'<path d="M12 22 L22.5 3 H1.5 Z" fill="#D55E00" {_OUTLINE}/>', 24)
    ),
    Status.ABSENT: Glyph(
        STATUS_LABELS[Status.ABSENT],
        "#8a8a8a",
        _svg(
            '<circle cx="12" cy="12" r="7.5" fill="#ffffff" fill-opacity="0.85" '
            'stroke="#6b6b6b" stroke-width="2" stroke-dasharray="3 2"/>',
            24,
        ),
    ),
}

# Category -> (label, colour, letter). The letter carries the category in greyscale and for colour-blind readers.
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "attack": ("Attack on US or coalition forces", "#CC3311", "A"),
    "strike": ("US strike", "#E69F00", "S"),
    "handover": ("Handover to Iraq", "#009E73", "H"),
    "deployment": ("Deployment", "#56B4E9", "D"),
    "withdrawal": ("Withdrawal", "#0072B2", "W"),
    "agreement": ("Agreement", "#CC79A7", "G"),
    "political": ("Political decision", "#6b6b6b", "P"),
    "incident": ("Non-hostile incident", "#7a5230", "I"),
    "protest": ("Protest", "#7b6da8", "M"),
    "riot": ("Riot", "#a04a7a", "R"),
    "strategic": ("Strategic development", "#5f6f7a", "X"),
    "other_conflict": ("Other conflict event (no US or coalition party)", "#9a9a9a", "C"),
}


def category_glyph(category: str, size: int = 18) -> Glyph:
    """A rounded square in the category's colour with its letter."""
    label, colour, letter = CATEGORIES[category]
    body = (
        f'<rect x="2" y="2" width="20" height="20" rx="5" fill="{colour}" stroke="#ffffff" stroke-width="2"/>'
        f'<text x="12" y="16.5" font-size="13" font-family="sans-serif" font-weight="700" '
        f'text-anchor="middle" fill="#ffffff">{letter}</text>'
    )
    return Glyph(label, colour, _svg(body, size))


def legend_html(shipped: Iterable[str] = CATEGORIES) -> str:
    """The map legend: site statuses, the Kurdistan Region, the event categories of the shipped data, then the
    other categories (which only a reader's uploaded file can hold)."""
    sites = "".join(f'<div class="legend-row">{g.svg}<span>{g.label}</span></div>' for g in STATUS_GLYPHS.values())
    used = set(shipped)

    def rows(categories: list[str]) -> str:
        return "".join(
            f'<div class="legend-row">{category_glyph(c).svg}<span>{CATEGORIES[c][0]}</span></div>' for c in categories
        )

    region = '<div class="legend-row"><span class="legend-swatch kurdistan"></span><span>Kurdistan Region</span></div>'
    html = (
        f'<summary>Legend</summary><div class="legend-head">Sites</div>{sites}{region}<div class="legend-head">'
        f'Events</div><div class="legend-grid">{rows([c for c in CATEGORIES if c in used])}</div>'
    )
    others = [c for c in CATEGORIES if c not in used]
    if others:
        html += f'<div class="legend-head">Only in uploaded files</div><div class="legend-grid">{rows(others)}</div>'
    return html
