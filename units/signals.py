from django.dispatch import Signal

# Sent inside the reorganisation's transaction when a unit stops existing on `effective_on`.
# `successor` is the unit that takes over its people (a merge), or None (a dissolution).
# The people app ends (and, for a merge, carries over) the positions held in it.
unit_ended = Signal()
