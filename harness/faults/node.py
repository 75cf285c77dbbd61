"""Node faults as scenario steps, through the node backend (harness.nodes):

- `kill_agent`: SIGKILL os-collect-config's main process (systemd's Restart=on-failure brings it
  back, and stops what was left in its cgroup - a running hook dies with it);
- `reboot`, `power_off`, `power_on`: the backend's lifecycle calls;
- `partition` (optionally healed by itself after `heal_after` seconds) and `heal`;
- `fill_disk` / `free_disk`: a file that takes the free space (or `bytes`) of the filesystem the
  agent writes to (/var/lib/os-collect-config), bounded by `max_bytes`, removed by `free_disk`.

`params.when` picks the moment: `now` (default), `hook` (a heat-config hook is running on the
node), `idle` (the agent sleeps between polls) or a mapping of those with `deployed: N` (the node
has N deployments marked deployed), all true at once; `params.timeout` bounds the wait.
"""
from __future__ import annotations

import threading
import time

from harness.runner_state import StepFailed

AGENT_UNIT = "os-collect-config"
AGENT_DIR = "/var/lib/os-collect-config"
FILLER = f"{AGENT_DIR}/.harness-fault-filler"
DEPLOYED_DIR = "/var/lib/heat-config/deployed"
# Bracketed so that the probe's own shell (whose command line holds the pattern) never matches.
HOOK_PATTERN = "heat-config/[h]ooks/"  # /usr/libexec/heat-config/hooks (RDO) or /var/lib/...
DEFAULT_MAX_FILL = 1 << 30  # never take more than this of the host's disk


def _nodes(run, args: dict) -> list:
    if not args.get("nodes"):
        raise StepFailed(f"fault {args.get('kind')}: name the nodes (e.g. nodes: ComputeDeployedServer-0)")
    return run.select(args["nodes"])


def _params(args: dict) -> dict:
    return dict(args.get("params") or {})


def wait_for_moment(run, node, params: dict) -> str:
    """Block until the moment the step asks for has come on `node`; say what was seen."""
    when = params.get("when", "now")
    if when == "now":
        return "now"
    timeout = float(params.get("timeout", 300))
    deadline = time.monotonic() + timeout
    probe, wanted = _probe(when if isinstance(when, dict) else {str(when): True})
    while time.monotonic() < deadline:
        if node.exec(["/bin/sh", "-c", probe]).ok:
            return wanted
        time.sleep(0.1)
    raise StepFailed(f"{run.label_of(node)}: waited {timeout:.0f}s for {wanted}; it never came")


def _probe(when: dict) -> tuple[str, str]:
    """The shell test for a moment: `deployed` (N files marked deployed), `hook` (a hook is
    running), `idle` (no os-refresh-config run in progress: the agent sleeps between polls)."""
    unknown = set(when) - {"deployed", "hook", "idle"}
    if unknown or not when or ("deployed" in when and not isinstance(when["deployed"], int)):
        raise StepFailed(f"fault params.when must be now, hook, idle or a mapping of deployed: N, "
                         f"hook: true, idle: true; not {when!r}")
    tests, said = [], []
    if "deployed" in when:
        # <id>.json per deployment; <id>.notify.json (the signal sent) does not count
        tests.append(f"test $(ls {DEPLOYED_DIR} 2>/dev/null | grep -v '\\.notify\\.json$' "
                     f"| grep -c '\\.json$') -ge {when['deployed']}")
        said.append(f"{when['deployed']} deployment(s) marked deployed")
    if when.get("hook"):
        tests.append(f"pgrep -f {HOOK_PATTERN} >/dev/null")
        said.append("a heat-config hook running")
    if when.get("idle"):
        tests.append("! pgrep -f '[o]s-refresh-config|[h]eat-config-notify' >/dev/null")
        said.append("the agent idle between polls")
    return " && ".join(tests), " and ".join(said)


