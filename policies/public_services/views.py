"""The public-service catalogue and online applications.

    /services/                     the catalogue: search and filters (filters.py)
    /services/<id>/                what a service is, who may apply, what to prepare
    /services/<id>/apply/          the application form, with a draft that is kept
    /services/applied/<reference>/ the confirmation with the reference number

An application starts as a draft the first time the form is saved or submitted, and the apply
page resumes it on every later visit, from any browser. The writes are the use cases of
policies/public_services/services.py. Double submission never makes two applications:

- the database allows one draft per applicant and service (a partial unique constraint), so
  two requests that both start an application end up with the same draft;
- the draft is locked while it is saved and submitted, so of two submissions of it one
  submits and the other finds it submitted;
- every form carries the draft it was shown for (`reference`), or, when there was none yet,
  a signed time (`started`): a form posted again after its application was submitted (the
  back button) finds that application and says it was already submitted.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from policies.models import POLICY_TEXT_FIELDS, PolicyStatus, ServiceApplication, ServiceItem
from policies.public_services.filters import ServiceFilterSet
from policies.public_services.forms import ServiceApplicationForm
from policies.public_services.services import (
    service_application_save,
    service_draft_get_or_create,
)
from talentportal.i18n import localized
from talentportal.lists import PortalFilterView
from talentportal.models import ApplicationDocument, ApplicationStatus
from talentportal.ratelimit import RateLimitMixin
from talentportal.uploads import max_upload_bytes

STARTED_SALT = "policies.services.apply.started"
#: Policy columns a service page never shows (the policy's full text and search columns).
POLICY_DEFERRED = tuple(f"policy__{name}" for name in POLICY_TEXT_FIELDS)


def visible_services(user):
    """Published services; unpublished ones too for staff, to check them before publishing."""
    services = ServiceItem.objects.all()
    if user.is_authenticated and user.is_active and user.is_staff:
        return services
    return services.published()


# Catalogue ---------------------------------------------------------------------------------


class ServiceListView(PortalFilterView):
    """`/services/`: every published service, searchable and filterable.

    Queries: what the filters offer (regions and departments, two queries), one COUNT and
    one page of services with their region; nothing per service."""

    model = ServiceItem
    filterset_class = ServiceFilterSet
    template_name = "policies/services/service_list.html"
    paginate_by = 12

    def get_queryset(self):
        return (
            ServiceItem.objects.published()
            .select_related("region")
            .defer("form_schema", "audience_zh", "audience_en", "fees_zh", "fees_en")
            .order_by("position", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for service in context["page_obj"].object_list:
            service.description = localized(service, "description")
        return context


class ServiceDetailView(DetailView):
    """`/services/<id>/`: what the service is, who may apply, what to prepare, how long it
    takes and what it costs, the policy it implements, and how to apply."""

    template_name = "policies/services/service_detail.html"
    context_object_name = "service"

    def get_queryset(self):
        return (
            visible_services(self.request.user)
            .select_related("region", "policy")
            .defer(*POLICY_DEFERRED)
            .prefetch_related("materials")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.object
        policy = service.policy
        user = self.request.user
        mine = (
            list(ServiceApplication.objects.of(user).filter(service=service).open())
            if user.is_authenticated
            else []
        )
        context.update(
            description=localized(service, "description"),
            audience=localized(service, "audience"),
            fees=localized(service, "fees"),
            materials=list(service.materials.all()),
            upload_limit=max_upload_bytes(),
            policy=policy if policy is not None and policy.status != PolicyStatus.DRAFT else None,
            # The amounts come from the policies, never from the service's own text.
            benefits=list(
                service.benefits.filter(policy__status=PolicyStatus.PUBLISHED)
                .defer("search_tokens")
                .prefetch_related("industries")
                .order_by("policy_id", "position", "pk")
            ),
            my_applications=mine,
            my_draft=next((a for a in mine if a.status == ApplicationStatus.DRAFT), None),
        )
        return context


# Applying ----------------------------------------------------------------------------------


def started_token() -> str:
    return signing.dumps(timezone.now().timestamp(), salt=STARTED_SALT)


def started_at(token: str) -> datetime.datetime | None:
    """When the form carrying `token` was shown; None when the token is missing or forged."""
    try:
        timestamp = signing.loads(token, salt=STARTED_SALT)
        return datetime.datetime.fromtimestamp(float(timestamp), tz=datetime.UTC)
    except (signing.BadSignature, TypeError, ValueError, OverflowError):
        return None


@method_decorator([login_required, never_cache], name="dispatch")
class ServiceApplyView(RateLimitMixin, View):
    """`/services/<id>/apply/`: GET shows the form (resuming the draft), POST saves the draft
    (`action=save`), checks it and goes on to "check your answers" (`action=check`, the
    form's main button) or submits it at once (`action=submit`). An offline service shows
    how to apply in person instead. Never cached: personal answers stay out of shared caches,
    and the back button shows the application as it is now."""

    template_name = "policies/services/service_apply.html"
    rate_limit_group = "submit"
    rate_limit_methods = ["POST"]
    offline_template_name = "policies/services/service_offline.html"

    def dispatch(self, request, *args, pk, **kwargs):
        self.service = get_object_or_404(
            ServiceItem.objects.published().select_related("region"), pk=pk
        )
        self.materials = list(self.service.materials.all())
        if not self.service.is_online:
            status = 200 if request.method in ("GET", "HEAD") else 400
            return render(
                request,
                self.offline_template_name,
                {"service": self.service, "materials": self.materials},
                status=status,
            )
        return super().dispatch(request, *args, **kwargs)

    def mine(self):
        return ServiceApplication.objects.filter(applicant=self.request.user, service=self.service)

    def get(self, request, *args, **kwargs):
        draft = self.mine().filter(status=ApplicationStatus.DRAFT).first()
        form = self.make_form(
            initial=ServiceApplicationForm.initial_from(
                draft.answers if draft else {}, self.service.form_schema
            ),
            application=draft,
        )
        return self.render_form(form, draft)

    def post(self, request, *args, **kwargs):
        # "check": validate as for submitting, save, then "check your answers" submits.
        checking = request.POST.get("action") == "check"
        submitting = checking or request.POST.get("action") == "submit"
        application = self.posted_application()
        if application is not None and application.status != ApplicationStatus.DRAFT:
            return self.already_submitted(application)
        form = self.make_form(
            data=request.POST,
            files=request.FILES,
            application=application,
            submitting=submitting,
        )
        form.is_valid()
        if application is None:
            if submitting and not form.has_content():
                # An empty form submitted (a page re-opened with the back button after its
                # application was sent): nothing worth a draft, only the errors to show.
                return self.render_form(form, None, status=400)
            application = service_draft_get_or_create(service=self.service, applicant=request.user)
        saved = service_application_save(
            application=application,
            by=request.user,
            answers=form.answers,
            uploads=form.uploads(),
            submit=submitting and not checking and not form.errors,
        )
        application = saved.application
        if saved.was_not_a_draft:
            # Submitted by a concurrent request (a double click) a moment ago.
            return self.already_submitted(application)
        for material, error in saved.refused:
            form.add_error(f"material_{material.pk}", error)
        if form.errors:
            # What was valid is kept in the draft; show the rest with its errors.
            form.show_documents(self.documents_of(application))
            return self.render_form(form, application, status=400)
        if checking:
            return redirect("me:application_check", reference=application.reference)
        if submitting:
            messages.success(request, _("Your application has been submitted."))
            return redirect("policies:service_applied", reference=application.reference)
        messages.success(
            request,
            _("Your draft is saved. You can come back to it at any time, from any device."),
        )
        return redirect("policies:service_apply", pk=self.service.pk)

    def posted_application(self) -> ServiceApplication | None:
        """The application the posted form was shown for: its draft, or one created after
        the form was shown (the form was posted before); None for a fresh form."""
        reference = self.request.POST.get("reference", "")
        if reference:
            application = self.mine().filter(reference=reference[:20]).first()
            if application is None:
                raise Http404
            return application
        started = started_at(self.request.POST.get("started", ""))
        if started is not None:
            since = self.mine().filter(created_at__gte=started).order_by("created_at").first()
            if since is not None:
                return since
        return self.mine().filter(status=ApplicationStatus.DRAFT).first()

    def already_submitted(self, application):
        if application.status == ApplicationStatus.WITHDRAWN:
            messages.warning(
                self.request,
                _("Application %(reference)s was withdrawn; nothing was changed.")
                % {"reference": application.reference},
            )
            return redirect(application)
        messages.warning(
            self.request,
            _(
                "Application %(reference)s has already been submitted; it was not submitted "
                "again and nothing was changed."
            )
            % {"reference": application.reference},
        )
        return redirect("policies:service_applied", reference=application.reference)

    @staticmethod
    def documents_of(application) -> list[ApplicationDocument]:
        if application is None:
            return []
        return list(ApplicationDocument.objects.filter(reference=application.reference))

    def make_form(self, *, application, **kwargs):
        return ServiceApplicationForm(
            service=self.service,
            materials=self.materials,
            documents=self.documents_of(application),
            **kwargs,
        )

    def render_form(self, form, application, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "service": self.service,
                "form": form,
                "application": application,
                "started": started_token() if application is None else "",
                "submitted": list(
                    self.mine()
                    .exclude(status=ApplicationStatus.DRAFT)
                    .open()
                    .order_by("-created_at")[:3]
                ),
            },
            status=status,
        )


@login_required
@never_cache
def service_applied(request, reference):
    """`/services/applied/<reference>/`: the confirmation, for the applicant only."""
    application = get_object_or_404(
        ServiceApplication.objects.select_related("service"),
        reference=reference,
        applicant=request.user,
    )
    if application.status == ApplicationStatus.DRAFT:
        return redirect("policies:service_apply", pk=application.service_id)
    return render(
        request,
        "policies/services/service_applied.html",
        {
            "application": application,
            "service": application.service,
            "me_url": reverse("me:application", args=[application.reference]),
        },
    )
