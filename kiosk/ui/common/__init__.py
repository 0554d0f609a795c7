"""Shared by every Kivy terminal: the CJK font chain, sizes and colours, the app plumbing."""
