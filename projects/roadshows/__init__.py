"""Projects, investors and roadshows: the project display, the investor databank, roadshows with
registration, waiting list and check-in.

Independent of `projects.programs` (an import-linter contract holds it); what both parts use
lives in `projects.models` or `talentportal`."""
