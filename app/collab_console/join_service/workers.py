"""The join service's store calls: a few threads, each with its own store.

A ``SqliteStore`` connection must be used by one thread at a time, and a
store call may wait for another process's write (up to the store's busy
time-out), which must not stop the event loop from answering other
browsers. So every store call runs on one of :data:`DEFAULT_THREADS`
threads of a dedicated pool; each thread opens its own store the first time
it needs one and keeps it, and :meth:`StoreWorkers.close` closes them all.
A store that cannot be opened is tried again on the next call.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from collab_console.store.interface import Store

T = TypeVar("T")

#: Enough to keep answering while one call waits for another process's write.
DEFAULT_THREADS = 4


class StoreWorkers:
    """Runs store calls on its own threads, one store per thread.

    ``open_store`` makes a store; it is called on the thread that will use
    it. Never shares a store between threads, and never keeps one open past
    :meth:`close`.
    """

    def __init__(self, open_store: Callable[[], Store], *, threads: int = DEFAULT_THREADS) -> None:
        self._open_store = open_store
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._stores: list[Store] = []

    def _executor(self) -> ThreadPoolExecutor:
        """The pool, started anew after :meth:`close` (a server started again, a test)."""
        pool = self._pool
        if pool is not None:
            return pool
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self._threads, thread_name_prefix="join-store"
                )
            return self._pool

    def _store(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = self._open_store()
            with self._lock:
                self._stores.append(store)
            self._local.store = store
        return store

    def _call(self, job: Callable[[Store], T]) -> T:
        return job(self._store())

    async def run(self, job: Callable[[Store], T]) -> T:
        """``job(store)`` on a worker thread, with that thread's store; its result or error."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), self._call, job)

    def run_now(self, job: Callable[[Store], T]) -> T:
        """``job(store)`` on a worker thread, waiting here (for start-up, outside the loop)."""
        return self._executor().submit(self._call, job).result()

    def close(self) -> None:
        """Wait for the calls under way, then close every store the threads opened."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            stores, self._stores = self._stores, []
        for store in stores:
            store.close()
