"""The unit tree's materialised path, as every app cuts it.

Each unit contributes one fixed-width segment (its id) to the materialised path, so a
subtree is a prefix match and the ancestor at depth k is the first k segments. It lives here,
model-free, because accounts' scope cuts paths too and sits below units."""

PATH_WIDTH = 8
