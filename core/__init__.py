"""The shared core: small rules every app needs, with no knowledge of any of them.

Text folding, Chinese segmentation, JSON request and response helpers, rate limits, CSV
downloads and the bulk-import framework. Nothing here imports another first-party app.
"""
