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


@pytest.mark.parametrize(
    "url",
    [
        'postgresql+psycopg://postgres:PGaudit"q\\7@Zx-Wv4@127.0.0.1:5432/pacsecrets',
        "postgresql://pac:CANARY@Zx-Wv4@db.example:5432/pac",
        "postgres://pac:CANARY@Zx:Wv4@db.example/pac",
    ],
)
def test_an_unencoded_at_sign_in_the_password_is_refused_unshown(url: str) -> None:
    """SQLAlchemy splits the user information at the first '@': the rest of the password became the host, which
    the connection error then printed ("failed to resolve host 'Zx-Wv4@127.0.0.1'"). Seen failing before the fix:
    'DID NOT RAISE InvalidInput' (the URL was accepted), and for the bad-port case the message named no '@'."""
    with pytest.raises(InvalidInput) as caught:
        check_url(url)
    text = str(caught.value)
    assert "%40" in text and "percent-encode" in text and "PAC_DATABASE_URL" in text
    assert "Zx" not in text and "Wv4" not in text and "CANARY" not in text and "PGaudit" not in text


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://pac:p%40ss%2Fw%3Ard@db.example:5432/pac",
        "postgresql://pac:pa/ss#w?rd@127.0.0.1/pac",
        "postgresql://pac@[::1]:5432/pac",
        "postgresql://pac@db1.example,db2.example/pac",
        "postgresql://pac@azure-srv:Zx-Wv4@db.example/pac",  # a user name with '@' (Azure's user@server) is read
        "postgresql:///pac?host=/var/run/postgresql",
        "sqlite:///.pac/p@x.db",
    ],
)
def test_urls_that_parse_cleanly_are_accepted(url: str) -> None:
    assert check_url(url).get_backend_name() in ("postgresql", "sqlite")
