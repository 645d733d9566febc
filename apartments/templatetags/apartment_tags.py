"""Template helpers of the apartment pages.

    {% load apartment_tags %}
    {{ row.vacancy_rate|percent }}          0.1234 → "12.3%" (empty when there is no rate)
    {% apartment_status application %}      the applicant's panel of an apartment application:
                                            eligibility, rank and totals, offers, lease — for the
                                            shared "My applications" page (see the hook below)

The panel is what `/me/applications/<reference>/` shows for an apartment application when the
shared page includes `application.DETAIL_TEMPLATE`; it runs a fixed number of queries.
"""

from django import template

register = template.Library()


@register.filter
def percent(rate) -> str:
    if rate is None or rate == "":
        return ""
    try:
        return f"{float(rate) * 100:.1f}%"
    except (TypeError, ValueError):
        return ""


@register.inclusion_tag("apartments/includes/application_status.html", takes_context=True)
def apartment_status(context, application):
    from apartments.views import application_panel

    return {"request": context.get("request"), **application_panel(application)}
