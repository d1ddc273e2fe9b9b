"""The public API stays explicit (the layer rules are checked in test_layers.py)."""

import slacalc


def test_all_is_sorted_and_names_exactly_what_the_package_exports() -> None:
    assert slacalc.__all__ == sorted(slacalc.__all__)
    public = {n for n in dir(slacalc) if not n.startswith("_") and not _is_module(n)}
    assert public | {"__version__"} == set(slacalc.__all__)


def _is_module(name: str) -> bool:
    return type(getattr(slacalc, name)).__name__ == "module"


def test_the_bundled_contracts_are_listed() -> None:
    ids = slacalc.list_contracts()
    for required in (
        "microsoft-365-exchange-online",
        "microsoft-365-sharepoint-online",
        "microsoft-365-teams",
        "microsoft-teams-phone",
        "azure-virtual-machines-zones",
        "aws-ec2-region",
        "aws-s3-standard",
        "aws-rds-multi-az",
        "google-workspace",
        "github-enterprise-cloud",
    ):
        assert required in ids
