urlpatterns = []  # placeholder until the API lands
