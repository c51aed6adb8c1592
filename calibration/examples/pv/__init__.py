"""The 50 MW PV plant example."""
