"""``slacalc import``, ``slacalc fetch`` and ``calculate`` on a feed, from the command line; the
downloads answered by recorded responses (httpx.MockTransport), never the internet."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from slacalc import cli
from slacalc.cli import feeds as cli_feeds
from slacalc.errors import InputError
from slacalc.io.feeds import read_feed
from slacalc.io.feeds.fetch import feed_url, fetch

DATA = Path(__file__).parent / "data" / "feeds"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_import_prints_the_windows_as_the_outage_csv(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "import", str(DATA / "graph-issues.json"))
    assert status == 0
    assert out == (
        "id,start,end,tenant,service,cohort,affected_users,affected_percent,excluded,users_source\n"
        "EX226792,2020-11-13T21:00:00Z,2020-11-14T17:15:00Z,,microsoft-365-exchange-online,,,,,"
        "assumed all\n"
    )
    assert "read as graph: 1 window(s): 1 counted, 0 SLA-excluded (maintenance)" in err
    assert "'Exchange Online' → microsoft-365-exchange-online" in err


def test_import_lists_what_is_not_counted_and_asks_for_the_share(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "import", str(DATA / "statuspage-github.json"))
    assert status == 0
    assert out.count("\n") == 2  # header + Actions' major outage; the rest wait for the share
    assert "Actions,,,,,feed" in out
    assert (
        "to answer: what percent of users did a 'partial_outage' component cut off? "
        "(pass --partial-share VALUE)"
    ) in err
    assert "not counted r3x7x31k7nn1 (no service): the incident names no component" in err


def test_import_output_reads_back_as_the_same_windows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "windows.csv"
    status, _, _ = run(
        capsys,
        "import",
        str(DATA / "aws-describe-events.json"),
        "--contract",
        "aws-ec2-region",
        "--output",
        str(target),
    )
    assert status == 0
    assert "ECS" not in target.read_text()  # another contract's service: listed, not written
    status, out, err = run(
        capsys, "calculate", str(target), "--contract", "aws-ec2-region", "--users", "1",
        "--fee", "2500", "--format", "csv",
    )  # fmt: skip
    assert status == 0, err
    # 6,662 s + 1,879 s of April 2020 → 99.6704861 % → 10 % of 2,500 (tests/test_feeds.py)
    assert ",250.00," in out


def test_calculate_reads_a_graph_export_and_a_usage_report_directly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text("feed_name,service,cohort\nExchange Online,microsoft-365-exchange-online,"
                       "Outlook for Mobile\n")  # fmt: skip
    status, out, err = run(
        capsys,
        "calculate",
        str(DATA / "graph-issues.json"),
        "--contract",
        "microsoft-365-exchange-online",
        "--users",
        "5000",
        "--fee",
        "20000",
        "--usage",
        str(DATA / "email-apps-usage-counts.csv"),
        "--service-map",
        str(mapping),
        "--format",
        "json",
    )
    assert status == 0, err
    record = json.loads(out)[0]
    # 1,116 Outlook for Mobile users × 1,215 min of 5,000 × 43,200 user-min → 25 % of 20,000
    assert (record["availability_percent"][:8], record["credit_amount"]) == ("99.37225", "5000.00")
    assert "Email apps usage (apps user counts), refreshed 2017-09-01" in err
    assert "graph-issues.json: 1 row(s) read: 1 counted" not in err  # the table goes to stdout


def test_usage_with_a_portfolio_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        capsys,
        "calculate",
        str(DATA / "graph-issues.json"),
        "--customers",
        "examples/exchange-march-2026/customers.csv",
        "--usage",
        str(DATA / "email-apps-usage-counts.csv"),
    )
    assert status == 2
    assert "a usage report is one tenant's" in err


# fetch -------------------------------------------------------------------------------------------


def test_a_bare_statuspage_address_gets_its_incidents_endpoint() -> None:
    assert feed_url("https://www.githubstatus.com") == (
        "https://www.githubstatus.com/api/v2/incidents.json"
    )
    with pytest.raises(InputError, match="give an http"):
        feed_url("file:///etc/passwd")


def test_fetch_reads_a_recorded_statuspage_response() -> None:
    recorded = (DATA / "statuspage-github.json").read_bytes()
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        assert "authorization" not in request.headers  # a token never leaves for a public feed
        return httpx.Response(200, content=recorded)

    data = fetch(
        "https://www.githubstatus.com", token="secret", transport=httpx.MockTransport(answer)
    )
    assert seen == ["https://www.githubstatus.com/api/v2/incidents.json"]
    assert read_feed(data).format == "statuspage"


def test_fetch_follows_graph_pages_with_the_token() -> None:
    page = json.loads((DATA / "graph-issues.json").read_text())
    first = dict(page, **{"@odata.nextLink": "https://graph.microsoft.com/v1.0/next"})
    last = {k: v for k, v in page.items() if k != "@odata.nextLink"}
    last["value"] = [dict(page["value"][0], id="EX2")]  # hand-made second page

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer t0k"
        body = last if request.url.path.endswith("/next") else first
        return httpx.Response(200, json=body)

    data = fetch(
        "https://graph.microsoft.com/v1.0/admin/serviceAnnouncement/issues",
        token="t0k",
        transport=httpx.MockTransport(answer),
    )
    assert list(read_feed(data).frame["id"]) == ["EX226792", "EX2"]


def test_fetch_refuses_graph_without_a_token_and_oversized_answers() -> None:
    with pytest.raises(InputError, match="needs your access token"):
        fetch("https://graph.microsoft.com/v1.0/admin/serviceAnnouncement/issues")
    big = httpx.MockTransport(lambda request: httpx.Response(200, content=b"x" * 2000))
    with pytest.raises(InputError, match="larger than the limit of 1,000 bytes"):
        fetch("https://status.example.com", max_bytes=1000, transport=big)
    down = httpx.MockTransport(lambda request: httpx.Response(503))
    with pytest.raises(InputError, match="the server answered 503"):
        fetch("https://status.example.com", transport=down)


def test_fetch_command_writes_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def recorded(url: str, *, token: str | None, timeout: float) -> bytes:
        calls.append((url, token, timeout))
        return (DATA / "google-incidents.json").read_bytes()

    monkeypatch.setattr(cli_feeds, "fetch", recorded)
    monkeypatch.setenv(cli_feeds.TOKEN_VARIABLE, "from-env")
    target = tmp_path / "google.json"
    status, _, err = run(
        capsys, "fetch", "https://status.cloud.google.com/incidents.json", "--output", str(target)
    )
    assert status == 0
    assert calls == [("https://status.cloud.google.com/incidents.json", "from-env", 30.0)]
    assert read_feed(target).format == "google_status"
    assert "read it with 'slacalc import'" in err


def test_calculate_measures_affected_users_from_a_signin_log(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.test_signins import LOG

    log = tmp_path / "signins.csv"
    log.write_text(LOG)
    example = Path(__file__).parent.parent / "examples" / "exchange-march-2026"
    status, out, err = run(
        capsys,
        "calculate",
        str(example / "graph-issues.json"),
        "--contract",
        "microsoft-365-exchange-online",
        "--users",
        "100",
        "--fee",
        "400",
        "--service-map",
        str(example / "service-map.csv"),
        "--signins",
        str(log),
        "--format",
        "json",
    )
    assert status == 0, err
    assert "affected users per window: 4 sign-in log" in err
    march = json.loads(out)[0]
    # EX1268771 (17 Mar 14:00 →): a, b, c on phones and d on a Mac signed in during it; EX1256020
    # inside it adds no one. 3 × 20,760 + 1 × 20,760 = 83,040 of 100 × 44,640 = 4,464,000
    # → 98.1397… % < 99 → 50 % of 400 = 200.00
    assert (march["availability_percent"][:7], march["credit_amount"]) == ("98.1397", "200.00")


def test_every_command_in_docs_feeds_runs(capsys: pytest.CaptureFixture[str]) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "feeds.md").read_text()
    commands = [line[len("$ slacalc ") :] for line in doc.splitlines() if line.startswith("$ ")]
    assert len(commands) == 9
    for command in commands:
        status, _, err = run(capsys, *command.split())
        assert status == 0, f"{command}: {err}"


def test_the_docs_library_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "feeds.md").read_text()
    code = doc.split("```python\n")[1].split("```")[0]
    exec(compile(code, "docs/feeds.md", "exec"), {})
    out = capsys.readouterr().out
    assert "read as graph: 1 window(s): 1 counted" in out
    assert "'Outlook for Mobile': 1116" in out


def test_contracts_show_says_the_names_feeds_use(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "contracts", "show", "aws-ec2-region")
    assert status == 0
    assert "  in feeds as:       EC2\n" in out
