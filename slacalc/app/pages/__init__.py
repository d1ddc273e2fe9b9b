"""The app's pages, one script per page; ``app.py`` routes to them with ``st.navigation``."""
