"""The member's own pages: 我的学习 (with export and erasure) and 为你推荐 with its JSON."""
