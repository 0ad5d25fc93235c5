#!/usr/bin/env python3
"""Lab failover with N pending log backups: wall time and drkit's own overhead.

    bench/persistent-chat/run.sh BUILD_DIR [N=500] [--keep]

What it sets up (a private `drkit lab` in a temporary folder, on free ports):
  1. `drkit lab up`, then the log-shipping Agent jobs are disabled with msdb.dbo.sp_update_job
     (through a drkit pipeline of sqlserver.execute steps): the backup site's copy and restore
     jobs (the backup site stopped taking logs) and the primary's backup job, so that only the
     runs of step 2 ship logs (a disabled job still runs when started by hand).
  2. The primary's log-shipping backup job is started by hand, one run after another (control
     port `job start LSBackup_mgc`, like msdb.dbo.sp_start_job), until N log backups are in
     the share that the backup site has neither copied nor restored. These are real BACKUP LOG
     files of the primary's mgc (chat writes go on between them), exactly as the job ships them.
  3. `drkit lab fail primary-site` (kill -9 of the primary and its mirror), then a pause until
     the newest log backup is 6 s old: nobody fails over within seconds of an outage, and
     copy-logs re-checks files written in the last `stable_for` (5 s) for growth, a deliberate
     5 s wait that would otherwise show up in its time.
  4. The measured command: `drkit run failover --env lab -m <example manifest, lab paths and
     ports rewritten> --yes`. It copies the N files (copy-logs), restores them in LSN order
     (apply-logs), recovers mgc and moves the pool to the backup site.

Definitions (all times from one run; nothing is estimated):
  W          wall time of the `drkit run failover` process, spawn to exit (this script's
             monotonic clock). It includes process start, plugin loading, manifest checks,
             guards, every step, journal writes, notifications and exit.
  attempts   every guard/step attempt drkit journals with its start and end
             (`drkit report RUN --format json`, attempts[]); T_attempts is the length of the
             union of their [started_at, finished_at] intervals (the failover runs them one at
             a time, so this is their sum).
  outside    W - T_attempts: drkit alone, between and around steps. Shown in three parts:
             before the run's journaled start (process start, plugin loading, manifest checks,
             journal open, run lock), between attempts inside the journaled run (journal writes,
             templates, notifications), and after its journaled end (waiting for notifications
             to be delivered, exit). The journal's times and this script's are the same clock.
  wait       time drkit spent waiting for something else to do the work:
             - apply-logs: its time inside the ODBC driver (SQLExecDirect, SQLFetch,
               SQLMoreResults) waiting for the SQL Server's RESTORE HEADERONLY / RESTORE LOG
               answers, as the sqlserver plugin measures it and writes it to the run log
               ("timing: wall A s, waiting for the server S s");
             - every other guard and step: its whole duration. Each is a few SQL round trips, one
               child process (cs-shell-sim, echo) or, for copy-logs, the file copy itself
               (procedure step 2: moving the bytes is the work, not overhead). drkit does not
               record their split, so their own drkit time counts as waiting here.
  overhead   W - wait = outside + (apply-logs' journaled duration - its server wait).
             A lower bound of drkit's own time by at most the drkit time inside the other
             steps; the CPU figures bound that: drkit's process CPU (user+sys of drkit itself,
             from /proc/PID/stat read on its zombie, threads included) covers all its own work,
             including the FreeTDS client's share of the server round trips.
The script also checks the result: exit 0, N copied, N applied, and the backup mgc's fork point
(where RESTORE ... WITH RECOVERY ended) equal to the last LSN of the last log shipped.
"""
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples/persistent-chat/drkit.json"


def fail(msg):
    print(f"bench: {msg}", file=sys.stderr)
    sys.exit(1)


def free_base_port():
    """A base whose 4 TDS ports and 4 endpoint ports (+10) are all free on loopback."""
    bases = list(range(21000, 31000, 20))
    random.shuffle(bases)
    for base in bases:
        ok = True
        for port in [base + i for i in range(4)] + [base + 10 + i for i in range(4)]:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    fail("no free block of lab ports between 21000 and 31000")


