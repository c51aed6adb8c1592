"""Pages of the Park Twin browser app (app.py); only calls the twin library."""
