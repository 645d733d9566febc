"""Bulk import and export of policies and benefits (django-import-export), CSV or XLSX.

The admin shows a dry-run preview first (nothing is saved until staff confirm it) with an
error next to each row that cannot be imported; valid rows of a file with invalid ones are not
imported either, so a file goes in whole or not at all.

Columns use the codes staff see elsewhere: a region by its division code (`330100`), industries
by their codes separated by commas, categories / talent groups / tiers / employer types by
their values separated by commas, dates as YYYY-MM-DD. A row with an empty `id` adds a policy
(as a draft: publishing is an admin action that tells followers); a row with an `id` updates
that policy. Status, version and timestamps are exported but never imported.

A region-scoped staff member imports only rows of their region and the regions below it, and
updates only their own policies; every other row is an error. A change of a benefit's amount
or eligibility goes through `benefit_update()`, which bumps its version and tells the talents
whose calculator result changes.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from policies.models import Benefit, Policy
from policies.permissions import may_edit_region, policies_editable_by
from policies.services import benefit_update
from talentportal.exports import FormulaSafeResource
from talentportal.models import Industry, Region


def _printable(value, limit=40) -> str:
    text = "".join(char for char in str(value) if char.isprintable())
    return text[:limit] + ("…" if len(text) > limit else "")


class CodeForeignKeyWidget(widgets.ForeignKeyWidget):
    """A related object by a code; an unknown code is a readable row error."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(model)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": _printable(value)}
            ) from None
        except (TypeError, ValueError):
            raise ValueError(
                _("“%(value)s” is not a valid reference.") % {"value": _printable(value)}
            ) from None


class CodesManyToManyWidget(widgets.ManyToManyWidget):
    """Related objects by comma-separated codes; unknown codes are a readable row error."""

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        codes = [code.strip() for code in str(value).split(self.separator) if code.strip()]
        found = self.model.objects.filter(**{f"{self.field}__in": codes})
        unknown = sorted(set(codes) - {getattr(obj, self.field) for obj in found})
        if unknown:
            raise ValueError(
                _("Unknown codes: %(codes)s.") % {"codes": ", ".join(map(_printable, unknown))}
            )
        return found


class ArrayWidget(widgets.SimpleArrayWidget):
    """Comma-separated values, blanks and surrounding spaces dropped."""

    def __init__(self):
        super().__init__(separator=",")

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return []
        return [part.strip() for part in str(value).split(self.separator) if part.strip()]


class ScopedResource(FormulaSafeResource):
    """Knows who imports (`user`), to keep region-scoped staff to their region. Exported
    text cannot run as a spreadsheet formula."""

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def editable_policies(self):
        return policies_editable_by(self.user)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many columns are only written after saving; check their codes now, so that
        # an unknown code is an error of the row, shown in the preview.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        errors.update(self.scope_errors(instance))
        if errors:
            raise ValidationError(errors)

    def scope_errors(self, instance) -> dict:
        return {}


