from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
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

from talentportal.forms import AccountForm, SignupForm
from talentportal.models import AccountKind, Discipline, Industry, Region, RegionLevel, User
from talentportal.notifications import notification_send


class HomeView(TemplateView):
    template_name = "talentportal/home.html"

    def get_context_data(self, **kwargs):
        counts = Region.objects.aggregate(
            provinces=_count_level(RegionLevel.PROVINCE),
            cities=_count_level(RegionLevel.CITY),
            counties=_count_level(RegionLevel.COUNTY),
        )
        return super().get_context_data(
            counters=[
                (counts["cities"], _("cities")),
                (counts["counties"], _("counties and districts")),
                (Industry.objects.filter(is_active=True).count(), _("industries")),
                (Discipline.objects.filter(parent__isnull=False).count(), _("disciplines")),
                (User.objects.filter(kind=AccountKind.TALENT).count(), _("registered talents")),
            ],
            provinces=Region.objects.provinces(),
            **kwargs,
        )


def _count_level(level):
    return Count("code", filter=Q(level=level))


class SignupView(CreateView):
    form_class = SignupForm
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

    def get_success_url(self):
        return reverse("accounts:profile")


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


@requires_csrf_token
def server_error(request):
    # No context processors: a broken one must not hide the error page.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))
