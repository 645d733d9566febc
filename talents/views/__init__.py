"""The talent resource library's pages, one module per part of the section:

- `access`: who is asking (the enterprise a user acts for, a talent's profile) and the gates in
  front of the pages; the masked candidate summaries every enterprise page shows;
- `candidates`: the section's front page, candidate search, a candidate's page, contact
  details, résumé, shortlist and contact requests;
- `evaluation`: nominations for a talent tier, and the public check of a talent card;
- `profile`: the talent's own profile, résumé, privacy and consents, viewers, contact requests
  received, their data;
- `postings`: the public lists of demands and internships, their pages, applying;
- `enterprises`: an enterprise's public page, registration and joining, and its own pages:
  dashboard, shortlist, sent requests, postings, received applications.

Views stay thin: filters parse the query string, forms parse what was posted, and every write
and every read of personal data goes through `talents.services`, which checks the rules and
writes the access log.

Who may see what:

- candidate search, candidate pages, the shortlist and contact requests: members of a
  verified enterprise; anyone else signed in gets a 404 (nothing tells an unverified or
  another enterprise that a talent or page exists), anonymous visitors the log-in page;
- `/me/profile/…`: talent accounts, their own data only;
- `/demands/`, `/internships/`, talent cards: everyone; applying: talents;
- `/enterprise/…`: members of the enterprise; posting and processing: verified ones.

Every list runs a fixed number of queries, and counts stop at a cap (`talentportal.lists`),
so no page counts a million rows.
"""
