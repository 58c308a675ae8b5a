"""Elasticsearch 9 with a Chinese analyzer, for when one machine is not enough.

The cluster needs a Chinese analysis plugin: ``smartcn`` ships with Elasticsearch
(``bin/elasticsearch-plugin install analysis-smartcn``); IK (``ik_max_word``) works too,
set ``ELASTICSEARCH_ANALYZER=ik_max_word``. Queries are segmented here as well, so the
words we send match the words the cluster indexed.
"""

import copy

from wagtail.search.backends.elasticsearch9 import Elasticsearch9SearchBackend

from search.backends import SegmentingBackendMixin

DEFAULT_ANALYZER = "smartcn"


class ChineseElasticsearchBackend(SegmentingBackendMixin, Elasticsearch9SearchBackend):
    def __init__(self, params):
        params = dict(params)
        analyzer = params.pop("ANALYZER", DEFAULT_ANALYZER)
        super().__init__(params)
        # Wagtail's index settings, with the "default" analyzer (used by every full-text
        # field) replaced by the Chinese one; autocomplete keeps its edge n-grams.
        self.settings = copy.deepcopy(self.settings)
        analysis = self.settings["settings"]["analysis"]
        analysis.setdefault("analyzer", {})["default"] = {"type": analyzer}


SearchBackend = ChineseElasticsearchBackend
