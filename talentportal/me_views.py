"""The signed-in user's own pages: every application across all sections, and notifications."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from talentportal import workflow
from talentportal.forms import SpecificRequiredMessagesMixin
from talentportal.lists import PortalListView
from talentportal.models import (
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    Notification,
)
from talentportal.uploads import file_response


class RespondForm(SpecificRequiredMessagesMixin, forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    document = forms.FileField(
        label=gettext_lazy("Add a document"),
        help_text=gettext_lazy("PDF, JPEG or PNG, at most 10 MB."),
        required=False,
    )


class ApplicationListView(LoginRequiredMixin, PortalListView):
    template_name = "me/application_list.html"
    context_object_name = "applications"
    paginate_by = 20

    def get_queryset(self):
        applications = workflow.applications_of(self.request.user)
        for application in applications:
            application.next_step = workflow.next_step(application)
            application.continue_url = application.resume_url()
        return applications


def _own_application(request, reference):
    application = workflow.application_get(reference)
    if application is None or application.applicant_id != request.user.pk:
        raise Http404
    return application


@login_required
def application_detail(request, reference, form=None):
    application = _own_application(request, reference)
    return render(
        request,
        "me/application_detail.html",
        {
            "application": application,
            "next_step": workflow.next_step(application),
            "answers": application.answers_summary(),
            "continue_url": application.resume_url(),
            "events": ApplicationEvent.objects.filter(reference=reference).select_related("actor"),
            "documents": ApplicationDocument.objects.filter(reference=reference),
            "form": form or RespondForm(),
            "can_withdraw": ApplicationStatus.WITHDRAWN
            in workflow.ALLOWED.get(application.status, ()),
            "is_open": application.status not in ApplicationStatus.closed(),
        },
    )


@login_required
@require_POST
def application_respond(request, reference):
    """A message from the applicant, with an optional document. When the office asked for
    more information, this is the answer and the application goes back to review."""
    application = _own_application(request, reference)
    form = RespondForm(request.POST, request.FILES)
    if not form.is_valid():
        return application_detail(request, reference, form=form)
    try:
        resubmitted = workflow.application_respond(
            application=application,
            by=request.user,
            message=form.cleaned_data["message"],
            document=form.cleaned_data["document"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return application_detail(request, reference, form=form)
    if resubmitted:
        messages.success(request, _("Thank you. Your answer has been sent for review."))
    else:
        messages.success(request, _("Your message has been sent."))
    return redirect(application)


@login_required
@never_cache
def application_check(request, reference):
    """`/me/applications/<reference>/check/`: "check your answers" (GOV.UK): every answer and
    document of the draft, a link back to the form to change them, and the button that
    submits. The section's submit use case makes its own checks (required answers and
    documents, eligibility, the closing date) and what it refuses is shown here."""
    application = _own_application(request, reference)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(application)
    errors = []
    if request.method == "POST":
        try:
            application.submit_checked(by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("Application %(reference)s is submitted.") % {"reference": reference},
            )
            return redirect(application.submitted_url())
    return render(
        request,
        "me/application_check.html",
        {
            "application": application,
            "answers": application.answers_summary(),
            "documents": ApplicationDocument.objects.filter(reference=reference),
            "change_url": application.resume_url(),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@never_cache
def application_withdraw(request, reference):
    """GET: "Are you sure?" with what withdrawing means; POST with `confirm=yes`: withdraw.
    A POST without the confirmation (an old form, a stray click) only shows the question."""
    application = _own_application(request, reference)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        if ApplicationStatus.WITHDRAWN not in workflow.ALLOWED.get(application.status, ()):
            return redirect(application)
        return render(
            request,
            "me/application_withdraw.html",
            {"application": application},
            status=200 if request.method in ("GET", "HEAD") else 400,
        )
    try:
        workflow.application_withdraw(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect(application)


@login_required
def document_download(request, pk):
    """A document of an application, for its applicant and for staff; a 404 for anyone
    else, so that the existence of the file is not revealed."""
    document = get_object_or_404(ApplicationDocument, pk=pk)
    filename = workflow.document_open(document, request.user)
    if filename is None:
        raise Http404
    return file_response(document.file, filename=filename, content_type=document.content_type)


class NotificationListView(LoginRequiredMixin, PortalListView):
    template_name = "me/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)


@login_required
@require_POST
def notifications_mark_read(request):
    Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    messages.success(request, _("All notifications are marked as read."))
    return redirect("me:notifications")
