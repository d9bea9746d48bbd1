#!/usr/bin/env python3
"""The benchmark behind `scripts/bench`: this server (GraphQL and REST) beside PostGraphile 5 and pgbench, on the same
rows of one private PostgreSQL cluster, in interleaved rounds. Prints a Markdown table; see docs/benchmarks.md.

Everything runs on this machine: the cluster listens on a Unix socket in its own directory, the servers on
127.0.0.1. Each load run is bounded (warm-up + `--seconds`)."""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVER_BIN = Path(os.environ.get("BENCH_SERVER_BIN", REPO / "target" / "release" / "twenty-server"))
SQL_DIR = REPO / "bench" / "sql"
PEER = REPO / "bench" / "postgraphile" / "run"
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
CLK_TCK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
# The server under test on core 0, the load generator on the last core, PostgreSQL floating.
SERVER_CPU, LOAD_CPU = "0", str(CORES - 1)

COMPANY_FIELDS = "id name domainName employees industry createdAt annualRecurringRevenue { amountMicros currencyCode }"
PEER_COMPANY_FIELDS = ("rowId name domainName employees industry createdAt annualRecurringRevenueAmountMicros "
                       "annualRecurringRevenueCurrencyCode")
PEOPLE = "people(first: 5) { edges { node { id name { firstName lastName } email } } }"
PEER_PEOPLE = ("people(first: 5, orderBy: [POSITION_ASC], filter: {deletedAt: {isNull: true}}) "
               "{ edges { node { rowId nameFirstName nameLastName email } } }")
INDUSTRY, MIN_EMPLOYEES = "Technology", 100


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    for version in sorted(Path("/usr/lib/postgresql").glob("*"), reverse=True):
        candidate = version / "bin" / name
        if candidate.exists():
            return str(candidate)
    sys.exit(f"{name} not found: install the PostgreSQL server binaries (scripts/install-deps)")


def as_postgres(cmd):
    """PostgreSQL refuses to run as root: a root process runs it as the postgres OS user."""
    return ["runuser", "-u", "postgres", "--"] + cmd if os.geteuid() == 0 else cmd


