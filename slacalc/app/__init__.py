"""The Streamlit app: the only package of slacalc that imports streamlit.

Modules, each with one job (imports point down the list; the first four never import streamlit)::

    inputs    what the app computes from (hashable Inputs) and the pure calls on them
    display   how numbers, contracts and tables read on screen
    charts    the Altair pictures: timeline, availability vs tiers, credit steps
    state     every session-state key, declared once
    cached    st.cache_data around the pure calls, bounded, with hashable arguments
    widgets   screen pieces several pages show
    pages/    one script per page: claim, data, contract, whatif
    main      the entry Streamlit runs: the page set-up and the routing

``slacalc app`` runs ``main.py``, and so does ``streamlit run app.py`` in a checkout. The app
opens on ``examples/exchange-online-2026-03.csv`` in this package; the data page also offers the
repository's ``examples/`` folders, which the wheel carries as ``slacalc/_examples``.
"""
