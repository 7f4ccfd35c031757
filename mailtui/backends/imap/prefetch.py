"""Background filling of the IMAP header cache, on a connection of its own.

The index shows the rows on screen first (one `fetch_envelopes` window, newest first);
`ImapBackend.prefetch_envelopes` then walks the rest of the folder here, `batch` UIDs per
command, skipping what the cache already has, so that scrolling and searching later are
served from the cache, and makes their sort and thread keys (imap/order.py). It uses its own ImapConnection: imapclient connections are
single-threaded (library-facts §2), and sharing the main one would make every UI call
wait behind a batch. Cancel with `should_stop` between batches, or `close()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from imapclient import IMAPClient

from mailtui.backends.imap.connection import ImapConnection
from mailtui.backends.imap.fetch import fetch_rows
from mailtui.backends.imap.header_cache import CachedHeader, HeaderCache
from mailtui.backends.imap.order import key_row
from mailtui.core.errors import BackendError


class Prefetcher:
    """Fetches header blocks into the cache, batch by batch, on `conn`."""

    def __init__(self, conn: ImapConnection, cache: HeaderCache) -> None:
        self.conn = conn
        self.cache = cache

    def run(
        self,
        folder: str,
        uids: Sequence[int],
        expected_validity: int | None,
        batch: int,
        should_stop: Callable[[], bool] | None,
    ) -> int:
        """Fetch the headers of `uids` the cache lacks; returns how many were fetched.

        Stops early when asked, when closed, or when the folder's UIDVALIDITY is not the
        one the refs were listed under (the UIDs would name other messages).
        """
        batch = max(1, batch)
        fetched = 0
        for start in range(0, len(uids), batch):
            if self.conn.closed or (should_stop is not None and should_stop()):
                break
            chunk = list(uids[start : start + batch])

            def op(c: IMAPClient, chunk: list[int] = chunk) -> tuple[int, list[CachedHeader]] | None:
                validity = self.conn.uidvalidity.get(folder)
                if validity is None or (expected_validity is not None and validity != expected_validity):
                    return None
                have = self.cache.get(folder, validity, chunk)
                missing = [uid for uid in chunk if uid not in have]
                if not missing:
                    return validity, []
                rows = fetch_rows(c, missing, cache=self.cache, folder=folder, uidvalidity=validity)
                return validity, [row for _, row in rows.values()]

            try:
                done = self.conn.run(
                    op, folder=folder, readonly=True, action=f"to prefetch headers in {folder}"
                )
            except BackendError:
                if self.conn.closed:
                    break  # closed meanwhile: a cancel, not an error
                raise
            if done is None or not self.cache.enabled:
                break
            validity, fresh = done
            # Their sort and thread keys too, here in the background: a sort later reads them.
            self.cache.put_keys(folder, validity, [key_row(r.uid, r.size, r.header) for r in fresh])
            fetched += len(fresh)
        return fetched

    def close(self) -> None:
        """Stop a running `run` at once (its socket is shut) and log out."""
        self.conn.interrupt()
        self.conn.close()