class Cluster:
    """A throw-away PostgreSQL cluster for one benchmark run."""

    def __init__(self, root):
        self.dir = root / "pg"
        self.dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
            shutil.chown(self.dir, "postgres")
            os.chmod(root, 0o755)
        subprocess.run(as_postgres([pg_bin("initdb"), "-D", str(self.dir), "-U", "postgres", "--auth=trust",
                                    "-E", "UTF8", "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
        options = f"-k {self.dir} -c listen_addresses='' -c max_connections=300 -c fsync=off"
        subprocess.run(as_postgres([pg_bin("pg_ctl"), "-D", str(self.dir), "-l", str(self.dir / "log"), "-w",
                                    "-o", options, "start"]), check=True, stdout=subprocess.DEVNULL)
        self.psql("CREATE DATABASE bench", db="postgres")

    def url(self, db="bench"):
        return f"postgresql://postgres@{str(self.dir).replace('/', '%2F')}/{db}"

    def peer_url(self, db="bench"):
        return f"postgres://postgres@/{db}?host={self.dir}"

    def psql(self, sql, db="bench"):
        out = subprocess.run([pg_bin("psql"), "-h", str(self.dir), "-U", "postgres", "-d", db, "-AtX", "-q",
                              "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def postmaster(self):
        return int((self.dir / "postmaster.pid").read_text().split()[0])

    def cpu_seconds(self):
        """CPU of the postmaster, of every live backend, and of the backends that already exited (reaped by the
        postmaster: its children's time)."""
        master = self.postmaster()
        total = proc_cpu(master, children=True)
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                        total += proc_cpu(int(pid))
                except (OSError, IndexError, ValueError):
                    pass
        return total

    def stop(self):
        subprocess.run(as_postgres([pg_bin("pg_ctl"), "-D", str(self.dir), "-m", "fast", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def proc_cpu(pid, children=False):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLK_TCK


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def http(method, url, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers, method=method), timeout=30) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {url} answered {e.code}: {e.read()[:600]!r}")


def wait_http(url, proc, what):
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit(f"{what} exited during start-up")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start")


class Ours:
    def __init__(self, cluster, root, env_extra=None, name="server"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=cluster.url(), APP_SECRET=SECRET, PORT=str(self.port), HOST="127.0.0.1",
                   BCRYPT_COST="4", RATE_LIMIT_GRAPHQL="0", RATE_LIMIT_REST="0", RATE_LIMIT_METADATA="0",
                   RUST_LOG="warn", MAX_PAGE_SIZE="200",
                   # One tenant against single-tenant peers: its share of the pool is the whole pool (the default,
                   # half the pool, protects other tenants; docs/benchmarks.md measures both).
                   WORKSPACE_MAX_DB_CONNECTIONS="16")
        env.update(env_extra or {})
        self.log_path = root / f"{name}.log"
        self.proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, str(SERVER_BIN), "serve"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=open(self.log_path, "w"))
        wait_http(self.base + "/healthz", self.proc, "twenty-server")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def cli(cluster, *args):
    env = dict(os.environ, DATABASE_URL=cluster.url(), APP_SECRET=SECRET, BCRYPT_COST="4", RUST_LOG="warn")
    return subprocess.run([str(SERVER_BIN), *args], env=env, check=True, capture_output=True, text=True).stdout


class Peer:
    def __init__(self, cluster, schema):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PG_PEER_URL=cluster.peer_url(), PG_PEER_SCHEMA=schema, PG_PEER_PORT=str(self.port),
                   PG_PEER_POOL_MAX="16")
        self.proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, str(PEER), "serve"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(self.base + "/graphql", self.proc, "PostGraphile")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def graphql_request(query, variables=None):
    return {"query": query, "variables": variables or {}}


def workloads(company_ids):
    """(name, contender, method, path, body or None) — each contender's spelling of the same read or write."""
    a = (f"query($i: String, $e: Int) {{ companies(first: 20, filter: {{industry: {{eq: $i}}, employees: {{gte: $e}}}},"
         f" orderBy: [{{createdAt: DescNullsLast}}]) {{ totalCount pageInfo {{ hasNextPage endCursor }}"
         f" edges {{ cursor node {{ {COMPANY_FIELDS} {{people}} }} }} }} }}")
    peer_a = (f"query($i: String!, $e: BigInt!) {{ companies(first: 20, orderBy: [CREATED_AT_DESC], filter: "
              f"{{industry: {{equalTo: $i}}, employees: {{greaterThanOrEqualTo: $e}}, deletedAt: {{isNull: true}}}}) "
              f"{{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {PEER_COMPANY_FIELDS}"
              f" {{people}} }} }} }} }}")
    variables = {"i": INDUSTRY, "e": MIN_EMPLOYEES}
    peer_variables = {"i": INDUSTRY, "e": str(MIN_EMPLOYEES)}  # PostGraphile's BigInt takes strings
    rest_a = (f"/rest/companies?limit=20&filter%5Bindustry%5D%5Beq%5D={INDUSTRY}"
              f"&filter%5Bemployees%5D%5Bgte%5D={MIN_EMPLOYEES}&order%5BcreatedAt%5D=DescNullsLast")
    c = f"query($id: ID) {{ company(filter: {{id: {{eq: $id}}}}) {{ {COMPANY_FIELDS} }} }}"
    peer_c = f"query($id: UUID!) {{ company(rowId: $id) {{ {PEER_COMPANY_FIELDS} }} }}"
    d = "mutation { createCompany(data: {name: \"Bench Co\", employees: 42, industry: \"Bench\"}) { id name } }"
    peer_d = ("mutation { createCompany(input: {company: {name: \"Bench Co\", employees: \"42\", industry: \"Bench\"}}) "
              "{ company { rowId name } } }")
    rest_e = ("/rest/companies?limit=20&filter%5Bindustry%5D%5Bin%5D=Technology,Finance"
              "&filter%5Bemployees%5D%5Blte%5D=2500&order%5Bemployees%5D=DescNullsLast&order%5Bname%5D=AscNullsFirst")
    peer_e = ("query { companies(first: 20, orderBy: [EMPLOYEES_DESC, NAME_ASC], filter: {industry: {in: "
              "[\"Technology\", \"Finance\"]}, employees: {lessThanOrEqualTo: \"2500\"}, deletedAt: {isNull: true}}) "
              f"{{ totalCount nodes {{ {PEER_COMPANY_FIELDS} }} }} }}")
    cid = company_ids[0]
    return {
        "a": {"graphql": ("POST", "/graphql", graphql_request(a.replace("{people}", ""), variables)),
              "rest": ("GET", rest_a, None),
              "postgraphile": ("POST", "/graphql", graphql_request(peer_a.replace("{people}", ""), peer_variables))},
        "b": {"graphql": ("POST", "/graphql", graphql_request(a.replace("{people}", PEOPLE), variables)),
              "postgraphile": ("POST", "/graphql", graphql_request(peer_a.replace("{people}", PEER_PEOPLE),
                                                                   peer_variables))},
        "c": {"graphql": ("POST", "/graphql", graphql_request(c, {"id": cid})),
              "rest": ("GET", f"/rest/companies/{cid}", None),
              "postgraphile": ("POST", "/graphql", graphql_request(peer_c, {"id": cid}))},
        "d": {"graphql": ("POST", "/graphql", graphql_request(d)),
              "rest": ("POST", "/rest/companies", {"name": "Bench Co", "employees": 42, "industry": "Bench"}),
              "postgraphile": ("POST", "/graphql", graphql_request(peer_d))},
        "e": {"rest": ("GET", rest_e, None),
              "postgraphile": ("POST", "/graphql", graphql_request(peer_e))},
    }


def check_response(name, contender, response):
    """A run counts only if the request answers what it should."""
    if contender == "rest":
        ok = "data" in response and not response.get("error")
        rows = response["data"] if isinstance(response.get("data"), list) else [response.get("data")]
    else:
        ok = not response.get("errors") and response.get("data")
        rows = list((response.get("data") or {}).values())
    if not ok or not rows or rows == [None]:
        sys.exit(f"workload {name} on {contender} answered {json.dumps(response)[:400]}")


def wrk(base, method, path, body, token, seconds, connections, root):
    script = root / "wrk.lua"
    lines = [f'wrk.method = "{method}"', 'wrk.headers["Content-Type"] = "application/json"']
    if token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    if body is not None:
        lines.append("wrk.body = " + json.dumps(json.dumps(body)))
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", str(script), base + path], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out):
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1)),
              "p50": to_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
              "p99": to_ms(re.search(r"\s99%\s+(\S+)", out).group(1)), "errors": 0}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["errors"] = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return result


def pgbench(cluster, script, defines, seconds, clients):
    cmd = ["taskset", "-c", LOAD_CPU, pg_bin("pgbench"), "-n", "-M", "prepared", "-c", str(clients),
           "-j", "1", "-T", str(seconds), "-f", str(script), "-h", str(cluster.dir), "-U", "postgres"]
    for key, value in defines.items():
        cmd += ["-D", f"{key}={value}"]
    out = subprocess.run(cmd + ["bench"], capture_output=True, text=True)
    if out.returncode != 0 or "tps" not in out.stdout:
        sys.exit(f"pgbench failed on {script}: {out.stderr[-800:]}")
    tps = float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", out.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    return {"rps": tps, "p50": latency, "p99": float("nan"), "errors": int(failed.group(1)) if failed else 0,
            "requests": int(re.search(r"number of transactions actually processed: (\d+)", out.stdout).group(1))}


def captured_statement(log_path, root, name):
    """The last statement the server logged at TRACE (`twenty_storage::statement`), as a pgbench script whose
    values are `-D` variables cast to the bind types."""
    lines = [l for l in log_path.read_text().splitlines() if '"statement"' in l and '"sql"' in l]
    if not lines:
        sys.exit("no statement was captured (RUST_LOG=twenty_storage::statement=trace, LOG_FORMAT=json)")
    fields = json.loads(lines[-1])["fields"]
    sql, params = fields["sql"], json.loads(fields["params"])
    defines = {}

    def sub(match):
        i = int(match.group(1)) - 1
        kind, value = params[i]
        if value is None:
            return f"NULL::{kind}"
        defines[f"p{i + 1}"] = value
        return f"(:p{i + 1})::{kind}"

    # pgbench reads `:name` as a variable even inside string literals: none of ours contains one.
    text = re.sub(r"\$(\d+)", sub, sql)
    path = root / f"captured-{name}.sql"
    path.write_text(text + ";\n")
    return path, defines


def hand_written(schema, name, root):
    path = root / f"hand-{name}.sql"
    path.write_text((SQL_DIR / f"{name}.sql").read_text().replace("__SCHEMA__", schema))
    return path, {"industry": INDUSTRY, "min_employees": MIN_EMPLOYEES}


def median(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", default="16,64")
    parser.add_argument("--workloads", default="a,b,c,d,e")
    parser.add_argument("--no-peer", action="store_true", help="skip PostGraphile")
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument("--workspaces", type=int, default=0,
                        help="also run the many-workspaces mode with this many workspaces")
    parser.add_argument("--keep", action="store_true", help="keep the run directory (logs, captured SQL)")
    args = parser.parse_args()
    concurrency = [int(c) for c in args.concurrency.split(",")]
    chosen = args.workloads.split(",")

    root = REPO / "target" / "bench" / time.strftime("run-%Y%m%d-%H%M%S")
    root.mkdir(parents=True)
    cluster = Cluster(root)
    servers = []
    try:
        cli(cluster, "migrate")
        created = json.loads(cli(cluster, "workspace", "create", "--name", "Bench", "--email", "bench@example.com",
                                 "--password", "password123"))
        workspace = created["workspaceId"]
        log(f"seeding {args.companies} companies (5 people, 2 opportunities each) through the record service")
        started = time.time()
        seeded = json.loads(cli(cluster, "seed-demo", "--workspace", workspace, "--companies", str(args.companies)))
        log(f"seeded {seeded} in {time.time() - started:.1f} s")
        token = cli(cluster, "api-key", "create", "--workspace", workspace, "--name", "bench").strip()
        schema = cluster.psql(f"SELECT schema_name FROM core.workspace WHERE id = '{workspace}'")
        cluster.psql("VACUUM ANALYZE")
        company_ids = cluster.psql(f'SELECT id FROM "{schema}".company ORDER BY position LIMIT 5').split()
        specs = workloads(company_ids)

        captured = {}
        if not args.no_pgbench:
            capture = Ours(cluster, root, {"RUST_LOG": "warn,twenty_storage::statement=trace", "LOG_FORMAT": "json"},
                           name="capture")
            for name in ("a", "b"):
                method, path, body = specs[name]["graphql"]
                check_response(name, "graphql", http(method, capture.base + path, body, token))
                captured[name] = captured_statement(capture.log_path, root, name)
            capture.stop()

        ours = Ours(cluster, root)
        servers.append(ours)
        peer = None
        if not args.no_peer:
            subprocess.run([str(PEER), "install"], check=True, stdout=subprocess.DEVNULL)
            peer = Peer(cluster, schema)
            servers.append(peer)

        contenders = {"graphql": (ours, token), "rest": (ours, token)}
        if peer:
            contenders["postgraphile"] = (peer, None)
        for name in chosen:
            for contender, spec in specs[name].items():
                if contender in contenders:
                    server, tok = contenders[contender]
                    method, path, body = spec
                    check_response(name, contender, http(method, server.base + path, body, tok))

        results = {}  # (workload, contender, concurrency) -> [run]
        for round_ in range(args.rounds):
            for c in concurrency:
                for name in chosen:
                    for contender, spec in specs[name].items():
                        if contender not in contenders:
                            continue
                        server, tok = contenders[contender]
                        method, path, body = spec
                        wrk(server.base, method, path, body, tok, args.warmup, c, root)
                        cpu_before, pg_before = proc_cpu(server.proc.pid), cluster.cpu_seconds()
                        run = wrk(server.base, method, path, body, tok, args.seconds, c, root)
                        cpu, pg = proc_cpu(server.proc.pid) - cpu_before, cluster.cpu_seconds() - pg_before
                        run["server_us"] = cpu / max(run["requests"], 1) * 1e6
                        run["pg_us"] = pg / max(run["requests"], 1) * 1e6
                        results.setdefault((name, contender, c), []).append(run)
                        log(f"round {round_ + 1} c={c} ({name}) {contender}: {run['rps']:.0f} req/s "
                            f"p50 {run['p50']:.2f} ms p99 {run['p99']:.2f} ms errors {run['errors']} "
                            f"server {run['server_us']:.0f} us/req, postgres {run['pg_us']:.0f} us/req")
                        if name == "d":
                            cluster.psql(f"DELETE FROM \"{schema}\".company WHERE industry = 'Bench'; "
                                         "DELETE FROM core.event_outbox")
                            cluster.psql(f"VACUUM ANALYZE \"{schema}\".company")
                    if name in captured and name in ("a", "b"):
                        for kind, (script, defines) in (("pgbench (server's statement)", captured[name]),
                                                        ("pgbench (hand-written)",
                                                         hand_written(schema, name, root))):
                            run = pgbench(cluster, script, defines, args.seconds, c)
                            run["server_us"] = run["pg_us"] = float("nan")
                            results.setdefault((name, kind, c), []).append(run)
                            log(f"round {round_ + 1} c={c} ({name}) {kind}: {run['rps']:.0f} tps")
        rss = {"twenty-server": peak_rss_mib(ours.proc.pid)}
        if peer:
            rss["postgraphile"] = peak_rss_tree(peer.proc.pid)
        report(results, rss, args, seeded)
        if args.workspaces:
            many_workspaces(cluster, ours, args.workspaces, root)
    finally:
        for server in servers:
            try:
                server.stop()
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        cluster.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return out


def peak_rss_tree(pid):
    return max([peak_rss_mib(pid)] + [peak_rss_tree(c) for c in children(pid)])


def report(results, rss, args, seeded):
    print(f"\n### {seeded['companies']:,} companies, {seeded['people']:,} people, {seeded['opportunities']:,} "
          f"opportunities; {args.rounds} round(s) of {args.seconds} s after {args.warmup} s warm-up; "
          "medians\n")
    print("| workload | c | contender | req/s | × PostGraphile | × pgbench hand-written | p50 ms | p99 ms | errors "
          "| server µs/req | PostgreSQL µs/req |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    keys = sorted(results, key=lambda k: (k[0], k[2], k[1]))
    for name, contender, c in keys:
        runs = results[(name, contender, c)]
        rps = median([r["rps"] for r in runs])
        peer = results.get((name, "postgraphile", c))
        hand = results.get((name, "pgbench (hand-written)", c))
        vs_peer = f"{rps / median([r['rps'] for r in peer]):.2f}" if peer and contender != "postgraphile" else ""
        vs_hand = f"{rps / median([r['rps'] for r in hand]):.2f}" if hand and "hand" not in contender else ""
        print(f"| ({name}) | {c} | {contender} | {rps:,.0f} | {vs_peer} | {vs_hand} | "
              f"{median([r['p50'] for r in runs]):.2f} | {median([r['p99'] for r in runs]):.2f} | "
              f"{sum(r['errors'] for r in runs)} | {median([r['server_us'] for r in runs]):.0f} | "
              f"{median([r['pg_us'] for r in runs]):.0f} |")
    print()
    for name, value in rss.items():
        print(f"- peak RSS {name}: {value:.0f} MiB")
    sys.stdout.flush()


def many_workspaces(cluster, ours, count, root):
    """RSS with `count` active workspaces, and the latency of a cold and a warm workspace's first request."""
    log(f"creating {count} workspaces")
    tokens = []
    for i in range(count):
        created = http("POST", ours.base + "/auth/signup",
                       {"email": f"ws{i}@example.com", "password": "password123", "workspaceName": f"W{i}"})
        tokens.append(created["accessToken"])
    query = graphql_request(f"{{ companies(first: 5) {{ edges {{ node {{ {COMPANY_FIELDS} }} }} }} }}")
    before = rss_mib(ours.proc.pid)
    cold = []
    for token in tokens:
        started = time.perf_counter()
        http("POST", ours.base + "/graphql", query, token)
        cold.append((time.perf_counter() - started) * 1000)
    warm = []
    for token in tokens:
        started = time.perf_counter()
        http("POST", ours.base + "/graphql", query, token)
        warm.append((time.perf_counter() - started) * 1000)
    after = rss_mib(ours.proc.pid)
    with urllib.request.urlopen(ours.base + "/metrics", timeout=10) as r:
        schemas = [l for l in r.read().decode().splitlines() if l.startswith("twenty_graphql_schemas{")]
    print(f"\n### {count} workspaces, one request to each in turn, then again\n")
    print(f"- RSS before: {before:.0f} MiB, after: {after:.0f} MiB, peak {peak_rss_mib(ours.proc.pid):.0f} MiB")
    print(f"- schemas in memory: {', '.join(schemas)}")
    print(f"- first request of a cold workspace: p50 {statistics.median(cold):.1f} ms, "
          f"p99 {sorted(cold)[int(len(cold) * 0.99) - 1]:.1f} ms")
    print(f"- warm workspace: p50 {statistics.median(warm):.1f} ms, p99 {sorted(warm)[int(len(warm) * 0.99) - 1]:.1f} ms")


if __name__ == "__main__":
    main()