def kill_agent(run, args: dict) -> str:
    done = []
    for node in _nodes(run, args):
        moment = wait_for_moment(run, node, _params(args))
        shown = node.exec(["systemctl", "show", "-p", "MainPID", "--value", AGENT_UNIT])
        pid = shown.stdout.strip()
        if not shown.ok or pid in ("", "0"):
            raise StepFailed(f"{run.label_of(node)}: {AGENT_UNIT} is not running (MainPID {pid!r}); "
                             "configure the agent before killing it")
        killed = node.exec(["kill", "-KILL", pid])
        if not killed.ok:
            raise StepFailed(f"{run.label_of(node)}: kill -KILL {pid} failed: {killed.stderr.strip()}")
        done.append(f"{run.label_of(node)} (pid {pid}, at: {moment})")
    return "SIGKILLed the agent on " + ", ".join(done)


def _lifecycle(method: str):
    def fault(run, args: dict) -> str:
        names = []
        for node in _nodes(run, args):
            wait_for_moment(run, node, _params(args))
            getattr(node, method)()
            names.append(run.label_of(node))
        return f"{method} {', '.join(names)}"
    return fault


def partition(run, args: dict) -> str:
    nodes = _nodes(run, args)
    for node in nodes:
        wait_for_moment(run, node, _params(args))
        node.partition()
    heal_after = _params(args).get("heal_after")
    labels = ", ".join(run.label_of(n) for n in nodes)
    if heal_after is None:
        return f"partitioned {labels} from the undercloud network"
    # A timer, not a sleep: the scenario's next step (a wait) runs while the node is cut off.
    timer = threading.Timer(float(heal_after), lambda: [n.heal() for n in nodes])
    timer.daemon = True
    timer.start()
    run.snapshots.setdefault("heal_timers", []).append(timer)
    return f"partitioned {labels}; healing after {float(heal_after):.0f}s"


def fill_disk(run, args: dict) -> str:
    params = _params(args)
    leave = int(params.get("leave_bytes", 0))
    bound = int(params.get("max_bytes", DEFAULT_MAX_FILL))
    done = []
    for node in _nodes(run, args):
        label = run.label_of(node)
        avail = node.exec(["df", "-B1", "--output=avail", AGENT_DIR])
        lines = avail.stdout.split()
        if not avail.ok or len(lines) < 2 or not lines[-1].isdigit():
            raise StepFailed(f"{label}: cannot read the free space of {AGENT_DIR}: {avail.stderr.strip()}")
        free = int(lines[-1])
        # `bytes`: take exactly that much; otherwise all the free space but `leave_bytes`
        size = int(params["bytes"]) if "bytes" in params else free - leave
        if size > free:
            raise StepFailed(f"{label}: {AGENT_DIR} has only {free} bytes free, cannot take {size}")
        if size > bound:
            raise StepFailed(f"{label}: {AGENT_DIR} has {int(lines[-1])} bytes free (the host's disk); "
                             f"filling it would take more than max_bytes={bound}: raise max_bytes "
                             "knowingly, or give the node a small filesystem there")
        if size > 0:
            made = node.exec(["fallocate", "-l", str(size), FILLER])
            if not made.ok:
                raise StepFailed(f"{label}: fallocate {size} {FILLER} failed: {made.stderr.strip()}")
        done.append(f"{label} ({max(size, 0)} bytes)")
    return "filled the agent's filesystem on " + ", ".join(done)


def free_disk(run, args: dict) -> str:
    for node in _nodes(run, args):
        node.exec(["rm", "-f", FILLER])
    return "removed the filler file"


NODE_KINDS = {
    "kill_agent": kill_agent,
    "reboot": _lifecycle("reboot"),
    "power_off": _lifecycle("power_off"),
    "power_on": _lifecycle("power_on"),
    "partition": partition,
    "heal": _lifecycle("heal"),
    "fill_disk": fill_disk,
    "free_disk": free_disk,
}
