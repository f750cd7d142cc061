from django.urls import path

from training import session_views, views

app_name = "training"
urlpatterns = [
    path("classes/", views.class_list, name="class_list"),
    path("classes/new/", views.class_create, name="class_create"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/calendar.ics", views.class_calendar, name="class_calendar"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("classes/<int:pk>/status/", views.class_status, name="class_status"),
    path("classes/<int:pk>/candidates/", views.candidates, name="candidates"),
    path("classes/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("classes/<int:pk>/decide/", views.class_decide, name="class_decide"),
    path("classes/<int:pk>/results/", views.class_results, name="class_results"),
    path(
        "enrolments/<int:pk>/accept/", views.enrolment_decide, {"decision": "accept"}, name="accept"
    ),
    path(
        "enrolments/<int:pk>/reject/", views.enrolment_decide, {"decision": "reject"}, name="reject"
    ),
    path("enrolments/<int:pk>/results/", views.results, name="results"),
    path("enrolments/<int:pk>/withdraw/", views.enrolment_withdraw, name="withdraw"),
    path("enrolments/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("records/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("records/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("classes/<int:pk>/certificates/", views.class_certificates, name="class_certificates"),
    path("certificate-template/", views.certificate_template, name="certificate_template"),
    path("people/<int:person_pk>/records/new/", views.external_record, name="external_record"),
    path("classes/<int:pk>/lecturers/", views.class_lecturer_add, name="class_lecturer_add"),
    path("lecturers/", views.lecturer_list, name="lecturer_list"),
    path("lecturers/new/", views.lecturer_create, name="lecturer_create"),
    path("lecturers/<int:pk>/", views.lecturer_detail, name="lecturer_detail"),
    path("chairs/", views.chairs, name="chairs"),
    path("statistics/", views.statistics, name="statistics"),
    # Issue 24 §4: sessions of a class, attendance per session, check-in by QR.
    path("classes/<int:pk>/sessions/", session_views.session_list, name="sessions"),
    path("classes/<int:pk>/sessions/new/", session_views.session_create, name="session_create"),
    path(
        "classes/<int:pk>/sessions/<int:session_pk>/edit/",
        session_views.session_edit,
        name="session_edit",
    ),
    path(
        "classes/<int:pk>/sessions/<int:session_pk>/delete/",
        session_views.session_delete,
        name="session_delete",
    ),
    path(
        "classes/<int:pk>/sessions/<int:session_pk>/attendance/",
        session_views.attendance,
        name="session_attendance",
    ),
    path("classes/<int:pk>/sessions/<int:session_pk>/qr/", session_views.qr, name="session_qr"),
    path(
        "classes/<int:pk>/sessions/<int:session_pk>/qr/code/",
        session_views.qr_code,
        name="session_qr_code",
    ),
    path("checkin/<int:pk>/<str:code>/", session_views.checkin, name="checkin"),
    path(
        "people/<int:person_pk>/sessions/",
        session_views.person_sessions,
        name="person_sessions",
    ),
]