class Control:
    """One connection to a simulator's control port (reply lines, then OK or ERR ...)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""

    def __call__(self, command):
        self.sock.sendall(command.encode() + b"\n")
        lines = []
        while True:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise RuntimeError(f"control port closed during '{command}'")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            text = line.decode()
            if text == "OK":
                return lines, None
            if text.startswith("ERR "):
                return lines, text[4:]
            lines.append(text)

    def close(self):
        self.sock.close()


def lsn_of(port, database):
    c = Control(port)
    try:
        lines, err = c(f"lsn {database}")
    finally:
        c.close()
    if err or not lines:
        fail(f"lsn {database} on port {port}: {err}")
    return dict(w.split("=", 1) for w in lines[0].split()[1:] if "=" in w)


def log_backup_header(path):
    """Last set's header of a complete mssql-sim backup file (docs/lab-mssql-sim.md), else None."""
    data = path.read_bytes()
    if data[:16] != b"MSSQLSIM-BACKUP1":
        return None
    pos, header = 16, None
    while pos < len(data):
        if data[pos:pos + 4] != b"SET1" or pos + 8 > len(data):
            return None
        hlen = int.from_bytes(data[pos + 4:pos + 8], "little")
        pos += 8
        if pos + hlen + 8 > len(data):
            return None
        header = json.loads(data[pos:pos + hlen])
        pos += hlen
        plen = int.from_bytes(data[pos:pos + 8], "little")
        pos += 8 + plen + 4
        if pos > len(data):
            return None  # cut off
    return header


def shipped_logs(folder):
    out = []
    for p in sorted(Path(folder).glob("mgc_*.trn")):
        h = log_backup_header(p)
        if h and h.get("BackupType") == 2 and h.get("DatabaseName") == "mgc":
            out.append((p.name, int(h["FirstLSN"]), int(h["LastLSN"])))
    return sorted(out, key=lambda x: x[2])


def names(folder):
    return {p.name for p in Path(folder).glob("mgc_*.trn")}


