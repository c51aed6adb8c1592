"""Data tables shipped with the package: each row carries its source and year."""
