"""The talent's own pages under `/me/profile/`: the profile and résumé, privacy and consents,
who viewed the profile, contact requests received and their answers, export of all their data
and deletion of the account. Talent accounts only, their own data only.
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from talentportal.lists import PortalListView
from talentportal.ratelimit import rate_limit
from talentportal.uploads import file_response
from talents import services
from talents.filters import Catalogues
from talents.forms import (
    ConsentForm,
    DeleteAccountForm,
    EducationFormSet,
    ExperienceFormSet,
    ProfileForm,
    ResumeForm,
    VisibilityForm,
    apply_service_error,
)
from talents.models import ConsentPurpose, ContactRequest, ContactStatus, Talent, Visibility
from talents.privacy import masked_parts
from talents.services import EXPERIENCE_FIELDS
from talents.views.access import CANDIDATE_CAP, TalentRequired, login_and_talent


def profile_nav(active: str) -> dict:
    return {"profile_section": active}


class ProfileEditView(TalentRequired, View):
    """`/me/profile/`: the profile, its education and experience, and the résumé."""

    template_name = "talents/profile/edit.html"

    @cached_property
    def catalogues(self):
        return Catalogues()

    def forms(self, data=None):
        talent = self.talent
        kwargs = {"regions": self.catalogues.regions, "industries": self.catalogues.industries}
        disciplines = self.catalogues.disciplines
        if talent is None:
            initial = {"name": self.request.user.get_full_name() or ""}
            profile = ProfileForm(data, initial=initial, **kwargs)
            educations, experiences = [], []
        else:
            profile = ProfileForm(data, instance=talent, **kwargs)
            educations = [
                {
                    name: getattr(e, f"{name}_id" if name == "discipline" else name)
                    for name in ("degree", "discipline", "school", "graduation_year", "overseas")
                }
                for e in talent.educations.all()
            ]
            experiences = [
                {name: getattr(x, name) for name in EXPERIENCE_FIELDS}
                for x in talent.experiences.all()
            ]
        education_set = EducationFormSet(
            data,
            initial=educations,
            prefix="education",
            form_kwargs={"disciplines": disciplines},
        )
        experience_set = ExperienceFormSet(data, initial=experiences, prefix="experience")
        return profile, education_set, experience_set

    def get(self, request, *args, **kwargs):
        return self.render(*self.forms())

    def post(self, request, *args, **kwargs):
        profile, education_set, experience_set = self.forms(request.POST)
        valid = all([profile.is_valid(), education_set.is_valid(), experience_set.is_valid()])
        if valid:
            values = profile.service_fields()
            try:
                services.talent_profile_save(
                    user=request.user,
                    educations=education_set.rows(),
                    experiences=experience_set.rows(),
                    industries=values["industries"],
                    work_regions=values["work_regions"],
                    **values["fields"],
                )
            except ValidationError as error:
                apply_service_error(profile, error)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("talents:me_profile")
        return self.render(profile, education_set, experience_set, status=400)

    def render(self, profile, education_set, experience_set, status=200):
        context = {
            "form": profile,
            "education_set": education_set,
            "experience_set": experience_set,
            "talent": self.talent,
            "summary": masked_parts(self.talent) if self.talent else None,
            "resume_form": ResumeForm(),
            "resume_consent": self.request.user.consents.in_force()
            .filter(purpose=ConsentPurpose.RESUME_PROCESSING)
            .exists(),
            **profile_nav("profile"),
        }
        return render(self.request, self.template_name, context, status=status)


@require_POST
@login_and_talent
def resume_upload(request, *, talent):
    form = ResumeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.talent_resume_upload(user=request.user, upload=form.cleaned_data["resume"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your résumé has been uploaded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("talents:me_profile") + "#resume")


@never_cache
@login_and_talent
def resume_delete(request, *, talent):
    """GET: "Are you sure?"; POST with `confirm=yes`: delete the résumé. A POST without the
    confirmation (an old form, a stray click) only asks."""
    if talent is None or not talent.resume:
        return redirect(reverse("talents:me_profile") + "#resume")
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(
            request,
            "talents/profile/resume_delete.html",
            {"talent": talent, **profile_nav("profile")},
            status=200 if request.method in ("GET", "HEAD") else 400,
        )
    services.talent_resume_remove(talent=talent)
    messages.success(request, _("Your résumé has been deleted."))
    return redirect(reverse("talents:me_profile") + "#resume")


@never_cache
@login_and_talent
def resume_download(request, *, talent):
    """The talent's own résumé (no log entry: it is their own)."""
    if talent is None or not talent.resume:
        raise Http404
    return file_response(talent.resume, filename="resume.pdf", content_type="application/pdf")


