"""A malformed store URL is refused without printing any of its password (security audit F4)."""

from __future__ import annotations

import pytest

from pac_core.errors import InvalidInput
from sync_jobs.store.db import check_url


@pytest.mark.parametrize("url", ["postgres:CANARYdbPW55aa66bb@127.0.0.1/auditsec",
                                 "pac:CANARYdbPW55aa66bb@127.0.0.1:5432/pac",
                                 "pac:CANARYdbPW55aa66bb@db://x/pac"])
def test_a_url_without_a_scheme_shows_none_of_its_password(url: str) -> None:
    """Seen failing before the fix: ``'postgres:CANARYdbPW5' is not a database URL`` (the user and 11 characters of
    the password: the URL's first 20 characters)."""
    with pytest.raises(InvalidInput) as caught:
        check_url(url)
    text = str(caught.value)
    assert "is not a database URL" in text and "sqlite:///PATH" in text
    assert "CANARY" not in text and "dbPW" not in text and "55aa66bb" not in text
