"""The tabs of the diagnostics screen, one widget each, and the probe form pieces they share."""