class PrivacyView(TalentRequired, View):
    """`/me/profile/privacy/`: who may find the profile, consents with one-click withdrawal."""

    template_name = "talents/profile/privacy.html"

    def get(self, request, *args, **kwargs):
        talent = self.talent
        initial = {
            "visibility": talent.visibility if talent else Visibility.HIDDEN,
            "contact_visible_to_verified": talent.contact_visible_to_verified if talent else False,
        }
        return self.render(VisibilityForm(initial=initial))

    def post(self, request, *args, **kwargs):
        form = VisibilityForm(request.POST)
        if form.is_valid():
            try:
                services.talent_profile_save(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Your choices have been saved."))
                return redirect("talents:me_privacy")
        return self.render(form, status=400)

    def render(self, form, status=200):
        consents = list(services.consents_of(self.request.user))
        in_force = {c.purpose for c in consents if c.in_force}
        context = {
            "form": form,
            "talent": self.talent,
            "consents": consents,
            "missing": [
                (purpose, label)
                for purpose, label in ConsentPurpose.choices
                if purpose not in in_force
            ],
            "search_consent": ConsentPurpose.PROFILE_SEARCH in in_force,
            "notice_version": services.NOTICE_VERSION,
            **profile_nav("privacy"),
        }
        return render(self.request, self.template_name, context, status=status)


@require_POST
@login_and_talent
def consent_give(request, *, talent):
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.consent_give(user=request.user, purpose=form.cleaned_data["purpose"])
        messages.success(request, _("Thank you. Your consent has been recorded."))
    else:
        messages.error(request, _("This is not something you can agree to."))
    return redirect("talents:me_privacy")


@require_POST
@login_and_talent
def consent_withdraw(request, pk, *, talent):
    """One click withdraws a consent, with effect at once."""
    consent = get_object_or_404(request.user.consents.in_force(), pk=pk)
    services.consent_withdraw(user=request.user, purpose=consent.purpose)
    messages.success(
        request,
        _("You have withdrawn your consent: “%(purpose)s”. This took effect immediately.")
        % {"purpose": consent.get_purpose_display()},
    )
    return redirect("talents:me_privacy")


class ProfileViewersView(TalentRequired, PortalListView):
    """`/me/profile/viewers/`: who viewed my profile, contact details or résumé, newest
    first (from the append-only access log)."""

    template_name = "talents/profile/viewers.html"
    context_object_name = "accesses"
    paginate_by = 25
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        if self.talent is None:
            return Talent.objects.none()
        return services.profile_accesses_of(self.talent).order_by("-at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(talent=self.talent, **profile_nav("viewers"), **kwargs)


class ContactRequestListView(TalentRequired, PortalListView):
    """`/me/profile/requests/`: enterprises asking for contact details; accept or decline."""

    template_name = "talents/profile/requests.html"
    context_object_name = "contact_requests"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        if self.talent is None:
            return ContactRequest.objects.none()
        return (
            ContactRequest.objects.filter(talent=self.talent)
            .select_related("enterprise", "enterprise__region")
            .order_by(
                Case(
                    When(status=ContactStatus.PENDING, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                "-created_at",
                "-pk",
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(talent=self.talent, **profile_nav("requests"), **kwargs)


ANSWERS = {
    "accept": (services.contact_request_accept, _("You accepted the request of %(enterprise)s.")),
    "decline": (services.contact_request_decline, _("You declined the request of %(enterprise)s.")),
    "revoke": (
        services.contact_request_revoke,
        _("%(enterprise)s may no longer see your contact details."),
    ),
}


@require_POST
@login_and_talent
def contact_request_answer(request, pk, answer, *, talent):
    if answer not in ANSWERS or talent is None:
        raise Http404
    contact = get_object_or_404(
        ContactRequest.objects.select_related("enterprise"), pk=pk, talent=talent
    )
    service, message = ANSWERS[answer]
    try:
        service(request=contact, by=request.user)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, message % {"enterprise": contact.enterprise.display_name})
    return redirect("talents:me_requests")


class MyDataView(TalentRequired, TemplateView):
    """`/me/profile/data/`: export everything, or delete the account."""

    template_name = "talents/profile/data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(talent=self.talent, **profile_nav("data"), **kwargs)


@never_cache
@login_and_talent
@rate_limit("export")
def profile_export(request, *, talent):
    """All my data as a JSON file (GET, so that the browser downloads it)."""
    data = services.talent_export(request.user)
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-talentportal-data-{stamp}.json"'
    return response


class ProfileDeleteView(TalentRequired, View):
    """`/me/profile/delete/`: confirm with the password; the profile leaves every search at
    once, personal data is removed, the person is logged out."""

    template_name = "talents/profile/delete.html"

    def get(self, request, *args, **kwargs):
        return self.render(DeleteAccountForm(user=request.user))

    def post(self, request, *args, **kwargs):
        form = DeleteAccountForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        services.talent_delete(request.user)
        logout(request)
        return render(request, "talents/profile/deleted.html")

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "talent": self.talent, **profile_nav("data")},
            status=status,
        )
