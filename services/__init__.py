"""Glue shared by cli.py and ui/: fetch through data_access, compute through metrics."""
