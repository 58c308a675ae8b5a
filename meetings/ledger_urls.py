from django.urls import path

from meetings import ledger_views

# branch/meetings/: the 台账 and the grid (the organiser's own branch, or 组织部's choice)
ledger_patterns = [
    path("ledger/<int:year>/", ledger_views.ledger_page, name="ledger"),
    path("ledger/<int:year>.csv", ledger_views.ledger_csv, name="ledger_csv"),
    path("ledger/<int:year>.xlsx", ledger_views.ledger_xlsx, name="ledger_xlsx"),
    path("grid/<int:year>/", ledger_views.grid_page, name="grid"),
]
# oversight/meetings/: 组织部, every branch by quarter
oversight_patterns = [
    path("", ledger_views.oversight_page, name="oversight"),
]
