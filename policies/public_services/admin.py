"""The public-service catalogue in the admin: the services with their materials, and the queue
of applications to them.

Imported by `policies.admin`, so that the admin registers it.
"""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from policies.models import Benefit, ServiceApplication, ServiceItem, ServiceMaterial
from policies.public_services.forms import schema_label
from policies.services.amounts import service_amount_mismatches
from policies.templatetags.policy_tags import yuan
from talentportal.admin_base import ApplicationAdmin, RegionScopedAdmin


class ServiceMaterialInline(admin.TabularInline):
    model = ServiceMaterial
    extra = 1


@admin.register(ServiceItem)
class ServiceItemAdmin(RegionScopedAdmin):
    list_display = [
        "name_zh",
        "department_zh",
        "region",
        "promised_days",
        "is_online",
        "is_published",
    ]
    list_filter = ["is_published", "is_online", "region__level"]
    search_fields = ["name_zh", "name_en", "department_zh"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["policy"]
    readonly_fields = ["amounts_agree"]
    inlines = [ServiceMaterialInline]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "amounts_agree"]

    def get_queryset(self, request):
        amounts = Benefit.objects.only(
            "pk", "policy_id", "service_id", "amount_min", "amount_max", "period", "period_count"
        )
        return (
            super()
            .get_queryset(request)
            .select_related("policy")
            .prefetch_related(
                Prefetch("policy__benefits", queryset=amounts),
                Prefetch("benefits", queryset=amounts),
            )
        )

    @admin.display(description=_("amounts agree with the policy"), boolean=True)
    def amounts_agree(self, obj):
        if obj.pk is None or obj.policy_id is None:
            return None
        return not service_amount_mismatches(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            service = self.get_object(request, object_id)
            mismatches = service_amount_mismatches(service) if service else []
            if mismatches:
                messages.warning(
                    request,
                    ngettext(
                        "The service's text names an amount its policy's benefits do not: "
                        "%(amounts)s. Check the text against the policy.",
                        "The service's text names amounts its policy's benefits do not: "
                        "%(amounts)s. Check the text against the policy.",
                        len(mismatches),
                    )
                    % {"amounts": ", ".join(yuan(amount) for amount in mismatches)},
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ServiceApplication)
class ServiceApplicationAdmin(ApplicationAdmin):
    region_field = "service__region"
    workflow_fields = ["service", "answers_table", *ApplicationAdmin.workflow_fields]
    exclude = ["answers"]  # shown read-only, as a table (answers_table)
    list_display = [
        *ApplicationAdmin.list_display[:1],
        "service",
        *ApplicationAdmin.list_display[1:],
    ]
    list_filter = [*ApplicationAdmin.list_filter, "service", "service__region__level"]
    list_select_related = ["service", "applicant"]

    @admin.display(description=_("answers"))
    def answers_table(self, obj):
        """The applicant's answers as a table of question and answer, in the order of the
        service's form (answers to questions the form no longer has come last)."""
        answers = dict(obj.answers or {})
        rows = []
        for item in obj.service.form_schema or []:
            if isinstance(item, dict) and item.get("name") in answers:
                rows.append((schema_label(item), answers.pop(item["name"])))
        rows.extend(sorted(answers.items()))
        if not rows:
            return "—"
        return format_html(
            '<table class="answers-table"><tbody>{}</tbody></table>',
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td>{}</td></tr>',
                ((label, "—" if value in (None, "") else value) for label, value in rows),
            ),
        )
