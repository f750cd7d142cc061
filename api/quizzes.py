"""E-learning quizzes: to be completed."""

from ninja import Router

router = Router(tags=["e-learning"])
