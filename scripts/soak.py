"""The soak run (docs/security.md): mixed reads, writes and metadata changes from several workspaces against one
release server for a bounded time, then a consistency check. Loopback only.

Every acknowledged write must be present exactly once, every `company.created` event must reach the local webhook
receiver exactly once, no answer may be a 5xx, and the server's RSS at the end must be within 10% of its RSS at
minute 2. Prints one JSON summary and exits 1 when a check fails. Run through `scripts/soak`.
"""

import argparse
import http.client
import http.server
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Client:
    """One keep-alive connection to the server."""

    def __init__(self, port, token=None):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        token = token or self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(2):
            try:
                self.conn.request(method, path, data, headers)
                response = self.conn.getresponse()
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        raise RuntimeError("unreachable")


class Receiver(http.server.ThreadingHTTPServer):
    """The local webhook target: counts each event id it receives."""

    daemon_threads = True

    def __init__(self):
        self.lock = threading.Lock()
        self.events = Counter()
        self.created = {}
        super().__init__(("127.0.0.1", 0), ReceiverHandler)


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with self.server.lock:
            self.server.events[body.get("eventId")] += 1
            if body.get("event") == "company.created":
                self.server.created[body.get("eventId")] = body.get("recordId")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Soak:
    def __init__(self, port, workspaces, deadline):
        self.port, self.deadline = port, deadline
        self.workspaces = workspaces  # [(token, workspace_id)]
        self.lock = threading.Lock()
        self.requests = Counter()
        self.errors = []
        self.acknowledged = defaultdict(dict)  # workspace index -> {record id: name}
        self.fields = Counter()

    def note(self, kind, status, body):
        with self.lock:
            self.requests[kind] += 1
            if status >= 500:
                self.errors.append({"kind": kind, "status": status, "body": body})

    def worker(self, seed):
        rng = random.Random(seed)
        clients = [Client(self.port, token) for token, _ in self.workspaces]
        n = 0
        while time.time() < self.deadline:
            w = rng.randrange(len(self.workspaces))
            client = clients[w]
            roll = rng.random()
            n += 1
            if roll < 0.50:
                self.read(client, rng)
            elif roll < 0.70:
                self.create(client, w, f"soak-{seed}-{n}", rng)
            elif roll < 0.99:
                self.update(client, w, rng)
            else:
                self.change_metadata(client, w)

    def read(self, client, rng):
        if rng.random() < 0.5:
            query = "{ companies(first: 20, orderBy: [{createdAt: DescNullsLast}]) { totalCount edges { node { id name employees } } } }"
            status, body = client.call("POST", "/graphql", {"query": query})
            if status == 200 and body.get("errors"):
                status = 500 if body["errors"][0].get("extensions", {}).get("code") == "INTERNAL_ERROR" else status
            self.note("read", status, body)
        else:
            status, body = client.call("GET", "/rest/companies?limit=20&order[createdAt]=desc")
            self.note("read", status, body)

    def create(self, client, w, name, rng):
        if rng.random() < 0.5:
            status, body = client.call("POST", "/rest/companies", {"name": name, "employees": rng.randrange(1000)})
            record = (body or {}).get("data") if status == 201 else None
        else:
            mutation = "mutation($d: CompanyCreateInput!) { createCompany(data: $d) { id name } }"
            status, body = client.call("POST", "/graphql", {"query": mutation, "variables": {"d": {"name": name}}})
            record = ((body or {}).get("data") or {}).get("createCompany") if status == 200 else None
            if status == 200 and body.get("errors"):
                code = body["errors"][0].get("extensions", {}).get("code")
                status = 500 if code == "INTERNAL_ERROR" else status
        self.note("write", status, body)
        if record and record.get("id"):
            with self.lock:
                self.acknowledged[w][record["id"]] = name

    def update(self, client, w, rng):
        with self.lock:
            ids = list(self.acknowledged[w])
        if not ids:
            return
        record = rng.choice(ids)
        status, body = client.call("PATCH", f"/rest/companies/{record}", {"employees": rng.randrange(1000)})
        self.note("update", status, body)

    def change_metadata(self, client, w):
        with self.lock:
            if self.fields[w] >= 20:
                return
            self.fields[w] += 1
            number = self.fields[w]
        status, body = client.call("POST", "/metadata", {"query": "{ objects { edges { node { id nameSingular } } } }"})
        self.note("metadata", status, body)
        objects = ((body or {}).get("data") or {}).get("objects", {}).get("edges", [])
        company = next((e["node"]["id"] for e in objects if e["node"]["nameSingular"] == "company"), None)
        if not company:
            return
        mutation = "mutation($d: CreateFieldInput!) { createOneField(data: $d) { id } }"
        field = {"objectMetadataId": company, "name": f"soak{number}", "label": f"Soak {number}", "type": "TEXT"}
        status, body = client.call("POST", "/metadata", {"query": mutation, "variables": {"d": field}})
        if status == 200 and body.get("errors"):
            with self.lock:
                self.errors.append({"kind": "metadata", "status": status, "body": body})
        self.note("metadata", status, body)


