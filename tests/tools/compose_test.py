#!/usr/bin/python3
"""docker/compose.yaml and docker/Dockerfile without a Docker daemon.

Checks what `docker compose up` would need and a reader would expect:
top-level keys docker-compose 1.29 accepts; every service's command line
and health check run through `sh -n` (shell ones) or against the binary's
own --help (every --flag exists); the one-shot token step dry-run with a
stand-in `pqtrack`, so the token lands in its file and not in the log;
ports bound to loopback unless the service speaks TLS; named volumes
declared; health checks on every long-running service that others wait
for; two server replicas on one database; and the runtime image installing
install-deps's run set alone, which holds the package of every library the
binaries link (directly or as a dependency).

Usage: compose_test.py SOURCE_DIR SERVER CLI NOTIFY WEB
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def compose_text(s):
    """What Compose passes on: $$ is a literal $, a lone $ interpolates."""
    if re.search(r"(?<!\$)\$(?!\$)", s.replace("$$", "")):
        fail("unescaped $ (Compose would interpolate it): " + s[:80])
    return s.replace("$$", "$")


def help_text(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True)
    text = out.stdout + out.stderr
    # Abseil lists --data_dir; the binaries accept --data-dir too.
    return text + text.replace("_", "-")


def check_flags(service, argv, helps):
    prog = os.path.basename(argv[0])
    if prog not in helps:
        return
    # The flags before a subcommand and those of the subcommand share one
    # help here; a subcommand's own flags are listed by the binary too.
    previous = ""
    for arg in argv[1:]:
        if arg.startswith("--"):
            flag = arg.split("=", 1)[0]
            if not re.search(re.escape(flag) + r"\b", helps[prog]):
                fail(f"{service}: {prog} has no flag {flag}")
        elif re.fullmatch(r"[a-z][a-z-]*", arg) and not (
                previous.startswith("--") and "=" not in previous):
            # A subcommand: the binary lists it.
            if not re.search(r"\b" + re.escape(arg) + r"\b", helps[prog]):
                fail(f"{service}: {prog} has no subcommand {arg}")
        previous = arg


def dry_run_token_step(service, script):
    """Runs the script with a stand-in pqtrack in a scratch directory."""
    with tempfile.TemporaryDirectory() as tmp:
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        stub = os.path.join(bindir, "pqtrack")
        with open(stub, "w") as f:
            f.write("#!/bin/sh\n"
                    "case \"$1 $2\" in\n"
                    "  'token issue') echo SECRET-TOKEN; echo 'token 7 for notifier' ;;\n"
                    "  *) echo \"pqtrack $*\" ;;\n"
                    "esac\n")
        os.chmod(stub, 0o755)
        local = script.replace("/var/lib/pqtrack", tmp)
        env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"])
        run = subprocess.run(["sh", "-c", local], capture_output=True,
                             text=True, env=env)
        if run.returncode != 0:
            fail(f"{service}: its script failed: {run.stderr}")
            return
        token = os.path.join(tmp, "notify.token")
        got = open(token).read() if os.path.exists(token) else ""
        if got != "SECRET-TOKEN\n":
            fail(f"{service}: the token file holds {got!r}, not the token")
        if "SECRET-TOKEN" in run.stdout + run.stderr:
            fail(f"{service}: the token is printed to the log")
        # Run again: the file exists, nothing is issued.
        again = subprocess.run(["sh", "-c", local], capture_output=True,
                               text=True, env=env)
        if again.returncode != 0 or again.stdout:
            fail(f"{service}: a second run is not a no-op: {again.stdout}")


def check_compose(path, helps):
    doc = yaml.safe_load(open(path))
    extra = set(doc) - {"services", "volumes", "networks", "secrets",
                        "configs"}
    if extra:
        fail(f"top-level keys docker-compose 1.29 refuses: {sorted(extra)}")
    services = doc["services"]
    declared = set((doc.get("volumes") or {}).keys())
    waited_for = set()
    for s in services.values():
        for dep, cond in (s.get("depends_on") or {}).items():
            if isinstance(cond, dict) and \
                    cond.get("condition") == "service_healthy":
                waited_for.add(dep)
    servers = []
    for name, s in services.items():
        if "image" not in s and "build" not in s:
            fail(f"{name}: neither image nor build")
        command = s.get("command")
        if isinstance(command, str):
            fail(f"{name}: command as a string (give a list, no shell "
                 "word splitting surprises)")
            continue
        tls = False
        if command:
            command = [compose_text(str(c)) for c in command]
            tls = any(c.startswith(("--tls-cert", "--https-cert"))
                      for c in command)
            if command[0] in ("sh", "bash") and command[1] == "-c":
                syntax = subprocess.run([command[0], "-n", "-c", command[2]],
                                        capture_output=True, text=True)
                if syntax.returncode != 0:
                    fail(f"{name}: {command[0]} -n: {syntax.stderr}")
                if "token issue" in command[2]:
                    dry_run_token_step(name, command[2])
            else:
                check_flags(name, command, helps)
            if command[0] == "pqtrack-server":
                url = [c for c in command if c.startswith("--database-url")]
                servers.append((name, url[0] if url else ""))
        health = (s.get("healthcheck") or {}).get("test")
        if health:
            health = [compose_text(str(h)) for h in health]
            if health[0] != "CMD":
                fail(f"{name}: healthcheck test should be CMD [...]")
            argv = health[1:]
            if argv[0] in ("sh", "bash") and argv[1] == "-c":
                syntax = subprocess.run([argv[0], "-n", "-c", argv[2]],
                                        capture_output=True, text=True)
                if syntax.returncode != 0:
                    fail(f"{name}: healthcheck {argv[0]} -n: {syntax.stderr}")
            else:
                check_flags(name + " healthcheck", argv, helps)
        elif name in waited_for or s.get("ports"):
            fail(f"{name}: others wait for it (or it has ports) but it has "
                 "no healthcheck")
        for port in s.get("ports") or []:
            if not str(port).startswith("127.0.0.1:") and not tls:
                fail(f"{name}: port {port} is published beyond loopback in "
                     "plain text")
        for vol in s.get("volumes") or []:
            source = str(vol).split(":", 1)[0]
            if source.startswith((".", "/")):
                continue
            if source not in declared:
                fail(f"{name}: volume {source} is not declared")
    if len(servers) < 2:
        fail(f"want two server replicas, found {len(servers)}")
    elif len({url for _, url in servers}) != 1 or not servers[0][1]:
        fail(f"the replicas do not share one --database-url: {servers}")


def run_set(source):
    out = subprocess.run([os.path.join(source, "scripts/install-deps"),
                          "--list", "run"], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


def depends_closure(packages):
    """The installed packages `packages` need, themselves included."""
    seen, todo = set(), list(packages)
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Depends},${Pre-Depends}", p],
            capture_output=True, text=True)
        for alt in re.split(r"[,]", out.stdout):
            for choice in alt.split("|"):
                name = choice.strip().split(" ")[0].split(":")[0]
                if name:
                    todo.append(name)
    return seen


def essential():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Priority}\n"],
                         capture_output=True, text=True, check=True)
    return {line.split()[0] for line in out.stdout.splitlines()
            if line.split()[1:] in (["required"], ["important"])}


def check_image(source, binaries):
    dockerfile = open(os.path.join(source, "docker/Dockerfile")).read()
    stages = re.split(r"^FROM ", dockerfile, flags=re.M)
    runtime = stages[-1]
    for stage in stages[1:-1]:
        # The build set has no GoogleTest: the tests must be left out.
        if re.search(r"install-deps build\b(?! run| test)", stage) and \
                "PQTRACK_BUILD_TESTS=0" not in stage:
            fail("a build stage installs the build set alone but builds "
                 "the tests (set PQTRACK_BUILD_TESTS=0)")
    if not re.search(r"install-deps run\b", runtime):
        fail("the runtime stage does not install install-deps's run set")
    for word in ("build-essential", "clang-format", "libgtest", "-dev"):
        if word in runtime:
            fail(f"the runtime stage mentions {word}")
    for b in binaries:
        if os.path.basename(b) not in runtime:
            fail(f"the runtime image does not carry {os.path.basename(b)}")
    wanted = run_set(source)
    have = depends_closure(wanted) | essential()
    libs = set()
    for b in binaries:
        out = subprocess.run(["ldd", b], capture_output=True, text=True,
                             check=True)
        for line in out.stdout.splitlines():
            m = re.search(r"=> (\S+)", line)
            if m:
                libs.add(m.group(1))
    for lib in sorted(libs):
        owner = None
        for candidate in {lib, os.path.realpath(lib),
                          lib.replace("/lib/", "/usr/lib/", 1),
                          os.path.realpath(lib).replace("/usr/lib/", "/lib/",
                                                        1)}:
            out = subprocess.run(["dpkg", "-S", candidate],
                                 capture_output=True, text=True)
            if out.returncode == 0:
                owner = out.stdout.split(":")[0]
                break
        if owner is None:
            fail(f"no package owns {lib}")
        elif owner not in have:
            fail(f"{lib} comes from {owner}, which the run set does not "
                 "bring")


def main():
    source, server, cli, notify, web = sys.argv[1:6]
    binaries = [server, cli, notify, web]
    helps = {os.path.basename(b): help_text(b) for b in binaries}
    check_compose(os.path.join(source, "docker/compose.yaml"), helps)
    check_image(source, binaries)
    if failures:
        print(f"{len(failures)} problem(s)")
        sys.exit(1)
    print("compose file and runtime image: OK")


if __name__ == "__main__":
    main()
