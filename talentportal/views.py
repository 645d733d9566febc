import logging
import sys

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import CreateView, TemplateView, UpdateView

from talentportal import security_log
from talentportal.caching import CACHE_UNAVAILABLE
from talentportal.forms import AccountForm, SignupForm
from talentportal.home import home_figures
from talentportal.middleware import is_database_outage, service_unavailable
from talentportal.models import AccountKind, Discipline, Industry, Region, RegionLevel
from talentportal.notifications import notification_send
from talentportal.ratelimit import RateLimitMixin

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "talentportal/home.html"

    def get_context_data(self, **kwargs):
        counts = cached_home_counts()
        return super().get_context_data(
            figures=counts,
            counters=[
                (counts["cities"], _("cities")),
                (counts["counties"], _("counties and districts")),
                (counts["industries"], _("industries")),
                (counts["disciplines"], _("disciplines")),
                (counts["talents"], _("registered talents")),
            ],
            provinces=Region.objects.provinces(),
            **kwargs,
        )


# Counting a million accounts on every visit to the home page would make it the slowest page
# of the site; the figures may be a minute old.
HOME_COUNTS_SECONDS = 60


def cached_home_counts() -> dict[str, int]:
    """The counts from the cache; counted now when the cache cannot be reached (Redis
    restarting: `make cluster-test`), which costs queries, not a 500."""
    try:
        return cache.get_or_set("home:counts", home_counts, HOME_COUNTS_SECONDS)
    except CACHE_UNAVAILABLE:
        logger.warning("home page counts not cached: cache unavailable", exc_info=True)
        return home_counts()


def home_counts() -> dict[str, int]:
    regions = Region.objects.aggregate(
        cities=Count("code", filter=Q(level=RegionLevel.CITY)),
        counties=Count("code", filter=Q(level=RegionLevel.COUNTY)),
    )
    return {
        **regions,
        "industries": Industry.objects.filter(is_active=True).count(),
        "disciplines": Discipline.objects.filter(parent__isnull=False).count(),
        # Counted as the statistics dashboard counts them (talents registers "talents"); an
        # account without a profile is not a registered talent.
        "talents": 0,
    } | home_figures()


class SignupView(RateLimitMixin, CreateView):
    form_class = SignupForm
    rate_limit_group = "signup"
    rate_limit_methods = ["POST"]
    template_name = "registration/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in AccountKind.values else {}

    def form_valid(self, form):
        form.instance.preferred_language = self.request.LANGUAGE_CODE
        response = super().form_valid(form)
        notification_send(
            recipient=self.object,
            template="talentportal/notifications/welcome",
            context={},
            url=reverse("accounts:profile"),
        )
        login(self.request, self.object, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome! Your account has been created."))
        return response

    #: Where each kind of account goes next: its organisation's registration (which staff
    #: verify, or a join request to one already registered); a talent to their account.
    NEXT_STEP = {
        AccountKind.ENTERPRISE: "talents:enterprise_register",
        AccountKind.INVESTOR: "projects:my_investor",
    }

    def get_success_url(self):
        return reverse(self.NEXT_STEP.get(self.object.kind, "accounts:profile"))


class AccountView(LoginRequiredMixin, UpdateView):
    form_class = AccountForm
    template_name = "registration/account.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your account details have been saved."))
        return super().form_valid(form)


@never_cache
def healthz(request):
    """Liveness and database reachability, for load balancers and `make run`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    template = loader.get_template("404.html")
    return HttpResponse(template.render({"request_path": request.path}, request), status=404)


def permission_denied(request, exception):
    """Every refusal goes to the security event log (`handler403`)."""
    security_log.record(
        request, security_log.Kind.PERMISSION_DENIED, outcome=security_log.Outcome.DENIED
    )
    template = loader.get_template("403.html")
    return HttpResponse(template.render({}, request), status=403)


@requires_csrf_token
def server_error(request):
    # The database was lost in a middleware rather than a view: still the friendly 503.
    if is_database_outage(sys.exc_info()[1]):
        return service_unavailable(request)
    # No context processors: a broken one must not hide the error page.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))
