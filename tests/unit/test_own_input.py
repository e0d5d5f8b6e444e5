"""The ledger that tells Wayguide's own XTEST keys and clicks from anyone else's (no display needed)."""

from __future__ import annotations

from app.platform.x11_activity import OwnInput


def test_only_the_next_key_expected_is_wayguides() -> None:
    own = OwnInput()
    own.key(38)  # not watching yet: not recorded
    own.begin()
    for keycode in (50, 38, 38):
        own.key(keycode)
    assert own.claim_key(50)
    assert not own.claim_key(9)  # someone else's Escape between ours
    assert own.claim_key(38) and own.claim_key(38)
    assert not own.claim_key(38)  # one more 'a' than Wayguide sent: the person's


def test_a_foreign_key_like_ours_shifts_the_blame_to_the_next_one() -> None:
    own = OwnInput()
    own.begin()
    own.key(38)
    assert own.claim_key(38)  # the person's 'a' arrived first and was taken for ours …
    assert not own.claim_key(38)  # … so ours, arriving next, is noticed instead: still within one key


def test_end_forgets_and_buttons_and_pointer_are_kept_apart() -> None:
    own = OwnInput()
    own.begin()
    own.key(38)
    own.button(1)
    assert not own.claim_button(3) and own.claim_button(1)
    own.end()
    assert not own.claim_key(38)
    assert not own.moving_pointer
    with own.pointer():
        assert own.moving_pointer
    assert not own.moving_pointer
