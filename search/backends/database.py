"""The database backend (SQLite FTS5 or PostgreSQL) with segmented queries."""

from wagtail.search.backends.database import SearchBackend as vendor_backend

from search.backends import SegmentingBackendMixin

_segmenting_classes: dict[type, type] = {}


def SearchBackend(params):  # noqa: N802 - Wagtail looks up this name
    """Wrap whichever database backend Wagtail picks for the current database."""
    backend = vendor_backend(params)
    vendor_class = type(backend)
    if vendor_class not in _segmenting_classes:
        _segmenting_classes[vendor_class] = type(
            f"Segmenting{vendor_class.__name__}", (SegmentingBackendMixin, vendor_class), {}
        )
    backend.__class__ = _segmenting_classes[vendor_class]
    return backend
