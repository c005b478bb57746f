"""What runs on each host after serving: the planned containers with only their own NPUs, the driver read-only,
no privileges; the remediation kept; nothing at all where the plan was refused."""
import json

testinfra_hosts = ["ansible://ascend_hosts"]
MANAGEMENT = {"/dev/davinci_manager", "/dev/devmm_svm", "/dev/hisi_hdc"}
EXPECTED = {
    # host: {instance: (chips, port)}
    "mol-srv-b4": {"gptoss-20b-0": ([0, 1], 8000), "gptoss-20b-1": ([2, 3], 8001),
                   "gptoss-20b-2": ([4, 5], 8002), "gptoss-20b-3": ([6, 7], 8003)},
    "mol-srv-rope": {"gptoss-20b-0": ([0], 8000), "gptoss-20b-1": ([1], 8001)},
    "mol-srv-120b": {},
    "mol-srv-hccl": {"gptoss-20b-0": ([0, 1], 8000), "gptoss-20b-1": ([2, 3], 8001)},
}
# Both instances of mol-srv-hccl are forced onto one HCCL port: whichever binds it first serves.
COLLIDING = "mol-srv-hccl"


def containers(host):
    names = host.check_output("docker ps -a --filter label=io.npuops.gptoss.instance --format '{{.Names}}'").split()
    return {n: json.loads(host.check_output(f"docker inspect {n}"))[0] for n in names}


def test_exactly_the_planned_instances_run(host):
    hostname = host.backend.get_hostname()
    want = EXPECTED[hostname]
    running = containers(host)
    assert sorted(running) == sorted(want)
    healthy = [n for n, c in running.items() if c["State"]["Running"] and c["State"]["Health"]["Status"] == "healthy"]
    assert len(healthy) == (1 if hostname == COLLIDING else len(want)), healthy


def test_instances_have_distinct_hccl_ports(host):
    hostname = host.backend.get_hostname()
    ports = {}
    for name, c in containers(host).items():
        env = dict(e.split("=", 1) for e in c["Config"]["Env"])
        ports[name] = env.get("HCCL_IF_BASE_PORT")
    if hostname == "mol-srv-b4":
        # TP2 x4 on the host network: 32 HCCL ports each, from 60000.
        assert ports == {"gptoss-20b-%d" % i: str(60000 + 32 * i) for i in range(4)}
    elif hostname == "mol-srv-rope":
        assert set(ports.values()) == {None}  # single chips use no HCCL


def test_forced_hccl_port_collision_shows_the_real_bind_failure(host):
    if host.backend.get_hostname() != COLLIDING:
        return
    failed = [n for n, c in containers(host).items() if c["State"]["Health"]["Status"] != "healthy"
              or c["RestartCount"] > 0]
    assert len(failed) == 1, failed
    log = host.run(f"docker logs --tail 200 {failed[0]}").stderr
    # vllm-ascend issue 405's text, from the stand-in's real listener on the host network.
    assert "Failed to bind the IP port. Reason: The IP address and port have been bound already." in log
    assert "host nic listen start failed, port[60000], return[11][FUNC:StartListenSocket]" in log


def test_each_instance_has_only_its_own_npus(host):
    want = EXPECTED[host.backend.get_hostname()]
    for name, c in containers(host).items():
        chips, port = want[name]
        devices = {d["PathOnHost"] for d in c["HostConfig"]["Devices"]}
        assert devices == {f"/dev/davinci{i}" for i in chips} | MANAGEMENT, name
        env = dict(e.split("=", 1) for e in c["Config"]["Env"])
        assert env["ASCEND_RT_VISIBLE_DEVICES"] == ",".join(str(i) for i in range(len(chips)))
        assert c["Config"]["Labels"]["io.npuops.gptoss.port"] == str(port)
        assert f"--port" in c["Config"]["Cmd"] and str(port) in c["Config"]["Cmd"]


def test_driver_read_only_and_no_privileges(host):
    for name, c in containers(host).items():
        assert c["HostConfig"]["Privileged"] is False, name
        mounts = {m["Destination"]: m for m in c["Mounts"]}
        for path in ("/usr/local/Ascend/driver/lib64", "/usr/local/Ascend/driver/version.info", "/usr/local/dcmi",
                     "/usr/local/bin/npu-smi", "/etc/ascend_install.info"):
            assert mounts[path]["RW"] is False, f"{name}: {path}"
        assert "--dtype" in c["Config"]["Cmd"] and "bfloat16" in c["Config"]["Cmd"]


def test_remediation_is_kept_where_it_was_needed(host):
    hostname = host.backend.get_hostname()
    for name, c in containers(host).items():
        assert ("--enforce-eager" in c["Config"]["Cmd"]) == (hostname == "mol-srv-rope"), name
    if hostname == "mol-srv-120b":
        assert not host.file("/etc/ansible/facts.d/npuops_serving.fact").exists
    else:
        fact = json.loads(host.file("/etc/ansible/facts.d/npuops_serving.fact").content_string)
        # Each kept step is the change it makes, so the next run applies it without a table of names.
        want = [{"name": "enforce_eager", "kind": "rope_operation", "args": ["--enforce-eager"],
                 "reason": "run without ACL graphs"}] if hostname == "mol-srv-rope" else []
        assert fact["remediations"] == want
