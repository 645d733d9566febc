# Benchmarks are run by `make bench` (python -m tests.perf.bench), never collected by pytest.
collect_ignore_glob = ["*"]
