"""The importer's tests start from a bare site, whatever demo data the session holds."""

import pytest
from wagtail.models import Page, Site

from home.models import HomePage


@pytest.fixture
def home() -> HomePage:
    """A site with only a home page: the tree is emptied inside the test's transaction."""
    root = Page.get_first_root_node()
    for page in root.get_children():
        page.delete()
    root.refresh_from_db()
    home = root.add_child(instance=HomePage(title="首页", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return home
