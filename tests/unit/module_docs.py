"""One check for every module: DOCUMENTATION's options are exactly main()'s argument_spec."""
from __future__ import annotations

import contextlib

import yaml


class _Captured(Exception):
    pass


def argument_spec_of(module, monkeypatch) -> tuple[dict, dict]:
    """The argument_spec and the other AnsibleModule arguments main() passes, without running the module."""
    captured = {}

    def fake_module(argument_spec, **kwargs):
        captured.update(argument_spec=argument_spec, kwargs=kwargs)
        raise _Captured()

    monkeypatch.setattr(module, "AnsibleModule", fake_module)
    with contextlib.suppress(_Captured):
        module.main()
    return captured["argument_spec"], captured["kwargs"]


def assert_documented_as_specified(module, monkeypatch) -> dict:
    """Every option documented with the spec's type, default, required, elements and choices; returns the spec."""
    spec, kwargs = argument_spec_of(module, monkeypatch)
    documented = yaml.safe_load(module.DOCUMENTATION)["options"]
    assert kwargs.get("supports_check_mode") is True
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert (doc["type"], doc.get("default"), doc.get("required", False), doc.get("elements"), doc.get("choices")) == (
            option["type"], option.get("default"), option.get("required", False), option.get("elements"),
            option.get("choices")), name
    yaml.safe_load(module.EXAMPLES)
    yaml.safe_load(module.RETURN)
    return spec
