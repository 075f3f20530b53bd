"""The shared TM: a PostgreSQL database every translator's machine and the batch server use at once.

The same index design as the SQLite file (index.py): term keys, posting
counts capped to rank terms, the newest postings of the rarest terms voting;
here the postings are a (term, unit) B-tree, read by index-only scans.
Chosen over pg_trgm by measurement (docs/performance.md, "Translation memory lookups"): its
GIN index combines the postings of all ~100 trigrams of a sentence, most of
them common. Writes stream through COPY into a temporary table and are merged
in one transaction: ``ON CONFLICT`` makes two desks storing the same unit
refresh one row, rows are locked in key order so concurrent writers cannot
deadlock (a deadlock or serialization failure is retried anyway), and
postings are written only for units this transaction really inserted.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Sequence

from ..errors import TransflowError, UsageError
from . import index, redact
from .base import COLUMNS, EXPORT_BATCH, UNIT_COLUMNS, Memory, Row, TMUnit, unit_of

_SCHEMA = """
SELECT pg_advisory_xact_lock(20261117);
CREATE SEQUENCE IF NOT EXISTS tm_unit_ids;
CREATE TABLE IF NOT EXISTS tm_units (
    id bigint PRIMARY KEY,
    norm_key bigint NOT NULL,
    target_key bigint NOT NULL,
    source_lang text NOT NULL,
    target_lang text NOT NULL,
    source text NOT NULL,
    target text NOT NULL,
    origin text NOT NULL,
    article text NOT NULL,
    prev text NOT NULL,
    next text NOT NULL,
    created text NOT NULL,
    updated text NOT NULL,
    UNIQUE (norm_key, target_key)
);
CREATE TABLE IF NOT EXISTS tm_postings (term bigint NOT NULL, unit bigint NOT NULL, PRIMARY KEY (term, unit));
"""
# Units new to the database get the ids reserved for them, and their postings are set aside; existing units
# are refreshed and keep their ids (which no staged row has), so they are filed under nothing again.
_MERGE = f"""WITH stored AS (
        INSERT INTO tm_units (id, {COLUMNS}) SELECT id, {COLUMNS} FROM tm_incoming ORDER BY norm_key, target_key
        ON CONFLICT (norm_key, target_key) DO UPDATE SET
            origin = excluded.origin, article = excluded.article, prev = excluded.prev, next = excluded.next, updated = excluded.updated
        RETURNING id)
    INSERT INTO tm_filing (term, unit) SELECT t, id FROM stored JOIN tm_incoming USING (id), unnest(terms) t"""
# The postings the TM holds (a row takes 44 bytes of its pages, and rows are never deleted: close, and never
# stale as planner statistics can be), and whether this role owns the table (only an owner may rebuild its index).
_HELD = "SELECT pg_relation_size(oid) / 44, pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = 'tm_postings'::regclass"
_COUNTS = f"""SELECT k.term, (SELECT count(*) FROM (SELECT 1 FROM tm_postings p WHERE p.term = k.term LIMIT {index.COUNTED}) s)
              FROM unnest(%s::bigint[]) AS k(term)"""
_CANDIDATES = f"""
    SELECT q.query, {', '.join('u.' + c.strip() for c in UNIT_COLUMNS.split(','))}
    FROM unnest(%s::int[], %s::int[], %s::int[]) AS q(query, first, last)
    CROSS JOIN LATERAL (
        SELECT p.unit FROM unnest((%s::bigint[])[q.first:q.last]) AS c(term)
        CROSS JOIN LATERAL (SELECT unit FROM tm_postings WHERE term = c.term ORDER BY unit DESC LIMIT {index.READ}) p
        GROUP BY p.unit ORDER BY count(*) DESC, p.unit DESC LIMIT {index.CANDIDATES}
    ) v
    CROSS JOIN LATERAL (SELECT * FROM tm_units WHERE id = v.unit) u"""
_ATTEMPTS = 10
_SHAPE = {"tm_units": {"id", *(c.strip() for c in COLUMNS.split(","))}, "tm_postings": {"term", "unit"}}


class PostgresMemory(Memory):
    def __init__(self, url: str) -> None:
        self.location = redact(url)
        try:
            import psycopg
        except ImportError:
            raise UsageError(f"{self.location}: a PostgreSQL TM needs the driver; pip install -e '.[postgres]' in transflow's folder") from None
        self._errors = psycopg.errors
        try:
            self.db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as err:
            reason = redact(str(err).strip().splitlines()[-1]) if str(err).strip() else type(err).__name__
            raise TransflowError(
                f"{self.location}: cannot connect to the TM database ({reason}); check the server and the URL in [memory] path or --tm"
            ) from None
        self._run(self._open_tables)

    def _open_tables(self, cur) -> None:
        """Create the tables only when one is missing: a role with rights on existing tables but no CREATE on
        the schema (a desk's translators) must open the TM without DDL. Tables of another shape are refused.
        JIT is turned off for the session: a lookup's statements take milliseconds, and compiling them (as the
        planner does once its estimates at millions of units cross jit_above_cost) costs ~12 ms each."""
        cur.execute("SET jit = off")
        cur.execute("SELECT to_regclass('tm_units') IS NULL OR to_regclass('tm_postings') IS NULL OR to_regclass('tm_unit_ids') IS NULL")
        if cur.fetchone()[0]:
            cur.execute(_SCHEMA)
        for table, needed in _SHAPE.items():
            cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped", (table,))
            missing = needed - {name for (name,) in cur.fetchall()}
            if missing:
                raise UsageError(
                    f"{self.location}: the table {table} there is not a transflow TM (it has no {', '.join(sorted(missing))} column); "
                    "give another database or schema (options=-csearch_path%3DNAME in the URL)"
                )

    def _failed(self, err: Exception) -> TransflowError:
        reason = redact(str(err).strip().splitlines()[0]) if str(err).strip() else type(err).__name__
        if isinstance(err, self._errors.OperationalError) or self.db.closed or self.db.broken:
            return TransflowError(
                f"{self.location}: the TM server stopped answering ({reason}); the unfinished step was not saved; check the server and run again"
            )
        return TransflowError(f"{self.location}: translation memory failed ({reason}); check the server")

    def _disconnect(self) -> None:
        self.db.close()

    def _settle(self) -> None:
        """Vacuum and analyze, as autovacuum would later: index-only scans need the visibility map, the planner fresh statistics."""
        try:
            self.db.execute("VACUUM (ANALYZE) tm_units, tm_postings")
        except self._errors.InsufficientPrivilege:
            pass  # not the tables' owner: autovacuum will do it
        except self._errors.Error as err:
            raise self._failed(err) from None

    def _run(self, work):
        """*work(cursor)* in one transaction, retried when PostgreSQL asks for it (deadlock, serialization)."""
        retry = (self._errors.DeadlockDetected, self._errors.SerializationFailure)
        for attempt in range(_ATTEMPTS):
            try:
                with self.db.transaction(), self.db.cursor() as cur:
                    return work(cur)
            except retry:
                if attempt == _ATTEMPTS - 1:
                    raise TransflowError(f"{self.location}: translation memory is busy; try again") from None
                time.sleep(0.05 * (attempt + 1))
            except self._errors.Error as err:
                raise self._failed(err) from None

    def _bulk(self, write) -> None:
        def run(cur) -> None:
            cur.execute("CREATE TEMP TABLE tm_incoming ON COMMIT DROP AS SELECT *, NULL::bigint[] AS terms FROM tm_units WITH NO DATA")
            cur.execute("CREATE TEMP TABLE tm_filing (term bigint, unit bigint) ON COMMIT DROP")
            filing = 0

            def merge() -> None:
                nonlocal filing
                cur.execute(_MERGE)
                filing += cur.rowcount
                cur.execute("TRUNCATE tm_incoming")

            write(lambda rows: self._stage(cur, rows), merge)
            self._file(cur, filing)

        self._run(run)

    def _stage(self, cur, rows: list[Row]) -> None:
        """The rows streamed by COPY into the temporary table, with ids reserved for them (kept only if new)."""
        cur.execute("SELECT nextval('tm_unit_ids') FROM generate_series(1, %s)", (len(rows),))
        ids = [id_ for (id_,) in cur.fetchall()]
        with cur.copy(f"COPY tm_incoming (id, {COLUMNS}, terms) FROM STDIN") as copy:
            for id_, row in zip(ids, rows):
                # The terms as an array literal: psycopg's list dumper costs ~10 µs a term in Python.
                copy.write_row((id_, *row.values(), "{%s}" % ("%d," * len(row.terms) % tuple(row.terms))[:-1]))

    def _file(self, cur, filing: int) -> None:
        """The postings of the units this transaction inserted (*filing* of them), filed at its end in one sorted
        pass over the (term, unit) B-tree.

        Filed chunk by chunk, each chunk's ~300,000 postings landed on pages
        all over the B-tree, again for every chunk; at the server's default
        128 MB of shared buffers, growing a TM to 2 M units in 500,000-unit
        files ran at 10,700 units/s filed chunk by chunk, 14,600 filed at the end. An import bringing more postings than the TM
        holds (an archive's first load) adds them without the index and then
        builds it, twice as fast as inserting into it; lookups wait for that
        last step (the table is locked while its index is built). Only the
        table's owner may drop its index: a desk's role inserts.
        """
        if not filing:
            return
        cur.execute("SET LOCAL work_mem = '256MB'")  # the default 4 MB sorts the postings of any file past ~4,000 units on disk
        cur.execute(_HELD)
        held, owned = cur.fetchone()
        if filing > held and owned:
            cur.execute("ALTER TABLE tm_postings DROP CONSTRAINT tm_postings_pkey")
            cur.execute("INSERT INTO tm_postings (term, unit) SELECT term, unit FROM tm_filing")
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cur.execute("ALTER TABLE tm_postings ADD CONSTRAINT tm_postings_pkey PRIMARY KEY (term, unit)")
        else:
            cur.execute("INSERT INTO tm_postings (term, unit) SELECT term, unit FROM tm_filing ORDER BY 1, 2")

    def _with_norm_keys(self, norm_keys: Sequence[int]) -> dict[int, list[tuple[int, TMUnit]]]:
        def read(cur):
            cur.execute(f"SELECT norm_key, {UNIT_COLUMNS} FROM tm_units WHERE norm_key = ANY(%s::bigint[])", (list(norm_keys),))
            found: dict[int, list[tuple[int, TMUnit]]] = {}
            for norm_key, *row in cur.fetchall():
                found.setdefault(norm_key, []).append(unit_of(row))
            return found

        return self._run(read)

    def _counts(self, keys: Sequence[int]) -> dict[int, int]:
        def read(cur):
            cur.execute(_COUNTS, (list(keys),))
            return dict(cur.fetchall())

        return self._run(read)

    def _candidates(self, chosen: Sequence[Sequence[int]]) -> list[list[tuple[int, TMUnit]]]:
        """Every list's votes counted in one statement, each list's own small aggregate (a lateral join, so the
        server never sorts the batch's postings together nor scans tm_units), the batch's units in one answer."""
        ends = list(itertools.accumulate(len(terms) for terms in chosen))
        firsts = [end - len(terms) + 1 for end, terms in zip(ends, chosen)]
        terms = [term for found in chosen for term in found]

        def read(cur):
            cur.execute(_CANDIDATES, (list(range(len(chosen))), firsts, ends, terms))
            found: list[list[tuple[int, TMUnit]]] = [[] for _ in chosen]
            for query, *row in cur.fetchall():
                found[query].append(unit_of(row))
            return found

        return self._run(read)

    def export(self, source_lang: str, target_lang: str) -> Iterator[TMUnit]:
        """Streamed through a server-side cursor, so a pair of millions of units never sits in memory."""
        try:
            with self.db.transaction(), self.db.cursor(name="tm_export") as cur:
                cur.itersize = EXPORT_BATCH
                cur.execute(f"SELECT {UNIT_COLUMNS} FROM tm_units WHERE source_lang = %s AND target_lang = %s ORDER BY id", (source_lang, target_lang))
                for row in cur:
                    yield unit_of(row)[1]
        except self._errors.Error as err:
            raise self._failed(err) from None

    def stats(self) -> list[tuple[str, str, int, int, int]]:
        def read(cur):
            cur.execute(
                """SELECT source_lang, target_lang, count(*), count(*) FILTER (WHERE origin = 'human'), count(*) FILTER (WHERE origin <> 'human')
                   FROM tm_units GROUP BY source_lang, target_lang ORDER BY source_lang, target_lang"""
            )
            return [tuple(row) for row in cur.fetchall()]

        return self._run(read)
