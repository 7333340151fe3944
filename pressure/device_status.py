"""What a sensor tells of itself, in the status bar's words: battery, firmware, low power.

From the device info the reader keeps (a Bluetooth sensor's ``battery_mv`` or ``battery_pct``,
``fw``, ``low_power``); empty for a sensor that says none of it (a serial one).
"""

from __future__ import annotations

LOW = "LOW POWER"


def device_summary(info: dict | None) -> str:
    info = info or {}
    parts = []
    try:
        if "battery_mv" in info:
            parts.append(f"battery {int(info['battery_mv']) / 1000:.2f} V")
        elif "battery_pct" in info:
            parts.append(f"battery {int(info['battery_pct'])} %")
    except (TypeError, ValueError):
        pass  # a value the device garbled is not shown as a number
    if info.get("fw"):
        parts.append(f"fw {info['fw']}")
    if info.get("low_power") == "1":
        parts.append(LOW)
    return " · ".join(parts)


def is_low(summary: str) -> bool:
    return LOW in summary
