from django.urls import path

from lectures import views

app_name = "lectures"

urlpatterns = [
    # A current encoding's files: /lectures/media/<document>/<source hash[:12]>/<name>
    path(
        "lectures/media/<id:document_id>/<str:token>/<path:name>",
        views.rendition,
        name="rendition",
    ),
    path("lectures/<id:page_id>/captions.vtt", views.captions, name="captions"),
    path("lectures/<id:page_id>/chapters.vtt", views.chapters, name="chapters"),
]
