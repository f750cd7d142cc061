"""Each part of cadre work keeps its own routes next to its views."""

from cadrework.views import evaluations, inspections, pools, retention

app_name = "cadrework"
urlpatterns = [
    *pools.urlpatterns,
    *evaluations.urlpatterns,
    *retention.urlpatterns,
    *inspections.urlpatterns,
]
