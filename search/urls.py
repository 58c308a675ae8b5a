from django.urls import path

from search import tag_views, views

# search/
page_patterns = [path("", views.search, name="search")]
# api/search/
api_patterns = [
    path("", views.search_api, name="search_api"),
    path("suggest/", views.suggest_api, name="search_suggest"),
]
# tags/
tag_patterns = [
    path("", tag_views.tag_index, name="tag_index"),
    path("<str:tag>/", tag_views.tag_page, name="tag_page"),
]
