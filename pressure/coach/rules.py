"""The coach's numbers: hysteresis, countdown, release level, how far back a key press looks."""

from ..gaprule import GAP_MIN_S as GAP_S  # noqa: F401 (the shortest gap; the rule is gaprule's)

BAND_HYSTERESIS = 0.01  # fraction of the target beyond the band edge before leave_band fires
CEILING_HYSTERESIS = 0.01  # fraction of the ceiling below it before the alarm clears
COUNTDOWN_S = (3, 2, 1)  # countdown events at these seconds left of a hold
RELEASE_FRACTION = 0.10  # a release is done below 10 % of the last target ...
RELEASE_FLOOR_N = 0.5  # ... but never below this force (sensor noise), in newtons
HISTORY_S = 2.0  # samples kept to look up the value at a threshold key press
EPS = 1e-9
# the loop over COUNTDOWN_S runs once per sample of a hold only within this many seconds of its
# end (the same events as looping always: none of them can fire further out)
COUNTDOWN_FROM = max(COUNTDOWN_S) + EPS
