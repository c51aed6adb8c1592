"""Real-data worked examples of docs/calibration.md (scenarios, mappings, specs; no data)."""
