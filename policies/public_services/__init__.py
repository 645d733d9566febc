"""The public-service catalogue (`/services/…`): the online services a talent office offers,
and the applications to them that staff process.

    views.py     the catalogue, a service's page, the apply page and its confirmation
    forms.py     the application form, generated from a service's `form_schema`
    filters.py   the catalogue's search and filters
    urls.py      its URLs, included by `policies/urls.py` (names `policies:service_…`)
    services.py  the use cases of an application: start a draft, save it, submit it
    admin.py     the services and the queue of applications in the admin

The models (`ServiceItem`, `ServiceMaterial`, `ServiceApplication`) are in `policies.models`.
"""
