"""The pieces of `make cluster` (scripts/cluster.py) that can be checked in a moment; the cluster
itself runs in `make cluster-test` (tests/perf/cluster.py, a few minutes). `make test` installs
HAProxy and redis-server first (scripts/ensure-cluster-packages), as it does Chromium."""

import json
import subprocess

from scripts import cluster


def test_the_load_balancer_configuration_is_valid(tmp_path):
    balancer = cluster.HAProxy(tmp_path, {"app1": 18001, "app2": 18002})
    path = tmp_path / "haproxy.cfg"
    path.write_text(balancer.config())
    result = subprocess.run(
        [cluster.find_program("haproxy"), "-c", "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "uri /ready/" in balancer.config()


def test_cluster_stop_ends_what_a_killed_cluster_left_running(tmp_path, monkeypatch):
    # The process that started the cluster is gone (killed); its Redis still runs.
    monkeypatch.setattr(cluster, "STATE_FILE", tmp_path / "state.json")
    redis = cluster.Redis(tmp_path / "redis")
    redis.start()
    try:
        gone = subprocess.Popen(["true"])
        gone.wait()
        state = {"pid": gone.pid, "root": str(tmp_path / "root")}
        state["groups"] = {"redis": redis.process.pid}
        cluster.STATE_FILE.write_text(json.dumps(state))
        assert cluster.stop_from_state() == 0
        assert redis.process.wait(timeout=10) is not None
        assert not cluster.STATE_FILE.exists()
    finally:
        redis.stop()


def test_cluster_stop_without_a_cluster_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cluster, "STATE_FILE", tmp_path / "state.json")
    assert cluster.stop_from_state() == 0
    assert "no cluster is running" in capsys.readouterr().err
