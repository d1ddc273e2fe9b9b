"""Which contract an id names: the bundled contracts plus the user's own.

A customers table names each tenant's contract by id. The ids it may use are those of the bundled
contracts and of the contracts the user passes in: :class:`~slacalc.model.contract.Contract`
objects (id: the contract's ``id``), ``.toml`` files (id: the file's stem) or folders of them
(every ``*.toml`` directly inside). Two rules keep an id meaning one set of terms:

* Two user contracts with one id are refused, unless their terms are the same (one file given
  twice).
* A user contract with a bundled contract's id is refused, unless its terms are the bundled ones:
  a table naming ``microsoft-365-exchange-online`` means the published terms, not a local edit
  that happens to share the name. To compute under your edit instead, rename the file, or ask
  for it explicitly with ``replace_bundled=True`` (``slacalc calculate --replace-bundled``); then
  yours wins for that id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from slacalc.errors import ContractError
from slacalc.model.contract import Contract, bundled_contract, list_contracts, load_contract

ContractSource = Contract | str | Path


class ContractRegistry(Mapping[str, Contract]):
    """Contracts by id: the user's (in the order given), then the bundled ones.

    A read-only mapping, so it also serves as the collection of known ids
    (``read_customers(known_contracts=registry)``). Bundled contracts are read when first asked
    for. Build one with :meth:`of`.
    """

    def __init__(self, user: Mapping[str, Contract] | None = None) -> None:
        self._user = dict(user or {})

    @classmethod
    def of(
        cls,
        sources: ContractSources | None = None,
        *,
        replace_bundled: bool = False,
    ) -> ContractRegistry:
        """The bundled contracts plus ``sources``: contracts, ``.toml`` files or folders of them.

        A registry is returned as it is. A clash of ids is a :class:`ContractError` naming both
        origins (see the module's rules); ``replace_bundled`` lets a user contract take a bundled
        contract's id.
        """
        if isinstance(sources, ContractRegistry):
            return sources
        if sources is None:
            items: list[ContractSource] = []
        elif isinstance(sources, Contract | str | Path):
            items = [sources]
        elif isinstance(sources, Iterable):
            items = list(sources)
        else:
            items = [sources]  # refused below, by type
        bundled = set(list_contracts())
        user: dict[str, Contract] = {}
        origins: dict[str, str] = {}
        for origin, contract in (pair for item in items for pair in _contracts_in(item)):
            cid = contract.id
            if cid in user and user[cid] != contract:
                raise ContractError(
                    f"{origin}: contract id {cid!r} is also the id of {origins[cid]}, with other "
                    "terms; give each contract its own file name"
                )
            if cid in bundled and not replace_bundled and bundled_contract(cid) != contract:
                raise ContractError(
                    f"{origin}: contract id {cid!r} is a bundled contract's, with other terms; "
                    "rename the file to keep both, or ask for yours to replace the bundled one "
                    "(replace_bundled=True; on the command line --replace-bundled)"
                )
            user[cid] = contract
            origins.setdefault(cid, origin)
        return cls(user)

    @property
    def user_ids(self) -> tuple[str, ...]:
        """The ids of the contracts the user passed in, in the order given."""
        return tuple(self._user)

    def resolve(self, id_or_path: str | Path | Contract) -> Contract:
        """A contract by id (the user's, else the bundled one), or a ``.toml`` path, or itself."""
        if isinstance(id_or_path, Contract):
            return id_or_path
        text = str(id_or_path)
        if text in self._user:
            return self._user[text]
        if self._user and text not in list_contracts() and not _is_path(text):
            known = ", ".join(self)
            raise ContractError(f"unknown contract {text!r}; known contracts are: {known}")
        return load_contract(id_or_path)

    def __getitem__(self, contract_id: str) -> Contract:
        if contract_id in self._user:
            return self._user[contract_id]
        if contract_id in list_contracts():
            return bundled_contract(contract_id)
        raise KeyError(contract_id)

    def __contains__(self, contract_id: object) -> bool:
        return contract_id in self._user or contract_id in list_contracts()

    def __iter__(self) -> Iterator[str]:
        yield from self._user
        yield from (cid for cid in list_contracts() if cid not in self._user)

    def __len__(self) -> int:
        return len(set(self._user) | set(list_contracts()))

    def __repr__(self) -> str:
        return f"ContractRegistry(user={list(self._user)!r}, bundled={len(list_contracts())})"


#: What ``contracts=`` takes: a registry, one contract, file or folder, or several.
ContractSources = ContractRegistry | ContractSource | Iterable[ContractSource]


def _is_path(text: str) -> bool:
    return text.lower().endswith(".toml") or "/" in text or "\\" in text or Path(text).is_file()


def _contracts_in(source: ContractSource) -> list[tuple[str, Contract]]:
    """``(origin, contract)`` for a contract, a ``.toml`` file, or each ``.toml`` in a folder."""
    if isinstance(source, Contract):
        return [(f"contract {source.id!r}", source)]
    if not isinstance(source, str | Path):
        raise ContractError(
            f"contracts: give Contract objects, .toml files or folders of them, not {source!r}"
        )
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.toml") if p.is_file())
        if not files:
            raise ContractError(f"{path}: no .toml contract files in this folder")
        return [(str(p), load_contract(p)) for p in files]
    if path.suffix.lower() != ".toml":
        raise ContractError(f"{path}: not a .toml contract file or a folder of them")
    return [(str(path), load_contract(path))]
