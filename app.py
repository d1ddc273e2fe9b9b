"""slacalc's Streamlit app from a source checkout: ``streamlit run app.py``; the app itself is
``slacalc/app/main.py`` (installed with the package, and what ``slacalc app`` runs)."""

from slacalc.app.main import main

main()
