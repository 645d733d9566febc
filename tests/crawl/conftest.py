def pytest_terminal_summary(terminalreporter):
    """The crawl's size and time at the end of the run, when it ran."""
    from tests.crawl.test_crawl import summary

    line = summary()
    if line:
        terminalreporter.write_line(line)
