"""Quizzes: attempts drawn, timed and marked on the server (to be completed)."""
