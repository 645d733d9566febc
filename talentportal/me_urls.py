from django.urls import path

from talentportal import me_views

app_name = "me"

urlpatterns = [
    path("applications/", me_views.ApplicationListView.as_view(), name="applications"),
    path("applications/<str:reference>/", me_views.application_detail, name="application"),
    path(
        "applications/<str:reference>/respond/",
        me_views.application_respond,
        name="application_respond",
    ),
    path(
        "applications/<str:reference>/check/",
        me_views.application_check,
        name="application_check",
    ),
    path(
        "applications/<str:reference>/withdraw/",
        me_views.application_withdraw,
        name="application_withdraw",
    ),
    path("documents/<int:pk>/", me_views.document_download, name="document"),
    path("notifications/", me_views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", me_views.notifications_mark_read, name="notifications_read"),
]
