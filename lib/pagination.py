"""A paginator that stops counting: the people of a province or of the whole country are
hundreds of thousands of rows, and counting them all took most of a list page's time."""

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows of a queryset. Past `cap`, `capped` is true, the page says
    "more than `cap`" and the pages offered stop at the cap's; under it, it is exact."""

    def __init__(self, object_list, per_page, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        # Without the order: counting needs no sort, and the slice lets the database stop.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
