"""Shared test settings. Every server a test talks to runs on 127.0.0.1."""
