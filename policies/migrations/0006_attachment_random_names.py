import django.core.validators
from django.db import migrations, models

import policies.models
import talentportal.uploads


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0005_benefit_version_trigger"),
    ]

    operations = [
        migrations.AlterField(
            model_name="policyattachment",
            name="file",
            field=models.FileField(
                max_length=200,
                upload_to=talentportal.uploads.RandomName("policies/attachments", ".pdf"),
                validators=[
                    django.core.validators.FileExtensionValidator(["pdf"]),
                    policies.models.validate_pdf,
                    policies.models.validate_attachment_size,
                ],
                verbose_name="file (PDF)",
            ),
        ),
    ]
