"""The app's data page on a provider feed: the detected format, every window and its source,
and the answers a feed leaves open (a partial outage's share, the users per mail client)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from slacalc.app import inputs
from tests.test_app import DATA, answer, clean, start

FEEDS = Path(__file__).parent / "data" / "feeds"


def on_data_page() -> AppTest:
    at = start()
    at.switch_page(DATA).run()
    clean(at)
    return at


def test_a_graph_export_is_read_as_a_feed_and_computed() -> None:
    at = on_data_page()
    content = (FEEDS / "graph-issues.json").read_bytes()
    at.file_uploader(key="widget.outage_file").set_value(
        ("issues.json", content, "application/json")
    )
    at.run()
    clean(at)
    assert any("Detected format:** Microsoft Graph" in m.value for m in at.markdown)
    windows = next(d.value for d in at.dataframe if "users_source" in d.value.columns)
    assert windows["id"].tolist() == ["EX226792"]
    assert windows["users_source"].tolist() == ["assumed all"]
    # 1,215 min × all 1,000 users of 43,200,000 user-min → 97.1875 % → 50 % of 8,000
    assert "November 2020: **4,000.00 USD**" in answer(at)


def test_a_statuspage_partial_outage_asks_for_its_share() -> None:
    at = on_data_page()
    content = (FEEDS / "statuspage-github.json").read_bytes()
    at.file_uploader(key="widget.outage_file").set_value(
        ("github.json", content, "application/json")
    )
    at.run()
    clean(at)
    asked = [w.value for w in at.warning if "The feed does not say:**" in w.value]
    assert asked == [
        "**The feed does not say:** what percent of users did a 'partial_outage' component "
        'cut off? (fill in "Share of users a partial outage cuts off (percent)" under the '
        "feed's form)"
    ]
    at.text_input(key="widget.feed_share").set_value("50")
    at.button[[b.label for b in at.button].index("Apply")].click()
    at.run()
    clean(at)
    assert not any("The feed does not say" in w.value for w in at.warning)


def test_the_exchange_example_opens_as_microsofts_feed() -> None:
    at = on_data_page()
    at.selectbox(key="widget.example_choice").set_value(inputs.FEED_EXAMPLE_LABEL)
    at.button[[b.label for b in at.button].index("Load this example")].click()
    at.run()
    clean(at)
    windows = next(d.value for d in at.dataframe if "users_source" in d.value.columns)
    assert windows["users_source"].tolist() == ["usage report"] * 4
    # all 500 measured mobile and Mac users: 76.7473 % in March → 100 % of the 8,000 fee
    assert "March 2026: **8,000.00 USD**" in answer(at)


def test_a_signin_log_measures_the_users_of_the_feed_example() -> None:
    from tests.test_signins import LOG

    at = on_data_page()
    at.selectbox(key="widget.example_choice").set_value(inputs.FEED_EXAMPLE_LABEL)
    at.button[[b.label for b in at.button].index("Load this example")].click()
    at.run()
    at.file_uploader(key="widget.feed_signins").set_value(("signins.csv", LOG.encode(), "text/csv"))
    at.button[[b.label for b in at.button].index("Apply")].click()
    at.run()
    clean(at)
    windows = next(d.value for d in at.dataframe if "users_source" in d.value.columns)
    assert windows["users_source"].tolist() == ["sign-in log"] * 4
    # EX1268771: 3 phone users and 1 Mac user signed in during it; EX1256020 inside it adds no
    # one. (3 + 1) × 20,760 = 83,040 of 44,640,000 → 99.81398 % < 99.9 → 25 % of 8,000
    assert "March 2026: **2,000.00 USD**" in answer(at)
