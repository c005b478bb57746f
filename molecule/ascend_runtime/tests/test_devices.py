"""Both device modes give each instance the chips its plan names on an A3 whose physical ids differ from its logic
ids: logic 0,1 are /dev/davinci8,9 and logic 2,3 are /dev/davinci10,11. The N of /dev/davinciN and of
ASCEND_VISIBLE_DEVICES is the physical id (Ascend Docker Runtime README and runtime/main.go); ASCEND_RT_VISIBLE_DEVICES
numbers what the container sees from 0 (CANN: logic ids of the visible devices)."""
import json
import re

testinfra_hosts = ["ansible://ascend_hosts"]
MANAGEMENT = {"/dev/davinci_manager", "/dev/devmm_svm", "/dev/hisi_hdc"}
# instance: (logic ids on the host, physical ids = /dev/davinciN)
PLAN = {"gptoss-20b-0": ([0, 1], [8, 9]), "gptoss-20b-1": ([2, 3], [10, 11])}


def containers(host):
    names = host.check_output("docker ps -a --filter label=io.npuops.gptoss.instance --format '{{.Names}}'").split()
    return {n: json.loads(host.check_output(f"docker inspect {n}"))[0] for n in names}


def env_of(c):
    return dict(e.split("=", 1) for e in c["Config"]["Env"])


def test_the_planned_instances_serve(host):
    running = containers(host)
    assert sorted(running) == sorted(PLAN)
    for name, c in running.items():
        assert c["State"]["Running"] and c["State"]["Health"]["Status"] == "healthy", name
        assert c["Config"]["Labels"]["io.npuops.gptoss.chips"] == ",".join(map(str, PLAN[name][0]))


def test_the_container_sees_exactly_its_physical_davinci_nodes(host):
    for name, c in containers(host).items():
        listing = host.check_output(f"docker exec {name} python3 -c \"import os; print(' '.join(os.listdir('/dev')))\"")
        nodes = sorted(int(m.group(1)) for m in map(re.compile(r"davinci(\d+)$").match, listing.split()) if m)
        assert nodes == PLAN[name][1], name
        assert env_of(c)["ASCEND_RT_VISIBLE_DEVICES"] == "0,1", name


def test_each_mode_hands_the_devices_over_its_own_way(host):
    runtime = host.backend.get_hostname() == "mol-a3-runtime"
    for name, c in containers(host).items():
        given = {d["PathOnHost"] for d in c["HostConfig"]["Devices"] or []}
        if runtime:
            assert c["HostConfig"]["Runtime"] == "ascend", name
            assert given == set(), name
            assert env_of(c)["ASCEND_VISIBLE_DEVICES"] == ",".join(map(str, PLAN[name][1])), name
        else:
            assert given == {f"/dev/davinci{n}" for n in PLAN[name][1]} | MANAGEMENT, name
            assert "ASCEND_VISIBLE_DEVICES" not in env_of(c), name


def test_host_npu_smi_shows_each_engine_on_its_planned_chips(host):
    # Logic 0,1 are the two dies of NPU 0 and logic 2,3 those of NPU 1 (`npu-smi info -m`).
    table = host.check_output("npu-smi info")
    engines = {}
    for npu, chip, pid in re.findall(r"^\| (\d+) +(\d+) +\| (\d+) +\|", table, re.M):
        engines.setdefault(pid, set()).add((int(npu), int(chip)))
    assert sorted(engines.values(), key=min) == [{(0, 0), (0, 1)}, {(1, 0), (1, 1)}], table


def test_the_refused_run_left_the_containers_alone(host):
    # The converge's second run with a missing npu-smi stopped before any container changed: they still mount the
    # discovered npu-smi.
    if host.backend.get_hostname() != "mol-a3-mounts":
        return
    for name, c in containers(host).items():
        sources = {m["Destination"]: m["Source"] for m in c["Mounts"]}
        assert "npu-smi-absent" not in sources["/usr/local/bin/npu-smi"], name