def all_companies(port, token):
    """Every company of the workspace: id -> name, and how many rows each name has."""
    client = Client(port, token)
    names, after = Counter(), None
    ids = {}
    while True:
        args = 'first: 200' + (f', after: "{after}"' if after else "")
        query = f"{{ companies({args}) {{ edges {{ cursor node {{ id name }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        status, body = client.call("POST", "/graphql", {"query": query})
        if status != 200 or body.get("errors"):
            raise RuntimeError(f"listing companies failed: {status} {body}")
        connection = body["data"]["companies"]
        for edge in connection["edges"]:
            ids[edge["node"]["id"]] = edge["node"]["name"]
            names[edge["node"]["name"]] += 1
        if not connection["pageInfo"]["hasNextPage"]:
            return ids, names
        after = connection["pageInfo"]["endCursor"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workspaces", type=int, default=4)
    parser.add_argument("--binary", default="target/release/twenty-server")
    args = parser.parse_args()
    if args.minutes > 60:
        sys.exit("a soak run is bounded: at most 60 minutes")

    # One receiver per workspace: each tenant's endpoint is a target of its own (at most two deliveries in flight
    # to one target).
    receivers = [Receiver() for _ in range(args.workspaces)]
    for receiver in receivers:
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp(prefix="twenty-soak-")
    os.chmod(work, 0o755)
    port = free_port()
    env = dict(os.environ, DATA_DIR=f"{work}/data", PORT=str(port), BCRYPT_COST="4", RUST_LOG="warn",
               RATE_LIMIT_GRAPHQL="0", RATE_LIMIT_REST="0", RATE_LIMIT_METADATA="0", SIGN_UP_RATE_LIMIT="0",
               WEBHOOK_ALLOW_PRIVATE_URLS="true", PG_POOL_MAX_CONNECTIONS="16")
    env.pop("DATABASE_URL", None)
    log = open(f"{work}/server.log", "w")
    server = subprocess.Popen([args.binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(240):
            try:
                if Client(port).call("GET", "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                sys.exit(open(f"{work}/server.log").read())
            time.sleep(0.5)
        workspaces = []
        setup = Client(port)
        for i in range(args.workspaces):
            email = f"soak{i}-{uuid.uuid4().hex[:8]}@example.com"
            status, body = setup.call("POST", "/auth/signup", {"email": email, "password": "password123"})
            assert status == 201, body
            token, workspace_id = body["accessToken"], body["workspaceId"]
            hook = "mutation($u: String!) { createOneWebhook(data: {targetUrl: $u, operation: \"company.created\"}) { id } }"
            url = f"http://127.0.0.1:{receivers[i].server_address[1]}/soak"
            status, body = setup.call("POST", "/metadata", {"query": hook, "variables": {"u": url}}, token=token)
            assert status == 200 and not body.get("errors"), body
            workspaces.append((token, workspace_id))
        started = time.time()
        soak = Soak(port, workspaces, started + args.minutes * 60)
        threads = [threading.Thread(target=soak.worker, args=(i,)) for i in range(args.concurrency)]
        for t in threads:
            t.start()
        rss = {}
        while any(t.is_alive() for t in threads):
            minute = (time.time() - started) / 60
            if "minute 2" not in rss and minute >= min(2.0, args.minutes / 5):
                rss["minute 2"] = rss_mib(server.pid)
            time.sleep(1)
        rss["end"] = rss_mib(server.pid)
        elapsed = time.time() - started

        # Consistency: every acknowledged write present exactly once.
        lost = duplicated = 0
        for w, (token, _) in enumerate(workspaces):
            ids, names = all_companies(port, token)
            for record, name in soak.acknowledged[w].items():
                if ids.get(record) != name:
                    lost += 1
                if names[name] != 1:
                    duplicated += 1
        # Events: every acknowledged create delivered once. The worker drains the outbox after the load stops; wait
        # while deliveries still arrive (at most 30 minutes).
        expected = {record for w in soak.acknowledged for record in soak.acknowledged[w]}

        def received():
            delivered, repeated = Counter(), 0
            for receiver in receivers:
                with receiver.lock:
                    delivered.update(receiver.created.values())
                    repeated += sum(1 for n in receiver.events.values() if n > 1)
            return delivered, repeated

        drain_started, last_count, last_progress = time.time(), -1, time.time()
        while time.time() - last_progress < 60 and time.time() - drain_started < 1800:
            delivered_records, _ = received()
            if expected <= set(delivered_records):
                break
            if len(delivered_records) != last_count:
                last_count, last_progress = len(delivered_records), time.time()
            time.sleep(1)
        drained_in = time.time() - drain_started
        delivered_records, repeated_events = received()
        undelivered = len(expected - set(delivered_records))
        growth = (rss["end"] - rss["minute 2"]) / rss["minute 2"] * 100 if rss.get("minute 2") else 0.0
        summary = {
            "minutes": round(elapsed / 60, 2),
            "concurrency": args.concurrency,
            "workspaces": args.workspaces,
            "requests": sum(soak.requests.values()),
            "requests_by_kind": dict(soak.requests),
            "requests_per_second": round(sum(soak.requests.values()) / elapsed),
            "errors_5xx": len(soak.errors),
            "first_errors": soak.errors[:3],
            "acknowledged_writes": len(expected),
            "lost_writes": lost,
            "duplicated_writes": duplicated,
            "custom_fields_created": sum(soak.fields.values()),
            "events_delivered": len(delivered_records),
            "events_drained_seconds_after_load": round(drained_in),
            "events_undelivered": undelivered,
            "events_delivered_more_than_once": repeated_events,
            "rss_mib_minute_2": round(rss.get("minute 2", 0), 1),
            "rss_mib_end": round(rss["end"], 1),
            "rss_growth_percent": round(growth, 1),
        }
        print(json.dumps(summary, indent=2))
        ok = (not soak.errors and lost == 0 and duplicated == 0 and undelivered == 0 and repeated_events == 0
              and abs(growth) <= 10)
        sys.exit(0 if ok else 1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        for receiver in receivers:
            receiver.shutdown()
        subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    main()
