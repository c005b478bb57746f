import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils.ascend_version import AscendVersionError, compare


@pytest.mark.parametrize("lower, higher", [
    ("25.0.rc1.1", "25.2.0"),       # the openEuler 24.03 driver floor
    ("7.5.0.1.129", "7.7.0.2.220"),  # firmware floor
    ("25.2.rc1", "25.2.0"),          # a release candidate precedes its release
    ("24.1.RC2", "24.1.rc3"),        # case does not matter
    ("24.1.rc3.7", "24.1.0"),
    ("8.2.RC1", "8.5.0"),
    ("8.5.0", "8.5.1"),
    ("25.0.rc1", "25.0.rc1.1"),
    ("23.0.5", "24.1.rc1"),
])
def test_order(lower, higher):
    assert compare(lower, higher) == -1
    assert compare(higher, lower) == 1


@pytest.mark.parametrize("a, b", [("25.2", "25.2.0"), ("24.1.RC2", "24.1.rc2"), ("8.5.1", "8.5.1.0")])
def test_equal(a, b):
    assert compare(a, b) == 0


@pytest.mark.parametrize("bad", ["", "latest", "25.x.1", "25..1", "v25.0"])
def test_not_a_version(bad):
    with pytest.raises(AscendVersionError):
        compare(bad, "1.0")
