"""Memoize moto's access-key -> account lookup, so the emulator's CPU per request stops growing with accounts.

moto (5.2) answers "which account is this request for?" with ``moto.iam.models.get_account_id_from``: it
scans every account's IAM backend, in every partition, for the request's access key - on every request.
At 1,000 accounts that scan was 46% of a benchmark's CPU (issue 16). ``moto.core.responses`` imports the
function by name inside ``get_current_account`` at call time, so replacing the module attribute is enough.

The memo never changes an answer: every entry carries the *generation* it was computed in, and the
generation moves on whenever an answer could change - an access key added to or removed from any
account's ``access_keys`` (IAM CreateAccessKey/DeleteAccessKey, STS AssumeRole's temporary keys), an IAM
backend built or reset (a new account, ``mock_aws`` entry/exit, moto's reset API) and moto's global reset.
An entry from an older generation is recomputed by the original scan. Unknown keys (the ``testing`` key of
every test) are memoized too: they scanned every account and answered the default account.

moto also looks an account's backend up in every service's ``BackendDict`` several times per request, and
each lookup runs ``account_id not in list(self.keys())`` - a list of every account, built under moto's
global lock - before the dict lookup (a third of the emulator's CPU at 300 accounts, growing with them).
``install()`` adds a fast path: an account already in a BackendDict that moto has registered (in
``BackendDict._instances``, which its reset walks) is returned by a plain dict lookup; anything else
(a new account, the first use after a reset) takes moto's own path, which creates and registers.

``install()`` is idempotent; ``TRAILGUARD_MOTO_CACHE=0`` leaves moto as it is (for before/after figures).
"""
from __future__ import annotations

import os
import threading

_LOCK = threading.Lock()
_STATE = {"generation": 0, "installed": False, "original": None}
_MEMO: dict[str, tuple[int, str]] = {}
_REGISTERED: set[int] = set()  # ids of the BackendDicts moto has put in BackendDict._instances


def _bump() -> None:
    with _LOCK:
        _STATE["generation"] += 1
        _MEMO.clear()


class _TrackedKeys(dict):
    """An IAM backend's ``access_keys``: every write moves the generation on."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        _bump()

    def __delitem__(self, key):
        super().__delitem__(key)
        _bump()

    def _changed(name):  # noqa: N805 - builds the mutating methods below
        def method(self, *args, **kwargs):
            result = getattr(dict, name)(self, *args, **kwargs)
            _bump()
            return result

        method.__name__ = name
        return method

    pop = _changed("pop")
    popitem = _changed("popitem")
    clear = _changed("clear")
    update = _changed("update")
    setdefault = _changed("setdefault")
    __ior__ = _changed("__ior__")
    del _changed


def cached_lookup(access_key: str) -> str:
    """``get_account_id_from`` with the memo; the same answer as moto's scan (see the module docstring)."""
    hit = _MEMO.get(access_key)
    generation = _STATE["generation"]
    if hit is not None and hit[0] == generation:
        return hit[1]
    account = _STATE["original"](access_key)
    with _LOCK:
        if _STATE["generation"] == generation:  # nothing changed during the scan: the answer is current
            _MEMO[access_key] = (generation, account)
    return account


def installed() -> bool:
    return bool(_STATE["installed"])


def install() -> None:
    """Patch moto in this process (in-process ``mock_aws`` and ThreadedMotoServer alike)."""
    if _STATE["installed"] or os.environ.get("TRAILGUARD_MOTO_CACHE", "1") == "0":
        return
    from moto.core.base_backend import BackendDict
    from moto.iam import models as iam_models

    original_init = iam_models.IAMBackend.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.access_keys = _TrackedKeys(self.access_keys)
        _bump()

    original_reset = BackendDict.reset.__func__

    def reset(cls):
        try:
            original_reset(cls)
        finally:
            _REGISTERED.clear()  # moto forgot its instances: the next lookup of each takes moto's path
            _bump()

    original_getitem = BackendDict.__getitem__

    def getitem(self, account_id):
        if id(self) in _REGISTERED and dict.__contains__(self, account_id):
            return dict.__getitem__(self, account_id)
        result = original_getitem(self, account_id)  # creates the account's backend, registers the dict
        _REGISTERED.add(id(self))
        return result

    with _LOCK:
        if _STATE["installed"]:
            return
        _STATE["original"] = iam_models.get_account_id_from
        iam_models.IAMBackend.__init__ = init
        BackendDict.reset = classmethod(reset)
        BackendDict.__getitem__ = getitem
        iam_models.get_account_id_from = cached_lookup
        for backends in list(iam_models.iam_backends.values()):  # backends built before install
            for backend in list(backends.values()):
                if not isinstance(backend.access_keys, _TrackedKeys):
                    backend.access_keys = _TrackedKeys(backend.access_keys)
        _STATE["generation"] += 1
        _MEMO.clear()
        _STATE["installed"] = True
