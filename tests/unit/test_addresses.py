"""Comparable addresses: one form for an address however its domain is spelled."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reminder_service.core.addresses import comparable_address, same_address


@pytest.mark.parametrize(
    "address",
    [
        "Ana@XN--BCHER-KVA.Example",
        "ana@Bücher.example",
        "ana@bu\u0308cher.example",
        " ana@bücher.example ",
    ],
)
def test_every_spelling_of_a_domain_compares_equal(address: str) -> None:
    """Case, the xn-- form and Unicode composition do not change the comparable form."""
    assert comparable_address(address) == "ana@bücher.example"


@pytest.mark.parametrize("address", ["x@xn--99999999999.example", "x@xn--" + "a" * 80 + ".example"])
def test_a_label_that_is_not_real_punycode_is_left_as_written(address: str) -> None:
    """Damaged or overlong xn-- labels are compared as written instead of raising."""
    assert comparable_address(address) == address.lower()


def test_same_address_is_one_mailbox_in_either_spelling() -> None:
    """Two spellings of one mailbox are the same address; another local part is not."""
    assert same_address("bo@xn--bcher-kva.example", "Bo@bücher.example")
    assert not same_address("bo@bücher.example", "ana@bücher.example")


def test_an_address_already_in_comparable_form_is_given_back_itself() -> None:
    """An address already trimmed, lowercased and in Unicode form comes back as the same
    object, so that a program's checks can hold it without a copy; any other comes back
    as a new, comparable string."""
    plain = "".join(["ana@", "bücher.example"])
    spelled = "Ana@XN--BCHER-KVA.example"

    assert comparable_address(plain) is plain
    assert comparable_address(spelled) == plain
    assert comparable_address(spelled) is not spelled


@given(st.emails() | st.text(max_size=40))
@example("ana@xn--bcher-kva.example")
@example("ana@bu\u0308cher.example")
@example("Ana@northwind.example")
@example("ana@northwind.example\t")
def test_an_address_taken_as_it_is_is_the_comparable_form(address: str) -> None:
    """Most addresses are taken as they are, at a glance; one with a space in front never
    is, and both ways give the same comparable form."""
    assert comparable_address(address) == comparable_address(f" {address}")
