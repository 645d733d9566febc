"""Mixed traffic for `make load` (tests/perf/load.py starts gunicorn and runs this headless).

    visitors (6 of 10)   home, policy list and pages, projects, apartments, in both languages
    searchers (3 of 10)  policy search; candidate search as a verified enterprise's member
    applicants (1 of 10) a talent opens a service's application form and submits it: a fresh
                         draft each time, CSRF token from the form, as a browser does

LOAD_DATA names a JSON file load.py writes: the session cookie name, logged-in sessions (made
without the login form: no lockout, no second-factor step per virtual user), the service to
apply to and the policy ids. Only 127.0.0.1 is ever the host.
"""

import itertools
import json
import os
import random
import re
from html import unescape

from locust import HttpUser, between, task

with open(os.environ["LOAD_DATA"], encoding="utf-8") as data_file:
    DATA = json.load(data_file)

SEARCH_TERMS = ["人才", "人才公寓", "住房补贴", "博士", "创业", "housing", "talent", "杭州"]
CANDIDATE_QUERIES = [
    "",
    "?degree=4",
    "?discipline=08&degree=3",
    "?region=330100",
    "?years_min=3&years_max=10",
]
TALENT_SESSIONS = itertools.cycle(DATA["talents"])


def hidden(body: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', body)
    return unescape(match.group(1)) if match else None


class Visitor(HttpUser):
    weight = 6
    wait_time = between(0, 1)

    @task(3)
    def home(self):
        self.client.get(random.choice(["/", "/en/"]), name="home")

    @task(3)
    def policies(self):
        self.client.get(random.choice(["/policies/", "/en/policies/"]), name="policy list")

    @task(4)
    def policy(self):
        self.client.get(f"/policies/{random.choice(DATA['policies'])}/", name="policy page")

    @task(2)
    def projects(self):
        self.client.get("/projects/", name="projects")

    @task(2)
    def apartments(self):
        self.client.get("/apartments/", name="apartments")


class Searcher(HttpUser):
    weight = 3
    wait_time = between(0, 1)

    def on_start(self):
        self.client.cookies.set(DATA["cookie_name"], DATA["enterprise"])

    @task(2)
    def policy_search(self):
        self.client.get(
            "/policies/", params={"q": random.choice(SEARCH_TERMS)}, name="policy search"
        )

    @task(1)
    def candidate_search(self):
        query = random.choice(CANDIDATE_QUERIES)
        self.client.get(f"/talents/search/{query}", name="candidate search")


class Applicant(HttpUser):
    weight = 1
    wait_time = between(0, 1)

    def on_start(self):
        self.client.cookies.set(DATA["cookie_name"], next(TALENT_SESSIONS))
        self.path = f"/services/{DATA['service']}/apply/"

    @task
    def apply(self):
        form = self.client.get(self.path, name="application form")
        if form.status_code != 200:
            return
        data = {
            "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
            "answer_employer": "浙江大学",
            "action": "submit",
        }
        for name in ("reference", "started"):
            if (value := hidden(form.text, name)) is not None:
                data[name] = value
        with self.client.post(
            self.path, data=data, allow_redirects=False, name="submit", catch_response=True
        ) as response:
            if response.status_code == 302 and "/services/applied/" in response.headers.get(
                "Location", ""
            ):
                response.success()
            else:
                response.failure(f"not submitted: {response.status_code}")
