"""Helpers of the ``move-commits`` codemod: detection, extraction, placement, rewriting."""
