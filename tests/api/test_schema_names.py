"""Two schemas of the API with one name share one component of the OpenAPI document: the
second silently replaces the first, and the document then describes one answer with the
other's fields (found when `ShareOut` of the training results met the pools' own)."""

import importlib
import inspect
import pkgutil

from ninja import Schema

import api


def test_every_schema_of_the_api_has_a_name_of_its_own():
    seen: dict[str, str] = {}
    clashes = []
    for info in pkgutil.iter_modules(api.__path__):
        module = importlib.import_module(f"api.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Schema) or cls.__module__ != module.__name__:
                continue
            if name in seen and seen[name] != module.__name__:
                clashes.append(f"{name}: {seen[name]} and {module.__name__}")
            seen.setdefault(name, module.__name__)
    assert not clashes, clashes
