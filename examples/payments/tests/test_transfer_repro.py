"""Repro of INC-2471 from trace 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2: a transfer that leaves exactly the fee short."""
import pytest

from payments.transfer import Overdraft, transfer


def test_fee_guard_fires():
    accounts = {"acct-1": 100, "acct-2": 0}
    with pytest.raises(Overdraft):
        transfer(accounts, "acct-1", "acct-2", amount=99, fee=2)
    assert accounts == {"acct-1": 100, "acct-2": 0}


def test_fee_debited_before_transfer():
    accounts = {"acct-1": 100, "acct-2": 0}
    transfer(accounts, "acct-1", "acct-2", amount=90, fee=2)
    assert accounts == {"acct-1": 8, "acct-2": 90}
