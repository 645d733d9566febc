"""Staff sessions end after 30 idle minutes; other users keep the normal session age.

The time of the last request is kept in the session, written at most once a minute so that a
busy staff member does not cost a session write per request.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from talentportal.models import AccountKind

LAST_SEEN_SESSION_KEY = "staff_last_seen"
WRITE_EVERY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.is_staff or user.kind == AccountKind.STAFF)
        ):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            idle = settings.STAFF_SESSION_IDLE_SECONDS
            if last_seen is not None and now - last_seen > idle:
                logout(request)
                messages.warning(
                    request,
                    _(
                        "You were logged out after %(minutes)d minutes without activity. "
                        "Please log in again."
                    )
                    % {"minutes": idle // 60},
                )
                login_url = reverse("accounts:login")
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - last_seen >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)
