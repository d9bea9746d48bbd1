#!/usr/bin/env python3
"""How far one PostgreSQL goes (docs/scaling.md): workspaces, rows and requests, measured against the release
server on a throw-away PostgreSQL cluster. Prints Markdown tables on stdout, progress on stderr.

1. workspaces: sign up N workspaces one after another (each provisions a schema with the standard objects'
   tables): sign-up latency as the count grows, catalogue and database size, per-workspace overhead,
   `pg_dump --schema-only` and a database-wide VACUUM at N; then, on fresh servers, the first request of every
   workspace (cold) and a second one (warm), server RSS as workspaces are touched (WORKSPACE_CACHE_SIZE default
   and large), PostgreSQL backend memory, and the cost of a workspace whose data model is its own (schema build).
2. rows: one workspace, companies inserted with INSERT … SELECT generate_series straight into its schema, then
   VACUUM ANALYZE; GraphQL latency (one client, sequential) of page reads, filters, orders, totalCount and a
   cursor page deep in the list, at each size.
3. requests: wrk against one workspace and against many (tokens in turn), default cache and a cache holding them
   all, interleaved rounds on fresh servers: req/s, latency, statements and CPU per request, memory.
4. dump: on a second cluster with PostgreSQL's default lock settings, schemas of 8 tables are added until
   `pg_dump --schema-only` runs out of lock table.

Loopback only: the cluster listens on a Unix socket in its own temporary directory (removed at the end), the
servers on 127.0.0.1; every phase is bounded in count and time."""

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, str(REPO / "bench"))
import run as bench  # noqa: E402  (bench/run.py: pg_bin, as_postgres, free_port, wait_http, rss, wrk parsing)

SERVER_BIN = Path(os.environ.get("SCALE_SERVER_BIN", bench.SERVER_BIN))
DB = "scale"
PASSWORD = "password123"
NODE = "id name employees score createdAt"
LIST = "query { companies(first: 20) { edges { node { id name employees createdAt } } } }"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def out(*args):
    print(*args, flush=True)


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