def iso_seconds(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def union_length(intervals):
    total, end = 0.0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def run_measured(argv, env, out_path, err_path):
    """Runs argv; returns (exit code, wall s, spawn and exit on the wall clock, own user, own sys,
    children user, children sys)."""
    tick = os.sysconf("SC_CLK_TCK")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0, spawned = time.monotonic(), time.time()
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        # Wait for the exit without reaping, so the zombie's /proc/PID/stat still has its CPU times.
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        wall, exited = time.monotonic() - t0, time.time()
        stat = Path(f"/proc/{proc.pid}/stat").read_text()
        rest = stat[stat.rindex(")") + 2:].split()
        utime, stime, cutime, cstime = (int(rest[i]) / tick for i in (11, 12, 13, 14))
        code = proc.wait()
    return code, wall, spawned, exited, utime, stime, cutime, cstime


def main():
    args = [a for a in sys.argv[1:] if a != "--keep"]
    keep = "--keep" in sys.argv[1:]
    if not args:
        fail("usage: run.sh BUILD_DIR [N=500] [--keep]")
    build = Path(args[0]).resolve()
    n = int(args[1]) if len(args) > 1 else 500
    drkit = build / "bin/drkit"
    for tool in (drkit, build / "bin/mssql-sim", build / "bin/cs-shell-sim"):
        if not tool.exists():
            fail(f"{tool} is missing: cmake --build {build} --target drkit mssql-sim cs-shell-sim drkit-plugin-sqlserver "
                 "drkit-plugin-storage-share drkit-plugin-skype-cs drkit-plugin-notify drkit-plugin-core")
    cache = build / "CMakeCache.txt"
    build_type = "?"
    if cache.exists():
        m = re.search(r"^CMAKE_BUILD_TYPE:STRING=(.*)$", cache.read_text(), re.M)
        build_type = m.group(1) if m else "?"

    tmp = Path(tempfile.mkdtemp(prefix="drkit-bench-pc."))
    lab, state = tmp / "lab", tmp / "state"
    base = free_base_port()
    env = dict(os.environ, PATH=f"{build / 'bin'}:{os.environ.get('PATH', '')}", DRKIT_STATE_DIR=str(state))
    env.pop("DRKIT_LAB_DIR", None)
    lab_args = ["--lab-dir", str(lab), "--base-port", str(base)]

    def sh(argv, check=True):
        r = subprocess.run(argv, env=env, capture_output=True, text=True)
        if check and r.returncode != 0:
            fail(f"{' '.join(argv)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
        return r

    text = EXAMPLE.read_text().replace("/tmp/drkit-lab", str(lab))
    for i in range(4):
        text = text.replace(f"Port={14331 + i}", f"Port={base + i}")
    manifest = tmp / "drkit.json"
    manifest.write_text(text)

    try:
        print(f"lab: {lab}, ports {base}-{base + 3} (endpoints {base + 10}-{base + 13}); build {build} ({build_type})")
        sh([str(drkit), "lab", "up", *lab_args])

        # Disable the jobs the way an operator would: msdb.dbo.sp_update_job.
        def sql_res(port):
            return {"type": "sqlserver.instance", "with": {
                "connection": f"Driver=FreeTDS;Server=127.0.0.1;Port={port};TDS_Version=7.4;Encryption=off",
                "user": "sa", "password": "${secret:file:" + str(lab / "sa.password") + "}"}}
        steps = [{"id": f"disable-{job}", "uses": "sqlserver.execute",
                  "with": {"instance": inst, "sql": f"EXEC msdb.dbo.sp_update_job @job_name = N'{job}', @enabled = 0"}}
                 for inst, job in (("primary", "LSBackup_mgc"), ("backup", "LSCopy_PRIMARY_mgc"),
                                   ("backup", "LSRestore_PRIMARY_mgc"))]
        pause = tmp / "pause-jobs.json"
        pause.write_text(json.dumps({"drkit": 1, "resources": {"primary": sql_res(base), "backup": sql_res(base + 2)},
                                     "pipelines": {"pause": {"steps": steps}}}))
        sh([str(drkit), "run", "pause", "-m", str(pause), "--state-dir", str(tmp / "pause-state")])
        time.sleep(1.0)  # a job run already under way (at least 200 ms) ends

        share, copy = lab / "share", lab / "copy"
        have = len(names(share) - names(copy))
        print(f"shipping {max(0, n - have)} log backups with the primary's backup job ({have} already pending)...")
        started = time.monotonic()
        primary = Control(base + 10)
        shipped = 0
        while have + shipped < n:
            _, err = primary("job start LSBackup_mgc")
            if err is None:
                shipped += 1
            elif "already running" in err:
                time.sleep(0.01)
            else:
                fail(f"job start LSBackup_mgc: {err}")
        primary.close()
        deadline = time.monotonic() + 120
        while len(names(share) - names(copy)) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the last run's state is saved right after its file
        print(f"  done in {time.monotonic() - started:.1f} s")

        sh([str(drkit), "lab", "fail", "primary-site", *lab_args])
        newest = max(p.stat().st_mtime for p in share.glob("mgc_*.trn"))
        time.sleep(max(0.0, newest + 6.0 - time.time()))
        logs = shipped_logs(share)
        in_copy = names(copy)
        not_copied = [l for l in logs if l[0] not in in_copy]
        backup_before = lsn_of(base + 12, "mgc")
        redo = int(backup_before["redo_start_lsn"])
        not_restored = [l for l in logs if l[2] > redo]
        last_shipped = logs[-1][2]
        print(f"pending before failover: {len(not_copied)} log backups in the share not copied, {len(not_restored)} "
              f"not restored (backup mgc {backup_before['state']} at redo point {redo}; last LSN shipped {last_shipped})")

        argv = [str(drkit), "run", "failover", "--env", "lab", "-m", str(manifest), "--yes"]
        print("command: DRKIT_STATE_DIR=" + str(state) + " " + " ".join(argv))
        code, wall, spawned, exited, utime, stime, cutime, cstime = run_measured(argv, env, tmp / "failover.out", tmp / "failover.err")
        if code != 0:
            fail(f"failover exited {code}:\n{(tmp / 'failover.err').read_text()[-3000:]}")

        run_id = json.loads(sh([str(drkit), "runs", "--output", "json"]).stdout)[0]["id"]
        report = json.loads(sh([str(drkit), "report", run_id, "--format", "json"]).stdout)
        attempts = report["attempts"]
        intervals = [(iso_seconds(a["started_at"]), iso_seconds(a["finished_at"])) for a in attempts if a["finished_at"]]
        t_attempts = union_length(intervals)
        outputs = report["outputs"]
        copied = outputs.get("copy-logs", {}).get("copied")
        applied = outputs.get("apply-logs", {}).get("applied_count")
        restored_lsn = outputs.get("apply-logs", {}).get("last_lsn")
        log_text = (state / "logs" / f"{run_id}.log").read_text()
        m = re.search(r"\[apply-logs\] debug: timing: wall ([0-9.]+) s, waiting for the server ([0-9.]+) s", log_text)
        if not m:
            fail("the run log has no apply-logs timing line (sqlserver plugin too old?)")
        apply_wall, apply_server = float(m.group(1)), float(m.group(2))
        by_step = {}
        for a in attempts:
            by_step[a["step_id"]] = by_step.get(a["step_id"], 0) + (a["duration_ms"] or 0) / 1000
        apply_attempt = by_step.get("apply-logs", apply_wall)
        outside = wall - t_attempts
        apply_drkit = apply_attempt - apply_server
        overhead = outside + apply_drkit
        fork = int(lsn_of(base + 12, "mgc")["fork_point_lsn"])

        print()
        print(f"Persistent Chat failover, {len(not_copied)} pending log backups, {build_type} build")
        print(f"  result: exit {code}; copied {copied}, applied {applied}; backup mgc recovered at LSN {fork}, "
              f"last LSN shipped {last_shipped}: {'equal, no shipped log lost' if fork == last_shipped else 'DIFFERENT'}"
              f" (report's last_lsn {restored_lsn})")
        print(f"  wall time W (process)                 {wall:8.3f} s   ({report['run']['duration_ms'] / 1000:.3f} s journaled run)")
        print(f"  guard and step attempts               {t_attempts:8.3f} s")
        for step, secs in sorted(by_step.items(), key=lambda kv: -kv[1]):
            print(f"    {step:<34}  {secs:8.3f} s")
        print(f"  apply-logs waiting for SQL Server     {apply_server:8.3f} s   (drkit inside apply-logs {apply_drkit:.3f} s)")
        run_start, run_end = iso_seconds(report["run"]["started_at"]), iso_seconds(report["run"]["finished_at"])
        print(f"  outside steps (drkit alone)           {outside:8.3f} s")
        print(f"    before the run starts               {run_start - spawned:8.3f} s   (start-up, plugins, manifest, journal, lock)")
        print(f"    between steps                       {run_end - run_start - t_attempts:8.3f} s")
        print(f"    after the run ends                  {exited - run_end:8.3f} s   (notifications, exit)")
        print(f"  drkit overhead = outside + apply-logs' own time = {overhead:.3f} s ({100 * overhead / wall:.1f} % of W); "
              f"drkit's own time in apply-logs per log: {1000 * apply_drkit / max(1, applied or 0):.2f} ms")
        print(f"  CPU: drkit {utime + stime:.2f} s (user {utime:.2f}, sys {stime:.2f}); its children "
              f"(cs-shell-sim, echo) {cutime + cstime:.2f} s")
        if fork != last_shipped or copied != len(not_copied) or applied != len(not_restored):
            fail(f"unexpected result: copied {copied} (expected {len(not_copied)}), applied {applied} "
                 f"(expected {len(not_restored)}), fork point {fork} vs last shipped {last_shipped}")
    finally:
        subprocess.run([str(drkit), "lab", "down", *lab_args], env=env, capture_output=True)
        if keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
