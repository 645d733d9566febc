from django.contrib import admin

from policies.models import ServiceApplication, ServiceItem, ServiceMaterial
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
    inlines = [ServiceMaterialInline]


@admin.register(ServiceApplication)
class ServiceApplicationAdmin(ApplicationAdmin):
    region_field = "service__region"
    workflow_fields = ["service", "answers", *ApplicationAdmin.workflow_fields]
    list_display = [
        *ApplicationAdmin.list_display[:1],
        "service",
        *ApplicationAdmin.list_display[1:],
    ]
    list_filter = [*ApplicationAdmin.list_filter, "service", "service__region__level"]
    list_select_related = ["service", "applicant"]


# The policy library (policies, benefits, import/export, audit trail) has its own module.
from policies import library_admin  # noqa: E402, F401
