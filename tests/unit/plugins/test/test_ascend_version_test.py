import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.test.ascend_version import TestModule as AscendTests, ascend_version


def test_operators():
    assert ascend_version("25.0.rc1.1", "<", "25.2.0")
    assert ascend_version("25.2.0", ">=", "25.2.0")
    assert not ascend_version("25.2.rc1", ">=", "25.2.0")
    assert ascend_version("7.7.0.2.220", "==", "7.7.0.2.220")


def test_bad_input_is_a_template_error():
    with pytest.raises(AnsibleFilterError, match="operator"):
        ascend_version("1.0", "=>", "1.0")
    with pytest.raises(AnsibleFilterError, match="not an Ascend version"):
        ascend_version("latest", ">=", "1.0")


def test_registered():
    assert AscendTests().tests()["ascend_version"] is ascend_version
