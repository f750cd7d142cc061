"""Inspections: to be completed."""

from ninja import Router

router = Router(tags=["cadre work"])
