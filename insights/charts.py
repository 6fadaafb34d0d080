"""The daily (or hourly) chart, drawn on the server as SVG: bars, no script, no library.

The SVG stretches to its box (``preserveAspectRatio="none"``), so it holds
no text; the page writes the scale and the first and last dates beside it,
and the figures in a table for those who do not see the chart.
"""

from dataclasses import dataclass

from insights.selectors import Point

WIDTH = 720
HEIGHT = 200
GAP = 0.2  # of each bar's slot, between bars (none once bars get thinner than a pixel or two)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    point: Point


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    peak: int
    total: int
    busiest: Point | None

    @property
    def middle(self) -> float:
        return self.height / 2

    @property
    def half(self) -> float:
        return self.peak / 2

    @property
    def first(self) -> Point | None:
        return self.bars[0].point if self.bars else None

    @property
    def last(self) -> Point | None:
        return self.bars[-1].point if self.bars else None


def _scale_top(peak: int) -> int:
    """A round number at or above the peak, so the scale reads 10, 50, 200... rather than 173."""
    if peak <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 < peak:
        magnitude *= 10
    return next(magnitude * step for step in (1, 2, 5, 10) if magnitude * step >= peak)


def bar_chart(points: list[Point]) -> Chart:
    """Bars for ``points``, oldest on the left, scaled to a round top."""
    peak = max((p.streams for p in points), default=0)
    top = _scale_top(peak)
    slot = WIDTH / max(len(points), 1)
    gap = slot * GAP if slot >= 4 else 0
    bars = [
        Bar(
            x=round(n * slot + gap / 2, 2),
            y=round(HEIGHT - HEIGHT * p.streams / top, 2),
            width=round(slot - gap, 2),
            height=round(HEIGHT * p.streams / top, 2),
            point=p,
        )
        for n, p in enumerate(points)
    ]
    busiest = max(points, key=lambda p: p.streams) if peak else None
    return Chart(width=WIDTH, height=HEIGHT, bars=bars, peak=top, total=sum(p.streams for p in points), busiest=busiest)
