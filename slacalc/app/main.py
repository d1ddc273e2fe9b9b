"""The app's entry: ``slacalc app`` runs this file with ``streamlit run``; so does the repository's
``app.py``. It only sets the page up and routes; the pages live in ``pages/``.

The page paths are absolute, so the app runs the same from a source checkout and from an installed
wheel, whichever file Streamlit was started on.
"""

import streamlit as st

from slacalc.app import cached, state
from slacalc.app.widgets import (
    CLAIM_PAGE,
    CLAIMS_PAGE,
    CONTRACT_PAGE,
    DATA_PAGE,
    ERROR_RATE_PAGE,
    WHATIF_PAGE,
)
from slacalc.io.wording import in_app


def main() -> None:
    """Set the page up and run the page the user is on."""
    st.set_page_config(
        page_title="slacalc: SLA credits", page_icon=":material/request_quote:", layout="wide"
    )
    state.init()
    cached.engine()  # once per process: the compiled sweep, before any page calculates
    pages = st.navigation(
        [
            st.Page(CLAIM_PAGE, title="Claim", icon=":material/request_quote:", default=True),
            st.Page(DATA_PAGE, title="Data", icon=":material/upload_file:"),
            st.Page(CONTRACT_PAGE, title="Contract", icon=":material/gavel:"),
            st.Page(WHATIF_PAGE, title="What-if", icon=":material/compare_arrows:"),
            st.Page(CLAIMS_PAGE, title="Claims", icon=":material/fact_check:"),
            st.Page(ERROR_RATE_PAGE, title="Error rate", icon=":material/query_stats:"),
        ]
    )
    with in_app():  # messages name the app's controls ("Day first"), not keywords (dayfirst=True)
        pages.run()


if __name__ == "__main__":  # Streamlit runs a script as __main__
    main()
