import logging
import sys

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import FormView, TemplateView, UpdateView

from talentportal import security_log, signup
from talentportal.caching import CACHE_UNAVAILABLE
from talentportal.forms import AccountForm, ResendForm, SignupForm
from talentportal.home import home_figures
from talentportal.middleware import is_database_outage, service_unavailable
from talentportal.models import AccountKind, Discipline, Industry, Region, RegionLevel
from talentportal.ratelimit import RateLimitMixin, rate_limit

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


class SignupView(RateLimitMixin, FormView):
    """The same answer whether or not the address has an account: the "check your e-mail"
    page, and a mail to the address (talentportal.signup)."""

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
        data = form.cleaned_data
        try:
            signup.signup_request(
                kind=data["kind"],
                username=data["username"],
                email=data["email"],
                display_name=data["display_name"],
                password=data["password1"],
                language=self.request.LANGUAGE_CODE,
                origin=origin(self.request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.request.session[signup.SESSION_KEY] = data["email"]
        return redirect("accounts:signup_sent")


def origin(request) -> str:
    """The request's scheme and host ("https://host"), which start the links in mails (the
    host is one of ALLOWED_HOSTS: Django refuses any other)."""
    return f"{request.scheme}://{request.get_host()}"


@never_cache
def signup_sent(request):
    return render(
        request,
        "registration/signup_sent.html",
        {"email": request.session.get(signup.SESSION_KEY, ""), "days": signup.CONFIRMATION_DAYS},
    )


@never_cache
def signup_confirm(request, uidb64, token):
    """A link from a confirmation mail: a button to confirm (a link scanner that opens every
    link in a mail must not use it up), then the account is active and the person goes on to
    the step they signed up for, signed in when this is the browser they signed up in."""
    if request.method == "POST":
        user = signup.account_confirm(uidb64=uidb64, token=token)
    else:
        user = signup.account_from_link(uidb64, token)
    if user is None:
        return render(
            request, "registration/signup_confirm.html", {"validlink": False, "form": ResendForm()}
        )
    if request.method != "POST":
        return render(request, "registration/signup_confirm.html", {"validlink": True})
    next_url = signup.next_step_url(user)
    if request.session.get(signup.SESSION_KEY, "").lower() == user.email.lower():
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop(signup.SESSION_KEY, None)
        messages.success(request, _("Welcome! Your e-mail address is confirmed."))
        return redirect(next_url)
    messages.success(request, _("Your e-mail address is confirmed. Log in to continue."))
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


@never_cache
@rate_limit("signup", methods=["POST"])
def signup_resend(request):
    """A new confirmation link. The same answer for every address: only an account waiting
    for confirmation gets a mail."""
    form = ResendForm(request.POST or None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        signup.confirmation_resend(
            email=email, language=request.LANGUAGE_CODE, origin=origin(request)
        )
        request.session[signup.SESSION_KEY] = email
        return redirect("accounts:signup_sent")
    return render(request, "registration/signup_resend.html", {"form": form})


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
