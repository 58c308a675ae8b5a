"""The search backends, built without a database or a cluster."""

from search.backends.elasticsearch import ChineseElasticsearchBackend


def test_elasticsearch_backend_is_configured_for_chinese():
    """Runs without a cluster: building the backend opens no connection."""
    backend = ChineseElasticsearchBackend(
        {"URLS": ["http://127.0.0.1:9"], "ANALYZER": "ik_max_word"}
    )
    analyzers = backend.settings["settings"]["analysis"]["analyzer"]
    assert analyzers["default"] == {"type": "ik_max_word"}
    assert "edgengram_analyzer" in analyzers  # Wagtail's autocomplete analyzer is kept
    assert backend._segmented("井冈山革命博物馆，AND 延安") == "井冈山革命博物馆 and 延安"
