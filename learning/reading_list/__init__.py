"""为你推荐: a member's reading list, ranked from their own learning history.

Two layers, so the rules can be read, tested and benchmarked on their own:

* The ranking is pure: plain data in (history, catalogue, co-study counts, branch counts,
  dismissals), picks out. Every rule lives there: ``data`` (the plain data), ``scorers``
  (what each signal adds to an item's score, and the exploration item) and ``ranking``
  (``rank_items``, the recipe, and ``select``, the rules of the list).
* ``items.reading_list`` loads that data (``queries``: a few small indexed queries per
  member; what does not depend on the member is shared and cached, ``shared``) and attaches
  the pages to the picks.

``assigned`` lists the member's assigned items (待学任务), which lead the list, and
``dismiss`` handles 不感兴趣. Cache invalidation is connected in ``learning.signal_handlers``.

Rules, in order of precedence: never a completed or dismissed item, nor an event that has
started; at most ``TOPIC_CAP`` items per topic; one exploration item (拓展视野) from a topic
the member has never touched, when the catalogue has one; every item has a reason; when the
catalogue cannot fill the list under these rules, the list is shorter.

Cold start (no history): branch favourites, editors' featured items and new items, under
the same topic cap. Every topic is untouched then, so every item satisfies the exploration
rule; none is labelled 拓展视野, because there is nothing yet to widen and the real reason
(编辑推荐, 新上线, 本支部同学在学) tells the member more.
"""