class Cluster(bench.Cluster):
    """A private cluster with PostgreSQL's defaults (fsync on, autovacuum on) but for the Unix socket in its own
    directory, no TCP, and room for the connections of two servers and the tools."""

    def __init__(self, root, max_connections=200):
        self.dir = root / "pg"
        self.dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
            shutil.chown(self.dir, "postgres")
            os.chmod(root, 0o755)
        subprocess.run(bench.as_postgres([bench.pg_bin("initdb"), "-D", str(self.dir), "-U", "postgres",
                                          "--auth=trust", "-E", "UTF8", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL)
        options = f"-k {self.dir} -c listen_addresses='' -c max_connections={max_connections}"
        subprocess.run(bench.as_postgres([bench.pg_bin("pg_ctl"), "-D", str(self.dir), "-l", str(self.dir / "log"),
                                          "-w", "-o", options, "start"]), check=True, stdout=subprocess.DEVNULL)
        self.psql(f"CREATE DATABASE {DB}", db="postgres")

    def url(self, db=DB):
        return super().url(db)

    def psql(self, sql, db=DB, timeout=None):
        done = subprocess.run([bench.pg_bin("psql"), "-h", str(self.dir), "-U", "postgres", "-d", db, "-AtX", "-q",
                               "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True,
                              timeout=timeout)
        return done.stdout.strip()

    def catalogue(self):
        row = self.psql(
            "SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute), "
            "(SELECT count(*) FROM pg_depend), "
            "(SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relnamespace = 'pg_catalog'::regnamespace"
            " AND c.relkind = 'r'), pg_database_size(current_database())")
        pg_class, pg_attribute, pg_depend, catalogue, database = (int(v) for v in row.split("|"))
        return {"pg_class": pg_class, "pg_attribute": pg_attribute, "pg_depend": pg_depend,
                "catalogue": catalogue, "database": database}

    def backend_memory(self):
        """Private memory (RssAnon) of the client backends connected to the database, in MiB: (count, sum, max)."""
        pids = self.psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{DB}' AND backend_type = 'client backend'"
                         " AND pid <> pg_backend_pid()").split()
        sizes = []
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("RssAnon:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return len(sizes), sum(sizes), max(sizes, default=0.0)


class Server:
    """The release server on a free loopback port, pinned like the benchmark's (core 0)."""

    def __init__(self, cluster, root, name, **extra):
        self.port = bench.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=cluster.url(), APP_SECRET=bench.SECRET, PORT=str(self.port),
                   HOST="127.0.0.1", BCRYPT_COST="4", RATE_LIMIT_GRAPHQL="0", RATE_LIMIT_REST="0",
                   RATE_LIMIT_METADATA="0", SIGN_UP_RATE_LIMIT="0", ACCESS_TOKEN_TTL_SECS="14400", RUST_LOG="warn")
        env.update({k: str(v) for k, v in extra.items()})
        self.proc = subprocess.Popen(["taskset", "-c", bench.SERVER_CPU, str(SERVER_BIN), "serve"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=open(root / f"{name}.log", "w"))
        bench.wait_http(self.base + "/healthz", self.proc, "twenty-server")
        self.conn = None
        # Serve from memory (the change feed is up) before measuring anything.
        for _ in range(100):
            if self.metric("twenty_change_notifications_live") == 1:
                break
            time.sleep(0.1)

    def request(self, method, path, body=None, token=None):
        """(milliseconds, parsed JSON, status) over one kept-alive connection."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                started = time.perf_counter()
                self.conn.request(method, path, data, headers)
                response = self.conn.getresponse()
                payload = response.read()
                ms = (time.perf_counter() - started) * 1000
                return ms, json.loads(payload) if payload else None, response.status
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def gql(self, query, variables=None, token=None, path="/graphql"):
        ms, answer, status = self.request("POST", path, {"query": query, "variables": variables or {}}, token)
        return ms, answer

    def metrics(self):
        with urllib.request.urlopen(self.base + "/metrics", timeout=10) as r:
            return r.read().decode()

    def metric(self, name):
        try:
            for line in self.metrics().splitlines():
                if line.startswith(name + " ") or line.startswith(name + "{"):
                    return float(line.rsplit(" ", 1)[1])
        except OSError:
            pass
        return None

    def schemas(self):
        return ", ".join(l for l in self.metrics().splitlines() if l.startswith("twenty_graphql_schemas{"))

    def rss(self):
        return bench.rss_mib(self.proc.pid)

    def stop(self):
        if self.conn:
            self.conn.close()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def must(answer, what):
    if not answer or answer.get("errors") or answer.get("error"):
        sys.exit(f"{what} answered {json.dumps(answer)[:500]}")
    return answer


def company_object(server, token):
    _, answer = server.gql("{ objects(paging: {first: 100}) { edges { node { id nameSingular } } } }", token=token,
                           path="/metadata")
    must(answer, "objects")
    return next(e["node"]["id"] for e in answer["data"]["objects"]["edges"] if e["node"]["nameSingular"] == "company")


def create_field(server, token, field):
    _, answer = server.gql("mutation($input: CreateFieldInput!) { createOneField(data: $input) { id } }",
                           {"input": field}, token=token, path="/metadata")
    must(answer, f"createOneField {field['name']}")


# ---------------------------------------------------------------------------------------------------------------
# 1. Workspaces


def sign_up(server, i, prefix="ws", name=None):
    ms, answer, status = server.request("POST", "/auth/signup", {"email": f"{prefix}{i}@example.com",
                                                                  "password": PASSWORD,
                                                                  "workspaceName": name or f"W{i}"})
    if status != 201:
        sys.exit(f"sign-up {i} answered {status}: {json.dumps(answer)[:400]}")
    return ms, answer


def workspaces(cluster, root, args):
    count = args.workspaces
    checkpoints = sorted({1, 10, 100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, count} - {0})
    server = Server(cluster, root, "signup")
    base = cluster.catalogue()
    log(f"signing up {count} workspaces (at most {args.signup_budget} s)")
    tokens, ids, latencies, rows = [], [], [], []
    started = time.time()
    previous = 0
    cpu_mark = bench.proc_cpu(server.proc.pid) + cluster.cpu_seconds()
    for i in range(count):
        if time.time() - started > args.signup_budget:
            log(f"sign-up budget spent after {i} workspaces")
            break
        ms, answer = sign_up(server, i)
        latencies.append(ms)
        tokens.append(answer["accessToken"])
        ids.append(answer["workspaceId"])
        n = i + 1
        if n in checkpoints:
            window = latencies[previous:n]
            cpu_now = bench.proc_cpu(server.proc.pid) + cluster.cpu_seconds()
            rows.append((previous + 1, n, statistics.median(window), pct(window, 90),
                         (cpu_now - cpu_mark) / len(window) * 1000, time.time() - started, cluster.catalogue()))
            cpu_mark = cpu_now
            log(f"  {n} workspaces: sign-up median {statistics.median(window):.1f} ms (#{previous + 1}-{n})")
            previous = n
    signed_up = len(ids)
    if previous < signed_up:
        window = latencies[previous:]
        cpu_now = bench.proc_cpu(server.proc.pid) + cluster.cpu_seconds()
        rows.append((previous + 1, signed_up, statistics.median(window), pct(window, 90),
                     (cpu_now - cpu_mark) / len(window) * 1000, time.time() - started, cluster.catalogue()))
    rss_after_signup = server.rss()
    server.stop()

    out(f"\n### Workspaces: sign-up as the count grows ({signed_up} workspaces, one client, one after another)\n")
    out(f"Before the first workspace: {base['pg_class']:,} pg_class rows, database {base['database'] / 2**20:.1f} MiB.\n")
    out("| workspaces | sign-ups | sign-up p50 ms | p90 ms | CPU ms per sign-up (server + PostgreSQL) | elapsed s "
        "| pg_class rows | pg_attribute rows | pg_depend rows | system catalogue MiB | database MiB |")
    out("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for first, n, median, worst, cpu, elapsed, cat in rows:
        out(f"| {n:,} | #{first:,}–{n:,} | {median:.1f} | {worst:.1f} | {cpu:.0f} | {elapsed:.0f} | {cat['pg_class']:,} "
            f"| {cat['pg_attribute']:,} "
            f"| {cat['pg_depend']:,} | {cat['catalogue'] / 2**20:.1f} | {cat['database'] / 2**20:.1f} |")
    final = rows[-1][6]
    schema = cluster.psql(f"SELECT schema_name FROM core.workspace WHERE id = '{ids[0]}'")
    kinds = cluster.psql(f"SELECT relkind, count(*) FROM pg_class WHERE relnamespace = '\"{schema}\"'::regnamespace "
                         "GROUP BY relkind ORDER BY relkind")
    own = int(cluster.psql(f"SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c WHERE "
                           f"c.relnamespace = '\"{schema}\"'::regnamespace AND c.relkind IN ('r', 'S')"))
    core_rows = cluster.psql("SELECT (SELECT count(*) FROM core.object_metadata), (SELECT count(*) FROM "
                             "core.field_metadata), (SELECT count(*) FROM core.relation_metadata)")
    names = {"r": "tables", "i": "indexes", "S": "sequences", "t": "TOAST tables"}
    out(f"\nPer workspace: {', '.join(f'{c} {names.get(k, k)}' for k, c in (l.split('|') for l in kinds.split()))} "
        f"in its schema ({sum(int(l.split('|')[1]) for l in kinds.split())} pg_class rows; "
        f"{(final['pg_class'] - base['pg_class']) / signed_up:.0f} pg_class rows counting TOAST indexes and rows "
        f"elsewhere); its own relations take {own / 1024:.0f} KiB empty; the database grew by "
        f"{(final['database'] - base['database']) / signed_up / 1024:.0f} KiB per workspace, the system catalogue by "
        f"{(final['catalogue'] - base['catalogue']) / signed_up / 1024:.0f} KiB. Core metadata rows "
        f"(objects | fields | relations) for all of them: {core_rows}. Server RSS after the sign-ups: "
        f"{rss_after_signup:.0f} MiB.")

    # Whole-catalogue operations at this size.
    dump = root / "schema.sql"
    started = time.time()
    try:
        subprocess.run([bench.pg_bin("pg_dump"), "-h", str(cluster.dir), "-U", "postgres", "-s", "-f", str(dump), DB],
                       check=True, capture_output=True, timeout=args.tool_timeout)
        dumped = f"{time.time() - started:.1f} s, {dump.stat().st_size / 2**20:.1f} MiB"
    except subprocess.TimeoutExpired:
        dumped = f"not finished in {args.tool_timeout} s"
    dump.unlink(missing_ok=True)
    started = time.time()
    try:
        cluster.psql("VACUUM", timeout=args.tool_timeout)
        vacuumed = f"{time.time() - started:.1f} s"
    except subprocess.TimeoutExpired:
        vacuumed = f"not finished in {args.tool_timeout} s"
    out(f"\nAt {signed_up:,} workspaces: `pg_dump --schema-only` {dumped}; database-wide `VACUUM` {vacuumed}.")

    # A few workspaces get a data model of their own (one custom field each): their schema is not shared.
    distinct = min(args.distinct, max(0, signed_up - 1))
    server = Server(cluster, root, "fields")
    for k in range(distinct):
        index = signed_up - 1 - k
        create_field(server, tokens[index], {"objectMetadataId": company_object(server, tokens[index]),
                                             "name": f"extra{k}", "label": f"Extra {k}", "type": "TEXT"})
    server.stop()
    standard = list(range(signed_up - distinct))
    own_model = list(range(signed_up - distinct, signed_up))

    touched = {}
    for label, extra in (("default (200)", {}), (f"{signed_up + 100}", {"WORKSPACE_CACHE_SIZE": signed_up + 100})):
        server = Server(cluster, root, f"touch-{len(touched)}", **extra)
        touched[label] = touch(server, cluster, tokens, standard, own_model)
        server.stop()
    report_touch(touched, signed_up, distinct)
    # The requests phase uses the workspaces with the standard data model only.
    return [tokens[i] for i in standard]


def touch(server, cluster, tokens, standard, own_model):
    """The first request of each workspace in turn (cold) and a second one at once (warm)."""
    query = f"query {{ companies(first: 5) {{ edges {{ node {{ id name employees createdAt }} }} }} }}"
    marks = {1, 100, 200, 500, 1000, 2000, 5000, len(standard)}
    result = {"rss": [(0, server.rss())], "cold": [], "warm": [], "first": None, "statements": []}
    for n, index in enumerate(standard, 1):
        sample = n <= 21
        before = server.metric("twenty_db_statements_total") if sample else None
        ms, answer = server.gql(query, token=tokens[index])
        must(answer, "cold read")
        middle = server.metric("twenty_db_statements_total") if sample else None
        warm_ms, answer = server.gql(query, token=tokens[index])
        must(answer, "warm read")
        if sample:
            after = server.metric("twenty_db_statements_total")
            result["statements"].append((middle - before, after - middle))
        if n == 1:
            result["first"] = ms
        else:
            result["cold"].append(ms)
        result["warm"].append(warm_ms)
        if n in marks:
            result["rss"].append((n, server.rss()))
    result["backends"] = cluster.backend_memory()
    result["schemas_standard"] = server.schemas()
    own = []
    for index in own_model:
        ms, answer = server.gql(query, token=tokens[index])
        must(answer, "own-model read")
        own.append(ms)
    result["own"] = own
    result["rss_own"] = server.rss()
    result["schemas_own"] = server.schemas()
    return result


def report_touch(touched, signed_up, distinct):
    out(f"\n### Workspaces: the first request of each (cold) and a second at once (warm), fresh server\n")
    out("`query { companies(first: 5) { … } }` over GraphQL, one client. Cold: the metadata is loaded from the "
        "database (the standard data model's schema is shared); own model: a workspace with one custom field, whose "
        "GraphQL schema is built for it.\n")
    out("| WORKSPACE_CACHE_SIZE | first request after start ms | cold p50 / p99 ms | warm p50 / p99 ms | "
        "own model (schema build) p50 / max ms | statements cold / warm |")
    out("|---|---:|---:|---:|---:|---:|")
    for label, r in touched.items():
        statements = r["statements"][1:]  # the very first also builds the shared schema
        cold_st = statistics.median([s[0] for s in statements]) if statements else float("nan")
        warm_st = statistics.median([s[1] for s in statements]) if statements else float("nan")
        own = (f"{statistics.median(r['own']):.1f} / {max(r['own']):.1f}" if r["own"] else "—")
        out(f"| {label} | {r['first']:.1f} | {statistics.median(r['cold']):.1f} / {pct(r['cold'], 99):.1f} | "
            f"{statistics.median(r['warm']):.1f} / {pct(r['warm'], 99):.1f} | {own} | {cold_st:.0f} / {warm_st:.0f} |")
    out("\nServer RSS (MiB) after touching n workspaces:\n")
    labels = list(touched)
    out("| workspaces touched | " + " | ".join(f"RSS, cache {l}" for l in labels) + " |")
    out("|---:|" + "---:|" * len(labels))
    marks = sorted({n for r in touched.values() for n, _ in r["rss"]})
    for n in marks:
        cells = []
        for l in labels:
            found = [v for m, v in touched[l]["rss"] if m == n]
            cells.append(f"{found[0]:.0f}" if found else "")
        out(f"| {n:,} | " + " | ".join(cells) + " |")
    for l in labels:
        r = touched[l]
        count, total, worst = r["backends"]
        out(f"\n- cache {l}: {r['schemas_standard']}; after {distinct} own-model workspaces: RSS "
            f"{r['rss_own']:.0f} MiB, {r['schemas_own']}; PostgreSQL client backends: {count}, private memory "
            f"(RssAnon) {total:.0f} MiB in all, {worst:.0f} MiB the largest")


# ---------------------------------------------------------------------------------------------------------------
# 2. Rows


def rows(cluster, root, args):
    server = Server(cluster, root, "rows")
    unlimited = Server(cluster, root, "rows-count", MAX_QUERY_COST=4_000_000_000)
    _, answer = sign_up(server, 0, prefix="rows", name="Rows")
    token, workspace = answer["accessToken"], answer["workspaceId"]
    schema = cluster.psql(f"SELECT schema_name FROM core.workspace WHERE id = '{workspace}'")
    create_field(server, token, {"objectMetadataId": company_object(server, token), "name": "score", "label": "Score",
                                 "type": "NUMBER", "settings": {"dataType": "int", "isIndexed": True}})
    table = f'"{schema}".company'
    sizes = [int(s) for s in args.rows.split(",")]
    probe = (7 * 7919) % 50000  # the employees / score value of row 7, and of every 50,000th after it
    queries = {
        "first page (60, default order)": (f"query {{ companies {{ edges {{ node {{ {NODE} }} }} }} }}", {}),
        "one record by id": (f"query($id: ID) {{ company(filter: {{id: {{eq: $id}}}}) {{ {NODE} }} }}", None),
        "filter eq, indexed field (score)": (
            f"query {{ companies(filter: {{score: {{eq: {probe}}}}}) {{ edges {{ node {{ {NODE} }} }} }} }}", {}),
        "filter eq, unindexed field (employees)": (
            f"query {{ companies(filter: {{employees: {{eq: {probe}}}}}) {{ edges {{ node {{ {NODE} }} }} }} }}", {}),
        "order newest first (createdAt, indexed)": (
            f"query {{ companies(orderBy: [{{createdAt: DescNullsLast}}]) {{ edges {{ node {{ {NODE} }} }} }} }}", {}),
        "order by indexed field (score)": (
            f"query {{ companies(orderBy: [{{score: AscNullsLast}}]) {{ edges {{ node {{ {NODE} }} }} }} }}", {}),
        "order by unindexed field (employees)": (
            f"query {{ companies(orderBy: [{{employees: AscNullsLast}}]) {{ edges {{ node {{ {NODE} }} }} }} }}", {}),
        "cursor page at the middle (default order)": (
            f"query($c: String) {{ companies(after: $c) {{ edges {{ node {{ {NODE} }} }} }} }}", None),
        "cursor page at the middle (newest first)": (
            f"query($c: String) {{ companies(after: $c, orderBy: [{{createdAt: DescNullsLast}}]) "
            f"{{ edges {{ node {{ {NODE} }} }} }} }}", None),
        "totalCount (MAX_QUERY_COST raised)": ("query { companies(first: 1) { totalCount } }", {}),
    }
    results = {}
    inserted = 0
    facts = []
    for size in sizes:
        started = time.time()
        cluster.psql(
            f'INSERT INTO {table} (name, "domainName", employees, score, industry, "createdAt", "updatedAt", '
            f'"idealCustomerProfile", "annualRecurringRevenueAmountMicros", "annualRecurringRevenueCurrencyCode") '
            f"SELECT 'Company ' || i, 'company' || i || '.example.com', (i::bigint * 7919) % 50000, "
            f"(i::bigint * 7919) % 50000, (ARRAY['Technology','Finance','Health','Retail','Energy'])[1 + i % 5], "
            f"now() - make_interval(secs => i), now(), false, (i % 1000) * 1000000, 'USD' "
            f"FROM generate_series({inserted + 1}, {size}) i", timeout=1800)
        insert_s = time.time() - started
        started = time.time()
        cluster.psql(f"VACUUM ANALYZE {table}", timeout=1800)
        analyze_s = time.time() - started
        sizes_row = cluster.psql(f"SELECT pg_relation_size('{table}'), pg_indexes_size('{table}')")
        heap, indexes = (int(v) for v in sizes_row.split("|"))
        facts.append((size, size - inserted, insert_s, analyze_s, heap, indexes))
        inserted = size
        log(f"{size:,} companies: inserted in {insert_s:.1f} s, VACUUM ANALYZE {analyze_s:.1f} s")
        some_id = cluster.psql(f"SELECT id FROM {table} ORDER BY position LIMIT 1 OFFSET 6")
        middle = cluster.psql(f'SELECT id FROM {table} WHERE "deletedAt" IS NULL ORDER BY position ASC NULLS FIRST, '
                              f"id LIMIT 1 OFFSET {size // 2}")
        _, answer = server.gql("query($id: ID) { companies(first: 1, filter: {id: {eq: $id}}) { edges { cursor } } }",
                               {"id": middle}, token)
        cursor = must(answer, "cursor")["data"]["companies"]["edges"][0]["cursor"]
        middle = cluster.psql(f'SELECT id FROM {table} WHERE "deletedAt" IS NULL ORDER BY "createdAt" DESC NULLS LAST, '
                              f"id LIMIT 1 OFFSET {size // 2}")
        _, answer = server.gql("query($id: ID) { companies(first: 1, filter: {id: {eq: $id}}, "
                               "orderBy: [{createdAt: DescNullsLast}]) { edges { cursor } } }", {"id": middle}, token)
        newest_cursor = must(answer, "cursor")["data"]["companies"]["edges"][0]["cursor"]
        # The default limit refuses an exact count once PostgreSQL estimates more rows than MAX_QUERY_COST (a fresh
        # server: estimates are kept for a minute).
        fresh = Server(cluster, root, "rows-fresh")
        _, refused = fresh.gql(queries["totalCount (MAX_QUERY_COST raised)"][0], token=token)
        fresh.stop()
        message = (refused.get("errors") or [{}])[0].get("message", "")
        results.setdefault("totalCount with the default MAX_QUERY_COST (fresh server)", {})[size] = (
            f"refused: {message}" if message else "answered")
        for name, (query, variables) in queries.items():
            if name == "one record by id":
                variables = {"id": some_id}
            elif name == "cursor page at the middle (default order)":
                variables = {"c": cursor}
            elif name == "cursor page at the middle (newest first)":
                variables = {"c": newest_cursor}
            target = unlimited if name.startswith("totalCount") else server
            for _ in range(args.warmup):
                must(target.gql(query, variables, token)[1], name)
            times = []
            for _ in range(args.reps):
                ms, answer = target.gql(query, variables, token)
                must(answer, name)
                times.append(ms)
            data = answer["data"]
            first = next(iter(data.values()))
            got = (first.get("totalCount") if "totalCount" in first else
                   len(first["edges"]) if "edges" in first else 1)
            results.setdefault(name, {})[size] = (statistics.median(times), pct(times, 90), got)
            log(f"  {name}: p50 {statistics.median(times):.1f} ms ({got})")
    server.stop()
    unlimited.stop()

    out(f"\n### Rows: one workspace, companies inserted with INSERT … SELECT generate_series, then VACUUM ANALYZE\n")
    out("| companies | inserted | insert s | VACUUM ANALYZE s | table MiB | indexes MiB |")
    out("|---:|---:|---:|---:|---:|---:|")
    for size, added, insert_s, analyze_s, heap, indexes in facts:
        out(f"| {size:,} | {added:,} | {insert_s:.1f} | {analyze_s:.1f} | {heap / 2**20:.0f} | {indexes / 2**20:.0f} |")
    out(f"\nGraphQL over HTTP, one client, {args.reps} requests after {args.warmup} warm-up; p50 / p90 ms (rows "
        "returned):\n")
    out("| read | " + " | ".join(f"{s:,} companies" for s in sizes) + " |")
    out("|---|" + "---:|" * len(sizes))
    default_count = "totalCount with the default MAX_QUERY_COST (fresh server)"
    for name, by_size in sorted(results.items(), key=lambda item: item[0] == default_count):
        cells = []
        for s in sizes:
            v = by_size.get(s)
            if isinstance(v, str):
                cells.append(v)
            elif v:
                cells.append(f"{v[0]:.1f} / {v[1]:.1f} ({v[2]:,})")
            else:
                cells.append("")
        out(f"| {name} | " + " | ".join(cells) + " |")


# ---------------------------------------------------------------------------------------------------------------
# 3. Requests


def requests(cluster, root, tokens, args):
    many = sorted({min(int(n), len(tokens)) for n in args.tenants.split(",")})
    if not tokens or not many:
        out("\n(requests: no workspaces; run the workspaces phase first)")
        return
    widest = max(many)
    log(f"seeding 100 companies in each of {widest} workspaces")
    cluster.psql(
        "DO $$ DECLARE s text; BEGIN FOR s IN SELECT schema_name FROM core.workspace WHERE display_name LIKE 'W%' "
        f"ORDER BY created_at LIMIT {widest} LOOP EXECUTE format('INSERT INTO %I.company (name, employees) "
        "SELECT ''Company '' || i, i FROM generate_series(1, 100) i', s); END LOOP; END $$", timeout=600)
    body = json.dumps({"query": LIST, "variables": {}})
    script = root / "many.lua"
    configs = [("default (200)", {}, span) for span in [1] + many]
    if widest > 200:
        configs.append((f"{widest + 100}", {"WORKSPACE_CACHE_SIZE": widest + 100}, widest))
    results = {}
    # Interleaved rounds, each run on a fresh server (and so fresh PostgreSQL connections); medians reported.
    for round_ in range(args.rounds):
        for label, extra, span in configs:
            server = Server(cluster, root, "load", **extra)
            script.write_text(
                "tokens = {" + ",".join(json.dumps(t) for t in tokens[:span]) + "}\n"
                f"body = {json.dumps(body)}\n"
                "i = 0\n"
                "request = function()\n"
                "  i = i + 1\n"
                "  local t = tokens[(i % #tokens) + 1]\n"
                "  return wrk.format('POST', '/graphql', {['Content-Type'] = 'application/json', "
                "['Authorization'] = 'Bearer ' .. t}, body)\n"
                "end\n")
            wrk = ["taskset", "-c", bench.LOAD_CPU, "wrk", "-t1", f"-c{args.connections}", "--latency", "-s",
                   str(script), server.base + "/graphql"]
            subprocess.run(wrk[:4] + [f"-d{args.load_warmup}s"] + wrk[4:], capture_output=True, check=True)
            statements = server.metric("twenty_db_statements_total")
            cpu, pg = bench.proc_cpu(server.proc.pid), cluster.cpu_seconds()
            load = os.getloadavg()[0]
            done = subprocess.run(wrk[:4] + [f"-d{args.seconds}s"] + wrk[4:], capture_output=True, text=True,
                                  check=True).stdout
            run = bench.parse_wrk(done)
            run["statements"] = (server.metric("twenty_db_statements_total") - statements) / max(run["requests"], 1)
            run["server_us"] = (bench.proc_cpu(server.proc.pid) - cpu) / max(run["requests"], 1) * 1e6
            run["pg_us"] = (cluster.cpu_seconds() - pg) / max(run["requests"], 1) * 1e6
            run["rss"] = server.rss()
            run["backends"] = cluster.backend_memory()
            run["load"] = load
            server.stop()
            results.setdefault((label, span), []).append(run)
            log(f"  round {round_ + 1}, cache {label}, {span} workspaces: {run['rps']:.0f} req/s, "
                f"{run['statements']:.2f} statements/req, load average {load:.1f}")
    out(f"\n### Requests: `{LIST}` with wrk -t1 -c{args.connections}, {args.seconds} s after "
        f"{args.load_warmup} s warm-up, tokens of n workspaces in turn (100 companies each); {args.rounds} "
        "interleaved round(s), each run on a fresh server; medians (req/s: lowest–highest)\n")
    out("| WORKSPACE_CACHE_SIZE | workspaces | req/s | p50 ms | p99 ms | errors | statements/req | server µs/req | "
        "PostgreSQL µs/req | server RSS MiB | PostgreSQL backends: private MiB, all / largest |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (label, span), runs in results.items():
        med = lambda key: statistics.median([r[key] for r in runs])  # noqa: E731
        rps = [r["rps"] for r in runs]
        backends = [r["backends"] for r in runs]
        out(f"| {label} | {span:,} | {med('rps'):,.0f} ({min(rps):,.0f}–{max(rps):,.0f}) | {med('p50'):.2f} | "
            f"{med('p99'):.2f} | {sum(r['errors'] for r in runs)} | {med('statements'):.2f} | {med('server_us'):.0f} "
            f"| {med('pg_us'):.0f} | {med('rss'):.0f} | {backends[0][0]}: "
            f"{statistics.median([b[1] for b in backends]):.0f} / {statistics.median([b[2] for b in backends]):.0f} |")
    loads = [r["load"] for runs in results.values() for r in runs]
    out(f"\nLoad average during the runs: {min(loads):.1f}–{max(loads):.1f}.")


# ---------------------------------------------------------------------------------------------------------------
# 4. pg_dump's locks


def dump_locks(root, args):
    """`pg_dump` locks every table it dumps in one transaction. On a cluster with PostgreSQL's default lock settings,
    schemas of 8 tables each (as many as a workspace with the standard objects has) are added in steps until
    `pg_dump --schema-only` fails."""
    probe_root = root / "dump-probe"
    probe_root.mkdir()
    cluster = Cluster(probe_root, max_connections=100)
    try:
        settings = cluster.psql("SELECT current_setting('max_connections') || ' / ' || "
                                "current_setting('max_locks_per_transaction')")
        created, passed, failure = 0, 0, None
        for target in range(args.dump_step, args.dump_max + 1, args.dump_step):
            while created < target:
                batch = range(created + 1, min(created + 50, target) + 1)
                cluster.psql("".join(f"CREATE SCHEMA w{n}; " + "".join(
                    f"CREATE TABLE w{n}.t{t} (id uuid PRIMARY KEY, a text); " for t in range(8)) for n in batch))
                created = batch[-1]
            done = subprocess.run([bench.pg_bin("pg_dump"), "-h", str(cluster.dir), "-U", "postgres", "-s", "-f",
                                   os.devnull, DB], capture_output=True, text=True, timeout=args.tool_timeout)
            log(f"  pg_dump with {target} schemas of 8 tables: exit {done.returncode}")
            if done.returncode != 0:
                failure = (target, next((l for l in done.stderr.splitlines() if "ERROR" in l or "error" in l), ""))
                break
            passed = target
    finally:
        cluster.stop()
    out(f"\n### pg_dump's table locks (max_connections / max_locks_per_transaction = {settings}, PostgreSQL's "
        "defaults)\n")
    if failure:
        out(f"`pg_dump --schema-only` succeeded with {passed:,} schemas of 8 tables ({passed * 8:,} tables) and "
            f"failed with {failure[0]:,} ({failure[0] * 8:,} tables): `{failure[1].strip()}`.")
    else:
        out(f"`pg_dump --schema-only` succeeded up to {passed:,} schemas of 8 tables ({passed * 8:,} tables).")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phases", default="workspaces,rows,requests,dump")
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--signup-budget", type=int, default=600, help="seconds of sign-ups at most")
    parser.add_argument("--distinct", type=int, default=20, help="workspaces given a data model of their own")
    parser.add_argument("--tool-timeout", type=int, default=300, help="seconds for pg_dump and VACUUM each")
    parser.add_argument("--rows", default="10000,100000,1000000")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--tenants", default="200,1000", help="workspace counts for the requests phase")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--load-warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the requests phase")
    parser.add_argument("--dump-step", type=int, default=250, help="schemas added per step of the pg_dump probe")
    parser.add_argument("--dump-max", type=int, default=2500, help="schemas at most in the pg_dump probe")
    parser.add_argument("--keep", action="store_true", help="keep the run directory (cluster, logs)")
    args = parser.parse_args()
    phases = args.phases.split(",")
    if not SERVER_BIN.exists():
        sys.exit(f"{SERVER_BIN} not found: cargo build --release -p twenty-server")

    root = Path(tempfile.mkdtemp(prefix="twenty-scale-"))
    started = time.time()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    cluster = Cluster(root)
    try:
        version = cluster.psql("SHOW server_version")
        out(f"`{' '.join(['scripts/scale'] + sys.argv[1:])}` at {commit} on {time.strftime('%Y-%m-%d')}: "
            f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
            f"PostgreSQL {version} (private cluster, defaults but max_connections=200), server pinned to core "
            f"{bench.SERVER_CPU}, load average at start {os.getloadavg()[0]:.2f}.")
        tokens = []
        if "workspaces" in phases:
            out(f"\n(load average {os.getloadavg()[0]:.2f} at the start of the workspaces phase)")
            tokens = workspaces(cluster, root, args)
        if "rows" in phases:
            out(f"\n(load average {os.getloadavg()[0]:.2f} at the start of the rows phase)")
            rows(cluster, root, args)
        if "requests" in phases:
            if not tokens:
                server = Server(cluster, root, "signup-load")
                need = max(int(n) for n in args.tenants.split(","))
                tokens = [sign_up(server, i)[1]["accessToken"] for i in range(need)]
                server.stop()
            out(f"\n(load average {os.getloadavg()[0]:.2f} at the start of the requests phase)")
            requests(cluster, root, tokens, args)
        if "dump" in phases:
            out(f"\n(load average {os.getloadavg()[0]:.2f} at the start of the pg_dump probe)")
            dump_locks(root, args)
        out(f"\nTotal time {(time.time() - started) / 60:.1f} min; load average at the end {os.getloadavg()[0]:.2f}.")
    finally:
        cluster.stop()
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
