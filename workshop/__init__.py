"""Teaching workshops on the twin: sessions, lessons, challenges, role play, a class view.

Builds on ``twin`` (never the reverse): ``workshop.engine`` turns a lesson's few big
controls into scenario overlays and runs them; ``workshop.store`` keeps sessions, teams,
predictions, moves and plans in a SQL database (SQLite by default, PostgreSQL by URL);
``workshop.app`` is the Streamlit front end, started by ``park-twin workshop``.
"""