class PolicyResource(ScopedResource):
    region = fields.Field(
        attribute="region",
        column_name="region",
        widget=CodeForeignKeyWidget(Region, field="code"),
    )
    categories = fields.Field(
        attribute="categories", column_name="categories", widget=ArrayWidget()
    )
    talent_groups = fields.Field(
        attribute="talent_groups", column_name="talent_groups", widget=ArrayWidget()
    )
    industries = fields.Field(
        attribute="industries",
        column_name="industries",
        widget=CodesManyToManyWidget(Industry, field="code", separator=","),
    )
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    replaced_by = fields.Field(attribute="replaced_by_id", column_name="replaced_by", readonly=True)
    last_reviewed_on = fields.Field(
        attribute="last_reviewed_on", column_name="last_reviewed_on", widget=widgets.DateWidget()
    )

    class Meta:
        model = Policy
        fields = (
            "id",
            "title_zh",
            "title_en",
            "summary_zh",
            "summary_en",
            "body_zh",
            "body_en",
            "authority_zh",
            "authority_en",
            "document_number",
            "region",
            "categories",
            "talent_groups",
            "industries",
            "issued_on",
            "effective_on",
            "expires_on",
            "is_major",
            "source_url",
            "last_reviewed_on",
            "status",
            "replaced_by",
        )
        export_order = fields
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        """An empty id adds a policy; an id must be one of the policies the user may edit."""
        value = row.get("id")
        if value in (None, ""):
            return None
        try:
            pk = int(str(value).strip())
        except ValueError:
            raise ValidationError(
                {"id": _("“%(value)s” is not a policy number.") % {"value": _printable(value)}}
            ) from None
        policy = self.editable_policies().filter(pk=pk).first()
        if policy is None:
            raise ValidationError(
                {
                    "id": _(
                        "There is no policy %(id)s that you may change. Leave the id empty "
                        "to add a new policy."
                    )
                    % {"id": pk}
                }
            )
        return policy

    def get_queryset(self):
        return self.editable_policies().select_related("region").prefetch_related("industries")

    def scope_errors(self, instance) -> dict:
        if instance.region_id and not may_edit_region(self.user, instance.region):
            return {
                "region": [
                    _(
                        "You may only add or change policies of your region and the regions "
                        "below it."
                    )
                ]
            }
        return {}


class BenefitResource(ScopedResource):
    policy = fields.Field(
        attribute="policy", column_name="policy", widget=CodeForeignKeyWidget(Policy, field="pk")
    )
    tiers = fields.Field(attribute="tiers", column_name="tiers", widget=ArrayWidget())
    enterprise_types = fields.Field(
        attribute="enterprise_types", column_name="enterprise_types", widget=ArrayWidget()
    )
    industries = fields.Field(
        attribute="industries",
        column_name="industries",
        widget=CodesManyToManyWidget(Industry, field="code", separator=","),
    )
    version = fields.Field(attribute="version", column_name="version", readonly=True)

    class Meta:
        model = Benefit
        fields = (
            "id",
            "policy",
            "kind",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "amount_min",
            "amount_max",
            "period",
            "period_count",
            "min_degree",
            "max_age",
            "tiers",
            "max_years_since_graduation",
            "overseas_required",
            "industries",
            "must_work_in_region",
            "must_live_in_region",
            "enterprise_types",
            "position",
            "version",
        )
        export_order = fields
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        value = row.get("id")
        if value in (None, ""):
            return None
        try:
            pk = int(str(value).strip())
        except ValueError:
            raise ValidationError(
                {"id": _("“%(value)s” is not a benefit number.") % {"value": _printable(value)}}
            ) from None
        benefit = (
            Benefit.objects.filter(pk=pk, policy__in=self.editable_policies())
            .select_related("policy")
            .first()
        )
        if benefit is None:
            raise ValidationError(
                {
                    "id": _(
                        "There is no benefit %(id)s that you may change. Leave the id empty "
                        "to add a new benefit."
                    )
                    % {"id": pk}
                }
            )
        return benefit

    def get_queryset(self):
        return Benefit.objects.filter(policy__in=self.editable_policies()).prefetch_related(
            "industries"
        )

    def scope_errors(self, instance) -> dict:
        if (
            instance.policy_id
            and not self.editable_policies().filter(pk=instance.policy_id).exists()
        ):
            return {"policy": [_("You may only change benefits of your region's policies.")]}
        return {}

    def save_instance(self, instance, is_create, row, **kwargs):
        """New benefits are saved as they are; a change of an existing one goes through
        `benefit_update()` (version and notifications), industries included."""
        if is_create or (not self._is_using_transactions(kwargs) and self._is_dry_run(kwargs)):
            return super().save_instance(instance, is_create, row, **kwargs)
        self.before_save_instance(instance, row, **kwargs)
        changes = {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if field.attribute not in ("id", "policy", "industries", "version")
            and field.column_name in row
        }
        if "industries" in row:
            changes["industries"] = list(self.fields["industries"].clean(row))
        benefit_update(benefit=instance, by=self.user, **changes)
        self.after_save_instance(instance, row, **kwargs)
