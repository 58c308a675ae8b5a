"""Demo content for 红课: data (``content``), pictures (``images``) and the tree builder."""
