"""Outputs: the files the program writes (workbooks, reports), one module per document."""
