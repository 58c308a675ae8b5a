from django.urls import path

from lectures import views

app_name = "lectures"

# Under lectures/ (config/urls.py).
urlpatterns = [
    # A current encoding's files: /lectures/media/<document>/<source hash[:12]>/<name>
    path("media/<id:document_id>/<str:token>/<path:name>", views.rendition, name="rendition"),
    path("<id:page_id>/captions.vtt", views.captions, name="captions"),
    path("<id:page_id>/chapters.vtt", views.chapters, name="chapters"),
]
